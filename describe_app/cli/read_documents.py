"""``describe-app read`` for documents: PDFs, multi-page TIFFs, page ranges and saving.

    describe-app read letter.pdf [--pages 2-5] [--out letter.txt|.md|.pdf] [--speak] [--json]
    describe-app read report.pdf --describe-images     also say what the pictures show

A PDF page with a text layer is read from it; a scanned page by OCR. Each page is printed
(and with ``--speak`` said) as soon as it is read, after "Page 3 of 12." on standard error,
so Ctrl+C keeps the pages already printed; ``--out`` with .txt or .md is rewritten after
every page for the same reason (a searchable .pdf is written at the end). A picture file
given with ``--out`` is read as a document of one page. With ``--layout`` (see
:mod:`describe_app.cli.documents`) each page is printed as Markdown.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from describe_app.cli.file_names import local_file_name, odd_file_name
from describe_app.cli.output import error, print_json, print_name, refuse_save_path
from describe_app.cli.speech import CommandLineSpeech
from describe_app.core.errors import ImageError
from describe_app.core.i18n import _

if TYPE_CHECKING:
    from PIL import Image

    from describe_app.core.describe.describer import Describer
    from describe_app.core.reading.document import Document, Page
    from describe_app.core.reading.document_reader import PictureDescriber, ReadOptions
    from describe_app.core.reading.ocr_reader import OcrReader


def add_document_read_options(p: argparse.ArgumentParser) -> None:
    """The ``read`` command's options for documents."""
    p.add_argument(
        "--pages", metavar="RANGE", help=_("only these pages of a PDF or TIFF, e.g. 2-5 or 1,3,7-")
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        help=_(
            "also save the text as FILE: .txt, .md, or .pdf (searchable: the page pictures "
            "with their words findable)"
        ),
    )
    p.add_argument(
        "--describe-images",
        action="store_true",
        help=_("also describe the pictures printed on PDF pages (with the model)"),
    )
    p.add_argument(
        "--model", metavar="NAME_OR_FOLDER", help=_("with --describe-images: the model to use")
    )


def wants_documents(args: argparse.Namespace) -> bool:
    """True when ``read`` should read its files as documents (page by page)."""
    from describe_app.core.reading.document_reader import is_document_file

    asked = (getattr(args, name, None) for name in ("out", "pages", "describe_images"))
    return any(asked) or any(map(is_document_file, args.images))


def run_read_documents(args: argparse.Namespace) -> int:
    """Read each file as a document; a bad file is said in one line and the others run."""
    from describe_app.core.reading.document_export import EXPORT_SUFFIXES
    from describe_app.core.reading.document_reader import SCAN_OCR_SETTINGS, ReadOptions
    from describe_app.core.reading.ocr_reader import OcrReader

    out = Path(args.out) if args.out else None
    if out is not None and len(args.images) > 1:
        error(_("Give one file to read when saving with --out."))
        return 2
    if out is not None and out.suffix.lower() not in EXPORT_SUFFIXES:
        error(
            _("Describe can save a document as .txt, .md or .pdf, not as {name}.").format(
                name=out.name
            )
        )
        return 2
    if out is not None and refuse_save_path(out):  # said before the reading, not after
        return 2
    options = ReadOptions(
        pages=args.pages,
        keep_images=out is not None and out.suffix.lower() == ".pdf",
        describe_picture=_picture_describer(args) if args.describe_images else None,
    )
    reader = OcrReader(SCAN_OCR_SETTINGS)
    result = 0
    with CommandLineSpeech(args) as speech:
        for path in args.images:
            odd = odd_file_name(path)  # a web address, "-", an empty name
            if odd is not None:
                error(str(odd))
                result = odd.exit_code
                continue
            try:
                path = local_file_name(path)  # a file:// address copied from a file manager
                result = _read_one(path, reader, options, args, speech, out) or result
            except ImageError as exc:
                error(str(exc))
                result = exc.exit_code
    return result


def _read_one(
    path: str,
    reader: OcrReader,
    options: ReadOptions,
    args: argparse.Namespace,
    speech: CommandLineSpeech,
    out: Path | None,
) -> int:
    """Read, print and say one document; a damaged page is said in one line and the pages
    after it are read (then 2 is returned, else 0)."""
    from describe_app.core.reading.document import Document
    from describe_app.core.reading.document_export import save_document
    from describe_app.core.reading.document_reader import read_document

    partial = Document(source=path)
    said = [0]

    def on_progress(sentence: str) -> None:
        print(sentence, file=sys.stderr, flush=True)

    def on_page(page: Page) -> None:
        if getattr(args, "layout", False):
            from describe_app.core.reading.page_layout import lay_out_page

            page = lay_out_page(page)
        if not partial.pages and len(args.images) > 1 and not args.json:
            print_name(path)
        partial.pages.append(page)
        _show_page(path, page, partial, args, speech, said)
        if out is not None and out.suffix.lower() != ".pdf":
            save_document(partial, out)  # a stop keeps what was read

    damaged: list[ImageError] = []

    def on_error(exc: ImageError) -> None:
        error(str(exc))
        damaged.append(exc)

    document = read_document(
        path, reader, options, on_progress=on_progress, on_page=on_page, on_error=on_error
    )
    partial.page_count = document.page_count
    if out is not None:
        save_document(partial, out)
        print(_("Saved {name}.").format(name=out.name), file=sys.stderr, flush=True)
    return damaged[-1].exit_code if damaged else 0


def _show_page(
    path: str,
    page: Page,
    document: Document,
    args: argparse.Namespace,
    speech: CommandLineSpeech,
    said: list[int],
) -> None:
    """Print the page (text, Markdown with --layout, or one JSON object) and say it."""
    from describe_app.core.reading.document_export import page_markdown
    from describe_app.core.reading.page_reader import spoken_blocks

    # Markdown blocks are printed with an empty line between them (else a Markdown reader
    # runs two paragraphs together) and said without their marks ("#", "|")
    blocks = page_markdown(page) if page.blocks else []
    lines = ["\n\n".join(blocks)] if blocks else [line.text for line in page.lines]
    pictures = [_("Picture: {text}").format(text=text) for text in page.picture_descriptions]
    if args.json:
        record = {
            "source": path,
            "page": page.number,
            "text": page.text,
            "lines": [line.text for line in page.lines],
            "text_layer": page.from_text_layer,
            "pictures": page.picture_descriptions,
        }
        if page.blocks:
            record["markdown"] = "\n\n".join(blocks)
            record["blocks"] = [
                {"kind": b.kind, "text": b.text, "level": b.level} for b in page.blocks
            ]
        print_json(record)
    else:
        if len(document.pages) > 1:
            print(flush=True)  # an empty line between pages
        for line in [*lines, *pictures] or [
            _("No text on page {number}.").format(number=page.number)
        ]:
            print(line, flush=True)
    # a page after the first is announced, so a listener knows where the voice is
    marker = [_("Page {number}.").format(number=page.number)] if page.number > 1 else []
    for line in [*marker, *spoken_blocks(page), *pictures]:
        speech.sentence(line, said[0])
        said[0] += 1


def _picture_describer(args: argparse.Namespace) -> PictureDescriber:
    """Describes a picture with the model (loaded at the first picture), as ``describe``
    does, in a few sentences."""
    from describe_app.cli.options import model_options

    defaults = vars(model_options().parse_args([]))
    model_args = argparse.Namespace(**{**defaults, **vars(args)})
    describers: list[Describer] = []

    def describe(image: Image.Image) -> str:
        from describe_app.cli.describers import open_describer
        from describe_app.core.describe.conversation import Conversation
        from describe_app.core.describe.pipeline import run_request
        from describe_app.core.pictures.images import Picture
        from describe_app.core.untrusted_text import clean_text

        if not describers:
            describers.append(open_describer(model_args))
        picture = Picture(image=image, source="picture in a document", original_size=image.size)
        request = Conversation(picture, language=model_args.language).describe_request()
        return clean_text(run_request(describers[0], request, check=False).text)

    return describe

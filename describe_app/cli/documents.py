"""Document mode from a terminal: ``describe-app document``, and ``read --layout``.

    describe-app document --camera 0 --speak          guided page capture, then reading
    describe-app document --camera clip.mp4 --out letter.md   also .txt and .pdf (searchable)
    describe-app read scan.jpg --layout               headings, paragraphs, columns as Markdown

``document`` runs the core's :class:`~describe_app.core.live.document_check.DocumentCheck`
on the camera's frames: it says (or with ``--tones`` plays) what is missing ("Top edge not
visible. Move the page down."), and when the whole page is in view and still, captures it
with the picture-taken sound, flattens it and reads it like a document: each heading,
paragraph, list item and table row printed as Markdown and said in turn. It then waits for
the next page (take the page away, or lay the next one on it); each page joins the same
document, which ``--out`` saves after every page, so stopping with Ctrl+C loses nothing.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from describe_app.cli.camera import camera_options
from describe_app.cli.live_lines import announce, stamp
from describe_app.cli.number_options import positive_int, zero_or_more
from describe_app.cli.output import error, print_json, print_name, refuse_save_path, status
from describe_app.cli.speech import CommandLineSpeech
from describe_app.core.i18n import _, ngettext

if TYPE_CHECKING:
    from describe_app.core.camera.frame_source import FrameSource
    from describe_app.core.pictures.images import Picture
    from describe_app.core.reading.document import Page
    from describe_app.core.reading.ocr_reader import OcrReader


def add_document_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    speech_opts: argparse.ArgumentParser,
) -> None:
    """Register ``document``."""
    p = commands.add_parser(
        "document",
        parents=[speech_opts, camera_options()],
        help=_("document mode: guide the camera onto a page, capture it and read it"),
        description=_(
            "Document mode: say what is missing (an edge out of view, too close, too far, "
            "hold still) until a whole page is in view and still, then capture it with a "
            "sound and read it with its headings, paragraphs, lists and tables. Then wait "
            "for the next page."
        ),
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        help=_("save the pages read to FILE after each page (.txt, .md or a searchable .pdf)"),
    )
    p.add_argument(
        "--pages",
        type=positive_int,
        metavar="N",
        help=_("stop after N pages (default: when stopped)"),
    )
    p.add_argument(
        "--checks",
        type=zero_or_more,
        default=5.0,
        metavar="PER_SECOND",
        help=_("frames checked per second (default 5)"),
    )
    p.add_argument(
        "--tones",
        action="store_true",
        help=_(
            "play each aiming cue as a short tone instead of saying it (implies --speak); "
            "the words are still printed, and the page is still read aloud"
        ),
    )


def run_document(args: argparse.Namespace) -> int:
    from describe_app.core.camera.frame_source import FrameSource, parse_target
    from describe_app.core.live.document_check import DocumentCheck
    from describe_app.core.live.guidance import Cue
    from describe_app.core.live.guidance_tones import cue_tone
    from describe_app.core.reading.document import Document
    from describe_app.core.reading.document_export import EXPORT_SUFFIXES, save_document
    from describe_app.core.reading.ocr_reader import OcrReader
    from describe_app.core.reading.page_reader import DOCUMENT_OCR_SETTINGS, read_page

    parse_target(args.camera)  # a missing video file is said before the reader loads
    out = Path(args.out) if args.out else None
    if out is not None and refuse_save_path(out):  # before the camera starts
        return 2
    if out is not None and out.suffix.lower() not in EXPORT_SUFFIXES:
        error(
            _("Describe can save a document as .txt, .md or .pdf, not as {name}.").format(
                name=out.name
            )
        )
        return 2
    reader = OcrReader(DOCUMENT_OCR_SETTINGS)
    reader.load()
    if args.tones:
        args = argparse.Namespace(**{**vars(args), "speak": True})  # tones need a sound out
    every_s = 1.0 / args.checks if args.checks > 0 else 0.0
    with (
        CommandLineSpeech(args) as speech,
        FrameSource(args.camera, every_s=every_s, max_seconds=args.max_seconds) as frames,
    ):
        check = DocumentCheck(clock=lambda: frames.now)
        document = Document(source=frames.name)
        announce(frames, speech, _("Document mode on. Put a page in front of the camera."))
        for frame in frames:
            event = check.check(frame.image)
            if event is None:
                continue
            words = _(event.words)
            if event.cue is not Cue.READY:
                if args.tones:
                    print(f"[{stamp(frames)}] {words}", flush=True)
                    speech.sound(cue_tone(event.cue))
                else:
                    announce(frames, speech, words)
                continue
            speech.earcon("picture_taken")  # first, then the words after it
            print(f"[{stamp(frames)}] {words}", flush=True)
            speech.sentence(words, 1)
            captured = time.perf_counter()
            page = read_page(
                frame.image, reader, outline=event.outline, number=len(document.pages) + 1
            )
            document.pages.append(page)
            document.page_count = len(document.pages)
            _say_page(page, frames, speech)
            took = time.perf_counter() - captured
            status(
                _("Page {number} read in {seconds:.2f} s.").format(number=page.number, seconds=took)
            )
            if out is not None:
                save_document(document, out)
                count = len(document.pages)
                saved = ngettext(
                    "Saved {count} page to {path}.", "Saved {count} pages to {path}.", count
                )
                status(saved.format(count=count, path=out))
            if args.pages and len(document.pages) >= args.pages:
                break
        if not document.pages:
            announce(frames, speech, _("No page was captured."))
    return 0


def _say_page(page: Page, frames: FrameSource, speech: CommandLineSpeech) -> None:
    """Print the page as Markdown and say it block by block, after "Page N."."""
    from describe_app.core.reading.document_export import page_markdown
    from describe_app.core.reading.page_reader import spoken_blocks

    heading = _("Page {number}.").format(number=page.number)
    print(f"[{stamp(frames)}] {heading}", flush=True)
    speech.sentence(heading, 1)
    if not page.lines:
        print(_("No text found."), flush=True)
        speech.sentence(_("No text found."), 2)
        return
    print("\n\n".join(page_markdown(page)), flush=True)
    for index, text in enumerate(spoken_blocks(page)):
        speech.sentence(text, index + 2)


def read_with_layout(
    reader: OcrReader, picture: Picture, args: argparse.Namespace, speech: CommandLineSpeech
) -> int:
    """``read --layout``: one picture read as a page, printed as Markdown (or JSON)."""
    from describe_app.core.reading.document_export import page_markdown
    from describe_app.core.reading.page_reader import read_page_picture, spoken_blocks

    page = read_page_picture(picture.image, reader)
    markdown = "\n\n".join(page_markdown(page))
    if args.json:
        print_json(
            {
                "source": picture.source,
                "markdown": markdown,
                "lines": [line.text for line in page.lines],
                "blocks": [{"kind": b.kind, "text": b.text, "level": b.level} for b in page.blocks],
            }
        )
    else:
        if len(args.images) > 1:
            print_name(picture.source)
        print(markdown or _("No text found."), flush=True)
    for index, text in enumerate(spoken_blocks(page) or [_("No text found.")]):
        speech.sentence(text, index)
    return 0

"""The picture commands: ``describe``, ``ask`` and ``read``, and the loop they share that
runs one request and prints (and with ``--speak`` says) each sentence as it is written.

    describe-app describe photo.jpg [--detail high]
    describe-app ask photo.jpg "What colour is the mug?" ["And the table?" ...] [-i]
    describe-app read letter.jpg

A picture that cannot be opened is said in one line; the other pictures still run.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, TextIO

from describe_app.cli.describers import open_describer
from describe_app.cli.file_names import local_file_name, odd_file_name
from describe_app.cli.output import error, print_json, print_name, status
from describe_app.cli.read_documents import (
    add_document_read_options,
    run_read_documents,
    wants_documents,
)
from describe_app.cli.speech import CommandLineSpeech
from describe_app.core.errors import Cancelled, ImageError
from describe_app.core.i18n import _

if TYPE_CHECKING:
    from describe_app.core.describe.conversation import Conversation
    from describe_app.core.describe.describer import Describer, DescribeRequest
    from describe_app.core.describe.pipeline import DescriptionResult
    from describe_app.core.pictures.images import Picture
    from describe_app.core.reading.ocr_reader import OcrReader, OcrResult


def add_picture_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    model_opts: argparse.ArgumentParser,
    speech_opts: argparse.ArgumentParser,
) -> None:
    """Register ``describe``, ``ask`` and ``read``."""
    p = commands.add_parser(
        "describe",
        parents=[model_opts, speech_opts],
        help=_("describe pictures"),
        description=_("Describe each picture, printing each sentence as soon as it is written."),
    )
    p.add_argument(
        "images", nargs="+", metavar="IMAGE", help=_("picture files (JPEG, PNG, HEIC, ...)")
    )
    p.add_argument(
        "--detail",
        choices=("brief", "high"),
        default="brief",
        help=_("brief (default) or high: longer and more detailed"),
    )

    p = commands.add_parser(
        "ask",
        parents=[model_opts, speech_opts],
        help=_("ask questions about a picture"),
        description=(
            _("Ask one or more questions about a picture; each question knows the earlier answers.")
        ),
    )
    p.add_argument("image", metavar="IMAGE")
    p.add_argument("questions", nargs="*", metavar="QUESTION", help=_("questions, asked in order"))
    p.add_argument(
        "-i",
        "--interactive",
        action="store_true",
        help=_("then keep asking questions typed on standard input (empty line ends)"),
    )

    p = commands.add_parser(
        "read",
        parents=[speech_opts],
        help=_("read the text in pictures, PDFs and multi-page TIFFs (OCR)"),
        description=_(
            "Read the text in each picture, line by line in reading order. A PDF is "
            "read from its text layer, or by OCR where its pages are scans."
        ),
    )
    p.add_argument("images", nargs="+", metavar="FILE")
    add_document_read_options(p)
    p.add_argument("--json", action="store_true", help=_("print one JSON object per picture"))
    p.add_argument(
        "--layout",
        action="store_true",
        help=_(
            "read each picture as a page: headings, paragraphs, lists, tables, columns in "
            "order, printed as Markdown"
        ),
    )


# --- describe ---------------------------------------------------------------------------


def run_describe(args: argparse.Namespace) -> int:
    from describe_app.core.describe.conversation import Conversation
    from describe_app.core.describe.prompts import Detail

    detail = Detail(args.detail)

    def prepare() -> tuple[Handler, str | None]:
        describer = open_describer(args)

        def describe(picture: Picture, speech: CommandLineSpeech) -> int:
            request = Conversation(picture, language=args.language).describe_request(detail)
            run_and_print(describer, _with_limit(request, args), args, speech=speech)
            return 0

        return describe, _privacy_notice(describer)

    return for_each_picture(args, prepare)


def _privacy_notice(describer: object) -> str | None:
    """Where pictures go, when a server describes them (said once with --speak)."""
    notice = getattr(describer, "privacy_notice", None)
    return notice if isinstance(notice, str) else None


Handler = Callable[["Picture", CommandLineSpeech], int]


def for_each_picture(
    args: argparse.Namespace,
    prepare: Callable[[], tuple[Handler, str | None]],
    *,
    working_side: int = 0,
    page_dpi: float = 0.0,
    paged: Collection[str] = (),
) -> int:
    """Run a handler on each picture named in ``args.images``; a bad file is said in one
    line and the others still run. Returns the worst exit status.

    ``prepare`` (which loads the model: seconds) runs at the first picture that opens, and
    gives the handler and the sentence said before the first answer: a mistyped name or a
    folder is answered at once, before torch is imported. ``working_side``: the longest
    side a picture is shrunk to (0: the usual :data:`WORKING_SIDE`). ``paged``: the files
    (PDFs and TIFFs, see :func:`is_paged_file`) whose every page is a picture, a PDF's
    rendered at ``page_dpi`` dots per inch; any other PDF is refused as any file that is
    not a picture, and any other TIFF gives its first page."""
    result = 0
    handle: Handler | None = None
    with ExitStack() as stack:
        for picture in _pictures_named(args.images, working_side, page_dpi, paged):
            if isinstance(picture, ImageError):
                error(str(picture))
                result = max(result, picture.exit_code)
                continue
            if handle is None:
                handle, notice = prepare()
                speech = stack.enter_context(CommandLineSpeech(args, notice=notice))
            result = max(result, handle(picture, speech) or 0)  # the worst, in any order
    return result


def _pictures_named(
    images: list[str], working_side: int, page_dpi: float, paged: Collection[str]
) -> Iterator[Picture | ImageError]:
    """The pictures of the files named, in order; a file or page that cannot be read is
    given as its :class:`ImageError`."""
    from describe_app.core.pictures.images import WORKING_SIDE, Picture, load_picture, shrink
    from describe_app.core.reading.document_reader import page_pictures

    side = working_side or WORKING_SIDE
    for image in images:
        odd = odd_file_name(image)
        if odd is not None:
            yield odd
            continue
        image = local_file_name(image)
        try:
            if image in paged:
                for page in page_pictures(image, page_dpi, working_side=side):
                    if isinstance(page, ImageError):
                        yield page
                    else:
                        yield Picture(shrink(page.image, side), page.source, page.original_size)
            else:
                yield load_picture(image, working_side=side)
        except ImageError as exc:
            yield exc


# --- ask --------------------------------------------------------------------------------


def run_ask(args: argparse.Namespace) -> int:
    from describe_app.core.describe.conversation import Conversation
    from describe_app.core.i18n import _
    from describe_app.core.pictures.images import load_picture

    odd = odd_file_name(args.image)
    if odd is not None:
        raise odd
    picture = load_picture(local_file_name(args.image))
    if not args.questions and not args.interactive:
        error(
            _(
                "Give a question after the picture, for example: "
                'describe-app ask photo.jpg "What colour is the mug?"'
            )
        )
        return 2
    if any(not question.strip() for question in args.questions):
        # an empty variable in a script: the model was asked nothing, and made up an answer
        error(_("A question is empty. Give each question in quotes after the picture."))
        return 2
    describer = open_describer(args)
    conversation = Conversation(picture, language=args.language)
    questions = list(args.questions)
    check = not args.describe_anyway
    with CommandLineSpeech(args, notice=_privacy_notice(describer)) as speech:
        _ask_loop(describer, conversation, questions, args, speech, check)
    return 0


def _ask_loop(
    describer: Describer,
    conversation: Conversation,
    questions: list[str],
    args: argparse.Namespace,
    speech: CommandLineSpeech,
    check: bool,
) -> None:
    while True:
        if not questions:
            if not args.interactive:
                break
            question = _prompt_question()
            if not question:
                break
            questions.append(question)
        question = questions.pop(0)
        if len(args.questions) + args.interactive > 1 and not args.json:
            _print_question(question)
        request = _with_limit(conversation.question_request(question), args)
        result = run_and_print(describer, request, args, check=check, speech=speech)
        if result.picture_problem:
            return  # the picture itself is the answer to every question
        conversation.record(request, result.text)
        check = False  # the picture was fine for the first question


def _print_question(question: str) -> None:
    """ "Q: ..." before its answer: the question as one line, without the escape sequences
    or line breaks it may hold (it was printed as typed, "\x1b[2J" clearing the screen)."""
    from describe_app.core.untrusted_text import clean_text

    print(f"Q: {' '.join(clean_text(question).split())}", flush=True)


def _prompt_question() -> str:
    from describe_app.cli.interrupts import asking
    from describe_app.core.i18n import _

    try:
        print(_("Question (empty line to finish): "), end="", file=sys.stderr, flush=True)
        with asking():
            return input().strip()
    except EOFError:
        print(file=sys.stderr, flush=True)  # Ctrl+D: the question's line ends all the same
        return ""


# --- read -------------------------------------------------------------------------------


def run_read(args: argparse.Namespace) -> int:
    from describe_app.core.reading.ocr_reader import OcrReader

    if wants_documents(args):  # PDFs, TIFFs, --pages, --out
        return run_read_documents(args)

    def prepare() -> tuple[Handler, str | None]:
        if getattr(args, "layout", False):  # demo passes only images and json
            from describe_app.cli.documents import read_with_layout
            from describe_app.core.reading.page_reader import DOCUMENT_OCR_SETTINGS

            pages = OcrReader(DOCUMENT_OCR_SETTINGS)
            return (lambda picture, speech: read_with_layout(pages, picture, args, speech)), None
        from describe_app.core.reading.document_reader import SCAN_OCR_SETTINGS

        # a picture is turned upright as a whole (read_picture_text), not line by line
        reader = OcrReader(SCAN_OCR_SETTINGS)
        return (lambda picture, speech: _read_one(reader, picture, args, speech)), None

    return for_each_picture(args, prepare)


def _read_one(
    reader: OcrReader, picture: Picture, args: argparse.Namespace, speech: CommandLineSpeech
) -> int:
    from describe_app.core.reading.ocr_reader import OcrResult
    from describe_app.core.reading.page_reader import read_picture_text

    start = time.perf_counter()
    lines = [line.text for line in read_picture_text(picture.image, reader).lines]
    read_and_print(OcrResult(lines, time.perf_counter() - start), picture, args, speech)
    return 0


def read_and_print(
    result: OcrResult, picture: Picture, args: argparse.Namespace, speech: CommandLineSpeech
) -> None:
    """Print (or with ``--json``, one object) and say the lines read on ``picture``."""
    lines = result.lines or [_("No text found.")]
    if args.json:
        print_json(
            {
                "source": picture.source,
                "text": result.text,
                "lines": result.lines,
                "seconds": round(result.seconds, 4),
            }
        )
    elif len(getattr(args, "images", ())) > 1:
        print_name(picture.source)
    for index, line in enumerate(lines):
        if not args.json:
            print(line, flush=True)
        speech.sentence(line, index)


# --- the shared loop --------------------------------------------------------------------


def _with_limit(request: DescribeRequest, args: argparse.Namespace) -> DescribeRequest:
    if not args.max_tokens:
        return request
    from dataclasses import replace

    return replace(request, max_new_tokens=args.max_tokens)


def run_and_print(
    describer: Describer,
    request: DescribeRequest,
    args: argparse.Namespace,
    *,
    check: bool | None = None,
    speech: CommandLineSpeech | None = None,
) -> DescriptionResult:
    """Run ``request``, printing each sentence as it is written (or, with ``--json``, one
    JSON object at the end) and handing it to ``speech``."""
    from describe_app.core.describe.pipeline import run_request

    out: TextIO = sys.stdout

    def on_sentence(sentence: str, index: int) -> None:
        if not args.json:
            print(sentence, file=out, flush=True)
        if speech is not None:
            speech.sentence(sentence, index)

    cancel = threading.Event()
    started = time.perf_counter()
    try:
        result = run_request(
            describer,
            request,
            on_sentence=on_sentence,
            cancel=cancel,
            check=(not args.describe_anyway) if check is None else check,
            requested_at=started,
        )
    except Cancelled:  # pragma: no cover - only a signal handler could set it here
        raise KeyboardInterrupt from None
    if args.json:
        print_json(result.to_json())
    t = result.timings
    if "first_sentence" in t:
        status(
            _(
                "First sentence after {first:.2f} s, done after {total:.2f} s ({tokens} tokens)."
            ).format(first=t["first_sentence"], total=t["total"], tokens=result.new_tokens)
        )
    return result

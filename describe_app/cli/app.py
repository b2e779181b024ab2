"""The ``describe-app`` command line.

    describe-app describe photo.jpg                 print the description as it is written
    describe-app describe photo.jpg --detail high   a longer, more detailed description
    describe-app ask photo.jpg "What colour is the mug?" ["And the table?" ...]
    describe-app read letter.jpg                    read the text in the picture (OCR)
    describe-app models list | download [NAME] | path [NAME]
    describe-app demo                               describe and read the bundled samples
    describe-app [window] [--camera SOURCE] [FILE...]  open the window (the default)

Heavy libraries (torch, transformers, OCR) load only when a command needs them, so
``describe-app --help`` answers at once. Expected failures print one sentence and exit
non-zero; they never print a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from describe_app import __version__
from describe_app.cli.camera import add_camera_commands
from describe_app.cli.servers import add_server_options, add_servers_command
from describe_app.cli.speech import CommandLineSpeech
from describe_app.core.errors import Cancelled, DescribeError, ImageError

if TYPE_CHECKING:
    from describe_app.core.describe.conversation import Conversation
    from describe_app.core.describe.describer import Describer, DescribeRequest
    from describe_app.core.describe.local.model_registry import ModelSpec
    from describe_app.core.describe.pipeline import DescriptionResult
    from describe_app.core.pictures.images import Picture
    from describe_app.core.reading.ocr_reader import OcrReader

log = logging.getLogger(__name__)

PROG = "describe-app"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Describe: hear what is in front of you. Describes pictures and reads their text "
            "with a vision-language model that runs on this computer; no picture leaves it."
        ),
        epilog="Run 'describe-app COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the camera, speech, text reading, window and model; print a report",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="show progress and timings (twice: debug log)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    model_opts = argparse.ArgumentParser(add_help=False)
    group = model_opts.add_argument_group("model")
    group.add_argument(
        "--model",
        metavar="NAME_OR_FOLDER",
        help="a model from 'models list' or a local model folder (default: SmolVLM-256M-Instruct)",
    )
    group.add_argument("--device", default="auto", help="auto (default), cpu or cuda")
    group.add_argument(
        "--quantize",
        choices=("auto", "int8", "none"),
        default="auto",
        help="int8 weights on the CPU (auto: on)",
    )
    group.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="CPU threads for the model (default: all cores but one)",
    )
    group.add_argument(
        "--no-download",
        action="store_true",
        help="never download; fail if the model is not on disk",
    )
    group.add_argument("--language", metavar="LANG", help="answer in this language, e.g. French")
    group.add_argument(
        "--max-tokens", type=int, metavar="N", help="stop after N tokens (word pieces)"
    )
    group.add_argument(
        "--describe-anyway",
        action="store_true",
        help="skip the check for dark, blank or blurred pictures",
    )
    group.add_argument(
        "--json", action="store_true", help="print one JSON object per picture instead of text"
    )
    add_server_options(model_opts)

    speech_opts = argparse.ArgumentParser(add_help=False)
    group = speech_opts.add_argument_group("speech")
    group.add_argument(
        "--speak", action="store_true", help="speak each sentence aloud as soon as it is written"
    )
    group.add_argument("--wav", metavar="FILE", help="also write the spoken result to a WAV file")
    group.add_argument("--voice", metavar="ID", help="a voice from 'describe-app voices'")
    group.add_argument("--rate", type=int, metavar="WPM", help="speaking rate in words per minute")

    p = commands.add_parser(
        "describe",
        parents=[model_opts, speech_opts],
        help="describe pictures",
        description="Describe each picture, printing each sentence as soon as it is written.",
    )
    p.add_argument(
        "images", nargs="+", metavar="IMAGE", help="picture files (JPEG, PNG, HEIC, ...)"
    )
    p.add_argument(
        "--detail",
        choices=("brief", "high"),
        default="brief",
        help="brief (default) or high: longer and more detailed",
    )

    p = commands.add_parser(
        "ask",
        parents=[model_opts, speech_opts],
        help="ask questions about a picture",
        description=(
            "Ask one or more questions about a picture; each question knows the earlier answers."
        ),
    )
    p.add_argument("image", metavar="IMAGE")
    p.add_argument("questions", nargs="*", metavar="QUESTION", help="questions, asked in order")
    p.add_argument(
        "-i",
        "--interactive",
        action="store_true",
        help="then keep asking questions typed on standard input (empty line ends)",
    )

    p = commands.add_parser(
        "read",
        parents=[speech_opts],
        help="read the text in pictures (OCR)",
        description="Read the text in each picture, line by line in reading order.",
    )
    p.add_argument("images", nargs="+", metavar="IMAGE")
    p.add_argument("--json", action="store_true", help="print one JSON object per picture")

    commands.add_parser("voices", help="list the voices installed for speech")

    p = commands.add_parser("models", help="list, download or locate models")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="the models Describe can use, and which are on this computer")
    d = actions.add_parser("download", help="download a model (default: SmolVLM-256M-Instruct)")
    d.add_argument("name", nargs="?", metavar="NAME")
    d = actions.add_parser("path", help="print the folder a model is stored in")
    d.add_argument("name", nargs="?", metavar="NAME")

    add_servers_command(commands)
    add_camera_commands(commands, model_opts=model_opts, speech_opts=speech_opts)

    commands.add_parser(
        "demo", parents=[model_opts], help="describe and read the bundled sample pictures"
    )

    p = commands.add_parser(
        "window",
        parents=[model_opts],
        help="open the Describe window (the default when no command is given)",
        description="Open the window: camera preview, Space describes, Ctrl+O opens a photo.",
    )
    p.add_argument(
        "--camera",
        metavar="SOURCE",
        help="camera number (0 = first), an http/rtsp address, a video file, or 'none'",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="photos to describe at once")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    if args.self_test:
        from describe_app.self_test import run_self_test

        return run_self_test()
    if args.command is None:  # no command: the window, with every option at its default
        args = parser.parse_args([*(sys.argv[1:] if argv is None else argv), "window"])
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "describe": _cmd_describe,
        "ask": _cmd_ask,
        "read": _cmd_read,
        "models": _cmd_models,
        "servers": _cmd_servers,
        "voices": _cmd_voices,
        "demo": _cmd_demo,
        "window": _cmd_window,
        "watch": _cmd_watch,
        "guide": _cmd_guide,
    }
    try:
        return handlers[args.command](args)
    except DescribeError as exc:
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _error("Stopped.")
        return 130
    except BrokenPipeError:  # the reader went away (e.g. "| head"): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # a bug: say so in one line; the details go to the log
        log.debug("unexpected failure", exc_info=True)
        _error(f"Something went wrong that Describe did not expect ({type(exc).__name__}: {exc}).")
        if args.verbose:
            raise
        return 1


# --- commands ---------------------------------------------------------------------------


def _cmd_describe(args: argparse.Namespace) -> int:
    from describe_app.core.describe.conversation import Conversation
    from describe_app.core.describe.prompts import Detail

    describer = _open_describer(args)
    detail = Detail(args.detail)

    def describe(picture: Picture, speech: CommandLineSpeech) -> int:
        request = Conversation(picture, language=args.language).describe_request(detail)
        _run_and_print(describer, _with_limit(request, args), args, speech=speech)
        return 0

    return _for_each_picture(args, describe, notice=_privacy_notice(describer))


def _privacy_notice(describer: object) -> str | None:
    """Where pictures go, when a server describes them (said once with --speak)."""
    notice = getattr(describer, "privacy_notice", None)
    return notice if isinstance(notice, str) else None


def _for_each_picture(
    args: argparse.Namespace,
    handle: Callable[[Picture, CommandLineSpeech], int],
    *,
    notice: str | None = None,
) -> int:
    """Run ``handle`` on each picture named in ``args.images``; a bad file is said in one
    line and the others still run. Returns the worst exit status."""
    from describe_app.core.pictures.images import load_picture

    status = 0
    with CommandLineSpeech(args, notice=notice) as speech:
        for image in args.images:
            try:
                picture = load_picture(image)
            except ImageError as exc:
                _error(str(exc))
                status = exc.exit_code
                continue
            status = handle(picture, speech) or status
    return status


def _cmd_ask(args: argparse.Namespace) -> int:
    from describe_app.core.describe.conversation import Conversation
    from describe_app.core.pictures.images import load_picture

    picture = load_picture(args.image)
    if not args.questions and not args.interactive:
        _error(
            "Give a question after the picture, for example: "
            'describe-app ask photo.jpg "What colour is the mug?"'
        )
        return 2
    describer = _open_describer(args)
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
            print(f"Q: {question}", flush=True)
        request = _with_limit(conversation.question_request(question), args)
        result = _run_and_print(describer, request, args, check=check, speech=speech)
        if result.picture_problem:
            return  # the picture itself is the answer to every question
        conversation.record(request, result.text)
        check = False  # the picture was fine for the first question


def _cmd_read(args: argparse.Namespace) -> int:
    from describe_app.core.reading.ocr_reader import OcrReader

    reader = OcrReader()
    return _for_each_picture(args, lambda picture, speech: _read_one(reader, picture, args, speech))


def _read_one(
    reader: OcrReader, picture: Picture, args: argparse.Namespace, speech: CommandLineSpeech
) -> int:
    result = reader.read(picture.image)
    lines = result.lines or ["No text found."]
    if args.json:
        _print_json(
            {
                "source": picture.source,
                "text": result.text,
                "lines": result.lines,
                "seconds": round(result.seconds, 4),
            }
        )
    elif len(args.images) > 1:
        print(f"# {picture.source}", flush=True)
    for index, line in enumerate(lines):
        if not args.json:
            print(line, flush=True)
        speech.sentence(line, index)
    return 0


def _cmd_voices(args: argparse.Namespace) -> int:
    from describe_app.core.speech import list_voices

    voices = list_voices()
    for voice in voices:
        languages = ", ".join(voice.languages) or "unknown language"
        print(f"{voice.id}: {voice.name} ({languages})")
    if not voices:
        print("No voices are installed.")
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    from describe_app.core.describe.local.model_registry import DEFAULT_MODEL, MODELS
    from describe_app.core.describe.local.model_store import (
        cached_path,
        download,
        locate_model,
        resolve_spec,
    )

    if args.action == "list":
        for spec in MODELS.values():
            where = cached_path(spec)
            state = "on this computer" if where else f"not downloaded ({spec.download_mb} MB)"
            default = " (default)" if spec.name == DEFAULT_MODEL else ""
            print(f"{spec.name}{default}: {spec.summary} [{state}]")
        print("Any folder holding a SmolVLM/Idefics3 model also works: --model /path/to/folder")
        return 0
    if args.action == "download":
        spec = resolve_spec(args.name)
        existing = cached_path(spec)
        if existing:
            print(f"{spec.name} is already on this computer: {existing}")
            return 0
        print(f"Downloading {spec.name} ({spec.download_mb} MB)...", file=sys.stderr, flush=True)
        path = download(spec)
        print(f"{spec.name} is ready: {path}")
        return 0
    location = locate_model(args.name, allow_download=False)
    print(location.path)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from describe_app.core.resources import resource_path

    coffee = resource_path("samples", "coffee.jpg")
    notice = resource_path("samples", "notice.jpg")
    print(f"Describe {__version__}: a short demonstration on {coffee.name} and {notice.name}.")
    print(f"\n$ {PROG} read {notice.name}", flush=True)
    status = _cmd_read(argparse.Namespace(images=[str(notice)], json=False))
    print(f"\n$ {PROG} describe {coffee.name}", flush=True)
    args.images = [str(coffee)]
    args.detail = "brief"
    status = _cmd_describe(args) or status
    print(
        "\nTry it on your own pictures: describe-app describe PHOTO  (describe-app --help for more)"
    )
    return status


def _cmd_watch(args: argparse.Namespace) -> int:
    from describe_app.cli.camera import run_watch

    return run_watch(args, _open_describer)


def _cmd_guide(args: argparse.Namespace) -> int:
    from describe_app.cli.camera import run_guide

    return run_guide(args)


def _cmd_window(args: argparse.Namespace) -> int:
    from describe_app.qt.app import run_window  # Qt only here: --help stays instant

    return run_window(args)


# --- helpers ----------------------------------------------------------------------------


def _cmd_servers(args: argparse.Namespace) -> int:
    from describe_app.cli.servers import run_servers_command

    return run_servers_command(args)


def _open_describer(args: argparse.Namespace) -> Describer:
    if args.server:  # pictures leave this computer only here, when the user asked
        from describe_app.cli.servers import open_remote_describer

        return open_remote_describer(args, lambda: _open_local_describer(args))
    return _open_local_describer(args)


def _open_local_describer(args: argparse.Namespace) -> Describer:
    from describe_app.core.describe.local.model_store import locate_model
    from describe_app.core.describe.local.vlm_describer import VlmDescriber
    from describe_app.core.describe.local.vlm_loader import LoadOptions, load_vlm

    location = locate_model(
        args.model, allow_download=not args.no_download, on_download=_announce_download
    )
    _status(f"Loading {location.name}...")
    options = LoadOptions(device=args.device, quantize=args.quantize, threads=args.threads)
    loaded = load_vlm(location.path, name=location.name, spec=location.spec, options=options)
    _status(f"Loaded in {loaded.load_seconds:.1f} s ({loaded.device}, {loaded.dtype}).")
    return VlmDescriber(loaded)


def _announce_download(spec: ModelSpec) -> None:
    print(
        f"First use: downloading {spec.name} ({spec.download_mb} MB). "
        "This happens once; later runs work offline.",
        file=sys.stderr,
        flush=True,
    )


def _with_limit(request: DescribeRequest, args: argparse.Namespace) -> DescribeRequest:
    if not args.max_tokens:
        return request
    from dataclasses import replace

    return replace(request, max_new_tokens=args.max_tokens)


def _run_and_print(
    describer: Describer,
    request: DescribeRequest,
    args: argparse.Namespace,
    *,
    check: bool | None = None,
    speech: CommandLineSpeech | None = None,
) -> DescriptionResult:
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
        _print_json(result.to_json())
    t = result.timings
    if "first_sentence" in t:
        _status(
            f"First sentence after {t['first_sentence']:.2f} s, "
            f"done after {t['total']:.2f} s ({result.new_tokens} tokens)."
        )
    return result


def _prompt_question() -> str:
    try:
        print("Question (empty line to finish): ", end="", file=sys.stderr, flush=True)
        return input().strip()
    except EOFError:
        return ""


def _print_json(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _error(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


_verbosity = 0


def _status(message: str) -> None:
    if _verbosity:
        print(message, file=sys.stderr, flush=True)


def _setup_logging(verbose: int) -> None:
    global _verbosity
    _verbosity = verbose
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    if verbose < 2:
        # The libraries' own chatter is not for our users.
        for name in ("transformers", "huggingface_hub", "RapidOCR", "rapidocr"):
            logging.getLogger(name).setLevel(logging.ERROR)
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

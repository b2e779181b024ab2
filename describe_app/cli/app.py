"""The ``describe-app`` command line: :func:`main` parses, then hands the command to the
module of its group.

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
import errno
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from describe_app.cli import (
    camera,
    demo,
    doctor,
    documents,
    interrupts,
    models,
    pictures,
    quick_channels,
    screen,
    servers,
    speech,
    window,
)
from describe_app.cli.describers import open_describer
from describe_app.cli.output import error, setup_logging
from describe_app.cli.parser import build_parser
from describe_app.core.errors import DescribeError

log = logging.getLogger(__name__)

Command = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    use_interface_language()  # first: the parser's help and argparse's words are in it
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    unknown = _unknown_command(words)
    if unknown is not None:
        index, word = unknown
        if Path(word).expanduser().is_file():  # describe-app photo.jpg: the window, with it
            words.insert(index, "window")
        else:
            from difflib import get_close_matches

            from describe_app.core.i18n import _

            problem = _file_problem(word)
            if problem is not None:  # a mistyped photo.jpg is no mistyped command
                error(problem)
                return 2
            close = get_close_matches(word, _commands(), n=1, cutoff=0.6)
            said = _("There is no command {word}.").format(word=word)
            if close:
                said += " " + _("Did you mean {command}?").format(command=close[0])
            error(said + " " + _("Run describe-app --help for the list."))
            return 2
    args, extra = parser.parse_known_args(words)
    if extra:  # "Run describe-app voices --help", not the whole program's help
        from describe_app.core.i18n import _

        unrecognized = _("unrecognized arguments: %s") % " ".join(extra)
        _command_parser(parser, args.command).error(unrecognized)
    setup_logging(args.verbose)
    if args.self_test:
        from describe_app.self_test import run_self_test

        return run_self_test()
    if args.command is None:  # no command: the window, with every option at its default
        args = parser.parse_args([*words, "window"])
    return _run(_commands()[args.command], args)


def _unknown_command(words: list[str]) -> tuple[int, str] | None:
    """Where the command should be and what stands there instead, when it is no command:
    (index, word); None when the first word that is no option is a command, or there is
    none (the window)."""
    for index, word in enumerate(words):
        if word.startswith("-"):  # -v, --self-test: the options before the command
            continue
        return None if word in _commands() else (index, word)
    return None


def _command_parser(
    parser: argparse.ArgumentParser, command: str | None
) -> argparse.ArgumentParser:
    """The parser of ``command`` (the program's own when there is none)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            chosen: argparse.ArgumentParser = action.choices[command]
            return chosen
    return parser


def _file_problem(word: str) -> str | None:
    """What is wrong with ``word``, no command and no file, as the picture to open the
    window with, when it names a file or folder or was meant to: it exists, has a path in
    it, an extension (``photo.jpg``) or is a web address. None for a mistyped command."""
    from describe_app.cli.file_names import odd_file_name
    from describe_app.core.errors import ImageError
    from describe_app.core.pictures.images import read_picture_file

    path = Path(word)
    if not (path.exists() or "/" in word or os.sep in word or path.suffix):
        return None
    odd = odd_file_name(word)
    if odd is not None:
        return str(odd)
    try:
        read_picture_file(word)  # missing, a folder, not a regular file
    except ImageError as exc:
        return str(exc)
    return None


def _commands() -> dict[str, Command]:
    """Each command's handler, looked up when it runs."""
    return {
        "describe": pictures.run_describe,
        "ask": pictures.run_ask,
        "read": pictures.run_read,
        "models": models.run_models,
        "servers": servers.run_servers_command,
        "voices": speech.run_voices,
        "demo": demo.run_demo,
        "window": window.run_window_command,
        "watch": lambda args: camera.run_watch(args, open_describer),
        "guide": camera.run_guide,
        "screen": screen.run_screen,
        "document": documents.run_document,
        "doctor": doctor.run_doctor,
        "codes": quick_channels.run_codes,
        "colour": quick_channels.run_colour,
        "color": quick_channels.run_colour,
        "light": quick_channels.run_light,
    }


#: Commands that keep no log file: the window starts its own (with its crash hooks), the
#: doctor reads the log, and the quick listing commands have nothing worth keeping.
_UNLOGGED = frozenset({"window", "doctor", "voices", "models", "servers"})


def _run(command: Command, args: argparse.Namespace) -> int:
    """Run ``command``; a failure is said in one line and becomes the exit status.

    Commands that describe, read or watch also write Describe's log file (``describe.log``),
    so ``describe-app doctor`` can show their errors; the terminal shows no more than before.
    """
    from describe_app.core.diagnostics.app_log import start_file_logging

    file_logging = None if args.command in _UNLOGGED else start_file_logging()
    if args.command != "window":  # the window chooses its own, and follows the settings
        use_interface_language()
    try:
        return _run_logged(command, args)
    finally:
        if file_logging is not None:
            file_logging.stop()


def use_interface_language() -> None:
    """The command's sentences in the language the window uses: the one chosen in the
    settings, else the system's (``LANG``), as the window does. The settings file is only
    read: a damaged one is left for the window (which tells the user) and ``doctor``."""
    import json

    from describe_app.core.folders import SETTINGS_FILE, config_dir
    from describe_app.core.i18n import set_language

    chosen = None
    try:
        # settings_file.settings_path(), without importing the schema (pydantic: slow)
        data = json.loads((config_dir() / SETTINGS_FILE).read_text(encoding="utf-8"))
        display = data.get("display") if isinstance(data, dict) else None
        chosen = display.get("ui_language") if isinstance(display, dict) else None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        pass
    set_language(chosen if isinstance(chosen, str) and chosen else None)
    interrupts.use_language()


def _run_logged(command: Command, args: argparse.Namespace) -> int:
    try:
        return command(args)
    except DescribeError as exc:
        error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        from describe_app.core.i18n import _

        error(_("Stopped."))
        return 130
    except BrokenPipeError:  # the reader went away (e.g. "| head"): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:
        if exc.errno not in _DISK_FULL:
            return _unexpected(exc, args)
        # "> answer.txt" on a full disk: no bug to report (nor room to report it in)
        from describe_app.core.i18n import _

        error(_("Describe could not write its output: the disk is full."))
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush
        return 1
    except Exception as exc:
        return _unexpected(exc, args)


#: The errors of a write to a full disk, or over the user's quota.
_DISK_FULL = frozenset(
    code for code in (getattr(errno, "ENOSPC", None), getattr(errno, "EDQUOT", None)) if code
)


def _unexpected(exc: Exception, args: argparse.Namespace) -> int:
    """A bug: said in one line; the details go to the crash log (and, with -v, up)."""
    from describe_app.core.diagnostics.crash_log import CrashLog
    from describe_app.core.i18n import _

    report = CrashLog().write(type(exc), exc, exc.__traceback__, where=f"{args.command}")
    sentence = _("Something went wrong that Describe did not expect ({error}).").format(
        error=f"{type(exc).__name__}: {exc}"
    )
    if report.saved:
        sentence += " " + _("A report is in {path}.").format(path=CrashLog().path)
    error(sentence)
    if args.verbose:
        raise exc
    return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""The ``screen`` command: describe, read or ask about what is on the screen.

    describe-app screen                  the whole screen (the monitor with the focus)
    describe-app screen --focus          the control that has the keyboard focus
    describe-app screen --window          the active window
    describe-app screen --region 0,0,800,600
    describe-app screen --clipboard      the picture copied to the clipboard
    describe-app screen --read           read the text on it (OCR) instead
    describe-app screen --ask "What does the chart show?"

The text on the screen is read first and given to the model with the picture, so names
and numbers come out exact. Answers are printed (and with ``--speak`` said) as ``describe``
prints them, and kept in history unless history is off. With a server, a screen is sent
only with ``--send-screen`` or when screens are allowed in the settings.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import TYPE_CHECKING

from describe_app.cli.describers import open_describer
from describe_app.cli.output import error
from describe_app.cli.pictures import read_and_print, run_and_print
from describe_app.cli.speech import CommandLineSpeech
from describe_app.core.i18n import _

if TYPE_CHECKING:
    from describe_app.core.describe.describer import DescribeRequest
    from describe_app.core.history.entry import EntryKind
    from describe_app.core.pictures.images import Picture
    from describe_app.core.screen.capture import ScreenTarget
    from describe_app.core.screen.geometry import Rect
    from describe_app.core.settings.schema import Settings


def add_screen_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    model_opts: argparse.ArgumentParser,
    speech_opts: argparse.ArgumentParser,
) -> None:
    """Register ``screen``."""
    p = commands.add_parser(
        "screen",
        parents=[model_opts, speech_opts],
        help=_("describe what is on the screen"),
        description=_(
            "Describe the screen (the monitor with the focus), the focused object, the "
            "active window, a region or the clipboard's picture; or read its text."
        ),
    )
    target = p.add_argument_group(_("what to capture (default: the whole screen)"))
    which = target.add_mutually_exclusive_group()
    which.add_argument(
        "--focus",
        dest="target",
        action="store_const",
        const="focus",
        help=_("the control that has the keyboard focus (else the active window)"),
    )
    which.add_argument(
        "--window", dest="target", action="store_const", const="window", help=_("the active window")
    )
    which.add_argument(
        "--region",
        metavar="X,Y,W,H",
        help=_(
            "a rectangle in screen pixels, e.g. 0,0,800,600 (one that starts left of or "
            "above the screen with an equals sign: --region=-40,0,800,600)"
        ),
    )
    which.add_argument(
        "--clipboard",
        dest="target",
        action="store_const",
        const="clipboard",
        help=_("the picture copied to the clipboard"),
    )
    p.add_argument("--read", action="store_true", help=_("read the text on it (OCR) instead"))
    p.add_argument(
        "--ask",
        action="append",
        default=[],
        metavar="QUESTION",
        help=_("ask about the capture instead (repeat for follow-up questions)"),
    )
    p.add_argument(
        "--send-screen",
        action="store_true",
        help=_("allow this capture to go to the --server (screens can hold mail and passwords)"),
    )
    p.set_defaults(target="screen")


def run_screen(args: argparse.Namespace) -> int:
    from describe_app.core.describe.screen_conversation import (
        read_screen_text,
        screen_ocr_settings,
    )
    from describe_app.core.reading.ocr_reader import OcrReader
    from describe_app.core.screen.capture import capture
    from describe_app.core.settings.settings_file import load_settings

    target, region = _target(args)
    if target is None:
        error(_("Give the region as X,Y,WIDTH,HEIGHT in pixels, for example 0,0,800,600."))
        return 2
    settings = load_settings(read_only=True).settings
    if args.server and not args.read and not (args.send_screen or settings.describe.send_screens):
        error(
            _(
                "Screens can hold mail, banking and passwords, so Describe sends them to a "
                "server only when you allow it: add --send-screen, or allow screens in the "
                "window's settings."
            )
        )
        return 2
    picture = capture(target, region=region, clipboard=_clipboard_picture)
    # every word when reading aloud; a description waits for the text, so it is read once
    text = read_screen_text(OcrReader(screen_ocr_settings()), picture.image, small_print=args.read)
    if args.read:
        with CommandLineSpeech(args) as speech:
            read_and_print(text, picture, args, speech)
        _remember(settings, picture, "read", text.sentence)
        return 0
    return _describe(args, settings, picture, text.text)


def _describe(args: argparse.Namespace, settings: Settings, picture: Picture, text: str) -> int:
    from describe_app.core.describe.screen_conversation import ScreenConversation
    from describe_app.core.screen.capture import is_focused_picture

    describer = open_describer(args)
    conversation = ScreenConversation(
        picture, language=args.language, read_text=text, picture_only=is_focused_picture(picture)
    )
    notice = getattr(describer, "privacy_notice", None)
    with CommandLineSpeech(args, notice=notice if isinstance(notice, str) else None) as speech:
        if not args.ask:
            request = _limited(conversation.describe_request(), args)
            result = run_and_print(describer, request, args, check=False, speech=speech)
            _remember(settings, picture, "describe", result.text)
            return 0
        for question in args.ask:
            if len(args.ask) > 1 and not args.json:
                print(f"Q: {question}", flush=True)
            request = _limited(conversation.question_request(question), args)
            result = run_and_print(describer, request, args, check=False, speech=speech)
            conversation.record(request, result.text)
            _remember(settings, picture, "ask", result.text, question=question)
    return 0


def _limited(request: DescribeRequest, args: argparse.Namespace) -> DescribeRequest:
    """``--max-tokens``, when given."""
    from dataclasses import replace

    return replace(request, max_new_tokens=args.max_tokens) if args.max_tokens else request


def _target(args: argparse.Namespace) -> tuple[ScreenTarget | None, Rect | None]:
    """What to capture; (None, None) for a region that is not X,Y,W,H."""
    from describe_app.core.screen.capture import ScreenTarget
    from describe_app.core.screen.geometry import parse_region

    if args.region is None:
        return ScreenTarget(args.target), None
    try:
        return ScreenTarget.REGION, parse_region(args.region)
    except ValueError:
        return None, None


def _clipboard_picture() -> Picture | None:
    """The picture on the clipboard (pixels, or a copied picture file), read through Qt."""
    from describe_app.core.screen.capture import NO_CLIPBOARD_PICTURE, ScreenCaptureError
    from describe_app.core.screen.session import DisplayKind, display_kind

    kind = display_kind()
    if kind is DisplayKind.NONE:  # Qt would abort without a display
        raise ScreenCaptureError(_("There is no clipboard here: no desktop session was found."))
    if kind is DisplayKind.WAYLAND and shutil.which("wl-paste"):
        return _wayland_clipboard_picture()
    from PySide6.QtGui import QGuiApplication

    from describe_app.core.pictures.images import load_picture
    from describe_app.qt.photo_input import files_in, picture_in

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0] or "describe-app"])
    mime = app.clipboard().mimeData() if isinstance(app, QGuiApplication) else None
    if mime is None:
        return None
    files = files_in(mime)
    picture = picture_in(mime) or (load_picture(files[0]) if files else None)
    if picture is None and mime.hasText() and mime.text().strip():
        # copied words, not a picture: say so, rather than leave the user to guess
        raise ScreenCaptureError(_(NO_CLIPBOARD_PICTURE) + " " + _("It holds text."))
    return picture


def _wayland_clipboard_picture() -> Picture | None:
    """Wayland gives the clipboard only to the focused window, never to a terminal
    program through Qt: ``wl-paste`` (wl-clipboard) reads it."""
    import subprocess

    from describe_app.core.pictures.images import picture_from_bytes

    try:
        pasted = subprocess.run(
            ["wl-paste", "--no-newline", "--type", "image/png"],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if pasted.returncode != 0 or not pasted.stdout:
        return None  # "No suitable type of content copied"
    return picture_from_bytes(pasted.stdout, source="clipboard")


def _remember(
    settings: Settings,
    picture: Picture,
    kind: EntryKind | str,
    text: str,
    *,
    question: str | None = None,
) -> None:
    """Keep the result in history, with the capture's source, unless history is off; the
    screen's picture is kept only when the settings allow screens' pictures on disk."""
    if not settings.history.keep_history or not text:
        return
    from describe_app.core.history.store import History

    keep_picture = settings.history.store_pictures and settings.history.store_screen_pictures
    history = History(max_entries=settings.history.max_entries, store_pictures=keep_picture)
    history.add(source=picture.source, kind=kind, text=text, question=question, picture=picture)

"""The ``window`` command, also what runs when no command is given: open the Describe
window. Qt is imported only when it runs, so ``describe-app --help`` answers at once."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from describe_app.cli import interrupts
from describe_app.cli.prepare_option import add_prepare_option
from describe_app.core.i18n import _


def add_window_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    model_opts: argparse.ArgumentParser,
) -> None:
    """Register ``window``."""
    p = commands.add_parser(
        "window",
        parents=[model_opts],
        help=_("open the Describe window (the default when no command is given)"),
        description=_("Open the window: camera preview, Space describes, Ctrl+O opens a photo."),
    )
    p.add_argument(
        "--camera",
        metavar="SOURCE",
        help=_("camera number (0 = first), an http/rtsp address, a video file, or 'none'"),
    )
    add_prepare_option(
        p,
        what=_(
            "prepare answers in the background (a camera view that stays still, a photo "
            "just opened), so that Space answers sooner"
        ),
        default=None,
    )
    p.add_argument(
        "--in-tray",
        action="store_true",
        help=_(
            "start in the system tray with the window hidden (as when started with the "
            "desktop session); the global keys work at once"
        ),
    )
    p.add_argument("files", nargs="*", metavar="FILE", help=_("photos to describe at once"))


def run_window_command(args: argparse.Namespace) -> int:
    if no_display():
        from describe_app.cli.output import error
        from describe_app.core.i18n import _

        error(
            _(
                "No display was found here (DISPLAY and WAYLAND_DISPLAY are not set), so the "
                "window cannot open; the commands still work, for example: "
                "describe-app describe photo.jpg"
            )
        )
        return 1
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from describe_app.qt.app import run_window  # Qt only here: --help stays instant

    app = QApplication.instance() or QApplication(sys.argv[:1])
    # Ctrl+C or SIGTERM closes the window in order (model, camera, speech, history)
    with _wake_on_signals(), interrupts.quit_with(lambda: QTimer.singleShot(0, app.quit)):
        status = run_window(args)
        code = interrupts.stop_code()
        if code is not None:  # closed in order: end now, not after the interpreter's teardown
            interrupts.exit_now(code)
    return status


def no_display() -> bool:
    """On Linux and other Unix desktops, whether there is no display to open a window on
    (Qt would abort with its platform plugin's errors); a chosen Qt platform (offscreen,
    say) counts as one."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


@contextmanager
def _wake_on_signals() -> Iterator[None]:
    """Let a signal reach Python while Qt's event loop waits: Python runs a signal's
    handler only between two of its own steps, and the idle loop takes none."""
    from PySide6.QtCore import QSocketNotifier

    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    theirs.setblocking(False)
    previous = signal.set_wakeup_fd(theirs.fileno(), warn_on_full_buffer=False)
    notifier = QSocketNotifier(ours.fileno(), QSocketNotifier.Type.Read)
    # the handler has run by the time this (Python) slot starts; just empty the socket
    notifier.activated.connect(lambda: _drain(ours))
    try:
        yield
    finally:
        notifier.setEnabled(False)
        signal.set_wakeup_fd(previous)
        notifier.deleteLater()
        ours.close()
        theirs.close()


def _drain(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.recv(512)

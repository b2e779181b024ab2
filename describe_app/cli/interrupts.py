"""Ctrl+C and SIGTERM: "Stopped." on standard error, at any moment, and nothing left running.

:func:`handled_signals` is entered first thing in :func:`describe_app.cli.main`, before
any heavy library is imported. Its handler never raises ``KeyboardInterrupt``: an
exception thrown into an import can abort the process (torch's C++ modules end in
"terminate called after throwing ... pybind11::error_already_set") or come out as an
unrelated import error (transformers' lazy modules), and the first seconds of a command
are mostly imports. Instead the handler itself finishes the command:

* **a command** (``describe``, ``read``, ``ask``, ``watch``, ``guide``, ...): it says
  "Stopped.", kills the child processes (the model's, the text finder's) and ends the
  process at once with :func:`os._exit`. That is safe: whatever Describe writes to disk
  (history, settings) is written to a temporary file and renamed, and the camera and the
  sound device are released with the process, which stops speech mid-word.
* **the window** (:func:`quit_with`): it asks the window to close, which stops the model,
  the camera and speech in order and finishes the history writes; :func:`stop_code` then
  gives the exit status. Should that take longer than :data:`GRACE_S`, the process ends as
  above.

A second signal ends the process at once. The exit status is 130 for Ctrl+C (SIGINT) and
143 for SIGTERM (128 + the signal's number, as a shell reports it).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import NoReturn

#: What the user is told, on standard error, after the program's name (in the interface
#: language once :func:`use_language` has run: no translating inside a signal handler).
STOPPED = "Stopped."
_stopped = STOPPED
#: How long the window has to close in order before the process is ended anyway.
GRACE_S = 0.8

_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name))

_stop_code: int | None = None
#: Whether standard error ends in a question that waits on the same line for its answer.
_asking = False
_quit: Callable[[], None] | None = None
_deadline: threading.Timer | None = None


@contextmanager
def handled_signals() -> Iterator[None]:
    """Handle Ctrl+C and SIGTERM as this module says, and put back the previous handlers
    afterwards (``main`` may run inside another program, a test runner for one)."""
    global _stop_code, _quit
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers: leave the caller's in place
        return
    previous = {signum: signal.getsignal(signum) for signum in _SIGNALS}
    _stop_code, _quit = None, None
    for signum in _SIGNALS:
        signal.signal(signum, _on_signal)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _quit = None


@contextmanager
def quit_with(quit_window: Callable[[], None]) -> Iterator[None]:
    """While inside, a signal calls ``quit_window`` (on the main thread) instead of ending
    the process; the process still ends after :data:`GRACE_S` if the window does not."""
    global _quit
    _quit = quit_window
    try:
        yield
    finally:
        _quit = None
        if _deadline is not None:
            _deadline.cancel()  # the window closed in time


@contextmanager
def asking() -> Iterator[None]:
    """While inside, a question waits for its answer on the line standard error ends in:
    "Stopped." then starts a line of its own instead of being read out as the question's
    answer ("Question (empty line to finish): describe-app: Stopped.")."""
    global _asking
    _asking = True
    try:
        yield
    finally:
        _asking = False


def stop_code() -> int | None:
    """The exit status a signal asked for (130 or 143), or None when none came."""
    return _stop_code


def _on_signal(signum: int, frame: FrameType | None) -> None:
    global _stop_code, _deadline
    code = 128 + signum
    if _stop_code is not None or _quit is None:  # a command, or a second signal
        exit_now(code)
    _stop_code = code
    _deadline = threading.Timer(GRACE_S, exit_now, args=(code,))
    _deadline.daemon = True
    _deadline.start()
    _quit()


def use_language() -> None:
    """Say "Stopped." in the interface language chosen now (:func:`set_language`)."""
    global _stopped
    from describe_app.core.i18n import _

    _stopped = " ".join(_(STOPPED).split())  # one line, whatever the catalogue holds


def exit_now(code: int) -> NoReturn:
    """Say "Stopped.", end the child processes and this process, now."""
    _say_stopped()
    _kill_children()
    os._exit(code)


def _say_stopped() -> None:
    # os.write, not print: the main thread may be in the middle of writing to stderr
    # (a buffered stream would refuse a reentrant write); stdout is flushed if it can be
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):  # a closed or busy stream: nothing more to save
            stream.flush()
    with suppress(OSError):  # no terminal any more: nobody to tell
        os.write(2, f"{chr(10) if _asking else ''}describe-app: {_stopped}\n".encode())


def _kill_children() -> None:
    """Kill the processes this one started (the model's, the text finder's, ...)."""
    pids = {child.pid for child in multiprocessing.active_children() if child.pid}
    pids.update(_listed_children())
    for pid in pids:
        with suppress(OSError):  # already gone
            os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))


def _listed_children() -> set[int]:
    """Every child of this process as Linux lists them (subprocesses and the
    multiprocessing helpers included); empty elsewhere."""
    pids: set[int] = set()
    try:
        for task in Path(f"/proc/{os.getpid()}/task").iterdir():
            pids.update(int(pid) for pid in (task / "children").read_text().split())
    except (OSError, ValueError):
        pass
    return pids

"""The window's last word on a bug: an exception that nothing caught is written to the crash
log and heard in one sentence that says where the report is, and the window goes on.

While the window runs (:func:`install_crash_hooks`, undone by :meth:`CrashHooks.uninstall`)
two hooks catch what would otherwise only print a traceback to a terminal nobody reads:

* ``sys.excepthook``: Qt hands it the exceptions raised in slots and in Python overrides
  of Qt's virtual methods (a key press handler, say); Qt's event loop goes on after it, so
  the window still answers the next key;
* ``threading.excepthook``: an exception that ends one of our threads (a worker).

Each writes a report (:mod:`describe_app.core.diagnostics.crash_log`), logs one error line
(which the app's log file keeps, :mod:`describe_app.core.diagnostics.app_log`), and
announces the sentence on the GUI thread, through the window's one announce path. Ctrl+C's
``KeyboardInterrupt`` and ``SystemExit`` are not bugs: they go to the hooks as they were.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from contextlib import suppress
from types import TracebackType

from PySide6.QtCore import QObject

from describe_app.core.diagnostics.app_log import FileLogging, start_file_logging
from describe_app.core.diagnostics.crash_log import CrashLog, CrashReport
from describe_app.qt.announcer import Announcer
from describe_app.qt.gui_thread import GuiThread
from describe_app.qt.translate import _

log = logging.getLogger(__name__)


class CrashHooks:
    """The two hooks, the crash log they write and the app's log file, while installed."""

    def __init__(
        self, announcer: Announcer, parent: QObject, crash_log: CrashLog | None = None
    ) -> None:
        self._announcer = announcer
        self._gui = GuiThread(parent)  # created on the GUI thread: announces run there
        self.crash_log = crash_log or CrashLog()
        self._file_logging: FileLogging | None = None
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook

    def install(self) -> None:
        self._file_logging = start_file_logging()
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self._on_uncaught
        threading.excepthook = self._on_thread_exception

    def uninstall(self) -> None:
        """Put back the hooks found at :meth:`install` (unless someone replaced ours since)."""
        if sys.excepthook == self._on_uncaught:
            sys.excepthook = self._previous_hook
        if threading.excepthook == self._on_thread_exception:
            threading.excepthook = self._previous_thread_hook
        if self._file_logging is not None:
            self._file_logging.stop()
            self._file_logging = None

    def _on_uncaught(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, (KeyboardInterrupt, SystemExit)):
            self._previous_hook(exc_type, exc, tb)
            return
        thread = threading.current_thread()
        where = "the window" if thread is threading.main_thread() else f'thread "{thread.name}"'
        self._report(exc_type, exc, tb, where)

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit):  # as threading's own hook: a quiet end
            return
        name = args.thread.name if args.thread is not None else "unknown"
        self._report(args.exc_type, args.exc_value, args.exc_traceback, f'thread "{name}"')

    def _report(
        self,
        exc_type: type[BaseException],
        exc: BaseException | None,
        tb: TracebackType | None,
        where: str,
    ) -> None:
        """Write, log, announce; a hook must never raise, whatever fails here."""
        try:
            report = self.crash_log.write(exc_type, exc, tb, where=where)
            log.error(
                "unexpected error in %s: %s (report %s %s)",
                where,
                report.error,
                "in" if report.saved else "not saved in",
                self.crash_log.path,
            )
            self._gui.call(self._announce, report)
        except Exception:  # the last resort: the traceback on standard error, if any
            with suppress(Exception):
                traceback.print_exception(exc_type, exc, tb)

    def _announce(self, report: CrashReport) -> None:
        path = str(self.crash_log.path)
        if report.saved:
            text = _("Something went wrong that Describe did not expect. A report is in {path}.")
        else:
            text = _(
                "Something went wrong that Describe did not expect, and no report could be "
                "written to {path}."
            )
        self._announcer.announce(text.format(path=path), interrupt=True)


def install_crash_hooks(announcer: Announcer, parent: QObject) -> CrashHooks:
    """Catch what nothing else catches while the window runs; call ``uninstall`` after."""
    hooks = CrashHooks(announcer, parent)
    hooks.install()
    return hooks

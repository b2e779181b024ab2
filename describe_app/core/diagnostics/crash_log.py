"""Crash reports: an exception that nothing caught is written to ``crashes.log`` in the
user's log folder, one report after another, for the user to find or send.

Each report starts with :data:`REPORT_START`, then says when, which version on which
platform, where (the window or a thread), and the whole traceback. Writing never raises: a
report that cannot be written is a :class:`CrashReport` whose ``saved`` is False, so the
caller can still tell the user something. The file is moved aside to ``crashes.log.1`` once
it passes :data:`MAX_BYTES`, and one session writes at most :data:`MAX_REPORTS` reports (an
error repeating in a timer must not fill the disk). Passwords and tokens in the exception's
text are masked (:func:`~.app_log.redact_secrets`), as in the app's log.
"""

from __future__ import annotations

import logging
import os
import platform
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from describe_app import __version__
from describe_app.core.diagnostics.app_log import redact_secrets
from describe_app.core.folders import log_dir

log = logging.getLogger(__name__)

FILE_NAME = "crashes.log"
REPORT_START = "==== Describe crash report ===="
MAX_BYTES = 512 * 1024
MAX_REPORTS = 20


@dataclass(frozen=True)
class CrashReport:
    """One report: when, where, the exception's last line; ``saved``: on disk."""

    time: str
    where: str
    error: str
    saved: bool = True


def crash_log_path() -> Path:
    """``crashes.log`` in the user's log folder."""
    return log_dir() / FILE_NAME


class CrashLog:
    """Writes reports to ``path`` (the user's ``crashes.log`` by default)."""

    def __init__(self, path: Path | None = None, *, max_reports: int = MAX_REPORTS) -> None:
        self.path = path or crash_log_path()
        self._left = max_reports

    def write(
        self,
        exc_type: type[BaseException],
        exc: BaseException | None,
        tb: TracebackType | None,
        *,
        where: str,
    ) -> CrashReport:
        """Append a report on this exception; never raises."""
        lines = [redact_secrets(line) for line in traceback.format_exception(exc_type, exc, tb)]
        report = CrashReport(
            time=datetime.now().astimezone().isoformat(timespec="seconds"),
            where=where,
            error=lines[-1].strip() if lines else exc_type.__name__,
        )
        if self._left <= 0:
            log.debug("crash report not written: %s reports this session already", MAX_REPORTS)
            return CrashReport(report.time, where, report.error, saved=False)
        self._left -= 1
        text = "\n".join(
            [
                REPORT_START,
                f"Time: {report.time}",
                f"Version: Describe {__version__}",
                f"Platform: {platform.platform()} (Python {platform.python_version()})",
                f"Where: {where}",
                "".join(lines).rstrip(),
                "",
                "",
            ]
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.is_file() and self.path.stat().st_size > MAX_BYTES:
                os.replace(self.path, self.path.with_name(FILE_NAME + ".1"))
            with self.path.open("a", encoding="utf-8", errors="replace") as file:
                file.write(text)
        except OSError as exc_writing:
            log.debug("could not write the crash report to %s: %s", self.path, exc_writing)
            return CrashReport(report.time, where, report.error, saved=False)
        return report


def last_reports(count: int, path: Path | None = None) -> list[CrashReport]:
    """The last ``count`` reports in the crash log, oldest first ([] if there is none)."""
    path = path or crash_log_path()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    reports = [_parse(chunk) for chunk in text.split(REPORT_START)[1:]]
    return reports[-count:] if count > 0 else []


def _parse(chunk: str) -> CrashReport:
    lines = [line for line in chunk.strip().splitlines() if line.strip()]
    fields = {}
    for line in lines[:4]:
        key, _sep, value = line.partition(": ")
        fields[key] = value
    return CrashReport(
        time=fields.get("Time", "?"),
        where=fields.get("Where", "?"),
        error=lines[-1].strip() if lines else "?",
    )

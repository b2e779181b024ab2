"""The app's own log in a file: ``describe.log`` in the user's log folder, rotated.

While the window runs, :func:`start_file_logging` writes Describe's messages from INFO up,
and every library's warnings and errors, to the file, so that a sentence such as "the
details are in the log" points somewhere. What the terminal shows does not change.
``describe-app doctor`` reads the last errors back with :func:`last_errors`.

The file is written by a thread of its own (the logging cookbook's queue handler and
listener): a record logged on the window's thread is only put on a queue, so a slow disk
never holds up the window's event loop (a look at the window's stalls while the model
worked once found it inside the log handler's check of the file).

A file that cannot be written (a full disk, a folder made read-only) is given up in silence:
what is running goes on, and no "--- Logging error ---" traceback reaches the terminal.
Passwords and tokens in a message (``http://me:secret@host``, ``Bearer ...``, ``hf_...``)
are masked before it is written (:func:`redact_secrets`), as they are in crash reports.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import re
import sys
from logging.handlers import QueueHandler, QueueListener, RotatingFileHandler
from pathlib import Path

from describe_app.core.folders import log_dir

log = logging.getLogger(__name__)

FILE_NAME = "describe.log"
MAX_BYTES = 1024 * 1024
BACKUPS = 2
OWN_LOGGER = "describe_app"
FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"
_ERROR_LEVELS = ("ERROR", "CRITICAL")
MASK = "***"

#: What a log line or a crash report must not keep: the user name and password of an address
#: (``http://me:secret@host`` -> ``http://***@host``), a bearer token, a hub token, and
#: a password, key or token in a query string or ``key=value`` text.
_SECRETS = (
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/?#@]+@"), r"\1" + MASK + "@"),
    (re.compile(r"(?i)\b(bearer\s+)[^\s'\",]+"), r"\1" + MASK),
    (re.compile(r"\bhf_[A-Za-z0-9]{8,}"), "hf_" + MASK),
    (
        re.compile(
            r"(?i)\b((?:api[_-]?key|password|passwd|token|access[_-]?token)[\"']?\s*[=:]\s*[\"']?)"
            r"(?!\*\*\*)[^\s&'\",;)]+"
        ),
        r"\1" + MASK,
    ),
)


def redact_secrets(text: str) -> str:
    """``text`` with the passwords and tokens in it replaced by ``***``."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class _RedactingFormatter(logging.Formatter):
    """:data:`FORMAT`, with the secrets of the message and its traceback masked."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_secrets(super().format(record))


class _QuietFileHandler(RotatingFileHandler):
    """The rotating log file, given up for the rest of the run once writing it fails with an
    :class:`OSError` (full disk, no permission): nothing is printed about it."""

    failed: OSError | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.failed is None:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            super().handleError(record)  # a bug in a record's format: said as logging says it
            return
        self._give_up(exc)

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as exc:
            self._give_up(exc)

    def close(self) -> None:
        try:
            super().close()
        except OSError as exc:
            self._give_up(exc)

    def _give_up(self, exc: OSError) -> None:
        if self.failed is None:
            self.failed = exc
            log.debug("the log file %s cannot be written: %s", self.baseFilename, exc)
        stream, self.stream = self.stream, None
        if stream is not None:
            with contextlib.suppress(OSError):  # what it held is lost: the disk refused it
                stream.close()


def app_log_path() -> Path:
    """``describe.log`` in the user's log folder."""
    return log_dir() / FILE_NAME


class FileLogging:
    """The queue handler on the root logger, the thread that writes the file, and how to
    take them off again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = _QuietFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
        self._file.setFormatter(_RedactingFormatter(FORMAT))
        self._queue: queue.Queue[logging.LogRecord] = queue.Queue()
        self._handler = QueueHandler(self._queue)
        self._handler.setLevel(logging.INFO)
        self._handler.addFilter(_ours_or_warnings)
        self._listener = QueueListener(self._queue, self._file)
        self._listener.start()
        root = logging.getLogger()
        own = logging.getLogger(OWN_LOGGER)
        self._own_level = own.level
        # Describe's INFO records must now be made; the terminal's handlers keep the level
        # they had through the root logger, so they show no more than before.
        self._pinned = [
            h for h in root.handlers if type(h) is logging.StreamHandler and not h.level
        ]
        for handler in self._pinned:
            handler.setLevel(root.getEffectiveLevel())
        if own.getEffectiveLevel() > logging.INFO:
            own.setLevel(logging.INFO)
        root.addHandler(self._handler)

    def flush(self) -> None:
        """Wait until every record logged so far is in the file."""
        self._queue.join()
        self._file.flush()

    def stop(self) -> None:
        """Take the handler off (the records logged so far are written first) and put the
        levels back."""
        logging.getLogger().removeHandler(self._handler)
        self._listener.stop()
        self._file.close()
        logging.getLogger(OWN_LOGGER).setLevel(self._own_level)
        for handler in self._pinned:
            handler.setLevel(logging.NOTSET)


def start_file_logging(path: Path | None = None) -> FileLogging | None:
    """Log to ``path`` (the user's ``describe.log``); None if the folder cannot be made."""
    path = path or app_log_path()
    try:
        return FileLogging(path)
    except OSError as exc:
        log.info("no log file at %s: %s", path, exc)
        return None


def last_errors(count: int, path: Path | None = None) -> list[str]:
    """The last ``count`` ERROR and CRITICAL lines of the log (and the file before it)."""
    path = path or app_log_path()
    found: list[str] = []
    for part in (path.with_name(path.name + ".1"), path):
        try:
            lines = part.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        found += [line for line in lines if _level(line) in _ERROR_LEVELS]
    return found[-count:] if count > 0 else []


def _level(line: str) -> str:
    """The level name of a line as :data:`FORMAT` writes it ("" for a traceback's lines)."""
    fields = line.split(" ", 3)
    return fields[2] if len(fields) == 4 else ""


def _ours_or_warnings(record: logging.LogRecord) -> bool:
    """Describe's own records from INFO up; the libraries' from WARNING up."""
    return record.name.startswith(OWN_LOGGER) or record.levelno >= logging.WARNING

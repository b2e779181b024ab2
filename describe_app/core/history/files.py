"""The history's folder on disk: where it is, and reading and writing its files.

Layout, in ``<data dir>/history/``::

    history.jsonl         one JSON object per line, oldest first, appended to
    pictures/<id>.jpg     the picture of an entry, for follow-up questions (optional)

and ``<data dir>/history.lock`` beside the folder (empty): the lock that lets one Describe
at a time (the window, the command line) change the folder (:func:`folder_lock`).

The folder is ``platformdirs.user_data_dir("Describe")/history``, or
``$DESCRIBE_DATA_DIR/history``. Reading skips damaged lines and a last line cut short by a
crash, and keeps a copy of a damaged file; an entry of a newer version (a kind not known
here) is not damage: its line is kept as it is. The writing functions here raise OSError and
leave counting failures to :class:`~describe_app.core.history.store.History`.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import logging
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from describe_app.core.atomic_file import write_atomically
from describe_app.core.folders import data_dir
from describe_app.core.history.entry import PICTURE_NAME, HistoryEntry, is_from_newer_version

if TYPE_CHECKING:
    from PIL import Image

logger = logging.getLogger(__name__)

HISTORY_FILE = "history.jsonl"
PICTURES_DIR = "pictures"
JPEG_QUALITY = 90


def history_dir() -> Path:
    return data_dir() / "history"


# -- history.jsonl ------------------------------------------------------------------------


@dataclass(frozen=True)
class ForeignLine:
    """A line written by a newer Describe (an entry of a kind this version does not know),
    kept as it is; ``after``: the id of the entry before it in the file (None: first)."""

    after: str | None
    id: str
    line: str


@dataclass(frozen=True)
class HistoryFile:
    """What :func:`read_history_file` found: the entries that could be read, how many lines
    were damaged, whether the last line was cut short (written when Describe stopped), and
    the lines of a newer version, kept for it."""

    entries: list[HistoryEntry]
    bad_lines: int
    cut_short: bool
    foreign: list[ForeignLine] = field(default_factory=list)


def read_history_file(file: Path, *, quiet: bool = False) -> HistoryFile | None:
    """The entries in ``file``, skipping (and logging) what cannot be read. None if there is
    no such file, or it cannot be read at all (logged). ``quiet``: damaged lines were already
    reported (a second reading before a rewrite); they are logged for debugging only."""
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        logger.warning("history file %s is unreadable: %r", file, exc)
        return None
    lines = raw.split(b"\n")
    complete, tail = lines[:-1], lines[-1]  # tail: after the last newline ("" if none)
    entries: list[HistoryEntry] = []
    foreign: list[ForeignLine] = []
    bad = 0
    for number, line in enumerate(complete, start=1):
        if not line.strip():
            continue
        data = None
        try:
            data = json.loads(line.decode("utf-8"))
            entries.append(HistoryEntry.from_dict(data))
        except (ValueError, UnicodeDecodeError) as exc:
            if isinstance(data, dict) and is_from_newer_version(data):
                after = entries[-1].id if entries else None
                foreign.append(ForeignLine(after, data["id"], line.decode("utf-8").strip()))
                logger.debug("history line %s of %s is from a newer version; kept", number, file)
                continue
            bad += 1
            log = logger.debug if quiet else logger.warning
            log("history line %s of %s skipped: %s", number, file, exc)
    if tail.strip() and not quiet:
        logger.info(
            "history file %s ends with an incomplete entry (%s bytes, written when "
            "Describe stopped); skipped",
            file,
            len(tail),
        )
    return HistoryFile(entries, bad, bool(tail.strip()), foreign)


def _line(entry: HistoryEntry) -> str:
    return json.dumps(entry.to_dict(), ensure_ascii=False) + "\n"


def append_entry(file: Path, entry: HistoryEntry) -> None:
    """Add one line to ``file``, fsynced before returning. Raises OSError.

    A write that fails part way (the disk filled up) is cut off again, so the file ends
    with the last whole line and the next entry is not glued to half of this one."""
    file.parent.mkdir(parents=True, exist_ok=True)
    data = memoryview(_line(entry).encode("utf-8"))
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
    fd = os.open(file, flags, 0o644)
    try:
        start = os.lseek(fd, 0, os.SEEK_END)
        try:
            while data:
                data = data[os.write(fd, data) :]
            os.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, start)
            raise
    finally:
        os.close(fd)


def write_history_file(
    file: Path, entries: Iterable[HistoryEntry], foreign: Iterable[ForeignLine] = ()
) -> None:
    """Replace ``file`` with ``entries``, atomically, each ``foreign`` line after the entry
    it followed (first if that one is gone). Raises OSError."""
    entries = list(entries)
    ids = {e.id for e in entries}
    following: dict[str | None, list[str]] = {}
    for kept in foreign:
        following.setdefault(kept.after if kept.after in ids else None, []).append(kept.line)
    parts = [line + "\n" for line in following.get(None, [])]
    for entry in entries:
        parts.append(_line(entry))
        parts.extend(line + "\n" for line in following.get(entry.id, []))
    data = "".join(parts)
    file.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(file, data.encode("utf-8"))


def keep_copy_of_bad_file(file: Path) -> None:
    """Copy a damaged history file beside it (``history.jsonl.bad-<time>``) before it is
    rewritten without its damaged lines. A failure is only logged."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    copy = file.with_name(f"{file.name}.bad-{stamp}")
    try:
        copy.write_bytes(file.read_bytes())
    except OSError as exc:
        logger.info("could not keep a copy of %s: %r", file, exc)
        return
    logger.info("copy of the damaged history file kept as %s", copy)


# -- pictures/ ----------------------------------------------------------------------------


def write_picture(folder: Path, name: str, image: Image.Image) -> None:
    """Store ``image`` as the JPEG ``folder/name``, atomically. Raises OSError or
    ValueError."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / name, buffer.getvalue())


def stored_pictures(folder: Path) -> Iterator[Path]:
    """The entry pictures in ``folder`` (other files are left alone); none if no folder."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if PICTURE_NAME.match(path.name):
            yield path


#: A temp file older than this was left by a crash (not one being written right now).
STALE_TEMP_S = 60.0


def leftover_copies(folder: Path) -> Iterator[Path]:
    """Copies of history text or pictures beside the history itself, that "clear history"
    must delete too: damaged files kept (``history.jsonl.bad-*``) and the temp files of a
    write that a crash cut short (left alone while they may still be being written)."""
    now = time.time()
    for place in (folder, folder / PICTURES_DIR):
        if not place.is_dir():
            continue
        for path in place.iterdir():
            name = path.name
            if place == folder and name.startswith(f"{HISTORY_FILE}.bad-"):
                yield path
            elif name.startswith(".") and name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    if now - path.stat().st_mtime > STALE_TEMP_S:
                        yield path


# -- the lock ------------------------------------------------------------------------------

#: How long a change waits for another Describe's change to finish before it goes on anyway.
LOCK_WAIT_S = 10.0
_LOCK_POLL_S = 0.01
#: What locking a file another process has locked raises (Windows: EACCES or EDEADLOCK).
_HELD = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, errno.EDEADLK}


def lock_file(folder: Path) -> Path:
    """The lock of the history in ``folder``: beside it, so that it is no file of the history
    (clearing the history leaves nothing in the folder)."""
    return folder.with_name(f"{folder.name}.lock")


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the history's lock against other Describes while a change reads and writes the
    folder: a rewrite then never writes back an entry another Describe deleted after it read
    the file, nor drops a line appended meanwhile. Not reentrant (take it once per change).

    Waits up to :data:`LOCK_WAIT_S` for another Describe's change; a lock that cannot be had
    (a Describe stuck holding it, a file system without locks) is logged and the change goes
    on without it, rather than the history not being written at all."""
    path = lock_file(folder)
    fd = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
    except OSError as exc:
        logger.info("history lock %s cannot be opened: %r; going on without it", path, exc)
    if fd is None:
        yield
        return
    try:
        locked = _wait_for_lock(fd, path)
        try:
            yield
        finally:
            if locked:
                _unlock(fd)
    finally:
        os.close(fd)


def _wait_for_lock(fd: int, path: Path) -> bool:
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            _try_lock(fd)
            return True
        except OSError as exc:
            if exc.errno not in _HELD:
                logger.info("history lock %s unusable: %r; going on without it", path, exc)
                return False
        if time.monotonic() >= deadline:
            logger.warning(
                "history lock %s still held by another Describe after %.0f s; going on without it",
                path,
                LOCK_WAIT_S,
            )
            return False
        time.sleep(_LOCK_POLL_S)


def _try_lock(fd: int) -> None:
    """Lock ``fd`` for this process, or raise OSError at once if another holds it."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(fd: int) -> None:
    with contextlib.suppress(OSError):
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)


def delete_file(path: Path) -> None:
    """Delete ``path``; a file already gone is fine, another failure is only logged."""
    with contextlib.suppress(FileNotFoundError):
        try:
            path.unlink()
        except OSError as exc:
            logger.info("could not delete %s: %r", path, exc)

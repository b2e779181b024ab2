"""The history's folder on disk: where it is, and reading and writing its files.

Layout, in ``<data dir>/history/``::

    history.jsonl         one JSON object per line, oldest first, appended to
    pictures/<id>.jpg     the picture of an entry, for follow-up questions (optional)

The folder is ``platformdirs.user_data_dir("Describe")/history``, or
``$DESCRIBE_DATA_DIR/history``. Reading skips damaged lines and a last line cut short by a
crash, and keeps a copy of a damaged file; the writing functions here raise OSError and
leave counting failures to :class:`~describe_app.core.history.store.History`.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from describe_app.core.atomic_file import write_atomically
from describe_app.core.folders import data_dir
from describe_app.core.history.entry import PICTURE_NAME, HistoryEntry

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
class HistoryFile:
    """What :func:`read_history_file` found: the entries that could be read, how many lines
    were damaged, and whether the last line was cut short (written when Describe stopped)."""

    entries: list[HistoryEntry]
    bad_lines: int
    cut_short: bool


def read_history_file(file: Path) -> HistoryFile | None:
    """The entries in ``file``, skipping (and logging) what cannot be read. None if there is
    no such file, or it cannot be read at all (logged)."""
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
    bad = 0
    for number, line in enumerate(complete, start=1):
        if not line.strip():
            continue
        try:
            entries.append(HistoryEntry.from_dict(json.loads(line.decode("utf-8"))))
        except (ValueError, UnicodeDecodeError) as exc:
            bad += 1
            logger.warning("history line %s of %s skipped: %s", number, file, exc)
    if tail.strip():
        logger.info(
            "history file %s ends with an incomplete entry (%s bytes, written when "
            "Describe stopped); skipped",
            file,
            len(tail),
        )
    return HistoryFile(entries, bad, bool(tail.strip()))


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


def write_history_file(file: Path, entries: Iterable[HistoryEntry]) -> None:
    """Replace ``file`` with ``entries``, atomically. Raises OSError."""
    data = "".join(_line(e) for e in entries)
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


def delete_file(path: Path) -> None:
    """Delete ``path``; a file already gone is fine, another failure is only logged."""
    with contextlib.suppress(FileNotFoundError):
        try:
            path.unlink()
        except OSError as exc:
            logger.info("could not delete %s: %r", path, exc)

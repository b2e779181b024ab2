"""Write a file so that a crash or a power cut leaves either the old or the new one, whole."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

#: The most of the target's name (in UTF-8 bytes) that a temp file's name repeats.
TEMP_NAME_BYTES = 200


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: a temp file in the same folder, flushed and fsynced,
    renamed over ``path``, then the folder fsynced. Raises OSError; leaves no temp file."""
    # the temp file's name is the target's, cut to leave room for its own 14 characters: a
    # file name near the 255-byte limit is still written
    short = path.name.encode("utf-8")[:TEMP_NAME_BYTES].decode("utf-8", "ignore")
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{short}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; elsewhere a no-op)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

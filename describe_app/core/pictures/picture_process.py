"""Big pictures decoded in a child process, so the window's process never waits for them.

Decoding a big PNG holds Python's global lock for much of the time (Pillow's decoders and
conversions): on a thread of the window's process it still stopped the window for up to
50 ms at a time (a 24-megapixel PNG: 16 to 51 ms, against 10 to 21 ms from the child;
measured on a busy two-core machine). It also keeps a decoder that crashes on a big
picture, and an SVG drawing library that aborts, out of the window's process.
:class:`PictureProcess` sends a big picture or a drawing to a "spawn"-started child (one
``ProcessPoolExecutor`` worker, started at the first such picture, at a lower priority)
and gets the working copy back (at most
:data:`~describe_app.core.pictures.images.WORKING_SIDE` pixels a side: a few megabytes).
Pictures of up to :data:`SMALL_PIXELS`, and files that are no picture at all, are decoded
on the calling thread: it takes milliseconds, and the child would add its start-up.
Errors are the same sentences as :func:`~describe_app.core.pictures.images.load_picture`
gives. A child that died is started again at the next picture; one that dies twice on the
same picture is one more sentence (:class:`ImageError`). :meth:`close` ends the child at
once, even in the middle of a picture (:class:`PictureProcessClosed` for it).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from describe_app.core.below_the_desktop import run_below_the_desktop
from describe_app.core.child_pool import end_pool
from describe_app.core.errors import ImageError
from describe_app.core.i18n import _, current_language, set_language
from describe_app.core.pictures.images import (
    Picture,
    load_picture,
    picture_from_bytes,
    register_heif,
)

log = logging.getLogger(__name__)

#: Pictures of up to this many pixels are decoded where they are asked for (milliseconds).
SMALL_PIXELS = 2_000_000

T = TypeVar("T")


class PictureProcessClosed(Exception):
    """The child was ended by :meth:`PictureProcess.close`: nothing to say."""


class PictureProcess:
    """Decodes pictures, the big ones in a child process; safe to use from one thread at a
    time, and to close from another."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    def load_picture(self, path: str | os.PathLike[str]) -> Picture:
        """:func:`~describe_app.core.pictures.images.load_picture`, a big one in the child."""
        where = Path(path)
        if not where.is_file() or _quick_here(where):  # missing, a folder, a pipe: said here
            return load_picture(path)
        return self._run(load_picture, str(path))

    def picture_from_bytes(self, data: bytes, source: str = "pasted picture") -> Picture:
        """:func:`~describe_app.core.pictures.images.picture_from_bytes`, a big one in the
        child."""
        if _quick_here(data):
            return picture_from_bytes(data, source=source)
        return self._run(_from_bytes, data, source)

    def close(self) -> None:
        """End the child now, even in the middle of a picture; not waited for."""
        with self._lock:  # never in the middle of starting the child (that is under the lock)
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            end_pool(pool)

    def _run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in the child. A child that had died (killed, out of memory)
        is started again and given the picture once more; dying on it a second time, the
        picture is what stops it (a decoder's crash): :class:`ImageError`."""
        for attempt in (1, 2):
            with self._lock:
                if self._closed:
                    raise PictureProcessClosed
                if self._pool is None:
                    self._pool = ProcessPoolExecutor(
                        max_workers=1,
                        mp_context=multiprocessing.get_context("spawn"),
                        initializer=_start_child,
                        initargs=(current_language(),),
                    )
                pool = self._pool
                future: Future[T] | None
                try:  # the child is started here, the first time: under the lock
                    future = pool.submit(function, *args)
                except (BrokenProcessPool, RuntimeError):  # it had died: started again
                    future = None
            try:
                if future is not None:
                    return future.result()
            except (BrokenProcessPool, CancelledError):  # it died, or closing ended it
                pass
            with self._lock:
                if self._pool is pool:
                    self._pool = None
                closed = self._closed
            end_pool(pool)
            if closed:
                raise PictureProcessClosed
            if attempt == 1:
                log.warning("the picture decoding process had ended: it is started again")
        log.error("the picture decoding process ended twice on one picture")
        raise ImageError(_("The picture could not be opened: its decoder stopped. Try again."))


def _start_child(language: str) -> None:
    """In the child: below the desktop, its sentences in the window's ``language``."""
    run_below_the_desktop()
    set_language(language)


def _quick_here(where: Path | bytes) -> bool:
    """Whether decoding the picture here takes milliseconds: its header says it has at
    most :data:`SMALL_PIXELS`, or it is no picture at all (a text file, a cut-off header),
    or one refused by its header alone (too large): the same sentence at once, without
    starting the child. A drawing (SVG: its drawing library may abort the process) and a
    header Pillow cannot make sense of go to the child."""
    import io

    from PIL import Image, UnidentifiedImageError

    from describe_app.core.pictures.svg_pictures import looks_like_svg

    register_heif()
    head = where if isinstance(where, bytes) else _first_bytes(where)
    if looks_like_svg(head):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a bomb's warning: the child refuses it
            source = io.BytesIO(where) if isinstance(where, bytes) else where
            with Image.open(source) as image:
                width, height = image.size
    except (UnidentifiedImageError, EOFError, Image.DecompressionBombError):
        return True  # no picture, or one refused before decoding: said at once, here
    except Exception:  # a header Pillow cannot make sense of: the child says what is wrong
        return False
    return width * height <= SMALL_PIXELS


def _first_bytes(path: Path) -> bytes:
    """The start of the file at ``path`` (b"" if it cannot be read: load_picture says why)."""
    try:
        with path.open("rb") as file:
            return file.read(64 * 1024)  # a compressed SVG's start unpacks from it
    except OSError:
        return b""


def _from_bytes(data: bytes, source: str) -> Picture:
    """In the child (a keyword argument cannot travel through ``submit`` by position)."""
    return picture_from_bytes(data, source=source)

"""OCR in a child process: a :class:`~describe_app.core.reading.ocr_reader.TextReader` whose
RapidOCR runs in a "spawn"-started child of its own.

Creating RapidOCR's ONNX Runtime sessions holds Python's global lock for about a second:
loaded on a thread of the window's process, it froze the window for 1.2 s (measured when
document mode loaded it on its reading thread). :class:`ChildTextReader` keeps the engine
in a child (one ``ProcessPoolExecutor`` worker), so the window's process only sends each
picture and gets the lines and their boxes back. The child starts at the first
:meth:`~ChildTextReader.load` or :meth:`~ChildTextReader.read`; a child that died fails
that read with one sentence (:class:`OcrError`) and is started again at the next one.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, cast

from describe_app.core.below_the_desktop import run_below_the_desktop
from describe_app.core.child_pool import end_pool
from describe_app.core.errors import OcrError
from describe_app.core.i18n import _, current_language, set_language
from describe_app.core.reading.ocr_reader import OcrReader, OcrResult, OcrSettings

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

#: The child's reader (in the child only).
_child_reader: OcrReader | None = None


class ChildTextReader:
    """An :class:`OcrReader` with ``settings`` in a child process; used by one thread."""

    def __init__(self, settings: OcrSettings | None = None) -> None:
        self.settings = settings or OcrSettings()
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Start the child and load its engine; OcrError if it cannot."""
        self._run(None)

    def read(self, image: Image.Image) -> OcrResult:
        return cast("OcrResult", self._run(image))

    def close(self) -> None:
        """End the child now, even in the middle of a picture (an OCR page takes seconds,
        and the app's exit would wait for it); not waited for."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            end_pool(pool)

    def _run(self, image: Image.Image | None) -> OcrResult | None:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_child,
                    initargs=(self.settings, current_language()),
                )
            pool = self._pool
        try:
            return pool.submit(_read_in_child, image).result()
        except (BrokenProcessPool, CancelledError) as exc:  # (close() cancels one not begun)
            with self._lock:
                closed = self._pool is not pool  # close() ended it: expected, no error
                if self._pool is pool:
                    self._pool = None
            if closed:
                log.debug("the text reader process was ended by close()")
            else:
                log.error("the text reader process ended unexpectedly")
            raise OcrError(_("Text could not be read: the text reader stopped.")) from exc
        except RuntimeError as exc:  # closed meanwhile ("cannot schedule new futures")
            raise OcrError(_("Text could not be read: the text reader stopped.")) from exc


def _start_child(settings: OcrSettings, language: str) -> None:
    """In the child: make its reader (loaded at the first call); its sentences in the
    window's ``language``."""
    global _child_reader
    set_language(language)
    run_below_the_desktop()  # before ONNX Runtime starts its threads: they inherit it
    _child_reader = OcrReader(settings)


def _read_in_child(image: Image.Image | None) -> OcrResult | None:
    """In the child: load the reader (``image`` None) or read ``image``. An OcrError comes
    back as one (its sentence is its only argument)."""
    reader = _child_reader
    if reader is None:  # (the initializer always runs first)
        raise OcrError(_("Text could not be read: the text reader stopped."))
    if image is None:
        reader.load()
        return None
    return reader.read(image)

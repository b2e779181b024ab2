"""Documents read off the GUI thread: one worker thread that owns the text readers.

:class:`DocumentWorker` reads a PDF or TIFF page by page
(:func:`~describe_app.core.reading.document_reader.read_document`) or one page captured
by document mode (:func:`~describe_app.core.reading.page_reader.read_page`) on its thread,
``document-reader``. The latest request wins: a new one stops the one in flight between
pages, and what the old one still sends is dropped. What it finds comes to the GUI thread
through :class:`~describe_app.qt.gui_thread.GuiThread` as signals: ``progress`` ("Page 2
of 5."), ``page_read`` (each page, laid out into headings, paragraphs, lists and tables),
``finished`` and ``failed`` (one sentence). The OCR readers run in a child process
(:mod:`~describe_app.core.reading.text_reader_process`) and load at their first scanned
page, or when document mode goes on: a PDF with a text layer never loads them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from describe_app.core.errors import ImageError
from describe_app.core.reading.document import Page
from describe_app.core.reading.ocr_reader import OcrSettings, TextReader, close_reader
from describe_app.core.reading.page_finder import PageOutline
from describe_app.qt.gui_thread import GuiThread
from describe_app.qt.translate import _

log = logging.getLogger(__name__)

#: The pictures of scanned pages are kept (for saving a searchable PDF) for documents of up
#: to this many pages; a longer scan keeps its text only (a page picture is 6 MB).
KEEP_PICTURES_UP_TO = 20

ReaderFactory = Callable[[OcrSettings], TextReader]


@dataclass(frozen=True)
class ReadFile:
    """Read the pages of a PDF or TIFF file."""

    path: str


@dataclass(frozen=True)
class ReadCapture:
    """Read the page document mode captured (a BGR frame and the page's corners)."""

    frame: Any
    outline: PageOutline | None
    number: int


@dataclass
class _Request:
    id: int
    what: ReadFile | ReadCapture
    cancel: threading.Event = field(default_factory=threading.Event)


class DocumentWorker(QObject):
    opened = Signal(int, int)  # request id, the file's page count
    progress = Signal(int, str)  # request id, "Page 2 of 5."
    page_read = Signal(int, object)  # request id, Page
    finished = Signal(int, bool)  # request id, stopped before the end
    failed = Signal(int, str)  # request id, one sentence
    page_failed = Signal(int, str)  # request id, one sentence: a damaged page, the rest read

    def __init__(
        self, reader_factory: ReaderFactory | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._reader_factory: ReaderFactory = reader_factory or _child_reader
        self._readers: dict[OcrSettings, TextReader] = {}
        self._gui = GuiThread(self)
        self._wake = threading.Condition()
        self._pending: _Request | None = None
        self._current: _Request | None = None
        self._latest = 0
        self._closed = False
        self._warm = False  # load the reader for captured pages when idle
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        """A request is waiting or being read."""
        with self._wake:
            return self._pending is not None or self._current is not None

    def read_file(self, path: str | Path) -> int:
        return self._submit(ReadFile(str(path)))

    def read_capture(self, frame: Any, outline: PageOutline | None, number: int) -> int:
        return self._submit(ReadCapture(frame, outline, number))

    def prepare_capture_reader(self) -> None:
        """Load the reader for captured pages now, when nothing is being read (document
        mode went on): the first page is then read sooner. Loading it holds Python's lock
        for about a second, at the key press rather than after the capture."""
        with self._wake:
            if self._closed:
                return
            self._warm = True
            self._start_thread()
            self._wake.notify_all()

    def cancel(self) -> None:
        """Stop what is being read (between pages) and drop what waits."""
        with self._wake:
            self._latest += 1  # nothing more of the old requests is delivered
            self._pending = None
            if self._current is not None:
                self._current.cancel.set()

    def close(self, timeout: float = 1.0) -> bool:
        """Stop, once; True if the thread ended within ``timeout`` (a page being read by
        OCR ends first; the thread is a daemon)."""
        with self._wake:
            self._closed = True
            self._pending = None
            if self._current is not None:
                self._current.cancel.set()
            self._wake.notify_all()
        ended = True
        if self._thread is not None:
            self._thread.join(timeout)
            ended = not self._thread.is_alive()
        for reader in self._readers.values():
            close_reader(reader)
        return ended

    # --- the GUI thread -------------------------------------------------------------------------

    def _submit(self, what: ReadFile | ReadCapture) -> int:
        with self._wake:
            if self._closed:
                return 0
            self._latest += 1
            if self._current is not None:
                self._current.cancel.set()
            self._pending = _Request(self._latest, what)
            self._start_thread()
            self._wake.notify_all()
            return self._latest

    def _start_thread(self) -> None:
        """Under the lock: the worker thread, started at the first request."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="document-reader", daemon=True)
            self._thread.start()

    def _deliver(self, request_id: int, signal: Any, *args: object) -> None:
        if request_id == self._latest and not self._closed:
            signal.emit(request_id, *args)

    def _send(self, request: _Request, signal: Any, *args: object) -> None:
        """From the worker thread: hand a result to the GUI thread."""
        if not request.cancel.is_set() or signal is self.finished:
            self._gui.call(self._deliver, request.id, signal, *args)

    # --- the worker thread --------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._pending is None and not self._warm and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                request, self._pending = self._pending, None
                self._warm = False
                self._current = request
            if request is None:  # only the reader to load (outside the lock: seconds)
                self._load_capture_reader()
                continue
            try:
                self._read(request)
            except ImageError as exc:
                self._send(request, self.failed, str(exc))
            except Exception:  # a broken file or a reader that failed: said, and we go on
                if self._closed:  # the window closed: its readers were stopped under it
                    log.debug("reading stopped by closing", exc_info=True)
                    return
                log.exception("reading a document failed")
                self._send(request, self.failed, _("The document could not be read."))
            finally:
                with self._wake:
                    self._current = None

    def _read(self, request: _Request) -> None:
        from describe_app.core.reading.page_layout import lay_out_page

        what = request.what
        if isinstance(what, ReadCapture):
            from describe_app.core.reading.page_reader import DOCUMENT_OCR_SETTINGS, read_page

            reader = self._reader(DOCUMENT_OCR_SETTINGS)
            page = read_page(what.frame, reader, outline=what.outline, number=what.number)
            self._send(request, self.page_read, page)
            self._send(request, self.finished, request.cancel.is_set())
            return
        from describe_app.core.reading.document_reader import (
            SCAN_OCR_SETTINGS,
            ReadOptions,
            open_pages,
            read_document,
        )

        source = open_pages(what.path)  # a damaged file says so here, before any progress
        count = source.page_count
        source.close()
        self._send(request, self.opened, count)
        options = ReadOptions(keep_images=count <= KEEP_PICTURES_UP_TO)

        def on_page(page: Page) -> None:
            self._send(request, self.page_read, page if page.blocks else lay_out_page(page))

        document = read_document(
            what.path,
            _LazyReader(lambda: self._reader(SCAN_OCR_SETTINGS)),
            options,
            on_progress=lambda sentence: self._send(request, self.progress, sentence),
            on_page=on_page,
            cancel=request.cancel,
            on_error=lambda error: self._send(request, self.page_failed, str(error)),
        )
        self._send(request, self.finished, document.stopped)

    def _load_capture_reader(self) -> None:
        from describe_app.core.reading.page_reader import DOCUMENT_OCR_SETTINGS

        try:
            self._reader(DOCUMENT_OCR_SETTINGS).load()
        except Exception:  # said when a page is read with it
            if self._closed:  # the window closed while it loaded: stopped, not failed
                log.debug("the text reader for pages stopped loading", exc_info=True)
                return
            log.warning("the text reader for pages could not be loaded", exc_info=True)

    def _reader(self, settings: OcrSettings) -> TextReader:
        if settings not in self._readers:
            self._readers[settings] = self._reader_factory(settings)
        return self._readers[settings]


def _child_reader(settings: OcrSettings) -> TextReader:
    """The app's reader: RapidOCR in a child process (loading it here froze the window)."""
    from describe_app.core.reading.text_reader_process import ChildTextReader

    return ChildTextReader(settings)


class _LazyReader:
    """A text reader made at its first page to read (a text PDF never needs one)."""

    def __init__(self, make: Callable[[], TextReader]) -> None:
        self._make = make

    def load(self) -> None:
        self._make().load()

    def read(self, image: Any) -> Any:
        return self._make().read(image)

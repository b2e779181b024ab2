"""Documents in the window: PDFs and scans opened, pages captured by document mode, and the
reading view that shows them.

:class:`Documents` ties three parts together: the :class:`DocumentWorker` (reads off the
GUI thread, latest request wins), :class:`DocumentMode` (the camera mode that captures a
page) and the :class:`ReadingView`. Opening a PDF or a multi-page TIFF announces each page
as it is read ("Page 2 of 5."); the reading view opens with the first page and grows as
the others come. A captured page is added to the document in the reading view when it came
from the camera (or when "Next page" asked for it), else it starts a new document; the
caret is put at its start.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QWidget

from describe_app.core.reading.document import Document, Page
from describe_app.core.reading.page_finder import PageOutline
from describe_app.qt.announcer import Announcer
from describe_app.qt.document_html import is_numbered, page_marker
from describe_app.qt.document_mode import DocumentMode
from describe_app.qt.document_worker import DocumentWorker, ReaderFactory
from describe_app.qt.live_modes import CheckFactory, LiveModes
from describe_app.qt.reading_view import ReadingView
from describe_app.qt.translate import _, ngettext

log = logging.getLogger(__name__)

#: The source of a document made of camera pages.
CAMERA_SOURCE = "camera"


def is_window_document(path: str | Path) -> bool:
    """True for a file the window reads as a document: a PDF, or a TIFF of several pages
    (a TIFF of one page is a picture, described as one)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        return True
    if suffix not in (".tif", ".tiff"):
        return False
    from PIL import Image

    try:
        with Image.open(path) as picture:
            return int(getattr(picture, "n_frames", 1)) > 1
    except (OSError, ValueError):  # unreadable: the picture path says why
        return False


class Documents(QObject):
    def __init__(
        self,
        announcer: Announcer,
        live_modes: LiveModes,
        *,
        reader_factory: ReaderFactory | None = None,
        check_factory: CheckFactory | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._announcer = announcer
        self._window = parent
        self.worker = DocumentWorker(reader_factory, parent=self)
        self.mode = DocumentMode(announcer, live_modes, check_factory=check_factory, parent=self)
        self.view: ReadingView | None = None
        self._reading: Document | None = None  # the document the worker is filling
        self._capture_to: Document | None = None  # "Next page": add to this one
        self._capturing = False  # the worker reads a captured page (not a file)
        self._damaged: list[str] = []  # sentences for the damaged pages of the file read
        self.worker.opened.connect(self._on_opened)
        self.worker.progress.connect(self._on_progress)
        self.worker.page_read.connect(self._on_page)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.page_failed.connect(self._on_page_failed)
        self.mode.page_captured.connect(self._on_captured)
        self.mode.switched_on.connect(self.worker.prepare_capture_reader)

    # --- what the user asks for ---------------------------------------------------------------

    def open_file(self, path: str | Path) -> None:
        """Read a PDF or TIFF; a file opened while another is read replaces it."""
        self._reading = Document(source=str(path))
        self._capturing = False
        self._damaged = []
        self._announcer.clear_status()
        self._announcer.announce(_("Opening {name}.").format(name=Path(path).name), interrupt=True)
        self.worker.read_file(path)

    @Slot()
    def toggle_mode(self) -> None:
        """The key: document mode on or off (a page it captures joins a camera document)."""
        self._capture_to = None
        self.mode.toggle()

    @Slot()
    def next_page(self) -> None:
        """The reading view's "Next page": document mode on, for the document shown."""
        self._capture_to = self.view.document if self.view is not None else None
        self.mode.switch_on()

    @Slot()
    def show_view(self) -> None:
        """Show the reading view again (after it was closed)."""
        if self.view is None or not self.view.document.pages:
            self._announcer.clear_status()
            self._announcer.announce(
                _("No document yet. Open a PDF or use document mode."), interrupt=True
            )
            return
        self.view.show()
        self.view.activateWindow()
        self.view.text.setFocus()

    def show(self, document: Document) -> None:
        """Show ``document`` in the reading view (opened, with the focus, if it was not)."""
        self._view().show_document(document)

    def stop(self) -> None:
        """Stop reading a file (the pages read so far stay)."""
        if self.worker.busy:
            self.worker.cancel()
            self._finish(stopped=True)

    def retranslate(self) -> None:
        if self.view is not None:
            self.view.set_texts()

    def close(self, timeout: float = 0.5) -> bool:
        if self.view is not None:
            self.view.close()
        return self.worker.close(timeout)

    # --- the worker's results ----------------------------------------------------------------

    def _on_captured(self, frame: object, outline: PageOutline | None) -> None:
        target = self._capture_to
        if target is None:
            shown = self.view.document if self.view is not None else None
            camera = shown is not None and shown.source == CAMERA_SOURCE and self.view_is_open()
            target = shown if camera and shown is not None else Document(source=CAMERA_SOURCE)
        self._capture_to = target
        self._reading = target
        self._capturing = True
        self.worker.read_capture(frame, outline, len(target.pages) + 1)

    def view_is_open(self) -> bool:
        return self.view is not None and self.view.isVisible()

    def _on_opened(self, _request: int, page_count: int) -> None:
        if self._reading is not None:
            self._reading.page_count = page_count

    def _on_progress(self, _request: int, sentence: str) -> None:
        self._announcer.clear_status()
        self._announcer.announce(sentence, interrupt=True)

    def _on_page_failed(self, _request: int, sentence: str) -> None:
        """A damaged page: the pages after it are read on; said with the end of reading
        (said now, the next page's progress would cut it off)."""
        if self._reading is not None:
            self._damaged.append(sentence)

    def _on_page(self, _request: int, page: Page) -> None:
        document = self._reading
        if document is None:
            return
        document.pages.append(page)
        document.page_count = max(document.page_count, len(document.pages))
        self.show(document)
        if self._capturing:
            self._put_caret_at(page)

    def _on_finished(self, _request: int, stopped: bool) -> None:
        self._finish(stopped)

    def _finish(self, stopped: bool) -> None:
        document, self._reading = self._reading, None
        if document is None:
            return
        self._announcer.clear_status()
        if self._capturing and document.pages:
            page = document.pages[-1]
            text = _("Page {number} added.").format(number=page.number)
            self._announcer.announce(text if page.lines else _("No text found."))
            return
        count = len(document.pages)
        if stopped:
            sentence = ngettext(
                "Reading stopped after {n} page.", "Reading stopped after {n} pages.", count
            )
        elif document.is_empty:
            sentence = _("No text found.")
        else:
            sentence = ngettext("Document read: {n} page.", "Document read: {n} pages.", count)
        damaged, self._damaged = self._damaged, []
        self._announcer.announce(" ".join([sentence.format(n=count), *damaged]))

    def _on_failed(self, _request: int, sentence: str) -> None:
        self._reading = None
        self._announcer.clear_status()
        self._announcer.announce(sentence, interrupt=True)

    # --- the reading view ------------------------------------------------------------------

    def _view(self) -> ReadingView:
        if self.view is None:
            self.view = ReadingView(self._announcer, self.next_page, self._window)
        return self.view

    def _put_caret_at(self, page: Page) -> None:
        """The caret at the start of ``page`` (its "Page N" marker, or the top). The
        markers are looked for in the pages' order, each after the one before, so a page
        whose own text has a line "Page 1" (its footer) does not take the caret there."""
        view = self._view()
        shown = view.document.pages
        markers = [page_marker(p.number) for p in shown] if is_numbered(view.document) else []
        wanted = next((i for i, p in enumerate(shown) if p is page), -1)
        block = view.text.document().begin()
        position = 0
        found = 0
        while block.isValid() and found <= wanted < len(markers):
            if block.text() == markers[found]:
                position = block.position()
                found += 1
            block = block.next()
        cursor = view.text.textCursor()
        cursor.setPosition(position)
        cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
        view.text.setTextCursor(cursor)

"""Screen captures for the global keys and the tray, taken off the GUI thread.

One thread ("screen-capture") captures the screen (tens of milliseconds with mss; the
Wayland portal may ask the user first) and, for a description, reads the screen's text
(OCR) so the model gets names and numbers exactly. The text is read with the screen's
settings (small print, always upright) pane by pane
(:func:`~describe_app.core.describe.screen_conversation.read_screen_text`), for a
description and for reading the screen aloud alike: the camera's reader, at 960 pixels,
lost a screen's small print, and read a mail client's panes row by row across them. The
newest request wins: one that arrives while another waits replaces it. Results reach the
GUI thread as signals.

The window's reader of the screen's text is a
:class:`~describe_app.core.reading.text_reader_process.ChildTextReader` (RapidOCR in a
child process: loading it in the window's process held Python's lock for about a second),
made at the first capture and closed with the worker. A reader that fails (its child
died) is said in one sentence, the description goes on without the text, and the next
key starts a new child.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from describe_app.core.errors import DescribeError, OcrError
from describe_app.core.pictures.images import Picture
from describe_app.core.reading.ocr_reader import TextReader, close_reader
from describe_app.core.screen.capture import ScreenTarget
from describe_app.qt.gui_thread import GuiThread
from describe_app.qt.translate import _

log = logging.getLogger(__name__)


class ScreenJob(enum.Enum):
    """What a global key or the tray asked for."""

    DESCRIBE_FOCUS = "describe focus"
    DESCRIBE_SCREEN = "describe screen"
    READ_SCREEN = "read screen"

    @property
    def target(self) -> ScreenTarget:
        return ScreenTarget.FOCUS if self is ScreenJob.DESCRIBE_FOCUS else ScreenTarget.SCREEN


@dataclass(frozen=True)
class ScreenCapture:
    job: ScreenJob
    picture: Picture
    #: The screen's lines, pane by pane; None when they could not be read (the reader failed)
    lines: tuple[str, ...] | None = None

    @property
    def read_text(self) -> str:
        """The screen's text, for a description ("" when none or not read)."""
        return "\n".join(self.lines or ())


Capture = Callable[[ScreenTarget], Picture]


def _capture(target: ScreenTarget) -> Picture:
    from describe_app.core.screen.capture import capture

    return capture(target)


class ScreenCaptureWorker(QObject):
    captured = Signal(object)  # ScreenCapture
    failed = Signal(str)  # the sentence to say

    def __init__(
        self,
        capture: Capture = _capture,
        text_reader_factory: Callable[[], TextReader] | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``text_reader_factory`` makes the reader of the screen's text (on first use, on
        the worker's thread); None: descriptions go without it."""
        super().__init__(parent)
        self._capture = capture
        self._reader_factory = text_reader_factory
        self._reader: TextReader | None = None
        self._gui = GuiThread(self)
        self._wake = threading.Condition()
        self._pending: ScreenJob | None = None
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="screen-capture", daemon=True)
        self._thread.start()

    def request(self, job: ScreenJob) -> None:
        """Capture for ``job`` soon (a request still waiting is replaced)."""
        with self._wake:
            self._pending = job
            self._wake.notify()

    def close(self, timeout: float) -> None:
        """Stop the thread (waiting up to ``timeout``) and end the reader's child, even in
        the middle of a picture."""
        with self._wake:
            self._closing = True
            self._pending = None
            self._wake.notify()
        self._close_reader()  # a read in flight ends at once
        self._thread.join(timeout)
        self._close_reader()  # one made meanwhile

    def _close_reader(self) -> None:
        """End the reader's child (again after the thread ended: a read that began as the
        window closed may have started a new one)."""
        with self._wake:
            reader = self._reader
        close_reader(reader)

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._pending is None and not self._closing:
                    self._wake.wait()
                job, self._pending = self._pending, None
            if job is None:  # closing
                return
            self._take(job)

    def _take(self, job: ScreenJob) -> None:
        try:
            picture = self._capture(job.target)
        except DescribeError as exc:
            self._gui.call(self.failed.emit, str(exc))
            return
        except Exception as exc:  # a bug must still end in a sentence
            log.exception("screen capture failed")
            self._gui.call(
                self.failed.emit,
                _("Describe could not capture the screen ({error}).").format(error=exc),
            )
            return
        lines = self._read(picture, small_print=job is ScreenJob.READ_SCREEN)
        if not self._closing:
            self._gui.call(self.captured.emit, ScreenCapture(job, picture, lines))

    def _read(self, picture: Picture, *, small_print: bool) -> tuple[str, ...] | None:
        """The screen's lines, pane by pane (with ``small_print``, every word of a big
        screen's small print, which takes longer: for reading aloud); None when they could
        not be read (a description goes on without them)."""
        from describe_app.core.describe.screen_conversation import read_screen_text

        reader = self._text_reader()
        if reader is None or self._closing:
            return None
        try:
            return tuple(read_screen_text(reader, picture.image, small_print=small_print).lines)
        except OcrError as exc:  # its child died: said; the next read starts a new one
            if not self._closing:
                self._gui.call(self.failed.emit, str(exc))
        except Exception as exc:
            log.info("the screen's text could not be read: %s", exc)
        return None

    def _text_reader(self) -> TextReader | None:
        with self._wake:
            if self._reader is None and self._reader_factory is not None and not self._closing:
                self._reader = self._reader_factory()  # cheap: its child starts at a read
            return self._reader

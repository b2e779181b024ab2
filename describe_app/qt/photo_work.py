"""Work on a whole picture, done off the GUI thread: decoding photos opened, dropped or
pasted, and looking at the photo in hand (its codes, its colour).

Decoding a 48-megapixel JPEG takes most of a second and reading its codes as long: on the
GUI thread that froze the window, and the screen reader heard nothing meanwhile. One
thread ("photo-work") does this work, one request at a time, in the order asked. Requests
are in *lanes* (opening photos, looking at the photo in hand): the latest request of a
lane wins, so a second open replaces a first one still decoding (it stops between files,
and what it still sends is dropped), while a look asked for as a photo opens waits for
the photo (:meth:`PhotoWork.when_done`). A request still at work after
:data:`NOTICE_AFTER_S` has its notice said ("Opening cat.jpg."), so the user knows
something is happening. Results reach the GUI thread through
:class:`~describe_app.qt.gui_thread.GuiThread`; a picture's error is one sentence, said
as before. Escape cancels every lane; closing the window stops the thread. A big picture is decoded
in a child process (:class:`~describe_app.core.pictures.picture_process.PictureProcess`):
Pillow's decoders hold Python's lock, which stopped the window even from a thread; closing
ends the child at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer

from describe_app.core.errors import DescribeError
from describe_app.core.pictures.picture_process import PictureProcess, PictureProcessClosed
from describe_app.qt.announcer import Announcer
from describe_app.qt.gui_thread import GuiThread
from describe_app.qt.translate import _

log = logging.getLogger(__name__)

#: The lane of photos opened, dropped or pasted.
OPEN = "open"
#: The lane of looks at the photo in hand (codes, colour).
LOOK = "look"
#: A request still at work this long after it was asked for has its notice said.
NOTICE_AFTER_S = 0.3

#: Work for the thread: given the request's cancel flag (set when it is replaced, Escape,
#: closing), returns the result for the GUI thread.
Work = Callable[[threading.Event], Any]


@dataclass
class _Request:
    id: int
    lane: str
    work: Work
    on_done: Callable[[Any], None]
    cancel: threading.Event = field(default_factory=threading.Event)


class PhotoWork(QObject):
    def __init__(self, announcer: Announcer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._announcer = announcer
        self._gui = GuiThread(self)
        self._wake = threading.Condition()
        self._waiting: list[_Request] = []
        self._current: _Request | None = None
        self._latest: dict[str, int] = {}  # lane -> the id of its newest request
        self._undelivered: set[int] = set()  # ids asked for and not yet delivered or dropped
        self._then: dict[str, Callable[[], None]] = {}  # lane -> what waits for its result
        self._notices: dict[str, QTimer] = {}
        self._notice_texts: dict[str, tuple[int, str]] = {}  # lane -> (request id, words)
        self._next_id = 0
        self._closed = False
        self._thread: threading.Thread | None = None
        #: decodes pictures for the work, the big ones in a child process
        self.pictures = PictureProcess()

    # --- the GUI thread -----------------------------------------------------------------------

    def submit(
        self, lane: str, work: Work, on_done: Callable[[Any], None], notice: str | None = None
    ) -> int:
        """Do ``work`` on the thread, then ``on_done(result)`` here; it replaces the lane's
        request waiting or at work. A :class:`DescribeError` it raises is said instead (one
        sentence, interrupting). ``notice`` is said if it is still at work after
        :data:`NOTICE_AFTER_S`. Returns the request's id (0 once closed)."""
        with self._wake:
            if self._closed:
                return 0
            self._drop_lane(lane)
            self._next_id += 1
            request = _Request(self._next_id, lane, work, on_done)
            self._latest[lane] = request.id
            self._undelivered.add(request.id)
            self._waiting.append(request)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="photo-work", daemon=True)
                self._thread.start()
            self._wake.notify_all()
        self._start_notice(lane, request.id, notice)
        return request.id

    def is_busy(self, lane: str | None = None) -> bool:
        """A request (of ``lane``, or of any) is waiting, at work, or its result on its way."""
        with self._wake:
            if lane is None:
                return bool(self._undelivered)
            return self._latest.get(lane) in self._undelivered

    @property
    def busy(self) -> bool:
        return self.is_busy()

    def when_done(self, lane: str, then: Callable[[], None]) -> None:
        """Run ``then`` now if ``lane`` is idle, else right after its result was handled
        (replacing what waited before; dropped if the lane is cancelled)."""
        if not self.is_busy(lane):
            then()
            return
        self._then[lane] = then

    def cancel(self, lane: str | None = None) -> None:
        """Escape: drop what waits and stop what is at work (of ``lane``, or of all lanes)."""
        with self._wake:
            for one in [lane] if lane is not None else list(self._latest):
                self._drop_lane(one)

    def close(self, timeout: float = 0.5) -> bool:
        """Stop, once; True if the thread ended within ``timeout``. A decode in the child
        process ends at once; one on the thread (a small picture, codes) ends by itself,
        and the thread is a daemon."""
        with self._wake:
            self._closed = True
            for lane in list(self._latest):
                self._drop_lane(lane)
            self._wake.notify_all()
            thread = self._thread
        self.pictures.close()
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def _drop_lane(self, lane: str) -> None:
        """Under the lock: the lane's request waiting is dropped, the one at work stopped."""
        self._waiting = [r for r in self._waiting if r.lane != lane]
        if self._current is not None and self._current.lane == lane:
            self._current.cancel.set()
        dropped = self._latest.get(lane)
        if dropped is not None:
            self._undelivered.discard(dropped)
        self._then.pop(lane, None)
        timer = self._notices.get(lane)
        if timer is not None:
            timer.stop()

    def _start_notice(self, lane: str, request_id: int, notice: str | None) -> None:
        timer = self._notices.get(lane)
        if timer is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(int(NOTICE_AFTER_S * 1000))
            timer.timeout.connect(lambda: self._say_notice(lane))
            self._notices[lane] = timer
        timer.stop()
        self._notice_texts.pop(lane, None)
        if notice is not None:
            self._notice_texts[lane] = (request_id, notice)
            timer.start()

    def _say_notice(self, lane: str) -> None:
        request_id, notice = self._notice_texts.pop(lane, (0, ""))
        if notice and self.is_busy(lane) and self._latest.get(lane) == request_id:
            self._announcer.clear_status()
            self._announcer.announce(notice, interrupt=True)

    def _deliver(self, request: _Request, result: Any, error: str | None) -> None:
        """On the GUI thread: hand over the result, unless the request was replaced."""
        with self._wake:
            current = request.id in self._undelivered and not self._closed
            self._undelivered.discard(request.id)
        if not current:
            return
        timer = self._notices.get(request.lane)
        if timer is not None:
            timer.stop()
        if error is not None:
            self._announcer.clear_status()  # a failure is always said
            self._announcer.announce(error, interrupt=True)
        else:
            request.on_done(result)
        then = self._then.pop(request.lane, None)
        if then is not None:
            then()

    # --- the worker thread --------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._waiting and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                request = self._current = self._waiting.pop(0)
            try:
                self._do(request)
            finally:
                with self._wake:
                    self._current = None

    def _do(self, request: _Request) -> None:
        result: Any = None
        error: str | None = None
        try:
            result = request.work(request.cancel)
        except PictureProcessClosed:  # closing: nothing to say
            return
        except DescribeError as exc:
            error = str(exc)
        except Exception as exc:  # a bug must still end in a sentence
            if request.cancel.is_set():  # closing pulled something from under it
                log.debug("work on a picture stopped", exc_info=True)
                return
            log.exception("work on a picture failed")
            error = _("Describe could not work on the picture ({error}).").format(
                error=type(exc).__name__
            )
        if request.cancel.is_set():
            return  # replaced, Escape or closing: nothing is delivered
        self._gui.call(self._deliver, request, result, error)

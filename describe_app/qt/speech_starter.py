"""Start the voice off the GUI thread, so the window takes keys at once.

The window speaks through a :class:`QuietSpeech` until ``started`` brings the real output
(on the GUI thread); ``failed`` brings one sentence to announce. A voice that could not
start (the sound device busy or gone for a moment) is tried again after
:data:`RETRY_SECONDS`, quietly; when it starts, ``started`` brings it as the first time.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from describe_app.core.speech import ScreenReaderChannel, SpeechError, SpeechSettings
from describe_app.qt.gui_thread import GuiThread
from describe_app.qt.translate import _

log = logging.getLogger(__name__)

#: The waits before each new try to start a voice that could not start; then no more.
RETRY_SECONDS = (5.0, 10.0, 20.0, 30.0, 60.0, 120.0)


class SpeechStarter(QObject):
    started = Signal(object)  # a SpeechOutput
    failed = Signal(str)

    def __init__(
        self,
        screen_reader: ScreenReaderChannel | None,
        settings: SpeechSettings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._screen_reader = screen_reader
        self._settings = settings or SpeechSettings()
        self.speech: object | None = None  # what was started, so run_window can close it
        self._gui = GuiThread(self)
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="speech-starter", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        """Stop trying (the window closes) and wait for a try under way."""
        self._closing.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        from describe_app.core.speech import create_speech

        waits = iter(RETRY_SECONDS)
        said = False  # the failure is said once, not at each try
        while True:
            try:
                speech = create_speech(self._settings, screen_reader=self._screen_reader)
                break
            except SpeechError as exc:
                message = str(exc)
            except Exception as exc:
                log.info("speech could not start: %r", exc)
                message = _("Speech could not start: {error}.").format(error=exc)
            if not said:
                said = self._gui.call(self.failed.emit, message) or True
            wait = next(waits, None)
            if wait is None or self._closing.wait(wait):
                return
            log.info("trying to start speech again")
        if said:  # the failure was said (shown, if no screen reader runs): so is the return
            speech.say(_("Speech works again."))
        self.speech = speech
        if not self._gui.call(self.started.emit, speech):
            speech.close()

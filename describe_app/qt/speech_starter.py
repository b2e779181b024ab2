"""Start the voice off the GUI thread, so the window takes keys at once.

The window speaks through a :class:`QuietSpeech` until ``started`` brings the real output
(on the GUI thread); ``failed`` brings one sentence to announce.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from describe_app.core.speech import ScreenReaderChannel, SpeechError, SpeechSettings
from describe_app.qt.gui_thread import GuiThread
from describe_app.qt.translate import _

log = logging.getLogger(__name__)


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
        self._thread = threading.Thread(target=self._run, name="speech-starter", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        from describe_app.core.speech import create_speech

        try:
            speech = create_speech(self._settings, screen_reader=self._screen_reader)
        except SpeechError as exc:
            self._gui.call(self.failed.emit, str(exc))
            return
        except Exception as exc:
            log.info("speech could not start: %r", exc)
            message = _("Speech could not start: {error}.").format(error=exc)
            self._gui.call(self.failed.emit, message)
            return
        self.speech = speech
        if not self._gui.call(self.started.emit, speech):
            speech.close()

"""The one ``announce()`` path: every status the user must know about goes through here.

Each announcement is logged, shown in the status bar and the live status label (which
screen readers can read at any time), and spoken through the chosen speech output. A status
(loading, ready, working, camera lost, an error) is announced once: saying the same text
again while it is still the current status does nothing.

Result sentences are not statuses: :meth:`Announcer.say_result` speaks them through the
same output without touching the status line.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QLabel, QStatusBar

from describe_app.core.speech import Earcon, Earcons, EarconSettings, SpeechOutput

log = logging.getLogger(__name__)


class Announcer:
    def __init__(self, status_bar: QStatusBar, live_label: QLabel, speech: SpeechOutput) -> None:
        self._status_bar = status_bar
        self._label = live_label
        self.speech = speech
        self._earcon_settings = EarconSettings()
        self._earcons = Earcons(speech, self._earcon_settings)
        self._current = ""
        self.history: list[str] = []  # every status announced, in order (tests, diagnostics)

    def announce(self, text: str, *, interrupt: bool = False, speak: bool = True) -> bool:
        """Announce a status once; False if it is already the current status."""
        if text == self._current:
            return False
        self._current = text
        self.history.append(text)
        # the words stay out of the log file (a code read can hold a password or a link's
        # token); their length says enough there
        log.info("announce: %d characters", len(text))
        log.debug("announce: %s", text)
        self._status_bar.showMessage(text)
        self._label.setText(text)
        self._label.setAccessibleDescription(text)
        if speak:
            self.speech.say(text, interrupt=interrupt)
        return True

    def set_speech(self, speech: SpeechOutput) -> None:
        """Use ``speech`` from now on (the real voice, once it has started)."""
        self.speech = speech
        self._earcons = Earcons(speech, self._earcon_settings)

    def set_earcons(self, settings: EarconSettings) -> None:
        """Which sounds play (the user's settings)."""
        self._earcon_settings = settings
        self._earcons.apply_settings(settings)

    def earcon(self, earcon: Earcon) -> None:
        self._earcons.play(earcon)

    def clear_status(self) -> None:
        """Forget the current status, so the same text may be announced again later."""
        self._current = ""

    def say_result(self, sentence: str, *, first: bool) -> None:
        """Speak one sentence of a result (``first`` cuts off whatever is still speaking)."""
        self.speech.say(sentence, interrupt=first)

    def stop_speaking(self) -> None:
        self.speech.stop()

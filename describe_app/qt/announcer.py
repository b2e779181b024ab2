"""The one ``announce()`` path: every status the user must know about goes through here.

Each announcement is logged, shown in the status bar and the live status label (which
screen readers can read at any time), and spoken through the chosen speech output. A status
(loading, ready, working, camera lost, an error) is announced once: saying the same text
again while it is still the current status does nothing.

Result sentences are not statuses: :meth:`Announcer.say_result` speaks them through the
same output without touching the status line.

Cues never cut off words. Words the user must hear (a result, a status, an error, a code
read) are never cut off by a live mode's cue (an aiming cue, said or played as a tone) or
tone (the light meter's): the rule is kept here, for every channel, in :meth:`~Announcer.cue`,
:meth:`~Announcer.tone` and :meth:`~Announcer.announce_in_turn`.

* A cue cuts off only the cue before it. One that comes while words are being said, or
  while an answer is on its way, waits: only the newest waiting cue is said once the words
  end, and only if it is still current (its mode still on, nothing newer asked for). The
  live modes say a cue once, when it changes, so a cue dropped instead would leave the
  user without guidance while the view stays as it was.
* A tone is about this very moment and comes four times a second: while words are being
  said it is dropped.
* What a live mode found (a code read) is a result: it is said after the words being said,
  every one, in order; while an answer is on its way it waits for the answer's words.
* Stopping speech drops what waits, too.

When words end is known exactly when our own voice says them (it is busy until their last
sample is heard). Words that go elsewhere (only to the screen reader, or before the voice
has started) are taken to last :data:`WORDS_S_PER_CHARACTER` a character.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from describe_app.core.speech import AudioClip, Earcon, Earcons, EarconSettings, SpeechOutput

log = logging.getLogger(__name__)

#: Words not said by our own voice are taken to last this long a character (a voice a
#: little slower than the usual rate), and no less than :data:`SHORTEST_WORDS_S`.
WORDS_S_PER_CHARACTER = 1 / 14
SHORTEST_WORDS_S = 0.8
#: How often what waits looks whether the words have ended.
_LOOK_MS = 100


@dataclass(frozen=True)
class _WaitingCue:
    words: str
    tone: AudioClip | None  # played instead of the words (the user chose cue tones)
    still_current: Callable[[], bool]


class Announcer:
    def __init__(
        self,
        status_bar: QStatusBar,
        live_label: QLabel,
        speech: SpeechOutput,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._status_bar = status_bar
        self._label = live_label
        self.speech = speech
        self._clock = clock
        self._earcon_settings = EarconSettings()
        self._earcons = Earcons(speech, self._earcon_settings)
        self._current = ""
        self.history: list[str] = []  # every status announced, in order (tests, diagnostics)
        #: Whether an answer is on its way (a describe job in flight): cues wait for its
        #: words. The live modes set it.
        self.answer_coming: Callable[[], bool] = lambda: False
        self._words_by_voice = False  # our own voice is saying words: it tells when they end
        self._words_end = 0.0  # words said elsewhere are taken to end then (the clock's time)
        self._waiting_cue: _WaitingCue | None = None
        self._in_turn: list[str] = []  # found by a live mode, waiting for the words to end
        self._look = QTimer(live_label)
        self._look.setInterval(_LOOK_MS)
        self._look.timeout.connect(self._look_again)

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
            self._say_words(text, interrupt=interrupt)
        return True

    def set_speech(self, speech: SpeechOutput) -> None:
        """Use ``speech`` from now on (the real voice, once it has started)."""
        self.speech = speech
        self._earcons = Earcons(speech, self._earcon_settings)
        self._words_by_voice = False

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
        self._say_words(sentence, interrupt=first)

    def stop_speaking(self) -> None:
        """Silence now: the words, the cues, and what waits for its turn."""
        self._words_over()
        self._in_turn.clear()
        self._drop_waiting_cue()
        self.speech.stop()

    # --- the live modes: cues wait for words ------------------------------------------------

    def saying_words(self) -> bool:
        """Whether words the user must hear are being said, wait their turn, or are on
        their way (an answer)."""
        return bool(self._in_turn) or self.answer_coming() or self._still_saying()

    def cue(
        self,
        words: str,
        *,
        tone: AudioClip | None = None,
        interrupt: bool = True,
        still_current: Callable[[], bool] = lambda: True,
    ) -> None:
        """A live mode's cue: shown at once, and said (or ``tone`` played instead) now,
        cutting off the cue before it when ``interrupt``. While words are being said it
        waits instead, and is said once they end if no newer cue came and
        ``still_current()`` is true then."""
        self.announce(words, speak=False)
        if self.saying_words():
            self._waiting_cue = _WaitingCue(words, tone, still_current)
            self._look.start()
            return
        self._drop_waiting_cue()
        self._play_cue(words, tone, interrupt=interrupt)

    def tone(self, clip: AudioClip) -> bool:
        """A tone about this very moment (the light meter's): played now, cutting off the
        cue or tone before it; dropped (False) while words are being said."""
        if self.saying_words():
            return False
        self._words_over()
        self.speech.play_sound(clip, interrupt=True)
        return True

    def announce_in_turn(self, texts: Sequence[str]) -> None:
        """What a live mode found (the codes just read), words the user must hear: each is
        shown, and said now (the first cuts off a cue); while other words are being said
        they are said after them, and while an answer is on its way they wait for it."""
        waits = bool(self._in_turn) or self.answer_coming()
        first = not (waits or self._still_saying())
        for index, text in enumerate(texts):
            self.clear_status()
            if waits:
                self.announce(text, speak=False)
                self._in_turn.append(text)
            else:
                self.announce(text, interrupt=first and index == 0)
        if self._in_turn:
            self._look.start()

    def _look_again(self) -> None:
        """Every :data:`_LOOK_MS` while something waits: its turn, once the words end."""
        if self._in_turn and not self.answer_coming():  # after the answer's words
            texts, self._in_turn = self._in_turn, []
            for text in texts:
                self._say_words(text, interrupt=False)
        if self.saying_words():
            return
        self._look.stop()
        cue, self._waiting_cue = self._waiting_cue, None
        if cue is not None and cue.still_current():
            # in its turn, after the words: there is nothing left to cut off
            self._play_cue(cue.words, cue.tone, interrupt=False)

    def _play_cue(self, words: str, tone: AudioClip | None, *, interrupt: bool) -> None:
        self._words_over()  # a cue is not words to wait for
        if tone is not None:
            self.speech.play_sound(tone, interrupt=interrupt)
        else:
            self.speech.say(words, interrupt=interrupt)

    def _drop_waiting_cue(self) -> None:
        self._waiting_cue = None
        if not self._in_turn:
            self._look.stop()

    # --- words being said ----------------------------------------------------------------

    def _say_words(self, text: str, *, interrupt: bool) -> None:
        self.speech.say(text, interrupt=interrupt)
        now = self._clock()
        start = now if interrupt else max(now, self._words_end)
        self._words_end = start + max(SHORTEST_WORDS_S, len(text) * WORDS_S_PER_CHARACTER)
        # our own voice has them when it is busy now; else they went to the screen reader
        self._words_by_voice = not self.speech.wait_until_done(0)
        if interrupt:
            self._drop_waiting_cue()  # a new request: what the cue was about is over

    def _still_saying(self) -> bool:
        """Whether words already handed to speech are still being said."""
        if self._words_by_voice:
            if not self.speech.wait_until_done(0):
                return True
            self._words_over()  # the voice has said them all
            return False
        return self._clock() < self._words_end

    def _words_over(self) -> None:
        self._words_by_voice = False
        self._words_end = 0.0

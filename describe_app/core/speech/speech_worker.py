"""The speech worker: one long-lived thread that owns the voice and feeds the player.

Sentences arrive one by one (streamed while the model still writes) through :meth:`say`.
The worker synthesizes the next sentence while the current one plays and hands it to the
player as soon as it is ready, so sentences follow each other without a gap; it keeps at
most one finished sentence waiting in the player.

Cutting speech off never waits for the worker: :meth:`stop` (and ``say(interrupt=True)``)
silences the player directly, from the caller's thread, and bumps a *generation* number.
Anything of an older generation that the worker is still holding (a sentence being
synthesized, one ready to hand over) is dropped when the worker next looks at it. Handing a
clip to the player and stopping take the same lock, so nothing stale can start after a
stop, nothing is played twice, and nothing queued after the stop is lost.
"""

from __future__ import annotations

import collections
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from describe_app.core.i18n import _
from describe_app.core.sentences import split_sentences
from describe_app.core.speech.audio import AudioClip
from describe_app.core.speech.errors import SpeechError, VoiceNotAvailableError
from describe_app.core.speech.protocols import (
    AudioPlayer,
    SpeechEvent,
    SpeechEventKind,
    SpeechListener,
    Synthesizer,
)
from describe_app.core.speech.speech_settings import SpeechSettings
from describe_app.core.speech.text_for_speech import text_for_speech

logger = logging.getLogger(__name__)

_POLL_S = 0.01  # how often the worker looks at the player while something plays
_MAX_IN_PLAYER = 2  # the clip playing, and the next one ready behind it
_UNHEARD_MAX = 4  # errors kept for the first listener (the voice fell back during start)
# A longer sentence is spoken in pieces cut at a comma (or a space), so that its first words
# are heard after the first piece is synthesized, not the whole sentence (2,000 characters
# take espeak-ng half a second), and a newer request never waits long for the synthesizer.
_PIECE_CHARS = 160
_CLAUSE_END = re.compile(r"[,;:)\]](?=\s)|[，、；：。！？]")


@dataclass(eq=False)
class _Item:
    text: str  # the sentence as written (shown, repeated), or a sound's label
    generation: int
    clip: AudioClip | None = None  # synthesized audio, or the sound itself
    is_sound: bool = False


class SpeechWorker:
    """A :class:`~describe_app.core.speech.protocols.SpeechOutput` speaking with our own voice.

    Call :meth:`start` once (it raises a SpeechError if the voice or the audio device cannot
    be used) and :meth:`close` at the end.
    """

    def __init__(
        self,
        synthesizer: Synthesizer,
        player: AudioPlayer,
        settings: SpeechSettings | None = None,
        *,
        prepare_text: Callable[[str], str] = text_for_speech,
        name: str = "speech-worker",
    ) -> None:
        self._synth = synthesizer
        self._player = player
        self._settings = settings or SpeechSettings()
        self._prepare_text = prepare_text
        self._cond = threading.Condition()
        self._queue: collections.deque[_Item] = collections.deque()
        self._generation = 0
        self._paused = False
        self._closing = False
        self._idle = True
        self._config_wanted = True  # rate or voice changed: configure before the next sentence
        self._last_request: list[str] = []
        self._request_open = False
        self._listeners: list[SpeechListener] = []
        self._unheard: list[SpeechEvent] = []  # errors from before anyone listened
        self._ready = threading.Event()
        self._startup_error: SpeechError | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=False)
        self._started = False

    # -- lifecycle ----------------------------------------------------------------------
    def start(self, timeout: float = 15.0) -> None:
        """Start the worker; it loads the voice and opens the audio device first."""
        if self._started:
            return
        self._started = True
        self._thread.start()
        if not self._ready.wait(timeout):
            self.close()
            raise SpeechError(_("Speech did not start in time."))
        if self._startup_error is not None:
            self._thread.join(timeout)
            with self._cond:
                self._closing = True
            raise self._startup_error

    def close(self) -> None:
        with self._cond:
            if self._closing:
                return
            self._closing = True
            self._generation += 1
            self._queue.clear()
            self._player.stop()
            self._cond.notify_all()
        if not self._started:
            self._release()
        elif self._thread is not threading.current_thread():
            self._thread.join(5.0)
            if self._thread.is_alive():
                logger.warning("the speech worker did not stop within 5 s")

    def _release(self) -> None:
        for part, what in ((self._player, "player"), (self._synth, "synthesizer")):
            try:
                part.close()
            except Exception:
                logger.exception("closing the speech %s failed", what)

    # -- the SpeechOutput protocol ------------------------------------------------------
    def say(self, text: str, *, interrupt: bool = False) -> None:
        sentences = [s for s in split_sentences(text) if any(c.isalnum() for c in s)]
        with self._cond:
            if self._closing:
                return
            if interrupt:
                self._interrupt_locked()
            if interrupt or not self._request_open:
                self._last_request = []
                self._request_open = True
            for sentence in sentences:
                self._last_request.append(sentence)
                for piece in sentence_pieces(sentence):
                    self._queue.append(_Item(piece, self._generation))
            if sentences:
                self._idle = False
                self._cond.notify_all()

    def play_sound(self, clip: AudioClip, *, interrupt: bool = False) -> None:
        with self._cond:
            if self._closing:
                return
            if interrupt:
                self._interrupt_locked()
            self._queue.append(_Item(clip.label, self._generation, clip, is_sound=True))
            self._idle = False
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._interrupt_locked()
            self._request_open = False
            self._cond.notify_all()

    def pause(self) -> None:
        with self._cond:
            self._paused = True
            self._player.set_paused(True)

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._player.set_paused(False)
            self._cond.notify_all()

    @property
    def paused(self) -> bool:
        """Whether speech is paused now (new words that cut in end a pause by themselves)."""
        with self._cond:
            return self._paused

    def repeat_last(self) -> bool:
        """Say the last request again from its start; False if there is nothing to repeat."""
        with self._cond:
            sentences = list(self._last_request)
        if not sentences:
            return False
        self.say(" ".join(sentences), interrupt=True)
        return True

    def apply_settings(self, settings: SpeechSettings) -> None:
        with self._cond:
            old, self._settings = self._settings, settings
            if (old.rate, old.voice_id) != (settings.rate, settings.voice_id):
                self._config_wanted = True
            self._player.set_volume(settings.volume)

    def subscribe(self, listener: SpeechListener) -> Callable[[], None]:
        """Events go to ``listener`` from now on; errors that came while nobody listened
        (the chosen voice missing at start) go to the first listener at once."""
        with self._cond:
            self._listeners.append(listener)
            unheard, self._unheard = self._unheard, []

        def unsubscribe() -> None:
            with self._cond:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        _tell(listener, unheard)
        return unsubscribe

    def wait_until_done(self, timeout: float | None = None) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self._idle or self._closing, timeout)

    @property
    def settings(self) -> SpeechSettings:
        return self._settings

    # -- inside: caller side ------------------------------------------------------------
    def _interrupt_locked(self) -> None:
        """Silence now and drop everything queued (the caller holds the lock)."""
        self._generation += 1
        self._queue.clear()
        self._player.stop()
        if self._paused:
            self._paused = False
            self._player.set_paused(False)

    # -- inside: the worker thread ------------------------------------------------------
    def _run(self) -> None:
        try:
            self._startup()
        except Exception as exc:
            if not isinstance(exc, SpeechError):
                logger.exception("speech could not start")
                exc = SpeechError(_("Speech could not start: {error}.").format(error=exc))
            self._startup_error = exc
            self._ready.set()
            self._release()
            return
        self._ready.set()
        try:
            self._loop()
        finally:
            self._player.stop()
            self._release()

    def _loop(self) -> None:
        in_player: collections.deque[_Item] = collections.deque()  # handed over, not done
        announced: _Item | None = None
        speaking = False  # a sentence or sound has been heard since the last FINISHED/STOPPED
        while True:
            events: list[SpeechEvent] = []
            to_synthesize: _Item | None = None
            handed = False
            with self._cond:
                if self._closing:
                    return
                if in_player and in_player[0].generation != self._generation:
                    in_player.clear()  # stop() has already silenced the player
                    if speaking:
                        events.append(SpeechEvent(SpeechEventKind.STOPPED))
                    speaking = False
                try:
                    pending = self._player.pending()
                except SpeechError as exc:  # the device was lost, and no other found
                    events.append(self._failed_locked(exc))
                    in_player.clear()
                    speaking = False
                    pending = 0
                for _ in range(len(in_player) - pending):
                    in_player.popleft()  # played to the end
                if in_player and in_player[0] is not announced:
                    announced = in_player[0]
                    speaking = True
                    if not announced.is_sound:
                        events.append(SpeechEvent(SpeechEventKind.STARTED, announced.text))
                nxt = self._queue[0] if self._queue else None
                if nxt is not None:
                    if nxt.clip is None:
                        to_synthesize = nxt
                    elif not self._paused and len(in_player) < _MAX_IN_PLAYER:
                        self._queue.popleft()
                        handed = True
                        try:
                            self._player.play(nxt.clip)
                            in_player.append(nxt)
                        except SpeechError as exc:
                            events.append(self._failed_locked(exc))
                draining = False
                if not self._queue and not in_player and not self._idle:
                    # Done only once the last sample has been heard, so that a close()
                    # right after wait_until_done() does not cut the end off.
                    draining = not self._drained()
                    if not draining:
                        self._idle = True
                        if speaking:
                            events.append(SpeechEvent(SpeechEventKind.FINISHED))
                        speaking = False
                        self._cond.notify_all()
                if to_synthesize is None and not handed and not events:
                    self._cond.wait(_POLL_S if in_player or draining else None)
            self._emit(events)
            if to_synthesize is not None:
                self._synthesize(to_synthesize)

    def _drained(self) -> bool:
        """Whether the last sample has been heard (a lost device has nothing left to hear)."""
        try:
            return self._player.wait(0)
        except SpeechError as exc:
            logger.info("audio device lost after the last sentence: %s", exc)
            return True

    def _startup(self) -> None:
        self._configure()
        self._player.open()
        self._player.set_volume(self._settings.volume)

    def _configure(self) -> None:
        with self._cond:
            self._config_wanted = False
            rate, voice_id = self._settings.rate, self._settings.voice_id
        try:
            self._synth.configure(rate=rate, voice_id=voice_id)
        except VoiceNotAvailableError as exc:
            if voice_id is None:
                raise
            # said to the user through the ERROR event; the log keeps a line of it
            logger.info("voice %s is not available, using the default voice", voice_id)
            self._emit([SpeechEvent(SpeechEventKind.ERROR, message=str(exc), goes_on=True)])
            self._synth.configure(rate=rate, voice_id=None)

    def _synthesize(self, item: _Item) -> None:
        events: list[SpeechEvent] = []
        try:
            if self._config_wanted:
                self._configure()
            spoken = self._prepare_text(item.text)
            if not any(c.isalnum() for c in spoken):  # only marks or control characters
                with self._cond:
                    if self._queue and self._queue[0] is item:
                        self._queue.popleft()
                    self._cond.notify_all()
                return
            clip = self._synth.synthesize(spoken)
        except Exception as exc:  # anything else would end this thread: speech gone for good
            if not isinstance(exc, SpeechError):
                logger.exception("the speech synthesizer failed unexpectedly")
                failed = _("The speech synthesizer failed: {error}.").format(error=exc)
                exc = SpeechError(failed)
            with self._cond:
                if item.generation == self._generation and self._queue and self._queue[0] is item:
                    self._queue.popleft()
                    events.append(SpeechEvent(SpeechEventKind.ERROR, item.text, str(exc)))
            # not the words: the log file keeps no text of a result
            logger.warning("could not speak a sentence of %d characters: %s", len(item.text), exc)
            self._emit(events)
            return
        with self._cond:
            if item.generation == self._generation:  # not stopped meanwhile
                item.clip = AudioClip(clip.samples, clip.rate, item.text)

    def _failed_locked(self, exc: SpeechError) -> SpeechEvent:
        """The player failed: drop this request, keep the worker alive for the next one."""
        logger.warning("speech output failed: %s", exc)
        self._generation += 1
        self._queue.clear()
        self._player.stop()
        return SpeechEvent(SpeechEventKind.ERROR, message=str(exc))

    def _emit(self, events: list[SpeechEvent]) -> None:
        if not events:
            return
        with self._cond:
            listeners = list(self._listeners)
            if not listeners:
                self._unheard += [e for e in events if e.kind is SpeechEventKind.ERROR]
                del self._unheard[:-_UNHEARD_MAX]
        for event in events:
            logger.debug("speech event %s %r", event.kind.value, event.text[:40])
        for listener in listeners:
            _tell(listener, events)


def _tell(listener: SpeechListener, events: list[SpeechEvent]) -> None:
    for event in events:
        try:
            listener(event)
        except Exception:
            logger.exception("a speech listener failed on %s", event.kind.value)


def sentence_pieces(sentence: str, limit: int = _PIECE_CHARS) -> list[str]:
    """``sentence`` cut into pieces of at most ``limit`` characters: after the last comma
    (semicolon, colon, bracket) in the second half of each piece, else at the last space,
    else (one endless word) anywhere."""
    pieces: list[str] = []
    rest = sentence.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        ends = [m.end() for m in _CLAUSE_END.finditer(window) if m.end() > limit // 2]
        cut = ends[-1] if ends else window.rfind(" ", limit // 2)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces

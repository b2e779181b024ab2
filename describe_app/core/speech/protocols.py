"""The small interfaces speech is built from, so tests and other platforms can swap parts.

* :class:`Synthesizer` turns one sentence into an :class:`AudioClip` (never plays it).
* :class:`AudioPlayer` plays clips one after another and can be silenced at once.
* :class:`SpeechOutput` is what the rest of the app uses: say, stop, pause, repeat.
* :class:`ScreenReaderChannel` hands text to the user's screen reader (the window owns it).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from describe_app.core.speech.audio import AudioClip
from describe_app.core.speech.speech_settings import SpeechSettings


@dataclass(frozen=True)
class Voice:
    """An installed voice: ``id`` goes into settings, ``name`` and ``languages`` are shown."""

    id: str
    name: str
    languages: tuple[str, ...] = ()


class SpeechEventKind(str, enum.Enum):
    STARTED = "started"  # a sentence started playing (``text`` is the sentence)
    FINISHED = "finished"  # everything queued has been spoken; speech is idle
    STOPPED = "stopped"  # speech was cut off by stop() or by a newer request
    ERROR = "error"  # something failed; ``message`` is one sentence for the user


@dataclass(frozen=True)
class SpeechEvent:
    kind: SpeechEventKind
    text: str = ""
    message: str = ""
    goes_on: bool = False  # an ERROR after which speech carries on (with the default voice)


SpeechListener = Callable[[SpeechEvent], None]


@dataclass
class PlaybackReport:
    """What happened to one clip, by the player's own clock (``time.perf_counter`` seconds).

    ``first_sample_at`` is when the clip's first sample reaches the output (the device's
    own estimate of when it leaves the digital-to-analogue converter); ``silent_at`` is when
    the last sample of it that was handed to the device has left, after a stop.
    """

    label: str
    duration: float
    queued_at: float
    first_sample_at: float | None = None
    ended_at: float | None = None  # played to the end
    stop_requested_at: float | None = None
    silent_at: float | None = None  # stopped: the moment the output fell silent

    @property
    def completed(self) -> bool:
        return self.ended_at is not None

    @property
    def stop_to_silence(self) -> float | None:
        if self.stop_requested_at is None or self.silent_at is None:
            return None
        return max(0.0, self.silent_at - self.stop_requested_at)


class Synthesizer(Protocol):
    """Turns text into audio. Used from one thread at a time (the speech worker)."""

    def configure(self, *, rate: int, voice_id: str | None) -> None:
        """Load the engine if needed and apply rate and voice; raise VoiceNotAvailableError."""

    def synthesize(self, text: str) -> AudioClip:
        """Return the spoken ``text``; raise SpeechError on failure."""
        ...

    def voices(self) -> list[Voice]: ...

    def close(self) -> None: ...


class AudioPlayer(Protocol):
    """Plays clips back to back on one output; thread-safe; never blocks for long."""

    def open(self) -> None:
        """Find and open the output device; raise AudioDeviceError if there is none."""

    def play(self, clip: AudioClip) -> None:
        """Queue ``clip`` after whatever is queued, and start output if it is idle."""

    def stop(self) -> None:
        """Drop everything queued; the output is silent within 100 ms."""

    def set_paused(self, paused: bool) -> None: ...

    def set_volume(self, volume: float) -> None: ...

    def pending(self) -> int:
        """How many queued clips have not finished playing (the one playing included)."""
        ...

    def wait(self, timeout: float | None = None) -> bool:
        """Block until nothing is pending and the last sample has been heard (or a stop
        came); False on timeout."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class SpeechOutput(Protocol):
    """Speech as the app sees it. All methods return quickly and may be called from any
    thread; listeners are called on the speech worker's thread."""

    def say(self, text: str, *, interrupt: bool = False) -> None:
        """Queue a sentence (or a few) to speak after what is queued.

        ``interrupt=True`` starts a new request: what is playing stops and the queue is
        dropped first. Sentences said after a stop() also start a new request.
        """

    def stop(self) -> None:
        """Silence within 100 ms and drop the queue."""

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def repeat_last(self) -> bool:
        """Say the last request again from its start; False if there is none."""
        ...

    def play_sound(self, clip: AudioClip, *, interrupt: bool = False) -> None:
        """Queue a short sound (an earcon) in line with speech."""

    def apply_settings(self, settings: SpeechSettings) -> None: ...

    def subscribe(self, listener: SpeechListener) -> Callable[[], None]:
        """Call ``listener`` with every SpeechEvent; returns a function that unsubscribes."""
        ...

    def wait_until_done(self, timeout: float | None = None) -> bool:
        """Block until everything queued has been spoken; False on timeout.

        ``wait_until_done(0)`` asks without waiting: False while our own voice is still
        saying something (the window's cues wait for words with it); an output whose words
        are said elsewhere (by the screen reader) answers True."""
        ...

    def close(self) -> None:
        """Stop speaking, end the worker thread and release the device. Idempotent."""


class ScreenReaderChannel(Protocol):
    """Hands text to the user's screen reader (an accessibility announcement, or text put
    where the screen reader reads it). The window provides one; the command line does not
    need one because the screen reader reads what it prints."""

    def announce(self, text: str, *, interrupt: bool) -> None: ...

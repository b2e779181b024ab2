"""Short sounds that tell what happens without words: picture taken, working, done, error.

The sounds are WAV files in ``resources/earcons/``, made by ``scripts/make_earcons.py``.
They play through the speech output, in line with speech, so a sound never talks over a
sentence. Each one can be turned off in :class:`~.speech_settings.EarconSettings`.
"""

from __future__ import annotations

import enum
import functools
import logging
import threading

from describe_app.core.resources import resource_path
from describe_app.core.speech.audio import AudioClip, read_audio_file
from describe_app.core.speech.protocols import SpeechOutput
from describe_app.core.speech.speech_settings import EarconSettings

logger = logging.getLogger(__name__)


class Earcon(str, enum.Enum):
    PICTURE_TAKEN = "picture_taken"
    WORKING = "working"
    DONE = "done"
    ERROR = "error"


@functools.cache
def load_earcon(earcon: Earcon) -> AudioClip:
    """The sound, read once. Raises OSError or ValueError if the file is missing or bad."""
    path = resource_path("earcons", f"{earcon.value}.wav")
    return read_audio_file(path, label=f"earcon:{earcon.value}")


class Earcons:
    """Plays earcons on a speech output, each only if the settings allow it."""

    def __init__(self, output: SpeechOutput, settings: EarconSettings | None = None) -> None:
        self._output = output
        self._settings = settings or EarconSettings()

    def apply_settings(self, settings: EarconSettings) -> None:
        self._settings = settings

    def enabled(self, earcon: Earcon) -> bool:
        return bool(getattr(self._settings, earcon.value))

    def play(self, earcon: Earcon, *, interrupt: bool = False) -> bool:
        """Queue the sound (``interrupt``: cut off speech first). False if it is turned off
        or cannot be read; a missing sound is logged, never raised."""
        if not self.enabled(earcon):
            return False
        try:
            clip = load_earcon(earcon)
        except (OSError, ValueError, EOFError) as exc:
            logger.warning("the %s sound cannot be played: %s", earcon.value, exc)
            return False
        self._output.play_sound(clip, interrupt=interrupt)
        return True


class WorkingTicker:
    """While the user waits, a soft tick: first after ``delay_s``, then every ``interval_s``.

    ``start()`` when work begins, ``stop()`` when the first result arrives (or on failure).
    One small thread while it runs; ``stop()`` joins it.
    """

    def __init__(self, earcons: Earcons, *, delay_s: float = 1.0, interval_s: float = 1.0) -> None:
        self._earcons = earcons
        self._delay_s = delay_s
        self._interval_s = interval_s
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self.ticks = 0

    def start(self) -> None:
        self.stop()
        self._stopped.clear()
        self._thread = threading.Thread(target=self._run, name="working-ticker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(2.0)

    def _run(self) -> None:
        wait = self._delay_s
        while not self._stopped.wait(wait):
            if self._earcons.play(Earcon.WORKING):
                self.ticks += 1
            wait = self._interval_s

"""The light meter: a short tone for each look at the camera, higher the brighter the middle
of the view is, for finding a lamp or a window by ear; the level in words when it changes.

The pitch rises evenly with the lightness (L*, 0..100, see
:mod:`describe_app.core.pictures.light_level`) over four octaves, from 110 Hz (black) to
1,760 Hz (white), in :data:`PITCH_STEPS` steps so that a steady view gives a steady note.
The tones are made with :mod:`describe_app.core.speech.tone_synth`, like the guidance
tones, and cached.

The level in words holds while the lightness stays within :data:`LEVEL_MARGIN` of it, so a
flickering lamp or a view right at the edge between two levels does not flip the words at
every look.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from describe_app.core.pictures.light_level import LightLevel, light_level, light_value
from describe_app.core.speech import tone_synth

if TYPE_CHECKING:
    from describe_app.core.speech.audio import AudioClip

LOWEST_HZ = 110.0
OCTAVES = 4.0
PITCH_STEPS = 33  # 0, 1/32, ... 1 of the range: an eighth of an octave a step
TONE_SECONDS = 0.12
#: The level said last holds while the lightness is within this much (L*) of its range.
LEVEL_MARGIN = 2.0


@dataclass(frozen=True)
class LightReading:
    """One look: the lightness of the middle of the view, its level, and whether the level
    differs from the last look's (then it is worth saying in words)."""

    value: float
    level: LightLevel
    changed: bool


def light_pitch(value: float) -> float:
    """The tone's frequency (Hz) for a lightness of ``value`` (0..100)."""
    step = round(min(max(value, 0.0), 100.0) / 100.0 * (PITCH_STEPS - 1))
    return LOWEST_HZ * 2.0 ** (OCTAVES * step / (PITCH_STEPS - 1))


def light_tone(value: float) -> AudioClip:
    """The short tone for a lightness of ``value``; the same clip for every value of a step."""
    return _tone(light_pitch(value))


@functools.cache
def _tone(freq: float) -> AudioClip:
    from describe_app.core.speech.audio import AudioClip

    samples = tone_synth.note(freq, TONE_SECONDS, level=0.25, harmonics=0.15, release_s=0.05)
    out = samples.astype("float32")
    out.flags.writeable = False
    return AudioClip(out, tone_synth.RATE, f"tone:light:{round(freq)}")


class LightMeter:
    """Turns frames into readings; remembers the last level to tell a change."""

    def __init__(self) -> None:
        self._level: LightLevel | None = None

    def read(self, frame: Any) -> LightReading:
        value = light_value(frame, middle_only=True)
        near = {light_level(value - LEVEL_MARGIN), light_level(value + LEVEL_MARGIN)}
        level = self._level if self._level in near else light_level(value)
        changed, self._level = level is not self._level, level
        return LightReading(value, level, changed)


class LightMeterCheck:
    """The light meter as a frame check: a reading four times a second."""

    def __init__(self, *, checks_per_second: float = 4.0) -> None:
        self.interval_s = 1.0 / checks_per_second
        self._meter = LightMeter()

    def check(self, frame: Any) -> LightReading:
        return self._meter.read(frame)

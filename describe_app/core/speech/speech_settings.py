"""What the user chose for speech: rate, volume, voice, where the words go, which sounds.

A small typed value with defaults and ranges: pydantic dataclasses, checked whenever one is
built (``replace`` too). Rate and volume are clamped into their ranges; a rate may be any
finite number (it is rounded), never text or a bool. The settings module that persists the
user's choices stores :meth:`SpeechSettings.to_dict` and reads it back like its other
sections; :meth:`SpeechSettings.from_dict` is the forgiving reader for everyone else.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Mapping
from dataclasses import field
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    Strict,
    StrictBool,
    StrictStr,
    TypeAdapter,
    ValidationError,
)
from pydantic.dataclasses import dataclass

RATE_MIN = 80
RATE_MAX = 450
RATE_DEFAULT = 185
RATE_STEP = 20

VOLUME_MIN = 0.0
VOLUME_MAX = 1.0
VOLUME_DEFAULT = 0.9
VOLUME_STEP = 0.1


class OutputRoute(str, enum.Enum):
    """Where spoken words go."""

    AUTO = "auto"  # the screen reader when one is running, our own voice otherwise
    OWN_VOICE = "own_voice"
    SCREEN_READER = "screen_reader"
    BOTH = "both"


@dataclass(frozen=True)
class EarconSettings:
    """Which short sounds play. Each can be turned off on its own."""

    picture_taken: StrictBool = True
    working: StrictBool = True
    done: StrictBool = True
    error: StrictBool = True


def _rounded(value: object) -> object:
    """A finite float -> the nearest whole number; anything else is left for the int check."""
    if isinstance(value, float) and math.isfinite(value):
        return round(value)
    return value


def _rate_in_range(rate: int) -> int:
    return min(RATE_MAX, max(RATE_MIN, rate))


def _volume_in_range(volume: float) -> float:
    return float(min(VOLUME_MAX, max(VOLUME_MIN, volume)))


def _voice_or_none(voice_id: str | None) -> str | None:
    return voice_id if voice_id is not None and voice_id.strip() else None


@dataclass(frozen=True)
class SpeechSettings:
    """Speech choices. Build changed copies with :meth:`replace`; values are clamped."""

    # words per minute
    rate: Annotated[int, Strict(), BeforeValidator(_rounded), AfterValidator(_rate_in_range)] = (
        RATE_DEFAULT
    )
    # 0.0 .. 1.0
    volume: Annotated[
        float, Strict(), Field(allow_inf_nan=False), AfterValidator(_volume_in_range)
    ] = VOLUME_DEFAULT
    # None: the system's default voice
    voice_id: Annotated[StrictStr | None, AfterValidator(_voice_or_none)] = None
    route: OutputRoute = OutputRoute.AUTO
    earcons: EarconSettings = field(default_factory=EarconSettings)

    def replace(self, **changes: Any) -> SpeechSettings:
        return dataclasses.replace(self, **changes)

    def faster(self) -> SpeechSettings:
        return self.replace(rate=self.rate + RATE_STEP)

    def slower(self) -> SpeechSettings:
        return self.replace(rate=self.rate - RATE_STEP)

    def louder(self) -> SpeechSettings:
        return self.replace(volume=round(self.volume + VOLUME_STEP, 2))

    def quieter(self) -> SpeechSettings:
        return self.replace(volume=round(self.volume - VOLUME_STEP, 2))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: enums as their values, the earcons as an object."""
        out: dict[str, Any] = TypeAdapter(SpeechSettings).dump_python(self, mode="json")
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpeechSettings:
        """Read stored settings; a missing, unknown or malformed value falls back to default."""
        adapter = TypeAdapter(cls)
        values = dict(data)
        try:
            return adapter.validate_python(values)
        except ValidationError as exc:
            bad = {error["loc"][0] for error in exc.errors() if error["loc"]}
        return adapter.validate_python({k: v for k, v in values.items() if k not in bad})

"""What the user chose for speech: rate, volume, voice, where the words go, which sounds.

A small typed value with defaults and ranges. The settings module that persists the user's
choices stores :meth:`SpeechSettings.to_dict` and reads it back with
:meth:`SpeechSettings.from_dict`, which forgives unknown keys and clamps out-of-range values.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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

    picture_taken: bool = True
    working: bool = True
    done: bool = True
    error: bool = True


@dataclass(frozen=True)
class SpeechSettings:
    """Speech choices. Build changed copies with :meth:`replace`; values are clamped."""

    rate: int = RATE_DEFAULT  # words per minute
    volume: float = VOLUME_DEFAULT  # 0.0 .. 1.0
    voice_id: str | None = None  # None: the system's default voice
    route: OutputRoute = OutputRoute.AUTO
    earcons: EarconSettings = field(default_factory=EarconSettings)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate", int(min(RATE_MAX, max(RATE_MIN, round(self.rate)))))
        object.__setattr__(self, "volume", float(min(VOLUME_MAX, max(VOLUME_MIN, self.volume))))
        object.__setattr__(self, "route", OutputRoute(self.route))
        if self.voice_id is not None and not self.voice_id.strip():
            object.__setattr__(self, "voice_id", None)

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
        return {
            "rate": self.rate,
            "volume": self.volume,
            "voice_id": self.voice_id,
            "route": self.route.value,
            "earcons": dataclasses.asdict(self.earcons),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpeechSettings:
        """Read stored settings; a missing, unknown or malformed value falls back to default."""
        default = cls()
        earcon_data = data.get("earcons")
        earcons = EarconSettings()
        if isinstance(earcon_data, Mapping):
            earcons = EarconSettings(
                **{
                    f.name: bool(earcon_data.get(f.name, getattr(earcons, f.name)))
                    for f in dataclasses.fields(EarconSettings)
                }
            )
        rate = data.get("rate", default.rate)
        volume = data.get("volume", default.volume)
        voice_id = data.get("voice_id")
        try:
            route = OutputRoute(data.get("route", default.route))
        except ValueError:
            route = default.route
        return cls(
            rate=round(rate) if isinstance(rate, int | float) else default.rate,
            volume=volume if isinstance(volume, int | float) else default.volume,
            voice_id=voice_id if isinstance(voice_id, str) else None,
            route=route,
            earcons=earcons,
        )

"""The allowed values of a whole-number setting: :class:`IntRange` (min, max, default, step).

A loose module, so that any room (settings, server profiles) can declare its ranges without
importing another room.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IntRange:
    """The allowed values of a whole-number setting, for clamping and for spin boxes."""

    min: int
    max: int
    default: int
    step: int = 1

    def clamp(self, value: int) -> int:
        return max(self.min, min(self.max, value))

"""Small sounds made from sine waves: the earcons (``scripts/make_earcons.py``) and the
guidance tones (:mod:`describe_app.core.live.guidance_tones`) are both built from these.

Everything is float64 samples at :data:`RATE` (22,050 Hz, the rate of espeak-ng speech,
so sounds and speech share one output stream without resampling).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

RATE = 22050
Samples = npt.NDArray[np.float64]


def times(seconds: float) -> Samples:
    """The sample times of a sound ``seconds`` long."""
    return np.arange(round(seconds * RATE)) / RATE


def silence(seconds: float) -> Samples:
    return np.zeros(round(seconds * RATE))


def envelope(n: int, attack_s: float, release_s: float, *, fade: float = 6.0) -> Samples:
    """Rise linearly over ``attack_s``; fade exponentially (down to e^-fade) over the
    last ``release_s``."""
    env = np.ones(n)
    a = min(n, max(1, round(attack_s * RATE)))
    r = min(n - a, max(1, round(release_s * RATE)))
    env[:a] = np.linspace(0.0, 1.0, a)
    env[n - r :] *= np.exp(-np.linspace(0.0, fade, r))
    return env


def note(
    freq: float,
    seconds: float,
    *,
    level: float,
    harmonics: float = 0.25,
    attack_s: float = 0.004,
    release_s: float | None = None,
    release_share: float = 0.8,
    fade: float = 6.0,
) -> Samples:
    """A sine with a little second harmonic (clearer on small speakers), shaped; the
    release is ``release_s``, or else ``release_share`` of the note."""
    t = times(seconds)
    wave = np.sin(2 * np.pi * freq * t) + harmonics * np.sin(2 * np.pi * 2 * freq * t)
    release = seconds * release_share if release_s is None else release_s
    return level * wave / (1 + harmonics) * envelope(len(t), attack_s, release, fade=fade)


def glide(
    f0: float, f1: float, seconds: float, *, level: float, harmonics: float, fade: float = 6.0
) -> Samples:
    """A note whose pitch slides linearly from ``f0`` to ``f1``."""
    t = times(seconds)
    phase = 2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * seconds))
    wave = np.sin(phase) + harmonics * np.sin(2 * phase)
    return level * wave / (1 + harmonics) * envelope(len(t), 0.006, seconds * 0.45, fade=fade)

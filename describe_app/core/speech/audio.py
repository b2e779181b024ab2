"""A clip of mono audio, and reading and writing it as WAV (or AIFF, which macOS writes)."""

from __future__ import annotations

import struct
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, eq=False)
class AudioClip:
    """Mono float32 samples in -1..1 at ``rate`` Hz, with a label for logs and reports."""

    samples: FloatArray
    rate: int
    label: str = ""

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0

    def rms(self) -> float:
        if not len(self.samples):
            return 0.0
        return float(np.sqrt(np.mean(np.square(self.samples, dtype=np.float64))))

    def resampled(self, rate: int) -> AudioClip:
        """The same sound at another rate (linear interpolation: fine for speech and beeps)."""
        if rate == self.rate or not len(self.samples):
            return self
        n_out = max(1, round(len(self.samples) * rate / self.rate))
        positions = np.arange(n_out, dtype=np.float64) * (self.rate / rate)
        out = np.interp(positions, np.arange(len(self.samples)), self.samples)
        return AudioClip(out.astype(np.float32), rate, self.label)


def silence(seconds: float, rate: int, label: str = "silence") -> AudioClip:
    return AudioClip(np.zeros(round(seconds * rate), dtype=np.float32), rate, label)


def concatenate(clips: list[AudioClip], rate: int, gap_s: float = 0.0) -> AudioClip:
    parts: list[FloatArray] = []
    gap = np.zeros(round(gap_s * rate), dtype=np.float32)
    for i, clip in enumerate(clips):
        if i and len(gap):
            parts.append(gap)
        parts.append(clip.resampled(rate).samples)
    samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    return AudioClip(samples.astype(np.float32), rate, "joined")


def trim_silence(
    clip: AudioClip, *, keep_start_s: float, keep_end_s: float, threshold: float = 0.003
) -> AudioClip:
    """``clip`` with its silence cut at both ends down to ``keep_start_s`` and ``keep_end_s``
    (silence: samples quieter than ``threshold``). A silent clip is returned unchanged."""
    loud = np.flatnonzero(np.abs(clip.samples) >= threshold)
    if not len(loud):
        return clip
    start = max(0, int(loud[0]) - round(keep_start_s * clip.rate))
    end = min(len(clip.samples), int(loud[-1]) + 1 + round(keep_end_s * clip.rate))
    if start == 0 and end == len(clip.samples):
        return clip
    return AudioClip(clip.samples[start:end], clip.rate, clip.label)


def to_int16(samples: FloatArray) -> npt.NDArray[np.int16]:
    return (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2")


def write_wav(clip: AudioClip, path: str | Path) -> None:
    """Write 16-bit mono PCM. Raises OSError when ``path`` cannot be written."""
    # the file is opened first: ``wave.open`` on a path it cannot open leaves a half-made
    # writer whose clean-up prints "Exception ignored in Wave_write.__del__" to the terminal
    with open(path, "wb") as raw, wave.open(raw, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(clip.rate)
        out.writeframes(to_int16(clip.samples).tobytes())


def read_audio_file(path: str | Path, label: str = "") -> AudioClip:
    """Read a 16-bit PCM WAV or AIFF file (mixed down to mono). Raises ValueError if not."""
    data = Path(path).read_bytes()
    if data[:4] == b"FORM":
        return _read_aiff(data, label)
    with wave.open(str(path), "rb") as src:
        channels, width, rate = src.getnchannels(), src.getsampwidth(), src.getframerate()
        frames = src.readframes(src.getnframes())
    if width != 2:
        raise ValueError(f"expected 16-bit samples, got {8 * width}-bit")
    pcm = np.frombuffer(frames, dtype="<i2")
    return AudioClip(_to_mono_float(pcm, channels), rate, label)


def _to_mono_float(pcm: npt.NDArray[np.int16], channels: int) -> FloatArray:
    samples = pcm.astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples[: len(samples) - len(samples) % channels]
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples.astype(np.float32)


def _read_aiff(data: bytes, label: str) -> AudioClip:
    """Minimal AIFF/AIFC reader for uncompressed 16-bit big-endian PCM (macOS speech)."""
    pos = 12
    channels = width = 0
    rate = 0
    sound: bytes | None = None
    little = False
    while pos + 8 <= len(data):
        chunk_id = data[pos : pos + 4]
        (size,) = struct.unpack(">I", data[pos + 4 : pos + 8])
        body = data[pos + 8 : pos + 8 + size]
        if chunk_id == b"COMM":
            channels, _frames, bits = struct.unpack(">hIh", body[:8])
            width = bits // 8
            rate = round(_ieee_extended(body[8:18]))
            if len(body) >= 22 and body[18:22] not in (b"NONE", b"twos", b"sowt"):
                raise ValueError(f"compressed AIFF ({body[18:22]!r}) is not supported")
            little = len(body) >= 22 and body[18:22] == b"sowt"
        elif chunk_id == b"SSND":
            (offset,) = struct.unpack(">I", body[:4])
            sound = body[8 + offset :]
        pos += 8 + size + (size & 1)
    if sound is None or width != 2 or not rate:
        raise ValueError("not a 16-bit PCM AIFF file")
    pcm = np.frombuffer(sound[: len(sound) - len(sound) % 2], dtype="<i2" if little else ">i2")
    return AudioClip(_to_mono_float(pcm.astype(np.int16), channels), rate, label)


def _ieee_extended(raw: bytes) -> float:
    """The 80-bit IEEE float that AIFF uses for its sample rate."""
    exponent, mantissa = struct.unpack(">HQ", raw)
    sign = -1.0 if exponent & 0x8000 else 1.0
    exponent &= 0x7FFF
    if exponent == 0 and mantissa == 0:
        return 0.0
    return sign * mantissa * 2.0 ** (exponent - 16383 - 63)

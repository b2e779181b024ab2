"""Helpers for the speech tests and benchmark: a real virtual sound card, fake parts.

:class:`PulseNullSink` starts a private PulseAudio server whose only output is a null sink
(real time, real buffers, no hardware) and points ALSA's "default"/"pulse" devices at it.
Start it before anything opens an audio stream.
"""

from __future__ import annotations

import collections
import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from describe_app.core.speech.audio import AudioClip
from describe_app.core.speech.errors import SpeechError
from describe_app.core.speech.protocols import PlaybackReport, Voice

SINK_NAME = "describe_test_sink"


class SinkUnavailable(RuntimeError):
    """PulseAudio is not installed here (see scripts/apt-packages-test.txt)."""


class PulseNullSink:
    """A private PulseAudio server with one null sink, for as long as the ``with`` lasts."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="describe-pulse-"))
        self.socket = self._dir / "native"
        self._process: subprocess.Popen[bytes] | None = None
        self._keepalive: subprocess.Popen[bytes] | None = None
        self._saved: dict[str, str | None] = {}

    def __enter__(self) -> PulseNullSink:
        binary = shutil.which("pulseaudio")
        if binary is None:
            raise SinkUnavailable("pulseaudio is not installed (scripts/apt-packages-test.txt)")
        env = dict(os.environ, HOME=str(self._dir), XDG_RUNTIME_DIR=str(self._dir))
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        # the benchmarks' AVX2 mode preloads a CPUID mask for the measured process only;
        # PulseAudio died silently under it, and the sound server is not what is measured
        env.pop("LD_PRELOAD", None)
        with (self._dir / "pulseaudio.log").open("wb") as log:
            self._process = subprocess.Popen(
                [
                    binary,
                    "--daemonize=no",
                    "--system=no",
                    "-n",  # no default.pa: only the modules below
                    "--exit-idle-time=-1",
                    "--use-pid-file=no",
                    "--log-target=stderr",
                    "--log-level=error",
                    "-L",
                    f"module-native-protocol-unix auth-anonymous=1 socket={self.socket}",
                    "-L",
                    f"module-null-sink sink_name={SINK_NAME} rate=44100 channels=2",
                ],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + 10.0
        while not self.socket.exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                text = (self._dir / "pulseaudio.log").read_text(errors="replace")
                self.__exit__(None, None, None)
                raise RuntimeError(f"the PulseAudio null sink did not start: {text[-500:]}")
            time.sleep(0.02)
        started = time.monotonic()
        for key, value in (("PULSE_SERVER", f"unix:{self.socket}"), ("PULSE_SINK", SINK_NAME)):
            self._saved[key] = os.environ.get(key)
            os.environ[key] = value
        pacat = shutil.which("pacat")
        if pacat is not None:
            with open("/dev/zero", "rb") as zeros:  # an endless stream of silence
                self._keepalive = subprocess.Popen(
                    [
                        pacat,
                        "--latency-msec=10",
                        "--raw",
                        "--format=s16le",
                        "--channels=1",
                        "--rate=8000",
                        "--client-name=describe-keepalive",
                    ],
                    stdin=zeros,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
        # The sink rendered 2 s ahead when it started; wait that out.
        time.sleep(max(0.0, started + 2.1 - time.monotonic()))
        return self

    def __exit__(self, *_exc: object) -> None:
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved.clear()
        for proc in (self._keepalive, self._process):
            if proc is not None and proc.poll() is None:
                proc.terminate()
        if self._keepalive is not None:
            self._keepalive.wait(5)
            self._keepalive = None
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
            self._process = None
        shutil.rmtree(self._dir, ignore_errors=True)


@contextlib.contextmanager
def null_sink_or_skip() -> Iterator[PulseNullSink]:
    import pytest

    try:
        sink = PulseNullSink().__enter__()
    except SinkUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield sink
    finally:
        sink.__exit__(None, None, None)


def tone(label: str, seconds: float, rate: int = 22050, freq: float = 440.0) -> AudioClip:
    t = np.arange(round(seconds * rate)) / rate
    return AudioClip((0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32), rate, label)


class FakeSynthesizer:
    """Turns each sentence into a tone whose length grows with the text; records calls."""

    def __init__(
        self,
        *,
        seconds_per_char: float = 0.004,
        delay_s: float = 0.0,
        fail_on: str | None = None,
        fail_configure: SpeechError | None = None,
    ) -> None:
        self.seconds_per_char = seconds_per_char
        self.delay_s = delay_s
        self.fail_on = fail_on
        self.fail_configure = fail_configure
        self.calls: list[tuple[str, float, float]] = []  # text, started, ended
        self.configured: list[tuple[int, str | None]] = []
        self.closed = False

    def configure(self, *, rate: int, voice_id: str | None) -> None:
        if self.fail_configure is not None:
            raise self.fail_configure
        self.configured.append((rate, voice_id))

    def synthesize(self, text: str) -> AudioClip:
        started = time.perf_counter()
        if self.delay_s:
            time.sleep(self.delay_s)
        if self.fail_on is not None and self.fail_on in text:
            raise SpeechError("The speech synthesizer failed on purpose.")
        clip = tone(text, max(0.02, self.seconds_per_char * len(text)))
        self.calls.append((text, started, time.perf_counter()))
        return clip

    def voices(self) -> list[Voice]:
        return [Voice("fake/en", "Fake English", ("en",))]

    def close(self) -> None:
        self.closed = True


class FakePlayer:
    """Plays clips on a virtual timeline (no thread, no device) and keeps reports."""

    def __init__(self, *, fail_open: SpeechError | None = None) -> None:
        self.fail_open = fail_open
        self._lock = threading.Lock()
        self._queue: collections.deque[tuple[PlaybackReport, float]] = collections.deque()
        self._last = time.perf_counter()
        self._paused = False
        self.volume = 1.0
        self.reports: list[PlaybackReport] = []
        self.opened = False
        self.closed = False

    def open(self) -> None:
        if self.fail_open is not None:
            raise self.fail_open
        self.opened = True

    def _advance(self) -> None:
        now = time.perf_counter()
        elapsed, self._last = now - self._last, now
        if self._paused:
            return
        t = now - elapsed
        while self._queue and elapsed > 0:
            report, left = self._queue[0]
            if report.first_sample_at is None:
                report.first_sample_at = t
            used = min(left, elapsed)
            t += used
            elapsed -= used
            if used >= left:
                report.ended_at = t
                self._queue.popleft()
            else:
                self._queue[0] = (report, left - used)

    def play(self, clip: AudioClip) -> None:
        with self._lock:
            self._advance()
            report = PlaybackReport(clip.label, clip.duration, time.perf_counter())
            self.reports.append(report)
            self._queue.append((report, clip.duration))

    def stop(self) -> None:
        with self._lock:
            self._advance()
            now = time.perf_counter()
            for report, _left in self._queue:
                report.stop_requested_at = now
                if report.first_sample_at is not None:
                    report.silent_at = now
            self._queue.clear()
            self._paused = False

    def set_paused(self, paused: bool) -> None:
        with self._lock:
            self._advance()
            self._paused = paused

    def set_volume(self, volume: float) -> None:
        self.volume = volume

    def pending(self) -> int:
        with self._lock:
            self._advance()
            return len(self._queue)

    def wait(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.perf_counter() + timeout
        while self.pending():
            if deadline is not None and time.perf_counter() >= deadline:
                return False
            time.sleep(0.002)
        return True

    def close(self) -> None:
        self.stop()
        self.closed = True

    def played(self) -> list[str]:
        """Labels of clips that started playing, in order."""
        with self._lock:
            self._advance()
            return [r.label for r in self.reports if r.first_sample_at is not None]

    def completed(self) -> list[str]:
        with self._lock:
            self._advance()
            return [r.label for r in self.reports if r.completed]

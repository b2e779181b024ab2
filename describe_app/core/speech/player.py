"""An audio player that can be cut off at once, on PortAudio (the ``sounddevice`` package).

Why sounddevice: its callback stream hands us every few milliseconds the next block to fill,
so a stop takes effect at the next block (we fill silence), and for every block PortAudio
tells us, on its own clock, when its first sample will leave the device
(``outputBufferDacTime``). That lets the player *report* when a clip was first heard and,
after a stop, when the last sample already handed over has left: the stop-to-silence time.
Its wheels bundle PortAudio on Windows and macOS (nothing to install there); on Linux it
uses the system's libportaudio2 (ALSA, and through ALSA PulseAudio or PipeWire).

The stream is opened once. It is started when there is something to play and stops itself
after ``linger_s`` of silence, so sentences that follow each other play back to back with no
start-up cost, and an idle app does not keep the sound card busy.

A stop fills silence from the next block on, so the output falls silent after at most the
device latency plus one block. The default latency, 50 ms, keeps that under 100 ms while
leaving the Python callback room for a busy machine (a model generating in the same
process) without drop-outs; ask for less where the device allows it.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from describe_app.core.i18n import N_, _
from describe_app.core.speech.audio import AudioClip, FloatArray
from describe_app.core.speech.errors import AudioDeviceError
from describe_app.core.speech.protocols import PlaybackReport

logger = logging.getLogger(__name__)

_NO_PORTAUDIO = N_(
    "Speech cannot play because the PortAudio sound library is missing "
    "(install the libportaudio2 package)."
)
_NO_DEVICE = N_("Speech cannot play because no audio output device was found.")
_DEVICE_FAILED = N_("Speech cannot play because the audio output could not be started.")
_DEVICE_LOST = N_("Speech stopped because the audio output device was lost.")


_live_streams = 0  # streams open in this process; PortAudio may only be restarted at 0
_live_lock = threading.Lock()


def _import_sounddevice() -> Any:
    try:
        import sounddevice
    except (OSError, ImportError) as exc:  # OSError: "PortAudio library not found"
        raise AudioDeviceError(_(_NO_PORTAUDIO)) from exc
    return sounddevice


@dataclass
class _Entry:
    samples: FloatArray
    report: PlaybackReport
    pos: int = 0


class SoundDevicePlayer:
    """An :class:`~describe_app.core.speech.protocols.AudioPlayer` on a PortAudio stream."""

    def __init__(
        self,
        device: int | str | None = None,
        *,
        rate: int = 22050,
        latency: float | str = 0.05,
        linger_s: float = 3.0,
        stall_s: float = 2.0,
        report_history: int = 64,
    ) -> None:
        """``stall_s``: a running stream whose callback has not come for this long has lost
        its device (unplugged); the player then moves to the default device."""
        self._device = device
        self._rate = rate
        self._latency = latency
        self._linger_s = linger_s
        self._stall_s = stall_s
        self._last_callback = 0.0  # perf_counter() of the latest callback (or start)
        self._sd: Any = None
        self._stream: Any = None
        self._control = threading.Lock()  # opening, starting, closing the stream
        self._lock = threading.Lock()  # the queue; shared with the audio callback
        self._queue: collections.deque[_Entry] = collections.deque()
        self._idle = threading.Event()
        self._idle.set()
        self._paused = False
        self._volume = 1.0
        self._running = False  # the callback is (or will be) called
        self._offset = 0.0  # perf_counter() - stream clock
        self._last_sound_end = 0.0  # when the last audible sample handed over leaves
        self._last_block_end = 0.0
        self._output_latency = 0.0
        self.reports: collections.deque[PlaybackReport] = collections.deque(maxlen=report_history)
        self.underflows = 0

    # -- the AudioPlayer protocol -------------------------------------------------------
    def open(self) -> None:
        with self._control:
            self._open_locked()

    def play(self, clip: AudioClip) -> None:
        samples = clip.resampled(self._rate).samples
        report = PlaybackReport(clip.label, clip.duration, time.perf_counter())
        with self._lock:
            self._queue.append(_Entry(np.ascontiguousarray(samples, np.float32), report))
            self.reports.append(report)
            self._idle.clear()
            running = self._running
        if not running:
            self._start()

    def stop(self) -> None:
        now = time.perf_counter()
        with self._lock:
            dropped = list(self._queue)
            self._queue.clear()
            self._paused = False
            # Nothing more will be handed to the device: silence comes once the last
            # audible sample already handed over has left it.
            silent_at = max(now, self._last_sound_end)
            for entry in dropped:
                entry.report.stop_requested_at = now
                if entry.report.first_sample_at is not None or entry.pos > 0:
                    entry.report.silent_at = silent_at
            self._idle.set()
        if dropped:
            logger.debug("stopped; silent %.1f ms after the request", 1000 * (silent_at - now))

    def set_paused(self, paused: bool) -> None:
        with self._lock:
            self._paused = paused

    def set_volume(self, volume: float) -> None:
        with self._lock:
            self._volume = float(min(1.0, max(0.0, volume)))

    def pending(self) -> int:
        """Raises AudioDeviceError if the device was lost and there is no other."""
        self._check_alive()
        with self._lock:
            return len(self._queue)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until everything played has left the device (or was stopped)."""
        self._check_alive()
        return self._idle.wait(timeout)

    def close(self) -> None:
        self.stop()
        with self._control:
            self._drop_stream()

    # -- facts for tests and benchmarks -------------------------------------------------
    @property
    def device_name(self) -> str:
        if self._stream is None or self._sd is None:
            return "(not open)"
        try:
            return str(self._sd.query_devices(self._stream.device)["name"])
        except Exception:
            return str(self._stream.device)

    @property
    def output_latency(self) -> float:
        """The device's own estimate of the delay from a block handed over to its sound."""
        return self._output_latency

    @property
    def last_sound_end(self) -> float:
        """When the last audible sample handed to the device leaves it (perf_counter s)."""
        with self._lock:
            return self._last_sound_end

    def is_silent_now(self) -> bool:
        """Whether, by the device's clock, no audible sample is still on its way out."""
        return time.perf_counter() >= self.last_sound_end

    # -- inside -------------------------------------------------------------------------
    def _new_stream(self, sd: Any) -> Any:
        try:
            sd.query_devices(self._device, "output")
            stream = sd.OutputStream(
                samplerate=self._rate,
                channels=1,
                dtype="float32",
                device=self._device,
                latency=self._latency,
                callback=self._callback,
            )
        except (ValueError, sd.PortAudioError) as exc:
            logger.debug("no output device %r: %r", self._device, exc)
            raise AudioDeviceError(_(_NO_DEVICE)) from exc
        return stream

    def _start(self) -> None:
        with self._control:
            if self._stream is None:
                self._open_locked()
            with self._lock:
                if self._running:
                    return
                self._running = True
                self._last_callback = time.perf_counter()
            stream = self._stream
            try:
                stream.stop()  # a stream that stopped itself must be stopped before a start
                self._offset = time.perf_counter() - stream.time
                stream.start()
                self._offset = (self._offset + time.perf_counter() - stream.time) / 2
            except Exception as exc:  # sd.PortAudioError
                with self._lock:
                    self._running = False
                self.stop()
                raise AudioDeviceError(_(_DEVICE_FAILED)) from exc

    def _open_locked(self) -> None:
        if self._stream is not None:
            return
        global _live_streams
        sd = self._sd = _import_sounddevice()
        with _live_lock:
            try:
                self._stream = self._new_stream(sd)
            except AudioDeviceError:
                if _live_streams:
                    raise
                # PortAudio lists the devices once, when it starts: look again (a sound
                # server that started later, headphones plugged in since).
                sd._terminate()
                sd._initialize()
                self._stream = self._new_stream(sd)
            _live_streams += 1
        self._output_latency = float(self._stream.latency)
        logger.debug(
            "audio output open: %s at %d Hz, latency %.1f ms",
            self.device_name,
            self._rate,
            1000 * self._output_latency,
        )

    def _check_alive(self) -> None:
        """The callback stopped coming: the device is gone (unplugged). Close its stream and
        go on with what is queued, from the start of its sentence, on the default device;
        raise AudioDeviceError (the queue dropped) if that cannot be opened either."""
        with self._lock:
            if not self._running or time.perf_counter() - self._last_callback < self._stall_s:
                return
            queued = bool(self._queue)
        logger.warning(
            "the audio output %s stopped for %.1f s; using the default device",
            self.device_name,
            self._stall_s,
        )
        with self._control:
            self._drop_stream(wait_s=1.0)
            self._device = None
        with self._lock:
            if self._queue:
                self._queue[0].pos = 0
            else:
                self._idle.set()  # nothing left to hear
        if not queued:
            return
        try:
            self._start()
        except AudioDeviceError as exc:
            self.stop()
            raise AudioDeviceError(_(_DEVICE_LOST)) from exc

    def _drop_stream(self, wait_s: float | None = None) -> None:
        """Close the stream (the caller holds ``_control``); on a lost device, on another
        thread and for at most ``wait_s`` seconds, as a dead driver may not return."""
        stream, self._stream = self._stream, None
        with self._lock:
            self._running = False
        if stream is None:
            return

        def close() -> None:
            global _live_streams
            try:
                stream.abort()  # what is left is silence; don't wait for it to drain
                stream.close()
            except Exception as exc:  # PortAudioError; the device may be gone already
                logger.debug("closing the audio stream: %r", exc)
            with _live_lock:
                _live_streams -= 1

        if wait_s is None:
            close()
            return
        closer = threading.Thread(target=close, name="audio-close", daemon=True)
        closer.start()
        closer.join(wait_s)
        if closer.is_alive():
            logger.warning("the lost audio stream did not close within %.1f s", wait_s)

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        self._last_callback = time.perf_counter()
        out = outdata[:, 0]
        if status.output_underflow:
            self.underflows += 1
        # This block's first sample leaves the device at ``start`` (perf_counter seconds).
        # Some host APIs leave the times at 0; then estimate from the stream's latency.
        dac, current = float(time_info.outputBufferDacTime), float(time_info.currentTime)
        now = current + self._offset if current else time.perf_counter()
        start = dac + self._offset if dac else now + self._output_latency
        rate = self._rate
        filled = 0
        with self._lock:
            volume = self._volume
            while not self._paused and filled < frames and self._queue:
                entry = self._queue[0]
                if entry.pos == 0:
                    entry.report.first_sample_at = start + filled / rate
                n = min(frames - filled, len(entry.samples) - entry.pos)
                out[filled : filled + n] = entry.samples[entry.pos : entry.pos + n] * volume
                entry.pos += n
                filled += n
                if entry.pos >= len(entry.samples):
                    entry.report.ended_at = start + filled / rate
                    self._queue.popleft()
            out[filled:] = 0.0
            block_end = start + frames / rate
            self._last_block_end = block_end
            if filled:
                self._last_sound_end = start + filled / rate
            elif not self._queue:
                if now >= self._last_sound_end:
                    self._idle.set()  # the last sample has left the device
                if block_end - self._last_sound_end > self._linger_s + self._output_latency:
                    self._running = False
                    raise self._sd.CallbackStop

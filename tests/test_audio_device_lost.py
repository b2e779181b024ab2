"""The audio device unplugged while speaking: speech moves to the default device, or says in
one sentence that it stopped; it never hangs, and speaks again once a device is back.

PortAudio is a fake here (``sounddevice`` in ``sys.modules``): a stream calls its callback
from a thread every 10 ms, as PortAudio does, until its device is unplugged, when the calls
stop, as they do with a USB headset pulled out.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from describe_app.core.speech import SpeechEvent, SpeechEventKind, SpeechWorker
from describe_app.core.speech.player import SoundDevicePlayer
from tests import qt_fixtures
from tests.speech_fixtures import FakeSynthesizer

BLOCK = 220  # frames per callback: 10 ms at 22050 Hz
LOST = "Speech stopped because the audio output device was lost."

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


class FakeStream:
    def __init__(self, sd: FakeSoundDevice, device: Any, callback: Callable[..., None]) -> None:
        self.sd = sd
        self.device = device
        self.callback = callback
        self.latency = 0.02
        self.heard = 0  # blocks with sound in them
        self.closed = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def time(self) -> float:
        return time.perf_counter()

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="fake-portaudio", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(1)

    abort = stop

    def close(self) -> None:
        self.stop()
        self.closed = True

    def _run(self) -> None:
        status = SimpleNamespace(output_underflow=False)
        times = SimpleNamespace(outputBufferDacTime=0.0, currentTime=0.0)
        while not self._stop.wait(0.01):
            if self.device not in self.sd.plugged:
                return  # unplugged: PortAudio calls no more
            out = np.zeros((BLOCK, 1), np.float32)
            try:
                self.callback(out, BLOCK, times, status)
            except self.sd.CallbackStop:
                return
            if np.any(out):
                self.heard += 1


class FakeSoundDevice:
    """The parts of ``sounddevice`` the player uses. ``plugged`` holds the devices there;
    "headset" is the default while it is plugged in, then "speakers" if they are."""

    class PortAudioError(Exception):
        pass

    class CallbackStop(Exception):
        pass

    def __init__(self, *devices: str) -> None:
        self.plugged = set(devices)
        self.streams: list[FakeStream] = []

    def default(self) -> str:
        for name in ("headset", "speakers"):
            if name in self.plugged:
                return name
        raise self.PortAudioError("no default output device")

    def query_devices(self, device: Any = None, kind: str | None = None) -> dict[str, Any]:
        name = self.default() if device is None else device
        if name not in self.plugged:
            raise self.PortAudioError(f"no device {name!r}")
        return {"name": name}

    def OutputStream(self, *, device: Any, callback: Callable[..., None], **_: Any) -> FakeStream:
        stream = FakeStream(self, self.query_devices(device)["name"], callback)
        self.streams.append(stream)
        return stream

    def _terminate(self) -> None:
        pass

    def _initialize(self) -> None:
        pass


@pytest.fixture
def speaking() -> Iterator[Callable[[FakeSoundDevice], tuple[SpeechWorker, list[SpeechEvent]]]]:
    workers: list[SpeechWorker] = []
    saved = sys.modules.get("sounddevice")

    def start(sd: FakeSoundDevice) -> tuple[SpeechWorker, list[SpeechEvent]]:
        sys.modules["sounddevice"] = sd  # type: ignore[assignment]
        player = SoundDevicePlayer(stall_s=0.3)
        # Long enough to pull the plug while it plays: about 0.6 s a sentence.
        worker = SpeechWorker(FakeSynthesizer(seconds_per_char=0.02), player)
        events: list[SpeechEvent] = []
        worker.subscribe(events.append)
        worker.start()
        workers.append(worker)
        return worker, events

    yield start
    for worker in workers:
        worker.close()
    if saved is None:
        sys.modules.pop("sounddevice", None)
    else:
        sys.modules["sounddevice"] = saved


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.allow_warning_logs  # the player logs the lost device
def test_the_headset_pulled_out_moves_speech_to_the_speakers(speaking) -> None:  # type: ignore[no-untyped-def]
    sd = FakeSoundDevice("headset", "speakers")
    worker, events = speaking(sd)
    worker.say("The first sentence is long enough. The second one follows it.")
    wait_for(lambda: bool(sd.streams) and sd.streams[0].heard > 3)
    sd.plugged.discard("headset")

    assert worker.wait_until_done(5), "speech went on and ended"
    assert [s.device for s in sd.streams] == ["headset", "speakers"]
    assert sd.streams[0].closed
    assert sd.streams[1].heard > 10, "the sentence was heard again, on the speakers"
    assert not [e for e in events if e.kind is SpeechEventKind.ERROR]


@pytest.mark.allow_warning_logs
def test_the_only_device_pulled_out_is_said_and_speech_comes_back_with_it(speaking) -> None:  # type: ignore[no-untyped-def]
    sd = FakeSoundDevice("headset")
    worker, events = speaking(sd)
    worker.say("The first sentence is long enough. The second one follows it.")
    wait_for(lambda: bool(sd.streams) and sd.streams[0].heard > 3)
    sd.plugged.discard("headset")

    started = time.monotonic()
    assert worker.wait_until_done(5), "never hangs"
    assert time.monotonic() - started < 2.0
    errors = [e.message for e in events if e.kind is SpeechEventKind.ERROR]
    assert errors == [LOST]

    sd.plugged.add("headset")
    worker.say("Back again.")
    assert worker.wait_until_done(5)
    assert sd.streams[-1].device == "headset" and sd.streams[-1].heard > 0
    assert [e.message for e in events if e.kind is SpeechEventKind.ERROR] == [LOST]


class ListenedSpeech:
    """Stands for the voice in the window: keeps the listener the window subscribes."""

    def __init__(self) -> None:
        self.listeners: list[Callable[[SpeechEvent], None]] = []

    def subscribe(self, listener: Callable[[SpeechEvent], None]) -> Callable[[], None]:
        self.listeners.append(listener)
        return lambda: None


def test_the_window_says_when_speech_lost_its_device(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir, load=False)
    voice = ListenedSpeech()
    window.watch_speech(voice)
    error = SpeechEvent(SpeechEventKind.ERROR, "The first sentence.", LOST)
    for _ in range(2):  # from the speech worker's thread, as it reports it
        reporter = threading.Thread(target=voice.listeners[0], args=(error,))
        reporter.start()
        reporter.join()
    qtbot.waitUntil(lambda: LOST in window.announcer.history)
    qtbot.wait(50)
    assert window.announcer.history.count(LOST) == 1
    assert window.status_label.text() == LOST
    assert LOST in speech.texts()  # heard through the screen reader or once a device is back
    voice.listeners[0](SpeechEvent(SpeechEventKind.FINISHED))
    qtbot.wait(50)
    assert window.announcer.history[-1] == LOST

"""Playback on a real audio path: PortAudio -> ALSA -> a PulseAudio null sink.

The null sink is a real, clocked sound device without hardware (tests/speech_fixtures.py
starts a private PulseAudio server for this module). Times come from the player's own
clock: PortAudio's estimate of when each block leaves the device.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from describe_app.core.speech import (
    AudioDeviceError,
    OutputRoute,
    SpeechEvent,
    SpeechEventKind,
    SpeechSettings,
    SpeechWorker,
    create_speech,
)
from describe_app.core.speech.player import SoundDevicePlayer
from tests.speech_fixtures import FakeSynthesizer, PulseNullSink, null_sink_or_skip, tone

STOP_BUDGET_S = 0.100


@pytest.fixture(scope="module")
def null_sink() -> Iterator[PulseNullSink]:
    with null_sink_or_skip() as sink:
        yield sink


@pytest.fixture
def player(null_sink: PulseNullSink) -> Iterator[SoundDevicePlayer]:
    p = SoundDevicePlayer()
    p.open()
    yield p
    p.close()


def wait_until(predicate: object, timeout: float = 5.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.perf_counter() < deadline, "timed out"
        time.sleep(0.005)


def test_stop_is_silent_within_100_ms_by_the_players_clock(player: SoundDevicePlayer) -> None:
    for i in range(5):
        player.play(tone(f"tone {i}", 2.0))
        report = player.reports[-1]
        wait_until(lambda r=report: r.first_sample_at is not None)
        assert report.first_sample_at is not None
        # Let it be heard for a moment, then stop.
        wait_until(lambda r=report: time.perf_counter() > r.first_sample_at + 0.2)  # type: ignore[operator]
        player.stop()
        assert report.stop_to_silence is not None
        assert report.stop_to_silence < STOP_BUDGET_S, report
        assert not report.completed
        # The device goes on running and what it plays after the stop is silence.
        time.sleep(0.15)
        assert player.is_silent_now()
        assert player.last_sound_end <= report.stop_requested_at + STOP_BUDGET_S  # type: ignore[operator]
        assert player._last_block_end > player.last_sound_end + 0.05
    assert player.underflows == 0


def test_a_clip_plays_to_the_end_in_real_time(player: SoundDevicePlayer) -> None:
    player.play(tone("half a second", 0.5))
    started = time.perf_counter()
    assert player.wait(5)
    report = player.reports[-1]
    assert report.completed and report.first_sample_at is not None and report.ended_at is not None
    assert report.ended_at - report.first_sample_at == pytest.approx(0.5, abs=0.01)
    assert time.perf_counter() >= report.ended_at  # wait() means heard, not just handed over
    assert time.perf_counter() - started > 0.4  # a clocked device, not a bottomless one


def test_clips_follow_each_other_without_a_gap(player: SoundDevicePlayer) -> None:
    player.play(tone("one", 0.3))
    player.play(tone("two", 0.3))
    assert player.wait(5)
    one, two = list(player.reports)[-2:]
    assert two.first_sample_at == pytest.approx(one.ended_at, abs=0.002)


def test_pause_silences_quickly_and_resume_goes_on(player: SoundDevicePlayer) -> None:
    player.play(tone("paused", 0.6))
    report = player.reports[-1]
    wait_until(lambda: report.first_sample_at is not None)
    time.sleep(0.2)
    paused_at = time.perf_counter()
    player.set_paused(True)
    time.sleep(0.4)
    assert player.last_sound_end - paused_at < STOP_BUDGET_S
    assert player.pending() == 1
    player.set_paused(False)
    assert player.wait(5)
    assert report.completed and report.ended_at is not None
    assert report.ended_at - report.first_sample_at > 0.6 + 0.3  # type: ignore[operator]


def test_missing_device_is_a_clear_error(null_sink: PulseNullSink) -> None:
    p = SoundDevicePlayer(device="no such device")
    with pytest.raises(AudioDeviceError, match="no audio output device"):
        p.open()
    p.close()


def test_worker_on_real_audio_plays_nothing_twice_and_loses_nothing(
    null_sink: PulseNullSink,
) -> None:
    player = SoundDevicePlayer()
    started: list[str] = []
    worker = SpeechWorker(FakeSynthesizer(seconds_per_char=0.006), player)
    worker.subscribe(
        lambda e: started.append(e.text) if e.kind is SpeechEventKind.STARTED else None
    )
    worker.start()
    try:
        first = ["Old one is long enough to cut.", "Old two.", "Old three."]
        worker.say(" ".join(first), interrupt=True)
        wait_until(lambda: started[:1] == first[:1])
        time.sleep(0.05)
        second = [f"New sentence {i}." for i in range(4)]
        worker.say(second[0], interrupt=True)
        for s in second[1:]:
            worker.say(s)
        assert worker.wait_until_done(10)
    finally:
        worker.close()
    heard = [r.label for r in player.reports if r.first_sample_at is not None]
    assert heard == [first[0], *second]
    assert [r.label for r in player.reports if r.completed] == second
    assert started == [first[0], *second]


def test_real_voice_starts_fast_and_stops_within_100_ms(null_sink: PulseNullSink) -> None:
    player = SoundDevicePlayer()
    events: list[SpeechEvent] = []
    started = threading.Event()

    def listen(event: SpeechEvent) -> None:
        events.append(event)
        if event.kind is SpeechEventKind.STARTED:
            started.set()

    speech = create_speech(SpeechSettings(route=OutputRoute.OWN_VOICE), player=player)
    speech.subscribe(listen)
    try:
        ready = time.perf_counter()
        speech.say("This long sentence is spoken by espeak-ng and cut off after a moment.")
        assert started.wait(5)
        report = player.reports[-1]
        wait_until(lambda: report.first_sample_at is not None)
        assert report.first_sample_at - ready < 0.3  # type: ignore[operator]  # bench: 150 ms
        time.sleep(0.4)
        speech.stop()
        assert report.stop_to_silence is not None and report.stop_to_silence < STOP_BUDGET_S
        assert speech.wait_until_done(2)
    finally:
        speech.close()
    assert [e.kind for e in events] == [SpeechEventKind.STARTED, SpeechEventKind.STOPPED]

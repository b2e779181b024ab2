"""The speech worker's queue: order, interruption, pause, look-ahead, events, settings.

A fake synthesizer (tones whose length follows the text) and a fake player (a virtual
timeline, no device) make these fast and exact; tests/test_speech_player.py runs the same
worker on a real audio path.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from describe_app.core.speech import (
    SpeechEvent,
    SpeechEventKind,
    SpeechSettings,
    SpeechWorker,
)
from tests.speech_fixtures import FakePlayer, FakeSynthesizer


class Events:
    def __init__(self) -> None:
        self.items: list[SpeechEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: SpeechEvent) -> None:
        with self._cond:
            self.items.append(event)
            self._cond.notify_all()

    def kinds(self) -> list[str]:
        return [e.kind.value for e in self.items]

    def started(self) -> list[str]:
        return [e.text for e in self.items if e.kind is SpeechEventKind.STARTED]

    def wait_for(self, predicate: Callable[[list[SpeechEvent]], bool], timeout: float = 5) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: predicate(self.items), timeout), self.kinds()


@pytest.fixture
def synth() -> FakeSynthesizer:
    return FakeSynthesizer(seconds_per_char=0.004)


@pytest.fixture
def player() -> FakePlayer:
    return FakePlayer()


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def worker(synth: FakeSynthesizer, player: FakePlayer, events: Events) -> Iterator[SpeechWorker]:
    w = SpeechWorker(synth, player, SpeechSettings(rate=200, volume=0.7))
    w.subscribe(events)
    w.start()
    yield w
    w.close()


def test_sentences_play_in_order_once_each(worker: SpeechWorker, player: FakePlayer) -> None:
    sentences = [f"Sentence number {i} is here." for i in range(6)]
    for s in sentences:  # streamed one by one, as the model writes
        worker.say(s)
        time.sleep(0.01)
    assert worker.wait_until_done(10)
    assert player.played() == sentences
    assert player.completed() == sentences


def test_a_text_with_several_sentences_is_split(worker: SpeechWorker, player: FakePlayer) -> None:
    worker.say("A cat sits on a mat. It is 3.5 m long! Is it asleep?")
    assert worker.wait_until_done(10)
    assert player.played() == ["A cat sits on a mat.", "It is 3.5 m long!", "Is it asleep?"]


def test_text_is_prepared_for_speech(worker: SpeechWorker, synth: FakeSynthesizer) -> None:
    worker.say("It is 21 °C.")
    assert worker.wait_until_done(10)
    assert synth.calls[0][0] == "It is 21 degrees Celsius."


def test_next_sentence_is_synthesized_while_one_plays(
    synth: FakeSynthesizer, player: FakePlayer, events: Events
) -> None:
    synth.seconds_per_char = 0.01  # about 0.3 s a sentence
    w = SpeechWorker(synth, player)
    w.start()
    try:
        w.say("The first sentence is this one. The second sentence is this one.")
        assert w.wait_until_done(10)
    finally:
        w.close()
    first, second = player.reports
    second_synth_end = next(end for text, _, end in synth.calls if text.startswith("The second"))
    assert first.first_sample_at is not None and first.ended_at is not None
    assert first.first_sample_at < second_synth_end < first.ended_at
    # ...and handed over before the first one ended: no gap between them.
    assert second.queued_at < first.ended_at
    assert second.first_sample_at == pytest.approx(first.ended_at, abs=1e-6)


def test_new_request_interrupts_the_old_one(
    worker: SpeechWorker, player: FakePlayer, events: Events, synth: FakeSynthesizer
) -> None:
    synth.seconds_per_char = 0.02
    worker.say("Old one is long enough. Old two. Old three.", interrupt=True)
    events.wait_for(lambda ev: any(e.kind is SpeechEventKind.STARTED for e in ev))
    worker.say("New one.", interrupt=True)
    assert worker.wait_until_done(10)
    assert player.played() == ["Old one is long enough.", "New one."]
    assert player.completed() == ["New one."]
    old = player.reports[0]
    assert old.stop_requested_at is not None and old.silent_at is not None
    assert "stopped" in events.kinds()
    assert events.kinds()[-1] == "finished"


def test_stop_silences_and_drops_the_queue(
    worker: SpeechWorker, player: FakePlayer, events: Events, synth: FakeSynthesizer
) -> None:
    synth.seconds_per_char = 0.02
    worker.say("One sentence that plays a while. Two. Three.")
    events.wait_for(lambda ev: "One sentence that plays a while." in [e.text for e in ev])
    worker.stop()
    assert worker.wait_until_done(2)
    assert player.played() == ["One sentence that plays a while."]
    assert player.completed() == []
    assert player.pending() == 0
    assert events.kinds() == ["started", "stopped"]
    # Speech goes on normally after a stop.
    synth.seconds_per_char = 0.002
    worker.say("After the stop.")
    assert worker.wait_until_done(5)
    assert player.completed() == ["After the stop."]


def test_stop_while_synthesizing_plays_nothing_stale(
    worker: SpeechWorker, player: FakePlayer, synth: FakeSynthesizer
) -> None:
    synth.delay_s = 0.3
    worker.say("Slow to make.")
    time.sleep(0.1)  # the worker is inside synthesize()
    worker.stop()
    assert worker.wait_until_done(3)
    time.sleep(0.35)
    assert player.played() == []
    synth.delay_s = 0.0
    worker.say("Fresh.")
    assert worker.wait_until_done(5)
    assert player.played() == ["Fresh."]


def test_pause_holds_the_place_and_resume_goes_on(
    worker: SpeechWorker, player: FakePlayer, events: Events, synth: FakeSynthesizer
) -> None:
    synth.seconds_per_char = 0.01
    worker.say("This sentence is paused in the middle. Then this one.")
    events.wait_for(lambda ev: len(ev) >= 1)
    time.sleep(0.1)
    worker.pause()
    time.sleep(0.4)
    assert not worker.wait_until_done(0.05)
    assert player.completed() == []  # frozen: 0.38 s of audio, 0.5 s since it started
    worker.resume()
    assert worker.wait_until_done(5)
    assert player.completed() == ["This sentence is paused in the middle.", "Then this one."]


def test_stop_while_paused_unpauses_for_the_next_request(
    worker: SpeechWorker, player: FakePlayer, events: Events
) -> None:
    worker.say("Paused then stopped here.")
    events.wait_for(lambda ev: len(ev) >= 1)
    worker.pause()
    worker.stop()
    worker.say("Heard.")
    assert worker.wait_until_done(5)
    assert player.completed() == ["Heard."]


def test_speech_says_whether_it_is_paused_and_new_words_end_a_pause(
    worker: SpeechWorker, events: Events
) -> None:
    """The window's pause key asks this: words that cut in end a pause by themselves."""
    worker.say("Paused here for a while.")
    events.wait_for(lambda ev: len(ev) >= 1)
    assert worker.paused is False
    worker.pause()
    assert worker.paused is True
    worker.say("Dark navy blue.", interrupt=True)
    assert worker.paused is False
    assert worker.wait_until_done(5)


def test_repeat_last_says_the_last_request_again(worker: SpeechWorker, player: FakePlayer) -> None:
    assert worker.repeat_last() is False
    worker.say("First.", interrupt=True)
    worker.say("Second.")
    assert worker.wait_until_done(5)
    assert worker.repeat_last() is True
    assert worker.wait_until_done(5)
    assert player.completed() == ["First.", "Second.", "First.", "Second."]
    worker.say("Another description.", interrupt=True)
    assert worker.wait_until_done(5)
    worker.repeat_last()
    assert worker.wait_until_done(5)
    assert player.completed()[-2:] == ["Another description.", "Another description."]


def test_events_tell_start_of_each_sentence_and_the_end(
    worker: SpeechWorker, events: Events
) -> None:
    worker.say("One. Two.")
    assert worker.wait_until_done(5)
    events.wait_for(lambda ev: len(ev) >= 3)
    assert events.kinds() == ["started", "started", "finished"]
    assert events.started() == ["One.", "Two."]


def test_sounds_play_in_line_and_raise_no_sentence_events(
    worker: SpeechWorker, player: FakePlayer, events: Events
) -> None:
    from tests.speech_fixtures import tone

    worker.play_sound(tone("earcon:done", 0.05))
    worker.say("After the sound.")
    assert worker.wait_until_done(5)
    assert player.completed() == ["earcon:done", "After the sound."]
    assert events.started() == ["After the sound."]


def test_settings_apply_volume_at_once_and_rate_to_the_next_sentence(
    worker: SpeechWorker, player: FakePlayer, synth: FakeSynthesizer
) -> None:
    assert player.volume == 0.7
    assert synth.configured == [(200, None)]
    worker.apply_settings(SpeechSettings(rate=300, volume=0.2, voice_id="fake/en"))
    assert player.volume == 0.2
    worker.say("Faster now.")
    assert worker.wait_until_done(5)
    assert synth.configured[-1] == (300, "fake/en")


def test_close_ends_the_thread_and_later_calls_do_nothing(
    synth: FakeSynthesizer, player: FakePlayer
) -> None:
    w = SpeechWorker(synth, player)
    w.start()
    w.say("Cut off by close, which does not wait for the end.")
    w.close()
    w.close()
    assert not any(t.name == "speech-worker" for t in threading.enumerate())
    assert synth.closed and player.closed
    w.say("Ignored.")
    assert w.wait_until_done(0.1)


@pytest.mark.allow_warning_logs
def test_a_failing_listener_does_not_stop_speech(worker: SpeechWorker, player: FakePlayer) -> None:
    def broken(_event: SpeechEvent) -> None:
        raise RuntimeError("listener bug")

    worker.subscribe(broken)
    worker.say("Still spoken.")
    assert worker.wait_until_done(5)
    assert player.completed() == ["Still spoken."]


def test_unsubscribe_stops_events(worker: SpeechWorker) -> None:
    seen: list[SpeechEvent] = []
    unsubscribe = worker.subscribe(seen.append)
    unsubscribe()
    worker.say("Nobody listens.")
    assert worker.wait_until_done(5)
    assert seen == []

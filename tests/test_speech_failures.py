"""Speech failures give one clear sentence and the caller keeps going with the text."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from describe_app.core.errors import DescribeError
from describe_app.core.speech import (
    AudioClip,
    AudioDeviceError,
    OutputRoute,
    SpeechError,
    SpeechEvent,
    SpeechEventKind,
    SpeechSettings,
    SpeechWorker,
    VoiceNotAvailableError,
    create_speech,
)
from tests.speech_fixtures import FakePlayer, FakeSynthesizer

ROOT = Path(__file__).resolve().parent.parent


def assert_one_clear_sentence(message: str) -> None:
    assert message[:1].isupper() and message.endswith(".") and "\n" not in message
    assert message.count(". ") == 0, message


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


CALLER = """
from describe_app.core.speech import create_speech, SpeechSettings, OutputRoute, SpeechError
from tests.speech_fixtures import FakePlayer
try:
    speech = create_speech(SpeechSettings(route=OutputRoute.OWN_VOICE), player={player})
except SpeechError as error:
    print("SPEECH:", error)
else:
    speech.close()
    print("SPEECH: ok")
print("TEXT: A red door in a white wall.")
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the message names espeak-ng, Linux's synthesizer"
)
def test_espeak_missing_gives_a_clear_message_and_the_text_still_shows() -> None:
    hide_espeak = """
import ctypes
_load = ctypes.cdll.LoadLibrary
def _no_espeak(name):
    if "espeak" in str(name):
        raise OSError(f"{name}: cannot open shared object file")
    return _load(name)
ctypes.cdll.LoadLibrary = _no_espeak
"""
    done = run_python(hide_espeak + CALLER.format(player="FakePlayer()"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "TEXT: A red door in a white wall."
    message = lines[-2].removeprefix("SPEECH: ")
    assert "espeak-ng" in message and "not installed" in message
    assert_one_clear_sentence(message)


def test_portaudio_missing_gives_a_clear_message_and_the_text_still_shows() -> None:
    hide_portaudio = "import sys\nsys.modules['sounddevice'] = None\n"
    done = run_python(hide_portaudio + CALLER.format(player="None"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "TEXT: A red door in a white wall."
    message = lines[-2].removeprefix("SPEECH: ")
    assert "libportaudio2" in message
    assert_one_clear_sentence(message)


def test_no_voices_fails_start_cleanly() -> None:
    synth = FakeSynthesizer(
        fail_configure=VoiceNotAvailableError(
            "Speech is not available because no voices are installed."
        )
    )
    with pytest.raises(VoiceNotAvailableError) as caught:
        create_speech(
            SpeechSettings(route=OutputRoute.OWN_VOICE), synthesizer=synth, player=FakePlayer()
        )
    assert isinstance(caught.value, DescribeError)
    assert_one_clear_sentence(str(caught.value))
    assert synth.closed
    assert not any(t.name == "speech-worker" for t in threading.enumerate())


def test_no_audio_device_fails_start_cleanly() -> None:
    player = FakePlayer(
        fail_open=AudioDeviceError("Speech cannot play because no audio output device was found.")
    )
    with pytest.raises(AudioDeviceError, match="no audio output device"):
        create_speech(
            SpeechSettings(route=OutputRoute.OWN_VOICE),
            synthesizer=FakeSynthesizer(),
            player=player,
        )


def test_with_the_screen_reader_route_a_broken_voice_is_no_error() -> None:
    class Channel:
        def __init__(self) -> None:
            self.announced: list[str] = []

        def announce(self, text: str, *, interrupt: bool) -> None:
            self.announced.append(text)

    channel = Channel()
    player = FakePlayer(
        fail_open=AudioDeviceError("Speech cannot play because no audio output device was found.")
    )
    speech = create_speech(
        SpeechSettings(route=OutputRoute.SCREEN_READER),
        synthesizer=FakeSynthesizer(),
        player=player,
        screen_reader=channel,
    )
    speech.say("Still announced.")
    speech.play_sound(AudioClip(FakeSynthesizer().synthesize("x").samples, 22050, "earcon"))
    assert speech.wait_until_done(1)
    speech.close()
    assert channel.announced == ["Still announced."]


@pytest.mark.allow_warning_logs
def test_a_sentence_that_cannot_be_synthesized_is_reported_and_skipped() -> None:
    events: list[SpeechEvent] = []
    player = FakePlayer()
    worker = SpeechWorker(FakeSynthesizer(fail_on="broken"), player)
    worker.subscribe(events.append)
    worker.start()
    try:
        worker.say("Good one. A broken one. Good two.")
        assert worker.wait_until_done(5)
    finally:
        worker.close()
    assert player.completed() == ["Good one.", "Good two."]
    errors = [e for e in events if e.kind is SpeechEventKind.ERROR]
    assert len(errors) == 1 and errors[0].text == "A broken one."
    assert_one_clear_sentence(errors[0].message)


class FlakyPlayer(FakePlayer):
    """Loses its device for one play() call."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_next = False

    def play(self, clip: AudioClip) -> None:
        if self.fail_next:
            self.fail_next = False
            raise AudioDeviceError(
                "Speech cannot play because the audio output could not be started."
            )
        super().play(clip)


@pytest.mark.allow_warning_logs
def test_a_lost_device_drops_the_request_and_speech_recovers() -> None:
    events: list[SpeechEvent] = []
    player = FlakyPlayer()
    worker = SpeechWorker(FakeSynthesizer(), player)
    worker.subscribe(events.append)
    worker.start()
    try:
        player.fail_next = True
        worker.say("Lost. Also lost.")
        assert worker.wait_until_done(5)
        assert [e.kind for e in events] == [SpeechEventKind.ERROR]
        worker.say("Back again.")
        assert worker.wait_until_done(5)
    finally:
        worker.close()
    assert player.completed() == ["Back again."]


def test_a_missing_voice_falls_back_to_the_default_voice() -> None:
    """Said once, through the ERROR event; no log warning on the command line's terminal."""

    class PickySynth(FakeSynthesizer):
        def configure(self, *, rate: int, voice_id: str | None) -> None:
            if voice_id is not None:
                raise VoiceNotAvailableError(
                    f"The voice {voice_id} is not installed; choose another voice in the settings."
                )
            super().configure(rate=rate, voice_id=voice_id)

    synth, player = PickySynth(), FakePlayer()
    events: list[SpeechEvent] = []
    worker = SpeechWorker(synth, player, SpeechSettings(voice_id="gone/xx"))
    worker.subscribe(events.append)
    worker.start()
    try:
        worker.say("Spoken anyway.")
        assert worker.wait_until_done(5)
    finally:
        worker.close()
    assert player.completed() == ["Spoken anyway."]
    assert synth.configured[-1] == (SpeechSettings().rate, None)


def test_a_synthesizer_that_hangs_does_not_hang_close() -> None:
    synth = FakeSynthesizer(delay_s=0.5)
    worker = SpeechWorker(synth, FakePlayer())
    worker.start()
    worker.say("Takes a while.")
    time.sleep(0.1)
    started = time.monotonic()
    worker.close()
    assert time.monotonic() - started < 2.0


def test_speech_errors_are_describe_errors() -> None:
    for cls in (SpeechError, VoiceNotAvailableError, AudioDeviceError):
        assert issubclass(cls, DescribeError)

"""Where words go: own voice, screen reader, both, auto; and finding a screen reader."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from describe_app.core.speech import (
    AudioClip,
    OutputRoute,
    RoutedSpeech,
    SpeechListener,
    SpeechSettings,
    resolve_route,
)
from describe_app.core.speech import screen_reader as sr


class RecordingVoice:
    """A SpeechOutput that records calls."""

    def __init__(self) -> None:
        self.said: list[tuple[str, bool]] = []
        self.stops = 0
        self.sounds: list[str] = []
        self.settings: list[SpeechSettings] = []

    def say(self, text: str, *, interrupt: bool = False) -> None:
        self.said.append((text, interrupt))

    def stop(self) -> None:
        self.stops += 1

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def repeat_last(self) -> bool:
        return False

    def play_sound(self, clip: AudioClip, *, interrupt: bool = False) -> None:
        self.sounds.append(clip.label)

    def apply_settings(self, settings: SpeechSettings) -> None:
        self.settings.append(settings)

    def subscribe(self, listener: SpeechListener) -> Callable[[], None]:
        return lambda: None

    def wait_until_done(self, timeout: float | None = None) -> bool:
        return True

    def close(self) -> None: ...


class RecordingChannel:
    def __init__(self) -> None:
        self.announced: list[tuple[str, bool]] = []

    def announce(self, text: str, *, interrupt: bool) -> None:
        self.announced.append((text, interrupt))


def detector(name: str | None) -> Callable[[], str | None]:
    calls: list[int] = []

    def detect() -> str | None:
        calls.append(1)
        return name

    detect.calls = calls  # type: ignore[attr-defined]
    return detect


@pytest.mark.parametrize(
    ("choice", "running", "own", "reader"),
    [
        (OutputRoute.AUTO, None, True, False),
        (OutputRoute.AUTO, "Orca", False, True),
        (OutputRoute.OWN_VOICE, "Orca", True, False),
        (OutputRoute.SCREEN_READER, None, False, True),
        (OutputRoute.BOTH, None, True, True),
    ],
)
def test_route_resolution(
    choice: OutputRoute, running: str | None, own: bool, reader: bool
) -> None:
    route = resolve_route(choice, detector(running))
    assert (route.own_voice, route.screen_reader) == (own, reader)


def make(
    choice: OutputRoute, running: str | None
) -> tuple[RoutedSpeech, RecordingVoice, RecordingChannel]:
    voice, channel = RecordingVoice(), RecordingChannel()
    speech = RoutedSpeech(
        voice, SpeechSettings(route=choice), screen_reader=channel, detect=detector(running)
    )
    return speech, voice, channel


def test_auto_with_a_screen_reader_never_uses_our_voice() -> None:
    speech, voice, channel = make(OutputRoute.AUTO, "NVDA")
    speech.say("A cat.", interrupt=True)
    speech.say("It sleeps.")
    assert voice.said == []
    assert channel.announced == [("A cat.", True), ("It sleeps.", False)]


def test_auto_without_a_screen_reader_uses_our_voice() -> None:
    speech, voice, channel = make(OutputRoute.AUTO, None)
    speech.say("A cat.", interrupt=True)
    assert voice.said == [("A cat.", True)]
    assert channel.announced == []


def test_both_sends_words_to_both() -> None:
    speech, voice, channel = make(OutputRoute.BOTH, None)
    speech.say("A cat.")
    assert voice.said == [("A cat.", False)]
    assert channel.announced == [("A cat.", False)]


def test_moving_to_the_screen_reader_stops_our_voice_first() -> None:
    speech, voice, channel = make(OutputRoute.OWN_VOICE, "Orca")
    speech.say("Speaking now.")
    speech.apply_settings(SpeechSettings(route=OutputRoute.SCREEN_READER))
    assert voice.stops == 1  # never two voices at once
    speech.say("Now the screen reader.", interrupt=True)
    assert voice.said == [("Speaking now.", False)]
    assert channel.announced == [("Now the screen reader.", True)]


def test_a_screen_reader_that_starts_later_takes_over_on_refresh() -> None:
    running: list[str | None] = [None]
    voice, channel = RecordingVoice(), RecordingChannel()
    speech = RoutedSpeech(voice, SpeechSettings(), screen_reader=channel, detect=lambda: running[0])
    speech.say("Own voice.")
    running[0] = "Orca"
    speech.refresh_route()
    assert voice.stops == 1
    speech.say("Screen reader.", interrupt=True)
    assert channel.announced == [("Screen reader.", True)]


def test_detection_is_not_run_for_every_sentence() -> None:
    detect = detector(None)
    speech = RoutedSpeech(RecordingVoice(), SpeechSettings(), detect=detect, recheck_s=60)
    for i in range(20):
        speech.say(f"Sentence {i}.", interrupt=i % 5 == 0)
    assert len(detect.calls) == 1  # type: ignore[attr-defined]


def test_repeat_last_goes_where_words_go_now() -> None:
    speech, _voice, channel = make(OutputRoute.SCREEN_READER, None)
    speech.say("First. Second.", interrupt=True)
    assert speech.repeat_last()
    assert channel.announced[-1] == ("First. Second.", True)


def test_sounds_play_even_when_words_go_to_the_screen_reader() -> None:
    speech, voice, _ = make(OutputRoute.SCREEN_READER, None)
    import numpy as np

    speech.play_sound(AudioClip(np.zeros(10, dtype=np.float32), 22050, "earcon:done"))
    assert voice.sounds == ["earcon:done"]


# -- detection ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("output", "expected"),
    [("(<true>,)\n", True), ("(<false>,)\n", False), ("(true,)", True), ("", False)],
)
def test_gdbus_answer_parsing(output: str, expected: bool) -> None:
    assert sr.parse_gdbus_boolean(output) is expected


#: A fake gdbus is a shell script, which Windows does not run (nor has it gdbus).
needs_sh = pytest.mark.skipif(os.name != "posix", reason="a #!/bin/sh fake of gdbus")


def fake_gdbus(tmp_path: Path, body: str) -> str:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "gdbus"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"


@needs_sh
def test_atspi_flag_is_read_through_gdbus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", fake_gdbus(tmp_path, "echo '(<true>,)'"))
    assert sr.atspi_screen_reader_enabled() is True


@needs_sh
def test_a_failing_bus_means_no_screen_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", fake_gdbus(tmp_path, "echo 'no bus' >&2; exit 1"))
    assert sr.atspi_screen_reader_enabled() is False


@needs_sh
def test_a_hung_bus_does_not_hang_us(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", fake_gdbus(tmp_path, "exec sleep 30"))
    started = time.monotonic()
    assert sr.atspi_screen_reader_enabled(timeout_s=0.3) is False
    assert time.monotonic() - started < 2.0


def test_orca_is_found_among_processes(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    (proc / "12").mkdir(parents=True)
    (proc / "12" / "comm").write_text("bash\n")
    assert sr._orca_process_running(proc) is False
    (proc / "34").mkdir()
    (proc / "34" / "comm").write_text("python3\n")
    (proc / "34" / "cmdline").write_bytes(b"/usr/bin/python3\0/usr/bin/orca\0--replace\0")
    assert sr._orca_process_running(proc) is True
    (proc / "34" / "cmdline").write_bytes(b"/usr/bin/python3\0-m\0http.server\0")
    (proc / "56").mkdir()
    (proc / "56" / "comm").write_text("orca\n")
    assert sr._orca_process_running(proc) is True


def test_detection_here_is_quick_and_never_raises() -> None:
    started = time.monotonic()
    sr.detect_screen_reader(timeout_s=0.5)
    assert time.monotonic() - started < 3.0

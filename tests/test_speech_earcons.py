"""Earcons: made by our own script, stored in resources/, each can be turned off."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from describe_app.core.resources import resource_path
from describe_app.core.speech import Earcon, Earcons, EarconSettings, WorkingTicker
from describe_app.core.speech.audio import AudioClip, read_audio_file
from describe_app.core.speech.earcons import load_earcon

ROOT = Path(__file__).resolve().parent.parent


class Sounds:
    def __init__(self) -> None:
        self.played: list[tuple[str, bool]] = []
        self._lock = threading.Lock()

    def play_sound(self, clip: AudioClip, *, interrupt: bool = False) -> None:
        with self._lock:
            self.played.append((clip.label, interrupt))


def test_stored_earcons_are_what_the_script_makes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_earcons.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for earcon in Earcon:
        name = f"{earcon.value}.wav"
        assert (tmp_path / name).read_bytes() == resource_path("earcons", name).read_bytes(), name


@pytest.mark.parametrize("earcon", list(Earcon))
def test_earcons_are_short_audible_and_match_speech(earcon: Earcon) -> None:
    clip = read_audio_file(resource_path("earcons", f"{earcon.value}.wav"))
    assert clip.rate == 22050  # espeak-ng's rate: no resampling between sounds and speech
    assert 0.02 <= clip.duration <= 0.5
    assert clip.rms() > 0.01
    assert abs(clip.samples).max() < 0.9


def test_each_earcon_can_be_turned_off() -> None:
    sounds = Sounds()
    earcons = Earcons(sounds, EarconSettings(working=False))  # type: ignore[arg-type]
    assert earcons.play(Earcon.DONE)
    assert not earcons.play(Earcon.WORKING)
    assert earcons.play(Earcon.PICTURE_TAKEN, interrupt=True)
    earcons.apply_settings(EarconSettings(done=False))
    assert not earcons.play(Earcon.DONE)
    assert sounds.played == [("earcon:done", False), ("earcon:picture_taken", True)]
    assert load_earcon(Earcon.DONE).label == "earcon:done"


def test_working_ticker_ticks_after_a_delay_and_stops() -> None:
    sounds = Sounds()
    ticker = WorkingTicker(Earcons(sounds), delay_s=0.15, interval_s=0.05)  # type: ignore[arg-type]
    ticker.start()
    time.sleep(0.1)
    assert sounds.played == []  # quick answers get no tick at all
    time.sleep(0.3)
    ticker.stop()
    count = ticker.ticks
    assert count >= 3
    time.sleep(0.15)
    assert ticker.ticks == count
    assert {label for label, _ in sounds.played} == {"earcon:working"}
    assert not any(t.name == "working-ticker" for t in threading.enumerate())

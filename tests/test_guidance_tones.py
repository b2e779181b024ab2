"""Aiming cues as tones: each cue's clip, and ``describe-app guide --tones`` end to end."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from describe_app.cli import main
from describe_app.core import speech as speech_module
from describe_app.core.i18n import set_language
from describe_app.core.live.guidance import CUE_WORDS, Cue
from describe_app.core.live.guidance_tones import TONE_RATE, cue_tone, tone_legend
from describe_app.core.speech import AudioClip, Earcon
from describe_app.core.speech.earcons import load_earcon
from tests.camera_scenes import PAGE_LINES
from tests.speech_fixtures import FakePlayer, FakeSynthesizer

STAMP = re.compile(r"^\[\d\d:\d\d\.\d\] ")
SPOKEN_CUES = [cue for cue in Cue if cue is not Cue.READY]


def pitch(samples: np.ndarray) -> float:
    """The strongest frequency (Hz) in ``samples``, at TONE_RATE."""
    window = samples * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(window, n=1 << 15))
    return float(np.fft.rfftfreq(1 << 15, 1 / TONE_RATE)[int(np.argmax(spectrum))])


def sounding_parts(clip: AudioClip, *, gap_s: float = 0.015) -> list[np.ndarray]:
    """The clip split at its silences (at least ``gap_s`` long): one array per note."""
    loud = np.abs(clip.samples) > 0.01
    parts: list[np.ndarray] = []
    start, quiet = None, 0
    for i, on in enumerate(loud):
        if on:
            if start is None:
                start = i
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet >= gap_s * clip.rate:
                parts.append(clip.samples[start : i - quiet + 1])
                start, quiet = None, 0
    if start is not None:
        parts.append(clip.samples[start:])
    return parts


def fingerprint(clip: AudioClip) -> np.ndarray:
    """A coarse spectrogram (10 time slices x 48 log-spaced bands), scaled to length 1."""
    slices = np.array_split(clip.samples.astype(np.float64), 10)
    edges = np.geomspace(100, 4000, 49)
    rows = []
    for part in slices:
        spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part)), n=4096))
        freqs = np.fft.rfftfreq(4096, 1 / TONE_RATE)
        rows.append(
            [spectrum[(freqs >= a) & (freqs < b)].sum() for a, b in itertools.pairwise(edges)]
        )
    vec = np.log1p(np.array(rows)).ravel()
    return vec / np.linalg.norm(vec)


@pytest.mark.parametrize("cue", list(Cue))
def test_each_cue_has_a_short_audible_quiet_tone(cue: Cue) -> None:
    clip = cue_tone(cue)
    assert clip.rate == TONE_RATE == 22050
    assert clip.samples.dtype == np.float32
    assert 0.1 <= clip.duration <= 0.35
    assert 0.03 <= clip.rms() <= 0.25
    peak = float(np.abs(clip.samples).max())
    assert peak <= (0.8 if cue is Cue.READY else 0.45)  # ready: the shutter earcon's click
    assert abs(float(clip.samples[-1])) < 0.01  # fades out, no click at the end
    assert clip.label == f"tone:{cue.value}"


def test_ready_is_the_picture_taken_earcon() -> None:
    earcon = load_earcon(Earcon.PICTURE_TAKEN)
    assert np.allclose(cue_tone(Cue.READY).samples, earcon.samples, atol=1e-6)


def test_tones_differ_from_each_other() -> None:
    prints = {cue: fingerprint(cue_tone(cue)) for cue in Cue}
    for a, b in itertools.combinations(Cue, 2):
        similarity = float(prints[a] @ prints[b])
        assert similarity < 0.9, f"{a.value} and {b.value} sound alike ({similarity:.3f})"


def test_left_falls_and_right_rises() -> None:
    left = [pitch(p) for p in sounding_parts(cue_tone(Cue.CUT_LEFT))]
    right = [pitch(p) for p in sounding_parts(cue_tone(Cue.CUT_RIGHT))]
    assert len(left) == len(right) == 2
    assert left[0] > 1.3 * left[1]
    assert right[1] > 1.3 * right[0]


def test_top_is_high_and_bottom_is_low() -> None:
    top, bottom = cue_tone(Cue.CUT_TOP).samples, cue_tone(Cue.CUT_BOTTOM).samples
    assert pitch(top) > 1000 > 400 > pitch(bottom)
    # top slides up, bottom slides down
    assert pitch(top[len(top) // 2 :]) > pitch(top[: len(top) // 2])
    assert pitch(bottom[len(bottom) // 2 :]) < pitch(bottom[: len(bottom) // 2])


def test_rhythms_mean_something() -> None:
    assert len(sounding_parts(cue_tone(Cue.TOO_CLOSE))) == 4  # fast repeated beeps
    assert pitch(cue_tone(Cue.TOO_CLOSE).samples) < 400  # low
    assert len(sounding_parts(cue_tone(Cue.NO_TEXT))) == 2  # a double blip
    assert len(sounding_parts(cue_tone(Cue.TOO_FAR))) == 1  # one soft beep
    assert cue_tone(Cue.TOO_FAR).rms() < cue_tone(Cue.TOO_CLOSE).rms()
    assert pitch(cue_tone(Cue.TOO_DARK).samples) < 250  # a low hum
    # hold still trembles: its loudness rises and falls several times
    still = np.abs(cue_tone(Cue.HOLD_STILL).samples)
    loudness = [part.max() for part in np.array_split(still, 40)]
    peaks = sum(
        1
        for i in range(1, len(loudness) - 1)
        if loudness[i] > loudness[i - 1] and loudness[i] >= loudness[i + 1]
    )
    assert peaks >= 3


def test_tones_are_deterministic_and_read_only() -> None:
    first = {cue: cue_tone(cue).samples.copy() for cue in Cue}
    assert cue_tone(Cue.CUT_LEFT) is cue_tone(Cue.CUT_LEFT)  # made once
    cue_tone.cache_clear()
    for cue in Cue:
        assert np.array_equal(cue_tone(cue).samples, first[cue]), cue
        assert not cue_tone(cue).samples.flags.writeable


def test_legend_has_one_sentence_per_cue() -> None:
    set_language("en")
    legend = tone_legend()
    assert [cue for cue, _ in legend] == list(Cue)
    sentences = [text for _, text in legend]
    assert len(set(sentences)) == len(sentences)
    assert all(text.endswith(".") and len(text) > 20 for text in sentences)
    assert "left" in dict(legend)[Cue.CUT_LEFT] and "down" in dict(legend)[Cue.CUT_LEFT]


# -- describe-app guide --tones -------------------------------------------------------------


@pytest.mark.slow
def test_guide_with_tones_prints_cues_and_plays_their_tones(
    aiming_video: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    player, synth = FakePlayer(), FakeSynthesizer()
    sounds: list[tuple[str, bool]] = []
    real_create_speech = speech_module.create_speech

    def create_speech(settings: Any = None, **kwargs: Any) -> Any:
        output = real_create_speech(settings, synthesizer=synth, player=player, **kwargs)
        play_sound = output.play_sound

        def recording(clip: AudioClip, *, interrupt: bool = False) -> None:
            sounds.append((clip.label, interrupt))
            play_sound(clip, interrupt=interrupt)

        monkeypatch.setattr(output, "play_sound", recording)
        return output

    monkeypatch.setattr(speech_module, "create_speech", create_speech)
    assert main(["guide", "--camera", str(aiming_video), "--tones"]) == 0  # no --speak needed
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert all(STAMP.match(line) for line in lines)
    texts = [STAMP.sub("", line) for line in lines]

    # the words are still printed, with their time
    assert texts[1] == CUE_WORDS[Cue.CUT_LEFT]
    assert CUE_WORDS[Cue.HOLD_STILL] in texts
    ready = texts.index(CUE_WORDS[Cue.READY])
    assert len(texts[ready + 1 : -1]) == len(PAGE_LINES)
    assert texts[-1] == "Reading guidance off."  # the end is said

    # every printed cue was played as its tone, cutting off what came before; then the
    # shutter sound for "ready"
    printed = [cue for text in texts[1:ready] for cue in SPOKEN_CUES if CUE_WORDS[cue] == text]
    assert printed[:1] == [Cue.CUT_LEFT] and Cue.HOLD_STILL in printed
    assert sounds == [(f"tone:{cue.value}", True) for cue in printed] + [
        ("earcon:picture_taken", True)
    ]
    assert "tone:cut_left" in [r.label for r in player.reports]  # it reached the player

    # the cue words were not spoken; "ready" and the page were
    spoken = " ".join(text for text, _, _ in synth.calls)  # the voice says one sentence at a time
    assert not any(CUE_WORDS[cue] in spoken for cue in printed)
    assert CUE_WORDS[Cue.READY] in spoken
    assert "quick brown fox" in spoken.lower()
    assert player.closed

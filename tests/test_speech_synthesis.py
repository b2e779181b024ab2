"""Real synthesis: pyttsx3 + espeak-ng write real audio, which we read back and check."""

from __future__ import annotations

import sys
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from describe_app.core.speech import (
    SpeechSettings,
    VoiceNotAvailableError,
    list_voices,
    synthesize_to_wav,
)
from describe_app.core.speech.audio import read_audio_file
from describe_app.core.speech.pyttsx3_synth import Pyttsx3Synthesizer

pytest.importorskip("pyttsx3")
pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="espeak-ng is the Linux voice (Windows has SAPI5, macOS NSSpeechSynthesizer)",
)

SENTENCE = "A man is standing in front of a red door."  # 10 words


@pytest.fixture
def synth() -> Iterator[Pyttsx3Synthesizer]:
    s = Pyttsx3Synthesizer()
    try:
        s.configure(rate=180, voice_id=None)
    except VoiceNotAvailableError as exc:  # pragma: no cover - the machine lacks espeak-ng
        pytest.fail(f"{exc} (scripts/setup.sh installs it)")
    yield s
    s.close()


def expected_seconds(text: str, words_per_minute: int) -> float:
    return len(text.split()) / words_per_minute * 60


def test_a_sentence_becomes_real_speech(synth: Pyttsx3Synthesizer) -> None:
    clip = synth.synthesize(SENTENCE)
    assert clip.rate == 22050
    nominal = expected_seconds(SENTENCE, 180)  # 3.3 s by the book; espeak-ng is brisker
    assert 0.4 * nominal < clip.duration < 1.5 * nominal + 0.5
    assert clip.rms() > 0.02  # speech, not silence
    assert np.abs(clip.samples).max() <= 1.0
    # Mostly voiced: at least a third of 20 ms frames carry sound.
    frames = clip.samples[: len(clip.samples) // 441 * 441].reshape(-1, 441)
    loud = np.sqrt((frames**2).mean(axis=1)) > 0.01
    assert loud.mean() > 0.33


def test_long_sentences_are_not_cut_short(synth: Pyttsx3Synthesizer) -> None:
    """pyttsx3's espeak driver returns from runAndWait ~10 ms after synthesis *starts*;
    we must wait for the file to be finished, or long sentences come back truncated."""
    long = " ".join(["The quick brown fox jumps over the lazy dog."] * 6)  # 54 words
    clip = synth.synthesize(long)
    short = synth.synthesize("The quick brown fox jumps over the lazy dog.")
    assert clip.duration > 5.0 * short.duration
    assert clip.duration > 0.4 * expected_seconds(long, 180)


def test_rate_changes_duration(synth: Pyttsx3Synthesizer) -> None:
    synth.configure(rate=120, voice_id=None)
    slow = synth.synthesize(SENTENCE)
    synth.configure(rate=330, voice_id=None)
    fast = synth.synthesize(SENTENCE)
    assert fast.duration < 0.6 * slow.duration


def test_voices_are_listed_with_languages(synth: Pyttsx3Synthesizer) -> None:
    voices = synth.voices()
    assert len(voices) > 5
    assert any("en" in lang for v in voices for lang in v.languages)
    english = next(v for v in voices if any(lang.startswith("en") for lang in v.languages))
    synth.configure(rate=180, voice_id=english.id)
    assert synth.synthesize("Hello.").rms() > 0.01


def test_unknown_voice_is_a_clear_error(synth: Pyttsx3Synthesizer) -> None:
    with pytest.raises(VoiceNotAvailableError, match="voice no/such is not installed"):
        synth.configure(rate=180, voice_id="no/such")


def test_no_voices_is_a_clear_error(
    synth: Pyttsx3Synthesizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = synth._ensure_engine()
    monkeypatch.setattr(engine, "getProperty", lambda name: [])
    with pytest.raises(VoiceNotAvailableError, match="no voices are installed"):
        synth.voices()


def test_two_synthesizers_share_pyttsx3s_one_engine_safely() -> None:
    a, b = Pyttsx3Synthesizer(), Pyttsx3Synthesizer()
    try:
        a.configure(rate=120, voice_id=None)
        b.configure(rate=330, voice_id=None)
        slow, fast = a.synthesize(SENTENCE), b.synthesize(SENTENCE)
        assert fast.duration < 0.6 * slow.duration  # each keeps its own rate
    finally:
        a.close()
        b.close()


def test_synthesize_to_wav_writes_the_whole_text(tmp_path: Path) -> None:
    out = tmp_path / "spoken.wav"
    clip = synthesize_to_wav(
        ["It is 3.5 m tall.", "The room is 21 °C."], out, SpeechSettings(rate=180)
    )
    with wave.open(str(out)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)
        assert w.getnframes() == len(clip.samples)
    back = read_audio_file(out)
    assert back.duration > 2.5  # "metres", "degrees Celsius": the long forms were spoken
    assert back.rms() > 0.01


def test_list_voices_from_the_package() -> None:
    assert any(v.id == "gmw/en" for v in list_voices())


def test_a_wav_that_cannot_be_written_raises_and_prints_nothing(tmp_path: Path) -> None:
    """A folder, or a missing folder, as the file: one OSError for the caller to say, and
    no "Exception ignored in Wave_write.__del__" (pytest turns that into a failure)."""
    from describe_app.core.speech.audio import AudioClip, read_audio_file, write_wav

    clip = AudioClip(np.zeros(160, np.float32), 16000, "silence")
    with pytest.raises(IsADirectoryError):
        write_wav(clip, tmp_path)
    with pytest.raises(FileNotFoundError):
        write_wav(clip, tmp_path / "no" / "such.wav")
    write_wav(clip, tmp_path / "ok.wav")
    assert read_audio_file(tmp_path / "ok.wav").samples.shape == (160,)

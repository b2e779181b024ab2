"""Speech from the command line and from the real streaming pipeline."""

from __future__ import annotations

import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from skimage import data

from describe_app.cli import main
from describe_app.core import speech as speech_module
from describe_app.core.describe.describer import DescribeRequest, GenerationStats
from describe_app.core.describe.local.vlm_describer import VlmDescriber
from describe_app.core.describe.local.vlm_loader import load_vlm
from describe_app.core.describe.pipeline import run_request
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.pictures.images import picture_from_frame
from describe_app.core.speech import AudioDeviceError, OutputRoute, SpeechSettings, create_speech
from describe_app.devtools.random_smolvlm import DEFAULT_SENTENCES
from tests.speech_fixtures import FakePlayer, null_sink_or_skip

SENTENCES = list(DEFAULT_SENTENCES)

#: These speak with the real synthesizer, which the test checks as espeak-ng's.
needs_espeak = pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="espeak-ng is the Linux voice (Windows has SAPI5, macOS NSSpeechSynthesizer)",
)


@pytest.mark.slow
def test_first_sentence_reaches_speech_before_generation_ends(speaking_model_dir: Path) -> None:
    """Timestamps from the real pipeline: the model is still writing when speech gets work."""
    loaded = load_vlm(speaking_model_dir)

    class TimedDescriber(VlmDescriber):
        ended_at = 0.0

        def describe(self, *args, **kwargs) -> GenerationStats:  # type: ignore[no-untyped-def]
            stats = super().describe(*args, **kwargs)
            TimedDescriber.ended_at = time.perf_counter()
            return stats

    handed: list[tuple[float, str]] = []
    player = FakePlayer()
    speech = create_speech(SpeechSettings(route=OutputRoute.OWN_VOICE), player=player)
    try:

        def to_speech(sentence: str, index: int) -> None:
            handed.append((time.perf_counter(), sentence))
            speech.say(sentence, interrupt=index == 0)

        picture = picture_from_frame(data.astronaut()[:, :, ::-1].copy())
        run_request(
            TimedDescriber(loaded), DescribeRequest(picture, PromptSpec()), on_sentence=to_speech
        )
        assert [s for _, s in handed] == SENTENCES
        assert handed[0][0] < handed[1][0] < TimedDescriber.ended_at
        assert speech.wait_until_done(30)
    finally:
        speech.close()
    # every sentence was synthesized by the real voice and played once, in order
    assert len(player.completed()) == 3


@needs_espeak
def test_wav_file_is_real_speech(
    speaking_model_dir: Path, photo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "spoken.wav"
    code = main(
        [
            "describe",
            str(photo_file),
            "--model",
            str(speaking_model_dir),
            "--wav",
            str(out),
            "--rate",
            "200",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.splitlines() == SENTENCES
    with wave.open(str(out)) as w:
        rate, frames, width = w.getframerate(), w.getnframes(), w.getsampwidth()
        samples = np.frombuffer(w.readframes(frames), dtype=np.int16).astype(np.float32) / 32768
    assert rate in (16000, 22050, 24000, 44100, 48000)
    assert width == 2
    seconds = frames / rate
    words = sum(len(s.split()) for s in SENTENCES)
    assert 0.5 * words / 200 * 60 < seconds < 3.0 * words / 200 * 60  # about 200 words a minute
    assert float(np.sqrt(np.mean(samples**2))) > 0.01  # not silence


@needs_espeak
def test_read_text_into_wav(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from describe_app.core.resources import resource_path

    out = tmp_path / "notice.wav"
    assert main(["read", str(resource_path("samples", "notice.jpg")), "--wav", str(out)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    with wave.open(str(out)) as w:
        assert w.getnframes() / w.getframerate() > 1.0


@needs_espeak
def test_no_sound_device_prints_text_and_one_message(
    speaking_model_dir: Path,
    photo_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    failure = AudioDeviceError("No sound device could be opened.")
    monkeypatch.setattr(speech_module, "default_player", lambda: FakePlayer(fail_open=failure))
    code = main(["describe", str(photo_file), "--model", str(speaking_model_dir), "--speak"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.splitlines() == SENTENCES  # the text still reaches the user
    assert captured.err.strip().splitlines() == [
        "describe-app: No sound device could be opened. The text is printed instead."
    ]


@pytest.mark.slow
def test_speak_on_a_real_audio_path(
    speaking_model_dir: Path, photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with null_sink_or_skip():
        started = time.perf_counter()
        code = main(["describe", str(photo_file), "--model", str(speaking_model_dir), "--speak"])
        took = time.perf_counter() - started
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.splitlines() == SENTENCES
    assert captured.err == ""
    assert took > 1.5  # it waited for the sentences to be spoken (about 4 s of speech)

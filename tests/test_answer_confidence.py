"""How sure the model was: each sentence's figure, "Possibly" where it was unsure, the figures
kept in the history (and old history files still read)."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from describe_app.core.describe.confidence import DOUBT_BELOW, AnswerConfidence, ConfidenceMeter
from describe_app.core.describe.describer import DescribeRequest, GenerationStats, TextSink
from describe_app.core.describe.doubt_wording import hedged, language_code
from describe_app.core.describe.local.vlm_describer import VlmDescriber
from describe_app.core.describe.local.vlm_loader import load_vlm
from describe_app.core.describe.pipeline import run_request
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.history.entry import SOURCE_CAMERA, EntryKind
from describe_app.core.history.files import HISTORY_FILE, history_dir
from describe_app.core.history.store import History
from describe_app.core.i18n import set_language
from describe_app.core.pictures.images import Picture
from describe_app.core.settings.schema import DescribeSettings
from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT

SURE, UNSURE = math.log(0.95), math.log(0.2)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    yield
    set_language("en")


def photo() -> Picture:
    image = Image.new("RGB", (64, 64), (200, 40, 40))
    return Picture(image, "red.png", image.size)


class ScoredDescriber:
    """A describer that streams scripted pieces, each with its tokens' log-probabilities."""

    model_name = "scored"

    def __init__(self, pieces: Sequence[tuple[str, Sequence[float]]]) -> None:
        self._pieces = pieces

    def describe(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        for text, logprobs in self._pieces:
            if request.on_confidence is not None and logprobs:
                request.on_confidence(logprobs)
            on_text(text)
        return GenerationStats(len(self._pieces), 0.0, 0.0, 0.0, cancelled=False)


#: "A red mug." sure; "Maybe a cat." unsure on its content words; the full stops sure.
TWO_SENTENCES = [
    ("A", [SURE]),
    (" red", [SURE]),
    (" mug", [SURE]),
    (".", [math.log(0.999)]),
    (" A", [UNSURE]),
    (" cat", [UNSURE]),
    (".", [math.log(0.999)]),
]


def run(describer: object, tokens: int | None = None, **kwargs: object) -> tuple[list[str], object]:
    said: list[str] = []
    result = run_request(
        describer,  # type: ignore[arg-type]
        DescribeRequest(photo(), PromptSpec(), max_new_tokens=tokens),
        on_sentence=lambda sentence, _index: said.append(sentence),
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )
    return said, result


# --- the figures and the hedge ----------------------------------------------------------------


def test_known_probabilities_give_known_figures_and_hedges() -> None:
    said, result = run(ScoredDescriber(TWO_SENTENCES))
    assert said == ["A red mug.", "Possibly: A cat."]
    assert result.text == "A red mug. A cat."  # type: ignore[attr-defined]
    confidence = result.confidence  # type: ignore[attr-defined]
    first, second = confidence.sentences
    assert first == pytest.approx(0.95)  # the full stop is not counted
    assert second == pytest.approx(0.2)
    assert confidence.overall == pytest.approx((0.95**3 * 0.2**2) ** (1 / 5))  # by token
    assert result.to_json()["confidence"]["sentences"] == [0.95, 0.2]  # type: ignore[attr-defined]


def test_turning_the_setting_off_says_the_words_alone_and_keeps_the_figures() -> None:
    said, result = run(ScoredDescriber(TWO_SENTENCES), doubt_below=None)
    assert said == ["A red mug.", "A cat."]
    assert result.confidence.sentences[1] == pytest.approx(0.2)  # type: ignore[attr-defined]


def test_a_describer_without_probabilities_hedges_nothing() -> None:
    plain = [(text, []) for text, _lp in TWO_SENTENCES]
    said, result = run(ScoredDescriber(plain), doubt_below=1.0)
    assert said == ["A red mug.", "A cat."]
    assert result.confidence is None  # type: ignore[attr-defined]


def test_a_half_character_waits_and_its_token_counts_with_the_next_piece() -> None:
    meter = ConfidenceMeter()
    meter.logprobs([UNSURE])
    meter.text("")  # the streamer held back half a character
    meter.logprobs([UNSURE])
    meter.text("Café.")
    meter.logprobs([SURE])
    meter.text(" Tea.")
    assert meter.sentence("Café.") == pytest.approx(0.2)
    assert meter.sentence("Tea.") == pytest.approx(0.95)


def test_the_hedge_follows_the_answer_language_not_the_interface() -> None:
    set_language("fr")  # the interface in French, answers in the model's English
    assert hedged("A cat.", None) == "Possibly: A cat."
    assert language_code("French") == "fr_FR"
    assert language_code("fr-CA") == "fr_ca"
    assert language_code("English") is None and language_code("") is None


def test_the_setting_is_on_by_default() -> None:
    assert DescribeSettings().show_doubt is True
    assert DescribeSettings(show_doubt=False).show_doubt is False


# --- the local model --------------------------------------------------------------------------


def test_the_tiny_random_model_records_a_low_figure_and_hedges(tiny_model_dir: Path) -> None:
    describer = VlmDescriber(load_vlm(tiny_model_dir, name="tiny-random"))
    said, result = run(describer, 24, doubt_below=DOUBT_BELOW)
    confidence = result.confidence  # type: ignore[attr-defined]
    assert confidence is not None and 0.0 < confidence.overall <= 1.0
    assert confidence.overall < DOUBT_BELOW  # random weights are never sure
    assert said and all(sentence.startswith("Possibly: ") for sentence in said)
    quiet, again = run(describer, 24, doubt_below=None)
    assert not any(sentence.startswith("Possibly") for sentence in quiet)
    assert again.confidence is not None  # type: ignore[attr-defined]


def test_the_speaking_model_is_sure_until_the_threshold_is_forced(
    speaking_model_dir: Path,
) -> None:
    describer = VlmDescriber(load_vlm(speaking_model_dir, name="tiny-speaking"))
    said, result = run(describer)
    assert " ".join(said) == DEFAULT_SCRIPT  # sure: nothing hedged
    figures = result.confidence.sentences  # type: ignore[attr-defined]
    assert len(figures) == 3 and all(f is not None and 0.9 < f <= 1.0 for f in figures)
    forced, again = run(describer, doubt_below=1.0)
    assert forced == [f"Possibly: {s}" for s in said]
    assert again.text == DEFAULT_SCRIPT  # type: ignore[attr-defined]


def test_an_answer_written_ahead_keeps_its_first_sentences_figure(
    speaking_model_dir: Path,
) -> None:
    describer = VlmDescriber(load_vlm(speaking_model_dir, name="tiny-speaking"))
    request = DescribeRequest(photo(), PromptSpec())
    work = describer.prepare(request, threading.Event())
    assert work.first_sentence is not None
    heard: list[float] = []
    scored = replace(request, on_confidence=heard.extend)
    stats = describer.describe(scored, lambda _text: None, threading.Event())
    assert stats.prepared_tokens > 0  # the answer started from what was written ahead
    assert len(heard) == stats.new_tokens  # and every token of it has its figure
    assert all(0.9 < math.exp(value) <= 1.0 for value in heard)


# --- the history ------------------------------------------------------------------------------


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DESCRIBE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_the_history_keeps_the_figures_across_a_restart(data: Path) -> None:
    confidence = AnswerConfidence(0.42, (0.9, None, 0.3))
    history = History()
    entry = history.add(
        source=SOURCE_CAMERA, kind=EntryKind.DESCRIBE, text="A mug. A cat.", confidence=confidence
    )
    again = History()
    assert again.get(entry.id) == entry
    assert again.get(entry.id).confidence == confidence  # type: ignore[union-attr]
    assert "The model was 42% sure of this answer." in entry.as_text()


def test_an_old_history_file_still_loads(data: Path) -> None:
    folder = history_dir()
    folder.mkdir(parents=True)
    old = {
        "id": "a" * 32,
        "time": "2026-01-02T10:00:00+01:00",
        "source": "camera",
        "kind": "describe",
        "text": "A mug on a desk.",
        "model": "SmolVLM",
        "question": None,
        "picture": None,
    }
    damaged = {**old, "id": "b" * 32, "confidence": {"overall": "very", "sentences": [7]}}
    lines = [json.dumps(old), json.dumps(damaged)]
    (folder / HISTORY_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    entries = History().entries
    assert [e.text for e in entries] == ["A mug on a desk.", "A mug on a desk."]
    assert all(e.confidence is None for e in entries)
    assert "sure" not in entries[0].as_text()

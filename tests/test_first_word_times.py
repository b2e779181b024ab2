"""The time to the first word measured on this computer replaces the table's estimate once a
model has described a few fresh pictures here."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.local.first_word_times import FirstWordTimes
from describe_app.core.describe.local.model_choices import choice_details, model_choices
from describe_app.core.describe.local.model_recommend import MachineFacts
from describe_app.core.describe.local.vlm_describer import VlmDescriber
from describe_app.core.describe.local.vlm_loader import LoadOptions, load_vlm
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.pictures.images import picture_from_frame

LAPTOP = MachineFacts(8 * 1024, 6 * 1024, 2, frozenset({"avx2"}))


def test_a_median_of_the_latest_fresh_first_words(tmp_path: Path) -> None:
    times = FirstWordTimes(tmp_path / "first_words.json")
    times.record("M", "cpu", 1.0)
    times.record("M", "cpu", 5.0)
    assert times.measured("M", "cpu") is None  # two are not enough to say
    times.record("M", "cpu", 2.0)
    assert times.measured("M", "cpu") == 2.0
    for _ in range(9):
        times.record("M", "cpu", 0.5)
    assert times.measured("M", "cpu") == 0.5  # only the latest nine count
    assert times.measured("M", "cuda") is None  # per device
    for nonsense in (float("nan"), -1.0, 0.0, 1e9):
        times.record("Other", "cpu", nonsense)
    assert times.measured("Other", "cpu") is None
    assert FirstWordTimes(tmp_path / "first_words.json").measured("M", "cpu:0") == 0.5


def test_a_damaged_or_unwritable_file_costs_only_the_figure(tmp_path: Path) -> None:
    path = tmp_path / "first_words.json"
    path.write_text('{"M on cpu": [1, "x", true, 2, 3], "N on cpu": 7', encoding="utf-8")
    times = FirstWordTimes(path)
    assert times.measured("M", "cpu") is None
    for seconds in (1.0, 2.0, 3.0):
        times.record("M", "cpu", seconds)
    assert times.measured("M", "cpu") == 2.0
    path.write_text('{"M on cpu": [1, "x", true, 2, 3]}', encoding="utf-8")
    assert times.measured("M", "cpu") == 2.0  # the numbers 1, 2 and 3 only
    blocked = FirstWordTimes(tmp_path / "a file" / "first_words.json")
    (tmp_path / "a file").write_text("", encoding="utf-8")
    blocked.record("M", "cpu", 1.0)  # says nothing: a description must not fail for it
    assert blocked.measured("M", "cpu") is None


def _request(seed: int) -> DescribeRequest:
    frame = np.random.default_rng(seed).integers(0, 255, (48, 64, 3), dtype=np.uint8)
    return DescribeRequest(picture_from_frame(frame), PromptSpec(), max_new_tokens=3)


def test_only_fresh_pictures_after_the_warm_up_are_measured(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    times = FirstWordTimes(tmp_path / "first_words.json")
    loaded = load_vlm(tiny_model_dir, name="Tiny", options=LoadOptions(device="cpu"))
    describer = VlmDescriber(loaded, first_words=times)
    describe = describer.describe
    for seed in (1, 2, 3):  # a one-shot command: cold, never warmed up
        describe(_request(seed), lambda _t: None, threading.Event())
    assert not (tmp_path / "first_words.json").exists()
    describer.warm_up()
    for seed in (4, 5):
        describe(_request(seed), lambda _t: None, threading.Event())
    describe(_request(5), lambda _t: None, threading.Event())  # remembered: no encoder ran
    assert times.measured("Tiny", "cpu") is None  # two fresh ones so far
    describe(_request(6), lambda _t: None, threading.Event())
    assert times.measured("Tiny", "cpu") is not None


def test_the_models_page_says_measured_instead_of_estimate(tmp_path: Path) -> None:
    times = FirstWordTimes(tmp_path / "first_words.json")
    for seconds in (1.4, 1.2, 1.3):
        times.record("SmolVLM-256M-Instruct", "cpu", seconds)
    choices = {
        c.spec.name: c for c in model_choices(LAPTOP, installed=lambda _s: True, measured=times)
    }
    small = choices["SmolVLM-256M-Instruct"]
    assert choice_details(small).endswith(
        "first word in about 1.3 seconds, measured on this computer."
    )
    assert small.as_json()["first_word_seconds_measured"] == pytest.approx(1.3)
    other = choices["SmolVLM-500M-Instruct"]
    assert choice_details(other).endswith("here (an estimate).")
    assert other.as_json()["first_word_seconds_measured"] is None

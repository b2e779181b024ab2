"""``describe-app models list`` on faked computers, and a model too big refused before loading."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from PIL import Image
from skimage import data

from describe_app.cli import main
from describe_app.core.describe.local import (
    model_choices,
    model_recommend,
    model_registry,
    model_store,
)
from describe_app.core.describe.local.model_ladder import ModelSpec
from describe_app.core.describe.local.model_process import LocalModelRecipe
from describe_app.core.describe.local.model_recommend import MachineFacts
from describe_app.core.errors import ModelLoadError

GB = 1024
LAPTOP_4GB_AVX2 = MachineFacts(4 * GB, int(2.6 * GB), 2, frozenset({"avx2"}))
DESKTOP_16GB_AVX512 = MachineFacts(16 * GB, 11 * GB, 2, frozenset({"avx2", "avx512f"}))


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch) -> list[MachineFacts]:
    """This computer made a 4 GB laptop (replace the item to make it another); only
    SmolVLM-500M is on disk; LFM2-VL-450M does not run in this build."""
    faked = [LAPTOP_4GB_AVX2]
    off = dataclasses.replace(model_registry.MODELS["LFM2-VL-450M"], runnable=False)
    monkeypatch.setitem(model_registry.MODELS, off.name, off)
    monkeypatch.setattr(model_recommend, "machine_facts", lambda: faked[0])

    def installed(spec: ModelSpec) -> bool:
        return spec.name == "SmolVLM-500M-Instruct"

    monkeypatch.setattr(model_choices, "installed_here", installed)
    return faked


def _block(out: str, name: str) -> list[str]:
    """The lines ``models list`` prints about one model."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(name + ":"))
    end = next(
        (i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ")), len(lines)
    )
    return lines[start:end]


def test_list_says_what_each_model_costs_here(
    machine: list[MachineFacts], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    small = _block(out, "SmolVLM-256M-Instruct (default)")
    assert "[not downloaded (520 MB)]" in small[0]
    assert small[1].startswith("  Recommended: SmolVLM-256M-Instruct fits this computer's memory")
    assert small[2] == (
        "  About 1.0 GB of memory, license Apache-2.0, "
        "first word in about 1.1 seconds here (an estimate)."
    )
    middle = _block(out, "SmolVLM-500M-Instruct")
    assert "[on this computer]" in middle[0]
    assert not any("Recommended" in line for line in middle)
    big = _block(out, "SmolVLM-Instruct")
    assert big[-1] == (
        "  SmolVLM-Instruct needs about 7.4 GB of memory, and this computer has only 2.6 GB "
        "free now."
    )
    assert "for research only" in " ".join(_block(out, "FastVLM-0.5B"))
    lfm = _block(out, "LFM2-VL-450M")
    assert lfm[-1].startswith("  LFM2-VL-450M does not run in this version of Describe yet")

    machine[0] = DESKTOP_16GB_AVX512  # another computer: faster, and another suggestion
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert (
        "first word in about 0.6 seconds here" in _block(out, "SmolVLM-256M-Instruct (default)")[1]
    )
    assert "Recommended" in _block(out, "SmolVLM-500M-Instruct")[1]


def test_list_as_json(machine: list[MachineFacts], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_name = {row["name"]: row for row in rows}
    assert [row["name"] for row in rows if row["recommended"]] == ["SmolVLM-256M-Instruct"]
    assert by_name["SmolVLM-500M-Instruct"]["installed"] is True
    assert by_name["SmolVLM-256M-Instruct"]["first_word_seconds_estimate"] == 1.07
    assert by_name["FastVLM-0.5B"]["research_only"] is True
    assert by_name["LFM2-VL-450M"]["runnable"] is False
    assert by_name["SmolVLM-Instruct"]["unavailable"].startswith("SmolVLM-Instruct needs about")
    assert by_name["SmolVLM-256M-Instruct"]["unavailable"] is None


def _no_locating(*_args: object, **_kwargs: object) -> object:
    raise AssertionError("the model was looked for (or downloaded) before the memory check")


def test_a_model_too_big_is_refused_before_anything_loads(
    machine: list[MachineFacts],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    photo = tmp_path / "coffee.jpg"
    Image.fromarray(data.coffee()).save(photo)
    monkeypatch.setattr(model_store, "locate_model", _no_locating)
    assert main(["describe", str(photo), "--model", "SmolVLM-Instruct"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "describe-app: SmolVLM-Instruct needs about 7.4 GB of memory, and this computer "
        "has only 2.6 GB free now."
    ]


def test_the_window_recipe_refuses_it_too(
    machine: list[MachineFacts], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model_store, "locate_model", _no_locating)
    with pytest.raises(ModelLoadError, match=re.escape("needs about 7.4 GB of memory")):
        LocalModelRecipe("SmolVLM-Instruct")()
    machine[0] = MachineFacts(4 * GB, 300, 2, frozenset({"avx2"}))  # even the default
    with pytest.raises(ModelLoadError, match=re.escape("SmolVLM-256M-Instruct needs about 1.0 GB")):
        LocalModelRecipe(None)()


def test_a_model_that_fits_is_not_refused(machine: list[MachineFacts], tmp_path: Path) -> None:
    """The check passes models that fit, and folders (their own checks speak for them)."""
    model_choices.refuse_if_unusable("SmolVLM-256M-Instruct")
    model_choices.refuse_if_unusable(str(tmp_path))
    card = MachineFacts(16 * GB, 12 * GB, 4, frozenset(), has_cuda=True, cuda_memory_mb=2 * GB)
    machine[0] = card
    with pytest.raises(ModelLoadError, match="graphics memory"):
        model_choices.refuse_if_unusable("SmolVLM-Instruct")
    model_choices.refuse_if_unusable("SmolVLM-Instruct", device="cpu")


def test_a_model_this_build_cannot_run_is_refused_before_download(
    machine: list[MachineFacts], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model_store, "locate_model", _no_locating)
    with pytest.raises(ModelLoadError, match="LFM2-VL-450M does not run in this version"):
        LocalModelRecipe("LFM2-VL-450M")()

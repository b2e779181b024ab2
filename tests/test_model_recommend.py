"""The suggested model for faked computers, and the sentence when a model does not fit."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from describe_app.core.describe.local import model_ladder, model_recommend
from describe_app.core.describe.local.model_recommend import (
    MachineFacts,
    estimated_first_word_s,
    fits,
    recommend,
)
from describe_app.core.describe.local.model_registry import MODELS

GB = 1024
AVX2 = frozenset({"sse4_2", "avx", "avx2", "fma"})
AVX512 = AVX2 | {"avx512f", "avx512bw", "avx512_vnni"}

LAPTOP_4GB = MachineFacts(4 * GB, int(2.6 * GB), 2, AVX2)
DESKTOP_16GB_AVX512 = MachineFacts(16 * GB, 11 * GB, 8, AVX512)
CUDA_8GB = MachineFacts(16 * GB, 12 * GB, 4, AVX2, has_cuda=True, cuda_memory_mb=8 * GB)
MAC_16GB = MachineFacts(16 * GB, 10 * GB, 8, frozenset({"neon"}), has_mps=True)
#: plenty of memory in all, but only enough free right now for the smallest model
BUSY_32GB = MachineFacts(32 * GB, 1200, 8, AVX512)


@pytest.mark.parametrize(
    ("machine", "expected"),
    [
        (LAPTOP_4GB, "SmolVLM-256M-Instruct"),
        (DESKTOP_16GB_AVX512, "SmolVLM-500M-Instruct"),
        (CUDA_8GB, "SmolVLM-Instruct"),
        (MAC_16GB, "SmolVLM-Instruct"),
        (BUSY_32GB, "SmolVLM-256M-Instruct"),
    ],
    ids=["4GB-no-gpu", "16GB-avx512", "cuda-8GB", "mps-16GB", "only-256M-fits"],
)
def test_recommendation_suits_the_machine(machine: MachineFacts, expected: str) -> None:
    chosen = recommend(machine)
    assert chosen.spec.name == expected
    assert chosen.fits
    assert fits(chosen.spec, machine) is None
    assert chosen.spec.name in chosen.reason


@pytest.mark.parametrize(
    "machine", [LAPTOP_4GB, DESKTOP_16GB_AVX512, CUDA_8GB, MAC_16GB, BUSY_32GB]
)
def test_never_a_model_that_cannot_run_here_or_is_research_only(machine: MachineFacts) -> None:
    big = dataclasses.replace(machine, total_memory_mb=256 * GB, available_memory_mb=200 * GB)
    for facts in (machine, big):
        spec = recommend(facts).spec
        assert spec.runnable and not spec.research_only and not spec.gated


def test_a_runnable_bigger_family_is_chosen_once_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Flipping ``runnable`` is all a family needs to be suggested (here, on a big card)."""
    card = dataclasses.replace(CUDA_8GB, cuda_memory_mb=24 * GB, available_memory_mb=40 * GB)
    assert recommend(card).spec.name == "SmolVLM-Instruct"
    qwen = dataclasses.replace(MODELS["Qwen3-VL-2B-Instruct"], runnable=True, parameters_m=9000)
    ladder = tuple(qwen if s.name == qwen.name else s for s in model_ladder.LADDER)
    monkeypatch.setattr(model_recommend, "LADDER", ladder)
    assert recommend(card).spec.name == "Qwen3-VL-2B-Instruct"
    fast = dataclasses.replace(MODELS["FastVLM-0.5B"], runnable=True, parameters_m=99000)
    monkeypatch.setattr(model_recommend, "LADDER", (*ladder, fast))
    assert recommend(card).spec.name == "Qwen3-VL-2B-Instruct"  # research-only: never


def test_nothing_fits_says_so() -> None:
    tiny = MachineFacts(2 * GB, 700, 2, AVX2)
    chosen = recommend(tiny)
    assert not chosen.fits
    assert chosen.spec.name == "SmolVLM-256M-Instruct"
    assert "700 MB free" in chosen.reason and "close other programs" in chosen.reason


def test_fits_gives_the_reason_in_one_sentence() -> None:
    big = MODELS["SmolVLM-Instruct"]
    reason = fits(big, LAPTOP_4GB)
    assert reason is not None
    assert reason == (
        "SmolVLM-Instruct needs about 7.4 GB of memory, and this computer has only 2.6 GB free now."
    )
    card = dataclasses.replace(CUDA_8GB, cuda_memory_mb=2 * GB)
    on_card = fits(big, card)
    assert on_card is not None and "graphics memory" in on_card
    assert fits(big, card.on_cpu()) is None  # --device cpu: 12 GB free is enough
    assert fits(MODELS["SmolVLM-256M-Instruct"], LAPTOP_4GB) is None


def test_first_word_estimate_follows_the_cpu() -> None:
    small = MODELS["SmolVLM-256M-Instruct"]
    avx2 = estimated_first_word_s(small, LAPTOP_4GB)
    avx512 = estimated_first_word_s(small, dataclasses.replace(LAPTOP_4GB, cpu_flags=AVX512))
    assert avx2 == pytest.approx(1.07)
    assert avx512 == pytest.approx(0.62)
    more_cores = estimated_first_word_s(small, dataclasses.replace(LAPTOP_4GB, cores=8))
    assert more_cores is not None and more_cores < 0.5 * avx2
    assert estimated_first_word_s(small, CUDA_8GB) is None


def test_machine_facts_describe_this_computer_without_importing_torch() -> None:
    code = (
        "import sys\n"
        "from describe_app.core.describe.local.model_recommend import machine_facts, recommend\n"
        "m = machine_facts()\n"
        "assert m.total_memory_mb >= m.available_memory_mb > 0 and m.cores >= 1\n"
        "recommend(m)\n"
        "print('torch' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"


def test_a_cuda_card_is_seen_through_torch_when_it_is_already_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    card = SimpleNamespace(total_memory=8 * 2**30)
    fake_torch = SimpleNamespace(
        cuda=SimpleNamespace(is_available=lambda: True, get_device_properties=lambda _i: card),
        backends=SimpleNamespace(mps=SimpleNamespace(is_available=lambda: False)),
    )
    monkeypatch.setitem(sys.modules, "torch", fake_torch)
    facts = model_recommend.machine_facts()
    assert facts.has_cuda and facts.cuda_memory_mb == 8 * GB and facts.device == "cuda"
    assert recommend(facts).spec.name == "SmolVLM-Instruct"


def test_without_torch_imported_a_cpu_build_of_torch_means_no_card(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The card is not looked for (no nvidia-smi) when the installed torch is a CPU build."""
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    monkeypatch.setattr(model_recommend.importlib.metadata, "version", lambda _n: "2.13.0+cpu")

    def no_smi(_name: str) -> str:
        raise AssertionError("nvidia-smi was looked for")

    monkeypatch.setattr(model_recommend.shutil, "which", no_smi)
    assert model_recommend.machine_facts().has_cuda is False

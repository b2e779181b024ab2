"""Shared parts of the tests of prepared pictures: tiny models of the real architecture
(one whose answers depend on the picture), two photographs, and a count of the vision
encoder's runs. Test modules take the fixtures by assignment (``speaking =
preparation_fixtures.speaking``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from skimage import data

from describe_app.core.describe.describer import (
    DescribeRequest,
    GenerationStats,
)
from describe_app.core.describe.local.vlm_describer import VlmDescriber
from describe_app.core.describe.local.vlm_loader import LoadedVLM, load_vlm
from describe_app.core.pictures.images import Picture, picture_from_frame


@pytest.fixture(scope="module")
def speaking(speaking_model_dir: Path) -> LoadedVLM:
    return load_vlm(speaking_model_dir, name="tiny-speaking")


@pytest.fixture(scope="module")
def rambling(tiny_model_dir: Path) -> LoadedVLM:
    return load_vlm(tiny_model_dir, name="tiny-random")


@pytest.fixture(scope="module")
def lively(tmp_path_factory: pytest.TempPathFactory) -> LoadedVLM:
    """A tiny random model with weights 20 times larger than the usual initialisation: its
    answers depend on the picture and differ from token to token (the usual tiny model
    writes the same character over and over, whatever it is shown)."""
    from safetensors.torch import load_file, save_file

    from describe_app.devtools.random_smolvlm import TINY, build_model

    folder = build_model(tmp_path_factory.mktemp("tiny-lively"), TINY, seed=1)
    weights = load_file(folder / "model.safetensors")
    for name, tensor in weights.items():
        if tensor.ndim == 2 and "embed" not in name:
            weights[name] = tensor * 20.0
    save_file(weights, folder / "model.safetensors", metadata={"format": "pt"})
    return load_vlm(folder, name="tiny-lively")


def picture(pixels: np.ndarray, source: str) -> Picture:
    return picture_from_frame(pixels[:, :, ::-1].copy(), source=source)


@pytest.fixture(scope="module")
def astronaut() -> Picture:
    return picture(data.astronaut(), "astronaut")


@pytest.fixture(scope="module")
def coffee() -> Picture:
    return picture(data.coffee(), "coffee")


class VisionCalls:
    """Counts finished runs of a model's vision encoder."""

    def __init__(self, loaded: LoadedVLM) -> None:
        self.count = 0
        self._handle = loaded.model.model.vision_model.register_forward_hook(self._seen)

    def _seen(self, *_args: object) -> None:
        self.count += 1

    def remove(self) -> None:
        self._handle.remove()


@pytest.fixture
def speaking_vision(speaking: LoadedVLM) -> Iterator[VisionCalls]:
    calls = VisionCalls(speaking)
    yield calls
    calls.remove()


@pytest.fixture
def rambling_vision(rambling: LoadedVLM) -> Iterator[VisionCalls]:
    calls = VisionCalls(rambling)
    yield calls
    calls.remove()


@pytest.fixture
def lively_vision(lively: LoadedVLM) -> Iterator[VisionCalls]:
    calls = VisionCalls(lively)
    yield calls
    calls.remove()


def describe_text(describer: VlmDescriber, request: DescribeRequest) -> tuple[str, GenerationStats]:
    pieces: list[str] = []
    stats = describer.describe(request, pieces.append, threading.Event())
    return "".join(pieces), stats


def fresh_answer(loaded: LoadedVLM, request: DescribeRequest) -> str:
    """The answer on the fresh path: a describer that remembers no picture."""
    return describe_text(VlmDescriber(loaded, pictures_kept=0), request)[0]

"""The vision encoder's tanh GELU, computed through a sigmoid on the CPU: the same function
(to float32 rounding), put in place by the loader, and the picture described as before."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.local import vlm_loader
from describe_app.core.describe.local.sigmoid_gelu import install_sigmoid_gelu, sigmoid_gelu
from describe_app.core.describe.local.vlm_describer import VlmDescriber
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.pictures.images import picture_from_frame


@pytest.mark.parametrize("scale", [1e-3, 1.0, 8.0, 1e4])
def test_it_is_torchs_tanh_gelu_to_float32_rounding(scale: float) -> None:
    import torch

    x = torch.randn(257, 389, generator=torch.Generator().manual_seed(1)) * scale
    want = torch.nn.functional.gelu(x, approximate="tanh")
    got = sigmoid_gelu(x)
    assert got.dtype == torch.float32 and got.shape == x.shape
    torch.testing.assert_close(got, want, rtol=2e-6, atol=2e-6 * scale)
    assert torch.equal(x, torch.randn(257, 389, generator=torch.Generator().manual_seed(1)) * scale)


def test_extremes_stay_finite_where_torchs_do() -> None:
    import torch

    x = torch.tensor([-1e30, -1e4, -20.0, -0.0, 0.0, 20.0, 1e4, 1e30])
    want = torch.nn.functional.gelu(x, approximate="tanh")
    torch.testing.assert_close(sigmoid_gelu(x), want)
    assert torch.isnan(sigmoid_gelu(torch.tensor([float("nan")]))).all()


def test_only_tanh_gelus_are_replaced() -> None:
    import torch
    from transformers.activations import ACT2FN

    model = torch.nn.Sequential(
        torch.nn.Linear(4, 4),
        ACT2FN["gelu_pytorch_tanh"],
        torch.nn.GELU(approximate="tanh"),
        torch.nn.GELU(),  # erf: another function, kept
        ACT2FN["silu"],
    )
    assert install_sigmoid_gelu(model) == 2
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "SigmoidGelu", "SigmoidGelu", "GELU", "SiLUActivation"]
    assert install_sigmoid_gelu(model) == 0  # once is enough


def test_the_loader_puts_it_in_the_vision_encoder_and_the_answer_is_unchanged(
    speaking_model_dir: Path,
) -> None:
    import torch

    loaded = vlm_loader.load_vlm(speaking_model_dir, name="tiny-speaking")
    encoder = loaded.model.model.vision_model.encoder
    assert {type(layer.mlp.activation_fn).__name__ for layer in encoder.layers} == {"SigmoidGelu"}
    frame = np.random.default_rng(3).integers(0, 255, (96, 128, 3), dtype=np.uint8)
    request = DescribeRequest(picture_from_frame(frame), PromptSpec(), max_new_tokens=24)

    def answer() -> str:
        pieces: list[str] = []
        VlmDescriber(loaded, pictures_kept=0).describe(request, pieces.append, threading.Event())
        return "".join(pieces)

    fast = answer()
    for layer in encoder.layers:
        layer.mlp.activation_fn = torch.nn.GELU(approximate="tanh")
    assert answer() == fast

"""LFM2-VL without torchvision: our picture processor against the stock one, and a tiny
random-weight LFM2-VL through the app's own loader and describer.

The expected figures come from transformers 5.25's torchvision processor
(``Lfm2VlImageProcessor(do_image_splitting=False)``, torch 2.14.1, torchvision 0.29.1) run on
the same pictures outside this project: shapes, masks and token counts are equal, pixel
values differ by at most two steps of 8 bits (PIL and torchvision round a scaled picture
differently), so single values are compared within that.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from describe_app.core.describe.conversation import Conversation
from describe_app.core.describe.describer import DescribeRequest, GenerationSettings
from describe_app.core.describe.local.lfm2_vl_pictures import (
    Lfm2VlPictureProcessor,
    load_lfm2_vl_processor,
)
from describe_app.core.describe.local.model_families import family_for
from describe_app.core.describe.local.vlm_describer import VlmDescriber
from describe_app.core.describe.local.vlm_loader import LoadedVLM, load_vlm
from describe_app.core.describe.prompts import Detail, PromptSpec
from describe_app.core.pictures.images import Picture
from describe_app.devtools import random_models

TWO_STEPS = 2 / 127.5 + 1e-6  # two 8-bit steps after normalizing with mean and std 0.5

#: picture size -> (patch rows, patch columns, image tokens, first three values of the
#: first patch, last three values of the last real patch, mean of the real patches),
#: as the torchvision processor gives them
REFERENCE = {
    (640, 480): (26, 36, 234, (-0.9294, -1.0, -0.9686), (0.9765, 0.9765, -0.2706), -0.000712),
    (480, 640): (36, 26, 234, (-0.8902, -0.9373, -0.9294), (1.0, 1.0, -0.2078), -0.000645),
    (1920, 1080): (24, 42, 252, (-0.9529, -0.9216, -0.9686), (0.9529, 0.9608, 0.4039), -0.002828),
    (100, 100): (16, 16, 64, (-1.0, -1.0, -0.9608), (0.8667, 1.0, 0.4039), -0.077418),
    (3000, 200): (8, 122, 244, (-0.9608, -0.9765, -0.9529), (0.9451, 0.9529, 0.0118), -0.001371),
}

SHORT = GenerationSettings(max_new_tokens_brief=8, max_new_tokens_question=6)


def gradient_picture(width: int, height: int) -> Image.Image:
    """A colour gradient with fixed noise: like a photo, the same on every machine."""
    rng = np.random.RandomState(width * 7 + height)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack(
        [x * 255 // max(1, width - 1), y * 255 // max(1, height - 1), (x + y) % 256], -1
    )
    noise = rng.randint(-20, 21, (height, width, 3))
    return Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8))


@pytest.mark.parametrize("size", sorted(REFERENCE))
def test_one_view_matches_the_torchvision_processor(size: tuple[int, int]) -> None:
    rows, cols, tokens, first, last, mean = REFERENCE[size]
    out = Lfm2VlPictureProcessor()(
        gradient_picture(*size), return_tensors="pt", return_row_col_info=True
    )
    pixels = out["pixel_values"].numpy()
    mask = out["pixel_attention_mask"].numpy()
    assert pixels.shape == (1, 1024, 768)  # padded to 4 x 256 patches of 16 x 16 x 3
    assert mask.dtype == np.int32
    assert out["spatial_shapes"].tolist() == [[rows, cols]]
    assert out["image_sizes"].tolist() == [[rows * 16, cols * 16]]
    real = rows * cols
    assert mask[0, :real].all() and not mask[0, real:].any()
    assert not pixels[0, real:].any()  # padding is zero
    assert ((rows + 1) // 2) * ((cols + 1) // 2) == tokens
    np.testing.assert_allclose(pixels[0, 0, :3], first, atol=TWO_STEPS)
    np.testing.assert_allclose(pixels[0, real - 1, -3:], last, atol=TWO_STEPS)
    assert abs(float(pixels[0, :real].mean()) - mean) < 1e-4


def test_the_image_token_limits_of_the_model_folder_are_kept() -> None:
    picture = gradient_picture(640, 480)
    small = Lfm2VlPictureProcessor(max_image_tokens=64)(picture, return_row_col_info=True)
    assert small["spatial_shapes"].tolist() == [[12, 18]]  # 6 x 9 = 54 tokens, at most 64
    assert small["pixel_values"].shape[1] == 4 * 64
    big = Lfm2VlPictureProcessor(min_image_tokens=400, max_image_tokens=512)
    assert big(picture)["spatial_shapes"].tolist() == [[36, 48]]  # 18 x 24 = 432, at least 400


@pytest.fixture(scope="module")
def tiny_lfm2_vl(tmp_path_factory: pytest.TempPathFactory) -> LoadedVLM:
    folder = random_models.build("lfm2_vl", tmp_path_factory.mktemp("lfm2_vl"))
    return load_vlm(folder, name="tiny-lfm2_vl")


@pytest.fixture(scope="module")
def street() -> Picture:
    """A 640 x 480 camera frame, wider than tall: the shape a webcam gives."""
    image = Image.new("RGB", (640, 480), (40, 90, 160))
    image.paste((230, 200, 20), (100, 120, 400, 300))
    return Picture(image, "street", image.size)


@pytest.mark.slow
def test_loads_quantized_with_the_patch_layer_left_in_float(tiny_lfm2_vl: LoadedVLM) -> None:
    import torch

    assert tiny_lfm2_vl.family is family_for(["Lfm2VlForConditionalGeneration"])
    assert tiny_lfm2_vl.dtype == "int8+float32"
    vision = tiny_lfm2_vl.model.model.vision_tower
    # Siglip2VisionEmbeddings reads patch_embedding.weight.dtype: an int8 layer would crash
    assert type(vision.embeddings.patch_embedding) is torch.nn.Linear
    assert type(vision.encoder.layers[0].mlp.fc1) is not torch.nn.Linear


@pytest.mark.slow
def test_a_camera_frame_gets_234_image_tokens(tiny_lfm2_vl: LoadedVLM, street: Picture) -> None:
    inputs = VlmDescriber(tiny_lfm2_vl, SHORT).prepare_inputs(DescribeRequest(street, PromptSpec()))
    image_tokens = int((inputs["input_ids"] == tiny_lfm2_vl.model.config.image_token_id).sum())
    assert image_tokens == 234  # 576 x 416, its own shape, no tiles
    assert inputs["spatial_shapes"].tolist() == [[26, 36]]


@pytest.mark.slow
def test_describes_a_picture_and_answers_a_follow_up(
    tiny_lfm2_vl: LoadedVLM, street: Picture, caplog: pytest.LogCaptureFixture
) -> None:
    describer = VlmDescriber(tiny_lfm2_vl, SHORT)
    conversation = Conversation(street)
    first = conversation.describe_request(Detail.BRIEF)
    pieces: list[str] = []
    stats = describer.describe(first, pieces.append, threading.Event())
    assert stats.new_tokens == SHORT.max_new_tokens_brief  # random weights never stop early
    assert stats.first_token_seconds is not None
    assert stats.token_seconds[0] < stats.token_seconds[-1]  # streamed, not all at the end
    conversation.record(first, "".join(pieces))
    follow_up = conversation.question_request("What colour is the box")
    answer: list[str] = []
    again = describer.describe(follow_up, answer.append, threading.Event())
    assert again.picture_cached  # no second pass of the vision encoder
    assert again.new_tokens == SHORT.max_new_tokens_question
    # the remembered features give the very answer a fresh look at the picture gives
    fresh: list[str] = []
    look = VlmDescriber(tiny_lfm2_vl, SHORT).describe(follow_up, fresh.append, threading.Event())
    assert not look.picture_cached
    assert "".join(answer) == "".join(fresh)
    assert "".join(answer).strip()
    # no notice about a missing GPU kernel reaches the terminal (and the screen reader)
    assert not [r for r in caplog.records if "causal_conv1d" in r.getMessage()]


def test_the_stored_processor_names_the_stock_type(tmp_path: Path) -> None:
    Lfm2VlPictureProcessor().save_pretrained(tmp_path)
    stored = (tmp_path / "preprocessor_config.json").read_text(encoding="utf-8")
    assert '"image_processor_type": "Lfm2VlImageProcessor"' in stored


@pytest.mark.slow
def test_the_folder_limits_reach_the_loaded_processor(tiny_lfm2_vl: LoadedVLM) -> None:
    processor = load_lfm2_vl_processor(tiny_lfm2_vl.path)
    pictures = processor.image_processor
    assert type(pictures) is Lfm2VlPictureProcessor
    assert (pictures.min_image_tokens, pictures.max_image_tokens) == (64, 256)
    assert type(tiny_lfm2_vl.processor.image_processor) is Lfm2VlPictureProcessor

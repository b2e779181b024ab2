"""Every runnable family of the ladder, through the app's own loader, describer and streamer.

Each family is a tiny random-weight model of its real architecture (its config class with
small sizes, its own processor in PIL form, a local tokenizer with the family's special
tokens), built by :mod:`describe_app.devtools.random_models` and loaded by ``load_vlm``
with int8 as the app runs it on a CPU. A family this build cannot run is refused with its
reason, and never listed as runnable.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from PIL import Image

from describe_app.core.describe.conversation import Conversation
from describe_app.core.describe.describer import DescribeRequest, GenerationSettings
from describe_app.core.describe.local.generation_controls import CancelHooks
from describe_app.core.describe.local.model_families import FAMILIES, runnable_architectures
from describe_app.core.describe.local.model_ladder import LADDER
from describe_app.core.describe.local.vlm_describer import VlmDescriber
from describe_app.core.describe.local.vlm_loader import (
    LoadedVLM,
    load_vlm,
    quantize_linear_layers,
)
from describe_app.core.describe.pipeline import run_request
from describe_app.core.describe.prompts import Detail, PromptSpec
from describe_app.core.errors import Cancelled, ModelLoadError
from describe_app.core.pictures.images import Picture
from describe_app.devtools import random_models

#: Answers are short: random weights never end by themselves.
SHORT = GenerationSettings(max_new_tokens_brief=8, max_new_tokens_question=6)


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def family_model(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> LoadedVLM:
    family = request.param
    folder = random_models.build(family, tmp_path_factory.mktemp(family))
    return load_vlm(folder, name=f"tiny-{family}")


@pytest.fixture(scope="module")
def street() -> Picture:
    """A 640 x 480 camera frame, wider than tall: the shape a webcam gives."""
    image = Image.new("RGB", (640, 480), (40, 90, 160))
    image.paste((230, 200, 20), (100, 120, 400, 300))
    return Picture(image, "street", image.size)


def _answer(loaded: LoadedVLM, request: DescribeRequest) -> tuple[str, list[str], object]:
    pieces: list[str] = []
    stats = VlmDescriber(loaded, SHORT).describe(request, pieces.append, threading.Event())
    return "".join(pieces), pieces, stats


def test_every_runnable_family_loads_quantized(family_model: LoadedVLM) -> None:
    assert family_model.family.key in family_model.name
    assert family_model.quantized
    assert family_model.dtype == "int8+float32"


def test_describes_a_picture_and_streams_the_answer(
    family_model: LoadedVLM, street: Picture
) -> None:
    request = DescribeRequest(street, PromptSpec(detail=Detail.BRIEF))
    text, pieces, stats = _answer(family_model, request)
    assert stats.new_tokens == SHORT.max_new_tokens_brief  # random weights never stop early
    assert stats.first_token_seconds is not None
    assert stats.first_token_seconds < stats.total_seconds
    assert "".join(pieces) == text
    # each token is handed out as it is written, not all at the end
    assert stats.token_seconds[0] < stats.token_seconds[-1]


def test_follow_up_question_starts_from_the_remembered_picture(
    family_model: LoadedVLM, street: Picture
) -> None:
    describer = VlmDescriber(family_model, SHORT)
    conversation = Conversation(street)
    first = conversation.describe_request(Detail.BRIEF)
    result = run_request(describer, first)
    conversation.record(first, result.text)
    follow_up = conversation.question_request("What colour is the box")
    stats = describer.describe(follow_up, lambda _piece: None, threading.Event())
    assert stats.picture_cached  # no second pass of the vision encoder
    assert stats.new_tokens == SHORT.max_new_tokens_question
    # SmolVLM's conversation is carried on: the picture and the first prompt are not read
    # again (the other families' caches cannot be cut back: they read the whole prompt)
    reused = family_model.family.reuses_prompt_cache
    assert (stats.prompt_tokens_kept > 0) == reused
    # the remembered features give the very answer a fresh look at the picture gives
    from_features = VlmDescriber(family_model, SHORT)
    from_features.prepare(first, threading.Event(), first_sentence=False)
    pieces: list[str] = []
    stats = from_features.describe(follow_up, pieces.append, threading.Event())
    assert stats.picture_cached and stats.prompt_tokens_kept == 0
    fresh, _pieces, fresh_stats = _answer(family_model, follow_up)
    assert not fresh_stats.picture_cached
    assert "".join(pieces) == fresh


def test_an_answer_written_ahead_goes_on_as_one_answer(
    family_model: LoadedVLM, street: Picture
) -> None:
    request = DescribeRequest(street, PromptSpec(detail=Detail.BRIEF))
    fresh, _pieces, _stats = _answer(family_model, request)
    describer = VlmDescriber(family_model, SHORT)
    describer.prepare(request, threading.Event())
    pieces: list[str] = []
    stats = describer.describe(request, pieces.append, threading.Event())
    assert stats.picture_cached
    assert "".join(pieces) == fresh


def test_a_newer_request_stops_the_vision_encoder_within_one_layer(
    family_model: LoadedVLM, street: Picture
) -> None:
    """Every layer of the vision encoder and of the language model checks the cancel flag."""
    describer = VlmDescriber(family_model, SHORT)
    config = family_model.model.config
    vision = config.vision_config
    vision_layers = getattr(vision, "num_hidden_layers", None) or vision.depth
    text_layers = config.text_config.num_hidden_layers
    assert CancelHooks.of(family_model.model).layers == vision_layers + text_layers
    cancel = threading.Event()
    calls = 0

    def cancel_in_first_layer(_module: object, _args: object, _output: object) -> None:
        nonlocal calls
        calls += 1
        cancel.set()

    first_layer = next(
        m
        for m in family_model.model.modules()
        if "Block" in type(m).__name__ or type(m).__name__.endswith("EncoderLayer")
    )
    handle = first_layer.register_forward_hook(cancel_in_first_layer)
    try:
        with pytest.raises(Cancelled):
            describer.describe(DescribeRequest(street, PromptSpec()), lambda _t: None, cancel)
    finally:
        handle.remove()
    assert calls == 1  # the second layer never ran


def test_a_camera_frame_fits_the_family_visual_budget(
    family_model: LoadedVLM, street: Picture
) -> None:
    describer = VlmDescriber(family_model, SHORT)
    inputs = describer.prepare_inputs(DescribeRequest(street, PromptSpec()))
    config = family_model.model.config
    image_tokens = int((inputs["input_ids"] == config.image_token_id).sum())
    key = family_model.family.key
    if key in ("smolvlm", "smolvlm2"):
        assert image_tokens == family_model.processor.image_seq_len  # one view, no tiles
    elif key == "lfm2_vl":
        # its own shape in 16 px patches merged 2x2: 640 x 480 becomes 576 x 416
        assert image_tokens == (576 // 32) * (416 // 32)
    elif key == "qwen3_vl":
        # its own shape within 256 tokens of 32 px: 640 x 480 becomes 576 x 448
        assert image_tokens == (576 // 32) * (448 // 32)
    else:
        assert image_tokens == config.mm_tokens_per_image


def test_qwen_keeps_a_big_picture_within_256_visual_tokens(tmp_path: Path) -> None:
    loaded = load_vlm(random_models.build("qwen3_vl", tmp_path), name="tiny-qwen3_vl")
    big = Image.new("RGB", (4000, 3000), (10, 10, 10))
    request = DescribeRequest(Picture(big, "big", big.size), PromptSpec())
    inputs = VlmDescriber(loaded).prepare_inputs(request)
    image_tokens = int((inputs["input_ids"] == loaded.model.config.image_token_id).sum())
    assert 200 <= image_tokens <= 256


def test_qwen_chat_template_stored_as_json_is_used(tmp_path: Path) -> None:
    """Qwen3-VL's Hub folder keeps its chat template in chat_template.json."""
    folder = random_models.build("qwen3_vl", tmp_path)
    template = (folder / "chat_template.jinja").read_text(encoding="utf-8")
    (folder / "chat_template.jinja").unlink()
    (folder / "chat_template.json").write_text(json.dumps({"chat_template": template}))
    loaded = load_vlm(folder, name="tiny-qwen3_vl")
    prompt = loaded.processor.apply_chat_template(
        [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Hi"}]}],
        add_generation_prompt=True,
    )
    assert prompt.endswith("<|vision_end|>Hi<|im_end|>\n<|im_start|>assistant\n")


def test_a_layer_whose_weight_the_model_reads_stays_float() -> None:
    """LFM2-VL's SigLIP2 embeddings read ``patch_embedding.weight.dtype`` in forward; a
    quantized Linear has no such attribute, so that layer must stay float."""
    import torch
    from transformers import Siglip2VisionConfig
    from transformers.models.siglip2.modeling_siglip2 import Siglip2VisionEmbeddings

    config = Siglip2VisionConfig(
        hidden_size=32, intermediate_size=64, num_attention_heads=2, patch_size=4, num_patches=16
    )
    embeddings = Siglip2VisionEmbeddings(config)
    holder = torch.nn.Sequential(embeddings, torch.nn.Linear(32, 8))
    assert quantize_linear_layers(holder) == 1  # the plain Linear only
    assert type(embeddings.patch_embedding) is torch.nn.Linear
    patches = torch.rand(1, 16, 3 * 4 * 4)
    shapes = torch.tensor([[4, 4]])
    assert embeddings(patches, shapes).shape == (1, 16, 32)


@pytest.mark.parametrize(
    ("architecture", "reason"),
    [
        ("FastVlmForConditionalGeneration", "timm"),
        ("Gemma3nForConditionalGeneration", "timm"),
    ],
)
def test_a_family_this_build_cannot_run_is_refused_with_its_reason(
    tmp_path: Path, architecture: str, reason: str
) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"architectures": [architecture]}))
    (tmp_path / "model.safetensors").write_bytes(b"")
    with pytest.raises(ModelLoadError, match=reason):
        load_vlm(tmp_path)
    assert architecture not in runnable_architectures()


def test_the_catalogue_offers_only_families_this_build_runs() -> None:
    runnable = runnable_architectures()
    for spec in LADDER:
        if spec.runnable:
            assert spec.architecture in runnable, spec.name
    assert set(random_models.BUILDERS) >= set(FAMILIES)  # each has a tiny model in this file

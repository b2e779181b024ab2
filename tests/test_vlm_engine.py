"""The model path: the app's loader, the streaming describer, cancellation, the pipeline.

Real parts only: tiny random-weight models of the real SmolVLM (Idefics3) architecture,
built on the fly and loaded through ``load_vlm``. The "speaking" model's weights are set
so greedy decoding writes a fixed three-sentence answer, which lets us check streaming.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
from skimage import data

from describe_app.core.describe.conversation import Conversation
from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.local.vlm_describer import VlmDescriber
from describe_app.core.describe.local.vlm_loader import LoadedVLM, LoadOptions, load_vlm
from describe_app.core.describe.pipeline import run_request
from describe_app.core.describe.prompts import Detail, PromptSpec, build_messages
from describe_app.core.errors import Cancelled
from describe_app.core.pictures.images import Picture, picture_from_frame
from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT


@pytest.fixture(scope="module")
def speaking(speaking_model_dir: Path) -> LoadedVLM:
    return load_vlm(speaking_model_dir, name="tiny-speaking")


@pytest.fixture(scope="module")
def rambling(tiny_model_dir: Path) -> LoadedVLM:
    return load_vlm(tiny_model_dir, name="tiny-random")


@pytest.fixture(scope="module")
def photo() -> Picture:
    return picture_from_frame(data.astronaut()[:, :, ::-1].copy(), source="astronaut")


def test_loader_quantizes_every_linear_layer_on_cpu(speaking: LoadedVLM) -> None:
    import torch

    assert speaking.device == "cpu"
    assert speaking.quantized and speaking.dtype == "int8+float32"
    plain = [m for m in speaking.model.modules() if type(m) is torch.nn.Linear]
    assert plain == []
    assert all(p.dtype == torch.float32 for p in speaking.model.parameters())
    assert not speaking.model.training


def test_loader_without_quantization_keeps_float32(speaking_model_dir: Path) -> None:
    import torch

    loaded = load_vlm(speaking_model_dir, options=LoadOptions(quantize="none"))
    assert not loaded.quantized
    assert any(type(m) is torch.nn.Linear for m in loaded.model.modules())


def test_streams_sentence_by_sentence_before_generation_ends(
    speaking: LoadedVLM, photo: Picture
) -> None:
    describer = VlmDescriber(speaking)
    arrivals: list[tuple[float, str]] = []
    request = DescribeRequest(photo, PromptSpec())
    result = run_request(
        describer, request, on_sentence=lambda s, i: arrivals.append((time.perf_counter(), s))
    )
    done = time.perf_counter()
    assert [s for _, s in arrivals] == [
        "A red mug stands on the wooden table.",
        "Someone left keys beside it!",
        "Could those be yours?",
    ]
    assert result.text == DEFAULT_SCRIPT
    assert result.model == "tiny-speaking"
    assert result.new_tokens == len(speaking.processor.tokenizer(DEFAULT_SCRIPT)["input_ids"]) + 1
    # the first sentence left while the model was still writing the others
    assert arrivals[0][0] < arrivals[1][0] < done
    t = result.timings
    assert 0 < t["preprocess"] <= t["first_token"] <= t["first_sentence"] < t["total"]


def test_text_arrives_in_small_pieces(speaking: LoadedVLM, photo: Picture) -> None:
    pieces: list[str] = []
    VlmDescriber(speaking).describe(
        DescribeRequest(photo, PromptSpec()), pieces.append, threading.Event()
    )
    assert "".join(pieces) == DEFAULT_SCRIPT
    assert len(pieces) >= 10  # token by token, not one block at the end


def test_cancel_stops_within_one_decoding_step(rambling: LoadedVLM, photo: Picture) -> None:
    describer = VlmDescriber(rambling)
    cancel = threading.Event()
    seen: list[str] = []

    def on_text(piece: str) -> None:
        seen.append(piece)
        if len(seen) == 5:
            cancel.set()

    request = DescribeRequest(photo, PromptSpec(), max_new_tokens=400)
    with pytest.raises(Cancelled):
        describer.describe(request, on_text, cancel)
    assert 5 <= len(seen) <= 6


def test_cancel_before_start_runs_nothing(rambling: LoadedVLM, photo: Picture) -> None:
    cancel = threading.Event()
    cancel.set()
    seen: list[str] = []
    with pytest.raises(Cancelled):
        VlmDescriber(rambling).describe(DescribeRequest(photo, PromptSpec()), seen.append, cancel)
    assert seen == []


def test_cancel_from_another_thread(rambling: LoadedVLM, photo: Picture) -> None:
    """The worker generates; the user (another thread) cancels; the worker returns soon."""
    cancel = threading.Event()
    outcome: list[str] = []

    def work() -> None:
        try:
            run_request(
                VlmDescriber(rambling),
                DescribeRequest(photo, PromptSpec(), max_new_tokens=2000),
                cancel=cancel,
                on_sentence=lambda s, i: None,
            )
            outcome.append("finished")
        except Cancelled:
            outcome.append("cancelled")

    worker = threading.Thread(target=work, name="model-worker")
    worker.start()
    time.sleep(0.5)  # well into generation: 2000 tokens take seconds even for the tiny model
    asked = time.perf_counter()
    cancel.set()
    worker.join(10)
    assert not worker.is_alive()
    assert outcome == ["cancelled"]
    assert time.perf_counter() - asked < 2.0


def test_bad_picture_answers_without_the_model(speaking: LoadedVLM) -> None:
    class Spy(VlmDescriber):
        calls = 0

        def describe(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            Spy.calls += 1
            return super().describe(*args, **kwargs)

    black = picture_from_frame(np.zeros((480, 640, 3), np.uint8))
    spoken: list[str] = []
    result = run_request(
        Spy(speaking),
        DescribeRequest(black, PromptSpec()),
        on_sentence=lambda s, i: spoken.append(s),
    )
    assert Spy.calls == 0
    assert result.picture_problem == "too_dark"
    assert spoken == ["The picture is almost black. Is the lens covered, or the light off?"]
    # ...unless the user asks to describe anyway
    result = run_request(Spy(speaking), DescribeRequest(black, PromptSpec()), check=False)
    assert Spy.calls == 1 and result.text == DEFAULT_SCRIPT


def test_follow_up_question_carries_the_earlier_answer(speaking: LoadedVLM, photo: Picture) -> None:
    describer = VlmDescriber(speaking)
    conversation = Conversation(photo, language="French")
    first = conversation.describe_request(Detail.BRIEF)
    result = run_request(describer, first)
    conversation.record(first, result.text)
    follow_up = conversation.question_request("What colour is the mug")
    prompt = speaking.processor.apply_chat_template(
        build_messages(follow_up.prompt), add_generation_prompt=True
    )
    assert prompt.count("<image>") == 1  # the picture is sent once
    assert DEFAULT_SCRIPT in prompt  # the earlier answer is part of the conversation
    assert "What colour is the mug? Answer briefly and plainly. Answer in French." in prompt
    assert prompt.endswith("Assistant:")
    inputs = describer.prepare_inputs(follow_up)
    n_image = int((inputs["input_ids"] == speaking.model.config.image_token_id).sum())
    assert n_image == speaking.processor.image_seq_len  # one 64-token view, no tiles
    answer = run_request(describer, follow_up)
    assert answer.sentences


def test_one_view_of_the_picture_whatever_its_size(speaking: LoadedVLM) -> None:
    from PIL import Image

    describer = VlmDescriber(speaking)
    for size in ((640, 480), (3000, 1000), (100, 900)):
        pic = Picture(Image.new("RGB", size, (90, 140, 30)), "x", size)
        inputs = describer.prepare_inputs(DescribeRequest(pic, PromptSpec(detail=Detail.HIGH)))
        assert tuple(inputs["pixel_values"].shape[-2:]) == (64, 64)  # the tiny model's side
        assert inputs["pixel_values"].shape[1] == 1  # one tile


def test_cancel_stops_while_the_picture_is_being_read(rambling: LoadedVLM, photo: Picture) -> None:
    """Reading the picture and prompt is one generation step; a newer request must not wait
    for all of it: the cancel flag is checked before every layer, vision and language."""
    describer = VlmDescriber(rambling)
    assert VlmDescriber(rambling)._hooks is describer._hooks  # added once per model
    layers = [m for m in rambling.model.modules() if type(m).__name__.endswith("EncoderLayer")]
    assert describer._hooks.layers > len(layers) >= 1
    cancel = threading.Event()
    ran: list[str] = []

    def press_escape(_module: object, _args: object) -> None:
        ran.append("x")
        cancel.set()

    first = layers[0].register_forward_pre_hook(press_escape)
    seen: list[str] = []
    try:
        with pytest.raises(Cancelled):
            describer.describe(DescribeRequest(photo, PromptSpec()), seen.append, cancel)
    finally:
        first.remove()
    assert ran == ["x"] and seen == []  # stopped in the vision encoder, before any token
    # and the model still works afterwards
    stats = describer.describe(
        DescribeRequest(photo, PromptSpec(), max_new_tokens=3), seen.append, threading.Event()
    )
    assert stats.new_tokens == 3

"""The fused Llama language stack (``fused_llama``) and the plain greedy loop
(``greedy_loop``) give the numbers and the tokens of transformers' own code, on a tiny
model of the real architecture whose answers change from token to token."""

from __future__ import annotations

import copy
import threading
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import torch

from describe_app.core.describe.describer import DescribeRequest, GenerationSettings
from describe_app.core.describe.local.fused_llama import (
    FusedLlamaModel,
    KeyValueRoom,
    _attention_mask,
    install_fused_llama,
)
from describe_app.core.describe.local.generation_controls import CancelHooks, DeltaStreamer
from describe_app.core.describe.local.greedy_loop import runs_plainly
from describe_app.core.describe.local.model_calls import ModelCalls
from describe_app.core.describe.local.vlm_describer import VlmDescriber
from describe_app.core.describe.local.vlm_loader import LoadedVLM, LoadOptions, load_vlm
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.pictures.images import Picture
from tests import preparation_fixtures

lively = preparation_fixtures.lively
astronaut = preparation_fixtures.astronaut
speaking = preparation_fixtures.speaking


@pytest.fixture(scope="module")
def reference(lively: LoadedVLM) -> LoadedVLM:
    """The same model on transformers' own Llama layers."""
    return load_vlm(lively.path, name="tiny-lively", options=LoadOptions(fused=False))


def prompt_inputs(loaded: LoadedVLM, picture: Picture) -> Any:
    request = DescribeRequest(picture, PromptSpec(), max_new_tokens=30)
    return VlmDescriber(loaded).prepare_inputs(request)


def new_cache(loaded: LoadedVLM) -> Any:
    from transformers import DynamicCache

    return DynamicCache(config=loaded.model.config)


def last_scores(loaded: LoadedVLM, cache: Any, **inputs: Any) -> Any:
    out = loaded.model(**inputs, cache=cache, use_cache=True, logits_to_keep=1)
    return out.logits[0, -1]


def test_the_loader_puts_the_fused_stack_in_place(lively: LoadedVLM, reference: LoadedVLM) -> None:
    assert isinstance(lively.model.model.text_model, FusedLlamaModel)
    assert not isinstance(reference.model.model.text_model, FusedLlamaModel)
    # every decoder layer still checks the cancel flag first
    assert CancelHooks(lively.model).layers == CancelHooks(reference.model).layers


def test_scores_match_transformers_step_by_step(
    lively: LoadedVLM, reference: LoadedVLM, astronaut: Picture
) -> None:
    inputs = prompt_inputs(lively, astronaut)
    caches = {id(m): new_cache(m) for m in (lively, reference)}
    token = None
    with torch.inference_mode():
        for _step in range(8):
            scores = []
            for loaded in (reference, lively):
                step_inputs = dict(inputs) if token is None else {"input_ids": token}
                scores.append(last_scores(loaded, caches[id(loaded)], **step_inputs))
            torch.testing.assert_close(scores[1], scores[0], rtol=1e-5, atol=1e-5)
            token = scores[0].argmax().reshape(1, 1)
    assert caches[id(lively)].get_seq_length() == caches[id(reference)].get_seq_length()


def follow_up_scores(loaded: LoadedVLM, picture: Picture) -> tuple[Any, Any, bool]:
    """The scores after a prompt and five more tokens read on from its cache, and after a
    cropped copy of that cache reads the prompt's last token again; and whether the cache
    copied from was left as it was."""
    inputs = prompt_inputs(loaded, picture)
    tail = torch.tensor([[5, 17, 40, 9, 3]])
    with torch.inference_mode():
        kept = new_cache(loaded)
        last_scores(loaded, kept, **inputs)
        # several tokens after a cache: the causal mask starts after what it holds
        after = last_scores(loaded, kept, input_ids=tail)
        before = kept.layers[0].keys.clone()
        copied = copy.deepcopy(kept)
        copied.crop(-(tail.shape[1] + 1))  # back to the prompt but its last token
        again = last_scores(loaded, copied, input_ids=inputs["input_ids"][:, -1:])
        untouched = torch.equal(kept.layers[0].keys, before)
    assert copied.get_seq_length() == inputs["input_ids"].shape[1]
    return after, again, untouched


def test_reading_on_from_a_cache_and_a_cropped_copy_match_transformers(
    lively: LoadedVLM, reference: LoadedVLM, astronaut: Picture
) -> None:
    after, again, untouched = follow_up_scores(lively, astronaut)
    their_after, their_again, _ = follow_up_scores(reference, astronaut)
    torch.testing.assert_close(after, their_after, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(again, their_again, rtol=1e-5, atol=1e-5)
    assert untouched  # the copy wrote into its own buffer


def test_a_cache_made_under_inference_mode_is_read_on_outside_it(
    lively: LoadedVLM, astronaut: Picture
) -> None:
    inputs = prompt_inputs(lively, astronaut)
    cache = new_cache(lively)
    with torch.inference_mode():
        first = last_scores(lively, cache, **inputs)
    token = first.argmax().reshape(1, 1)
    with torch.no_grad():
        last_scores(lively, cache, input_ids=token)  # no "inplace update to inference tensor"
    assert cache.get_seq_length() == inputs["input_ids"].shape[1] + 1


def answer_tokens(loaded: LoadedVLM, picture: Picture, settings: GenerationSettings) -> list[int]:
    """The token ids the describer's calls write (the plain loop where the model allows)."""
    inputs = prompt_inputs(loaded, picture)
    streamer = DeltaStreamer(loaded.processor.tokenizer, lambda _t: None, 0.0)
    with torch.inference_mode():
        ModelCalls(loaded, settings).generate(inputs, None, 24, streamer, [])
    return list(streamer.token_ids)


def test_the_plain_loop_writes_the_tokens_generate_writes(
    lively: LoadedVLM, reference: LoadedVLM, astronaut: Picture
) -> None:
    assert runs_plainly(lively.model) and not runs_plainly(reference.model)
    settings = GenerationSettings(min_new_tokens=24, repetition_penalty=1.3)
    ours = answer_tokens(lively, astronaut, settings)
    theirs = answer_tokens(reference, astronaut, settings)
    assert ours == theirs
    assert len(ours) == 24 and len(set(ours)) > 3  # a real answer, not one token repeated


def test_the_plain_loop_ends_where_the_model_ends(speaking: LoadedVLM) -> None:
    from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT

    picture = preparation_fixtures.picture(np.full((48, 64, 3), 90, np.uint8), "grey")
    request = DescribeRequest(picture, PromptSpec(), max_new_tokens=200)
    pieces: list[str] = []
    stats = VlmDescriber(speaking).describe(request, pieces.append, threading.Event())
    assert runs_plainly(speaking.model)
    assert "".join(pieces).strip() == DEFAULT_SCRIPT.strip()
    assert stats.new_tokens < 200  # stopped at the end token, not at the limit


def test_stopping_criteria_end_the_plain_loop(lively: LoadedVLM, astronaut: Picture) -> None:
    inputs = prompt_inputs(lively, astronaut)
    streamer = DeltaStreamer(lively.processor.tokenizer, lambda _t: None, 0.0)
    seen: list[int] = []

    def after_three(input_ids: Any, scores: Any, **_kwargs: Any) -> Any:
        seen.append(input_ids.shape[1])
        return torch.tensor([len(seen) == 3])

    with torch.inference_mode():
        ModelCalls(lively, GenerationSettings()).generate(inputs, None, 24, streamer, [after_three])
    assert streamer.new_tokens == 3
    assert seen == [inputs["input_ids"].shape[1] + n for n in (1, 2, 3)]


def test_the_attention_mask_is_causal_after_what_the_cache_holds() -> None:
    assert _attention_mask(torch.ones(1, 5), held=4, length=1, device="cpu") is None
    assert _attention_mask(torch.ones(1, 3), held=0, length=3, device="cpu") is True
    mask = _attention_mask(torch.ones(1, 5), held=2, length=3, device="cpu")
    assert mask.tolist() == [
        [True, True, True, False, False],
        [True, True, True, True, False],
        [True, True, True, True, True],
    ]
    padded = _attention_mask(torch.tensor([[0, 1, 1]]), held=0, length=3, device="cpu")
    assert padded.shape == (1, 1, 3, 3)
    assert padded[0, 0, :, 0].tolist() == [False, False, False]  # the pad is never seen
    assert padded[0, 0, 2].tolist() == [False, True, True]


def test_the_room_grows_and_keeps_what_it_held() -> None:
    from transformers.cache_utils import DynamicLayer

    layer = DynamicLayer()
    room = KeyValueRoom(layer)
    first = torch.randn(1, 2, 250, 4)
    room.append(first, first + 1)
    buffer = layer._describe_room
    nxt = torch.randn(1, 2, 10, 4)
    keys, values = room.append(nxt, nxt + 1)  # past the first block: a larger buffer
    assert layer._describe_room is not buffer
    assert torch.equal(keys, torch.cat([first, nxt], dim=2))
    assert torch.equal(values, torch.cat([first, nxt], dim=2) + 1)
    grown = layer._describe_room
    room.append(nxt, nxt)  # room left: written in place
    assert layer._describe_room is grown and layer.get_seq_length() == 270


def test_other_language_models_are_left_alone(reference: LoadedVLM) -> None:
    assert install_fused_llama(SimpleNamespace(model=SimpleNamespace())) is False
    other = SimpleNamespace(text_model=SimpleNamespace(config=reference.model.config))
    assert install_fused_llama(SimpleNamespace(model=other)) is False
    text_model = reference.model.model.text_model
    saved = dict(text_model.config.rope_parameters)
    try:
        text_model.config.rope_parameters["rope_type"] = "llama3"  # scaled positions
        assert install_fused_llama(reference.model) is False
    finally:
        text_model.config.rope_parameters.clear()
        text_model.config.rope_parameters.update(saved)
    assert reference.model.model.text_model is text_model


def test_a_generation_setting_the_loop_lacks_goes_to_generate(lively: LoadedVLM) -> None:
    config = lively.model.generation_config
    config.no_repeat_ngram_size = 3
    try:
        assert runs_plainly(lively.model) is False
    finally:
        config.no_repeat_ngram_size = None
    assert runs_plainly(lively.model) is True


def test_a_float_model_runs_on_fused_float_layers(reference: LoadedVLM, astronaut: Picture) -> None:
    floats = load_vlm(reference.path, name="tiny-lively", options=LoadOptions(quantize="none"))
    plain = load_vlm(
        reference.path, name="tiny-lively", options=LoadOptions(quantize="none", fused=False)
    )
    assert isinstance(floats.model.model.text_model, FusedLlamaModel)
    inputs = prompt_inputs(floats, astronaut)
    with torch.inference_mode():
        ours = last_scores(floats, new_cache(floats), **inputs)
        theirs = last_scores(plain, new_cache(plain), **inputs)
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-5)


def test_packed_layers_join_into_the_same_layers(lively: LoadedVLM) -> None:
    """Joined at load from unpacked rows, or later from layers packed already: the same."""
    later = load_vlm(lively.path, name="tiny-lively", options=LoadOptions(fused=False))
    assert install_fused_llama(later.model) is True
    ours, theirs = lively.model.model.text_model.layers, later.model.model.text_model.layers
    for at_load, afterwards in zip(ours, theirs, strict=True):
        for name in ("qkv", "gate_up"):
            a, b = getattr(at_load, name).weight(), getattr(afterwards, name).weight()
            assert torch.equal(a.int_repr(), b.int_repr())
            assert torch.equal(a.q_per_channel_scales(), b.q_per_channel_scales())

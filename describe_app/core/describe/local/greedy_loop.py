"""Greedy decoding in a plain loop, for a model whose language half is a fused Llama.

transformers' ``generate()`` is written for every model and every way of choosing tokens;
each step it prepares the inputs, runs its logits processors and stopping criteria in
general form and grows an attention mask. For SmolVLM-256M on a 2-core AVX2 CPU that was
about 4 ms of a 32 ms step. This loop takes the same greedy steps as ``generate(
do_sample=False)``: the same forward calls, the same logits processors (transformers' own
classes: the repetition penalty over the prompt and the answer, no end before
``min_new_tokens``), the same streamer calls (the prompt first, then each token) and the
same stopping criteria, checked after each token. So the tokens are the same, and the cache
is left as ``generate()`` leaves it (every token read but the last).

It is used only where :func:`runs_plainly` holds: a :class:`~.fused_llama.FusedLlamaModel`
(one-dimensional positions, nothing padded) and a generation config that asks for nothing
else. Everything else goes to ``generate()``. torch and transformers are imported lazily.
"""

from __future__ import annotations

from typing import Any

from describe_app.core.describe.local.generation_controls import DeltaStreamer

#: generation settings that add logits processors this loop does not run
_OTHER_PROCESSORS = (
    "no_repeat_ngram_size",
    "bad_words_ids",
    "suppress_tokens",
    "begin_suppress_tokens",
    "forced_bos_token_id",
    "forced_eos_token_id",
    "sequence_bias",
    "exponential_decay_length_penalty",
    "encoder_repetition_penalty",
    "encoder_no_repeat_ngram_size",
    "min_length",
)


def runs_plainly(model: Any) -> bool:
    """Whether :func:`decode_greedy` gives ``model`` the tokens ``generate()`` would."""
    from describe_app.core.describe.local.fused_llama import FusedLlamaModel  # imports torch

    text_model = getattr(getattr(model, "model", None), "text_model", None)
    if not isinstance(text_model, FusedLlamaModel):
        return False
    config = model.generation_config
    return not any(getattr(config, name, None) not in (None, 0, 1.0) for name in _OTHER_PROCESSORS)


def decode_greedy(
    model: Any,
    model_inputs: dict[str, Any],
    *,
    cache_arg: str,
    limit: int,
    at_least: int,
    penalty: float,
    ends: set[int],
    streamer: DeltaStreamer,
    criteria: list[Any],
) -> None:
    """Write up to ``limit`` tokens after ``model_inputs["input_ids"]`` (all the tokens so
    far; the cache in ``model_inputs[cache_arg]``, if any, has read the first ones)."""
    import torch
    from transformers import DynamicCache
    from transformers.generation.logits_process import (
        LogitsProcessorList,
        MinNewTokensLengthLogitsProcessor,
        RepetitionPenaltyLogitsProcessor,
    )

    if limit <= 0:
        return
    input_ids = model_inputs["input_ids"]
    cache = model_inputs.get(cache_arg)
    if cache is None:
        cache = DynamicCache(config=model.config)
    prompt_length = input_ids.shape[1]
    processors = LogitsProcessorList()
    if penalty != 1.0:
        processors.append(RepetitionPenaltyLogitsProcessor(penalty))
    if at_least > 0 and ends:
        eos = torch.tensor(sorted(ends), device=input_ids.device)
        processors.append(MinNewTokensLengthLogitsProcessor(prompt_length, at_least, eos))

    streamer.put(input_ids.cpu())  # as generate(): the prompt first
    held = cache.get_seq_length()
    step = {k: v for k, v in model_inputs.items() if k not in ("input_ids", cache_arg)}
    step.update(input_ids=input_ids[:, held:], use_cache=True, logits_to_keep=1)
    step[cache_arg] = cache
    for written in range(1, limit + 1):
        logits = model(**step).logits[:, -1, :].float()
        scores = processors(input_ids, logits)
        token = scores.argmax(dim=-1)
        input_ids = torch.cat([input_ids, token[:, None]], dim=-1)
        streamer.put(token.cpu())
        if written == limit or int(token) in ends:
            return
        if any(bool(criterion(input_ids, scores).any()) for criterion in criteria):
            return
        step = {
            "input_ids": token[:, None],
            cache_arg: cache,
            "use_cache": True,
            "logits_to_keep": 1,
        }

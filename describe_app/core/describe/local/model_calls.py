"""The three calls into a vision-language model that a description is made of.

* :meth:`ModelCalls.encode`: the picture's features (the vision encoder and the
  connector), the expensive part: remembered per picture by the describer.
* :meth:`ModelCalls.generate`: the answer, from the prompt and those features (the model
  does not see the picture's pixels again).
* :meth:`ModelCalls.go_on`: the rest of an answer whose start was written ahead, from its
  key-value cache.
* :meth:`ModelCalls.carry_on`: the answer to a follow-up, reading only the tokens of its
  prompt that the kept conversation cache has not read.

All greedy, with the same settings, so the three ways to an answer give the same tokens.
torch and transformers are imported lazily.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

from describe_app.core.describe.describer import GenerationSettings
from describe_app.core.describe.local.generation_controls import DeltaStreamer
from describe_app.core.describe.local.greedy_loop import decode_greedy, runs_plainly
from describe_app.core.describe.local.picture_features import AnswerStart, KeptPrompt
from describe_app.core.describe.local.vlm_loader import LoadedVLM


class ModelCalls:
    def __init__(self, loaded: LoadedVLM, settings: GenerationSettings) -> None:
        self._model = loaded.model
        self._settings = settings
        params = inspect.signature(self._model.forward).parameters
        #: the model starts from encoded pictures (transformers 5: ``mm_encoder_outputs``)
        self.takes_features = "mm_encoder_outputs" in params
        self._cache_arg = "cache" if "cache" in params else "past_key_values"
        eos = self._model.generation_config.eos_token_id
        self._ends = set(eos) if isinstance(eos, list | tuple) else {eos}
        self._image_token = getattr(self._model.config, "image_token_id", None)
        self._plain_loop = runs_plainly(self._model)  # generate()'s tokens, fewer steps

    def encode(self, inputs: Any) -> Any:
        """The picture's features (SmolVLM: 64 vectors for one view), as the encoder gives
        them, less its per-patch states (Qwen3-VL's deepstack features stay)."""
        wanted = inspect.signature(self._model.get_image_features).parameters
        arguments = {k: v for k, v in inputs.items() if k in wanted}  # the family's own
        encoded = self._model.get_image_features(**arguments, return_dict=True)
        encoded["last_hidden_state"] = None  # per patch: large, and not needed again
        return encoded

    def new_cache(self) -> Any:
        from transformers import DynamicCache

        return DynamicCache(config=self._model.config)

    def is_end(self, token_id: int) -> bool:
        return token_id in self._ends

    def generate(
        self,
        inputs: Any,
        features: Any,
        limit: int,
        streamer: DeltaStreamer,
        criteria: list[Any],
        cache: Any = None,
    ) -> None:
        """Write the answer to ``inputs`` (None ``features``: encode the picture inside)."""
        model_inputs = dict(inputs)
        if features is not None:  # the picture is encoded already: only its features go in
            model_inputs.pop("pixel_values", None)
            model_inputs.pop("pixel_attention_mask", None)
            model_inputs["mm_encoder_outputs"] = {"image": features}
        if cache is not None:
            model_inputs[self._cache_arg] = cache
        self._run(model_inputs, limit, self._settings.min_new_tokens, streamer, criteria)

    def go_on(
        self,
        inputs: Any,
        ahead: AnswerStart,
        limit: int,
        streamer: DeltaStreamer,
        criteria: list[Any],
    ) -> Any:
        """The rest of the answer after ``ahead``, from (a copy of) its key-value cache:
        the same computation as one uninterrupted generation. Returns that cache, as the
        generation left it."""
        import torch

        written = len(ahead.token_ids)
        prompt_ids = inputs["input_ids"]
        tokens = torch.tensor([ahead.token_ids], dtype=prompt_ids.dtype, device=prompt_ids.device)
        input_ids = torch.cat([prompt_ids, tokens], dim=1)
        cache = copy.deepcopy(ahead.cache)
        at_least = max(0, self._settings.min_new_tokens - written)
        self._run_from(input_ids, cache, limit - written, at_least, streamer, criteria)
        return cache

    def shared_length(self, inputs: Any, kept: KeptPrompt) -> int:
        """How many of the prompt's first tokens ``kept`` has read already, when those
        include the whole picture (else 0: the picture must be read again). At least the
        prompt's last token is always left to read: its scores choose the first word."""
        if self._image_token is None:
            return 0
        ids = inputs["input_ids"][0].tolist()
        limit = min(len(ids) - 1, len(kept.token_ids))
        shared = next((i for i in range(limit) if ids[i] != kept.token_ids[i]), limit)
        image_at = [i for i, token in enumerate(ids) if token == self._image_token]
        return shared if image_at and image_at[-1] < shared else 0

    def carry_on(
        self,
        inputs: Any,
        kept: KeptPrompt,
        shared: int,
        limit: int,
        streamer: DeltaStreamer,
        criteria: list[Any],
    ) -> Any:
        """Answer ``inputs`` from (a copy of) the kept cache cut back to its first
        ``shared`` tokens: only the rest of the prompt is read, no picture goes in.
        Returns the cache as the generation left it."""
        cache = copy.deepcopy(kept.cache)
        surplus = int(cache.get_seq_length()) - shared
        if surplus > 0:
            cache.crop(-surplus)  # transformers 5: the number of tokens to drop, negative
        at_least = self._settings.min_new_tokens
        self._run_from(inputs["input_ids"], cache, limit, at_least, streamer, criteria)
        return cache

    def _run_from(
        self,
        input_ids: Any,
        cache: Any,
        limit: int,
        at_least: int,
        streamer: DeltaStreamer,
        criteria: list[Any],
    ) -> None:
        """Generate after ``input_ids`` (all the tokens so far), of which ``cache`` has read
        the first ones: generate() reads only the rest."""
        import torch

        model_inputs = {
            "input_ids": input_ids,
            "attention_mask": torch.ones_like(input_ids),
            self._cache_arg: cache,
        }
        self._run(model_inputs, limit, at_least, streamer, criteria)

    def _run(
        self,
        model_inputs: dict[str, Any],
        limit: int,
        at_least: int,
        streamer: DeltaStreamer,
        criteria: list[Any],
    ) -> None:
        config = self._model.generation_config
        if self._plain_loop:
            decode_greedy(
                self._model,
                model_inputs,
                cache_arg=self._cache_arg,
                limit=limit,
                at_least=at_least,
                penalty=self._settings.repetition_penalty,
                ends=self._ends,
                streamer=streamer,
                criteria=criteria,
            )
            return
        self._model.generate(
            **model_inputs,
            max_new_tokens=limit,
            do_sample=False,
            repetition_penalty=self._settings.repetition_penalty,
            min_new_tokens=min(at_least, limit) or None,
            streamer=streamer,
            stopping_criteria=criteria,
            eos_token_id=config.eos_token_id,
            pad_token_id=config.pad_token_id,
        )

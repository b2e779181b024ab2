"""The local describer: a vision-language model running on this computer.

Speed decisions, measured in ``benchmarks/bench_engine.py``:

* One 512 x 512 view of the picture (64 image tokens for SmolVLM) instead of the
  processor's default of upscaling to 2048 px and cutting 13 tiles (832 tokens): about
  15-20 times less work before the first word, and it is the model's own global view.
* We scale the picture to 512 px ourselves (Pillow, in C) and tell the processor not to
  resize again.
* The vision encoder (about 85% of the time to the first word on a laptop CPU) runs once
  per picture: its features are remembered for the last few pictures
  (:mod:`~describe_app.core.describe.local.picture_features`), so a follow-up question or
  "describe in more detail" starts from them, and :meth:`VlmDescriber.prepare` encodes a
  picture - and may write the first sentence of its answer - before the user asks.
* Generation runs in the caller's thread (the model worker); a streamer decodes each new
  token and hands out text at once, and a stopping criterion checks the cancel flag
  between decoding steps. A hook before each layer of the vision encoder and of the
  language model checks it too, so a newer request waits for one layer (a few
  milliseconds), never for a whole picture (see
  :mod:`~describe_app.core.describe.local.generation_controls`).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from describe_app.core.describe.answer_limits import AnswerGuard
from describe_app.core.describe.describer import (
    DescribeRequest,
    GenerationSettings,
    GenerationStats,
    PreparedWork,
    TextSink,
)
from describe_app.core.describe.local.first_word_times import FirstWordTimes
from describe_app.core.describe.local.generation_controls import (
    CancelCriterion,
    CancelHooks,
    EitherFlag,
    SentenceEnd,
    StopFlag,
)
from describe_app.core.describe.local.model_calls import ModelCalls
from describe_app.core.describe.local.model_families import (
    native_side,
    processor_arguments,
    view_size,
)
from describe_app.core.describe.local.picture_features import (
    PICTURES_KEPT,
    AnswerStart,
    KeptPrompt,
    PictureMemory,
    picture_key,
)
from describe_app.core.describe.local.token_scores import LogitsTap, ScoredStreamer
from describe_app.core.describe.local.vlm_loader import LoadedVLM
from describe_app.core.describe.prompts import Detail, PromptSpec, build_messages
from describe_app.core.errors import Cancelled
from describe_app.core.pictures.images import Picture

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

#: A preparation writes at most this many tokens while looking for the first sentence's end.
WRITE_AHEAD_TOKENS = 48


class VlmDescriber:
    """Describes pictures with a loaded model. Not thread-safe: one worker calls it."""

    def __init__(
        self,
        loaded: LoadedVLM,
        settings: GenerationSettings | None = None,
        *,
        pictures_kept: int = PICTURES_KEPT,
        first_words: FirstWordTimes | None = None,
    ) -> None:
        self._loaded = loaded
        #: fresh first words are noted once warmed up (a one-shot command's cold run is not)
        self._first_words = first_words
        self._warm = False
        self._settings = settings or GenerationSettings()
        self._hooks = CancelHooks.of(loaded.model)
        self._tap = LogitsTap.of(loaded.model)  # each token's probability (confidence)
        self._memory = PictureMemory(pictures_kept)
        self._calls = ModelCalls(loaded, self._settings)
        self._keeps_prompts = loaded.family.reuses_prompt_cache and self._calls.takes_features

    @property
    def model_name(self) -> str:
        return self._loaded.name

    @property
    def loaded(self) -> LoadedVLM:
        return self._loaded

    @property
    def native_side(self) -> int:
        """The picture size the vision encoder was trained on (or a square within the
        family's visual token budget)."""
        return native_side(self._loaded.family, self._loaded.model.config)

    def forget_pictures(self) -> None:
        """Drop every remembered picture: the next request encodes its picture afresh."""
        self._memory.forget()

    def prepare_inputs(self, request: DescribeRequest) -> Any:
        """Prompt and picture as model tensors (on the model's device)."""
        return self._inputs(self._view(request.picture), self._prompt_text(request.prompt))

    def _view(self, picture: Picture) -> Image.Image:
        """The picture as the model sees it (SmolVLM: one square view at the encoder's
        side; see :mod:`~describe_app.core.describe.local.model_families`)."""
        from PIL import Image

        side = self._settings.image_side or self.native_side
        image = picture.image
        size = view_size(self._loaded.family, image.size, side)
        if size is not None and image.size != size:
            image = image.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)
        return image

    def _prompt_text(self, prompt: PromptSpec) -> str:
        text = self._loaded.processor.apply_chat_template(
            build_messages(prompt), add_generation_prompt=True
        )
        return str(text)

    def _inputs(self, view: Image.Image, prompt: str) -> Any:
        family = self._loaded.family
        inputs = self._loaded.processor(
            text=prompt,
            images=[[view]] if family.nested_images else [view],
            return_tensors="pt",
            **processor_arguments(family, max(view.size)),
        )
        return inputs.to(self._loaded.device)

    def _prefill_mode(self) -> None:
        self._set_threads(self._loaded.threads)

    def _decode_mode(self) -> None:
        self._set_threads(self._loaded.decode_threads)

    def _set_threads(self, n: int) -> None:
        if self._loaded.device != "cpu":
            return
        import torch

        if torch.get_num_threads() != n:
            torch.set_num_threads(n)

    def warm_up(self) -> float:
        """Run one tiny generation so the user's first request does not pay for kernel setup.

        Returns the seconds it took. The window calls this right after loading; a one-shot
        command line run does not (it would only add time).
        """
        from PIL import Image

        start = time.perf_counter()
        grey = Image.new("RGB", (self.native_side, self.native_side), (128, 128, 128))
        request = DescribeRequest(
            Picture(grey, "warm-up", grey.size), PromptSpec(), max_new_tokens=2
        )
        self._describe(request, lambda _text: None, threading.Event(), remember=False)
        self._warm = True
        return time.perf_counter() - start

    def max_new_tokens(self, request: DescribeRequest) -> int:
        if request.max_new_tokens:
            return request.max_new_tokens
        s = self._settings
        if request.prompt.question:
            return s.max_new_tokens_question
        return (
            s.max_new_tokens_high
            if request.prompt.detail is Detail.HIGH
            else s.max_new_tokens_brief
        )

    def describe(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        return self._describe(request, on_text, cancel, remember=True)

    def _describe(
        self,
        request: DescribeRequest,
        on_text: TextSink,
        cancel: threading.Event,
        *,
        remember: bool,
    ) -> GenerationStats:
        import torch

        start = time.perf_counter()
        if cancel.is_set():
            raise Cancelled
        remember = remember and request.remember
        view = self._view(request.picture)
        key, prompt = picture_key(view), self._prompt_text(request.prompt)
        inputs = self._inputs(view, prompt)
        preprocess = time.perf_counter() - start
        limit = self.max_new_tokens(request)
        guard = AnswerGuard(self._settings, limit, start)
        streamer = ScoredStreamer(
            self._loaded.processor.tokenizer,
            on_text,
            start,
            self._decode_mode,
            guard,
            tap=self._tap,
            on_confidence=request.on_confidence,
        )
        stop = CancelCriterion(cancel, guard)
        ahead = written = self._memory.answer_start(key, prompt)
        if ahead is not None and len(ahead.token_ids) > limit:  # written for a longer one
            ahead = self._first_tokens(ahead, limit) if limit > 0 else None
        features = self._memory.features(key) if self._calls.takes_features else None
        kept = self._memory.kept_prompt(key) if ahead is None and self._keeps_prompts else None
        shared = self._calls.shared_length(inputs, kept) if kept is not None else 0
        vision_seconds: float | None = None
        self._prefill_mode()
        self._hooks.cancel = cancel
        with torch.inference_mode():
            try:
                if ahead is not None:
                    log.debug("answer written ahead: %d tokens", len(ahead.token_ids))
                    cache = self._continue(inputs, ahead, limit, streamer, stop)
                elif kept is not None and shared:
                    log.debug("conversation kept: %d prompt tokens not read again", shared)
                    cache = self._calls.carry_on(inputs, kept, shared, limit, streamer, [stop])
                else:
                    if features is None and self._calls.takes_features:
                        vision_start = time.perf_counter()
                        features = self._calls.encode(inputs)
                        vision_seconds = time.perf_counter() - vision_start
                        if remember:
                            self._memory.keep_features(key, features)
                    elif features is not None:
                        log.debug("picture features remembered: no vision encoder call")
                    keep = remember and self._keeps_prompts
                    cache = self._calls.new_cache() if keep else None
                    self._calls.generate(inputs, features, limit, streamer, [stop], cache)
            finally:
                self._hooks.cancel = None
        total = time.perf_counter() - start
        if cancel.is_set():
            raise Cancelled
        log.debug("%d tokens in %.2f s", streamer.new_tokens, total)
        if remember and vision_seconds is not None:
            self._note_first_word(streamer.first_token_seconds)
        if remember and self._keeps_prompts:
            answer_ids = streamer.token_ids
            if cache is None and written is not None and written.cache is not None:
                # the first tokens of a longer answer written ahead: its cache reads on
                # past this answer's end (a follow-up reuses it up to where they part)
                cache, answer_ids = written.cache, written.token_ids
            if cache is not None:
                self._keep_prompt(key, inputs, answer_ids, cache)
        return GenerationStats(
            new_tokens=streamer.new_tokens,
            preprocess_seconds=preprocess,
            first_token_seconds=streamer.first_token_seconds,
            total_seconds=total,
            cancelled=False,
            token_seconds=tuple(streamer.token_seconds),
            stopped=guard.stopped,
            vision_seconds=vision_seconds,
            picture_cached=vision_seconds is None
            and (ahead is not None or shared > 0 or features is not None),
            prepared_tokens=len(ahead.token_ids) if ahead is not None else 0,
            prompt_tokens_kept=shared,
        )

    def _keep_prompt(self, key: str, inputs: Any, answer_ids: tuple[int, ...], cache: Any) -> None:
        """Keep the conversation's cache for a follow-up: what it has read is the prompt
        and the answer but its last token."""
        ids = inputs["input_ids"][0].tolist() + list(answer_ids)
        length = int(cache.get_seq_length())
        if 0 < length <= len(ids):
            self._memory.keep_prompt(KeptPrompt(key, tuple(ids[:length]), cache))

    def _note_first_word(self, seconds: float | None) -> None:
        """A fresh picture's first word, for the Models page (:mod:`.first_word_times`)."""
        if not self._warm or seconds is None:
            return
        if self._first_words is None:
            self._first_words = FirstWordTimes()
        self._first_words.record(self.model_name, self._loaded.device, seconds)

    def prepare(
        self,
        request: DescribeRequest,
        cancel: threading.Event,
        *,
        first_sentence: bool = True,
        after_vision: threading.Event | None = None,
    ) -> PreparedWork:
        """Encode the picture and remember its features; with ``first_sentence``, also write
        the answer to ``request.prompt`` up to the end of its first sentence (at most
        :data:`WRITE_AHEAD_TOKENS` tokens). Work already done is not done again."""
        import torch

        if cancel.is_set():
            raise Cancelled
        if not self._calls.takes_features:  # a model that cannot start from encoded pictures
            return PreparedWork(first_sentence=None, reused=True)
        view = self._view(request.picture)
        key, prompt = picture_key(view), self._prompt_text(request.prompt)
        features = self._memory.features(key)
        ahead = self._memory.answer_start(key, prompt)
        if features is not None and (ahead is not None or not first_sentence):
            said = ahead.first_sentence if ahead is not None else None
            return PreparedWork(first_sentence=said, reused=True)
        inputs = self._inputs(view, prompt)
        stop = cancel if after_vision is None else EitherFlag(cancel, after_vision)
        self._prefill_mode()
        self._hooks.cancel = cancel
        with torch.inference_mode():
            try:
                if features is None:
                    features = self._calls.encode(inputs)
                    self._memory.keep_features(key, features)
                if stop.is_set():
                    raise Cancelled
                if first_sentence:
                    self._hooks.cancel = stop
                    ahead = self._write_ahead(request, inputs, features, stop)
            finally:
                self._hooks.cancel = None
        if ahead is None:
            return PreparedWork(first_sentence=None, reused=False)
        self._memory.keep_answer_start(key, prompt, ahead)
        return PreparedWork(first_sentence=ahead.first_sentence, reused=False)

    def _continue(
        self,
        inputs: Any,
        ahead: AnswerStart,
        limit: int,
        streamer: ScoredStreamer,
        stop: CancelCriterion,
    ) -> Any:
        """Hand out the answer written ahead at once, then write the rest. Returns the
        key-value cache at the end (None: not known)."""
        streamer.resume(ahead.token_ids, ahead.text, ahead.spoken, ahead.logprobs)
        if ahead.finished or len(ahead.token_ids) >= limit:
            streamer.end()
            return ahead.cache
        self._decode_mode()
        return self._calls.go_on(inputs, ahead, limit, streamer, [stop])

    def _first_tokens(self, ahead: AnswerStart, limit: int) -> AnswerStart:
        """The first ``limit`` tokens of an answer written ahead for a longer request (the
        window's preparation writes for its usual length): greedy, so they are the tokens a
        fresh answer of that length would have, and nothing is left to write."""
        ids = ahead.token_ids[:limit]
        text = self._loaded.processor.tokenizer.decode(ids, skip_special_tokens=True)
        text = text.rstrip("\ufffd")  # a character cut in half waits for the final flush
        return dataclasses.replace(
            ahead,
            token_ids=ids,
            text=text,
            spoken=text.replace("\ufffd", ""),  # as the streamer hands text out
            first_sentence=None,
            cache=None,
            finished=self._calls.is_end(ids[-1]),
            logprobs=ahead.logprobs[:limit],
        )

    def _write_ahead(
        self, request: DescribeRequest, inputs: Any, features: Any, cancel: StopFlag
    ) -> AnswerStart | None:
        """The answer up to the end of its first sentence, and the model's cache there."""
        start = time.perf_counter()
        sentence = SentenceEnd()
        spoken: list[str] = []

        def on_text(piece: str) -> None:
            spoken.append(piece)
            sentence.feed(piece)

        limit = self.max_new_tokens(request)
        tokenizer = self._loaded.processor.tokenizer
        streamer = ScoredStreamer(
            tokenizer, on_text, start, self._decode_mode, final_flush=False, tap=self._tap
        )
        stop = CancelCriterion(cancel, AnswerGuard(self._settings, limit, start))
        cache = self._calls.new_cache()
        self._calls.generate(
            inputs, features, min(limit, WRITE_AHEAD_TOKENS), streamer, [stop, sentence], cache
        )
        if cancel.is_set():
            raise Cancelled
        ids = streamer.token_ids
        if not ids:
            return None
        return AnswerStart(
            token_ids=ids,
            text=streamer.text,
            spoken="".join(spoken),
            first_sentence=sentence.first_sentence,
            cache=cache,
            finished=self._calls.is_end(ids[-1]),
            logprobs=streamer.known_logprobs,
        )

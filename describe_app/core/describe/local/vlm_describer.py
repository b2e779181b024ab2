"""The local describer: a vision-language model running on this computer.

Speed decisions, measured in ``benchmarks/bench_engine.py``:

* One 512 x 512 view of the picture (64 image tokens for SmolVLM) instead of the
  processor's default of upscaling to 2048 px and cutting 13 tiles (832 tokens): about
  15-20 times less work before the first word, and it is the model's own global view.
* We scale the picture to 512 px ourselves (Pillow, in C) and tell the processor not to
  resize again.
* Generation runs in the caller's thread (the model worker); a streamer decodes each new
  token and hands out text at once, and a stopping criterion checks the cancel flag
  between decoding steps.
* Reading the picture and the prompt (the "prefill", about 0.8 s on a 2-core CPU) is one
  step of generation, so a stopping criterion cannot end it. A hook before each layer of
  the vision encoder and of the language model checks the cancel flag too, so a newer
  request never waits for a whole prefill: it waits for one layer (a few milliseconds).
  This matters when the parts of a picture are described in the background.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from describe_app.core.describe.answer_limits import AnswerGuard
from describe_app.core.describe.describer import (
    DescribeRequest,
    GenerationSettings,
    GenerationStats,
    TextSink,
)
from describe_app.core.describe.local.vlm_loader import LoadedVLM
from describe_app.core.describe.prompts import Detail, PromptSpec, build_messages
from describe_app.core.errors import Cancelled

log = logging.getLogger(__name__)


class VlmDescriber:
    """Describes pictures with a loaded model. Not thread-safe: one worker calls it."""

    def __init__(self, loaded: LoadedVLM, settings: GenerationSettings | None = None) -> None:
        self._loaded = loaded
        self._settings = settings or GenerationSettings()
        self._hooks = _CancelHooks.of(loaded.model)

    @property
    def model_name(self) -> str:
        return self._loaded.name

    @property
    def loaded(self) -> LoadedVLM:
        return self._loaded

    @property
    def native_side(self) -> int:
        """The picture size the vision encoder was trained on."""
        return int(self._loaded.model.config.vision_config.image_size)

    def prepare_inputs(self, request: DescribeRequest) -> Any:
        """Prompt and picture as model tensors (on the model's device)."""
        from PIL import Image

        processor = self._loaded.processor
        side = self._settings.image_side or self.native_side
        image = request.picture.image
        if image.size != (side, side):
            image = image.resize((side, side), Image.Resampling.BICUBIC, reducing_gap=2.0)
        prompt = processor.apply_chat_template(
            build_messages(request.prompt), add_generation_prompt=True
        )
        inputs = processor(
            text=prompt,
            images=[[image]],
            return_tensors="pt",
            do_image_splitting=False,
            do_resize=False,
            max_image_size={"longest_edge": side},
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

        from describe_app.core.pictures.images import Picture

        start = time.perf_counter()
        grey = Image.new("RGB", (self.native_side, self.native_side), (128, 128, 128))
        request = DescribeRequest(
            Picture(grey, "warm-up", grey.size), PromptSpec(), max_new_tokens=2
        )
        self.describe(request, lambda _text: None, threading.Event())
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
        import torch

        start = time.perf_counter()
        if cancel.is_set():
            raise Cancelled
        inputs = self.prepare_inputs(request)
        preprocess = time.perf_counter() - start
        guard = AnswerGuard(self._settings, self.max_new_tokens(request), start)
        streamer = _DeltaStreamer(
            self._loaded.processor.tokenizer, on_text, start, self._decode_mode, guard
        )
        stop = _CancelCriterion(cancel, guard)
        model = self._loaded.model
        eos = model.generation_config.eos_token_id
        self._prefill_mode()
        self._hooks.cancel = cancel
        with torch.inference_mode():
            try:
                self._generate(model, inputs, request, streamer, stop, eos)
            finally:
                self._hooks.cancel = None
        total = time.perf_counter() - start
        if cancel.is_set():
            raise Cancelled
        log.debug("%d tokens in %.2f s", streamer.new_tokens, total)
        return GenerationStats(
            new_tokens=streamer.new_tokens,
            preprocess_seconds=preprocess,
            first_token_seconds=streamer.first_token_seconds,
            total_seconds=total,
            cancelled=False,
            token_seconds=tuple(streamer.token_seconds),
            stopped=guard.stopped,
        )

    def _generate(
        self,
        model: Any,
        inputs: Any,
        request: DescribeRequest,
        streamer: _DeltaStreamer,
        stop: _CancelCriterion,
        eos: Any,
    ) -> None:
        model.generate(
            **inputs,
            max_new_tokens=self.max_new_tokens(request),
            do_sample=False,
            repetition_penalty=self._settings.repetition_penalty,
            min_new_tokens=self._settings.min_new_tokens or None,
            streamer=streamer,
            stopping_criteria=[stop],
            eos_token_id=eos,
            pad_token_id=model.generation_config.pad_token_id,
        )


class _CancelHooks:
    """A check of the cancel flag before each transformer layer (vision and language).

    Added once per model (describers made later for the same model share it). The layers
    are found by their class names (``...EncoderLayer``/``...DecoderLayer``), which every
    transformers architecture uses."""

    def __init__(self, model: Any) -> None:
        self.cancel: threading.Event | None = None  # the request in progress
        self.layers = 0
        for module in model.modules():
            if type(module).__name__.endswith(("EncoderLayer", "DecoderLayer")):
                module.register_forward_pre_hook(self._check)
                self.layers += 1

    @classmethod
    def of(cls, model: Any) -> _CancelHooks:
        hooks = getattr(model, "_describe_cancel_hooks", None)
        if not isinstance(hooks, cls):
            hooks = cls(model)
            model._describe_cancel_hooks = hooks
        return hooks

    def _check(self, _module: Any, _args: Any) -> None:
        cancel = self.cancel
        if cancel is not None and cancel.is_set():
            raise Cancelled


class _CancelCriterion:
    """A stopping criterion that ends generation once the cancel flag is set, or the answer
    reaches its deadline or length cap."""

    def __init__(self, cancel: threading.Event, guard: AnswerGuard) -> None:
        self._cancel = cancel
        self._guard = guard

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        stop = self._cancel.is_set() or self._guard.must_stop()
        return torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)


class _DeltaStreamer:
    """A transformers streamer that hands out each new piece of text as soon as it decodes.

    Unlike ``TextIteratorStreamer`` it does not wait for a space, and it needs no second
    thread. Partial UTF-8 characters (decoded as U+FFFD) are held back until complete.
    """

    def __init__(
        self,
        tokenizer: Any,
        on_text: TextSink,
        start: float,
        on_first_token: Callable[[], None] | None = None,
        guard: AnswerGuard | None = None,
    ) -> None:
        self._guard = guard
        self._tokenizer = tokenizer
        self._on_first_token = on_first_token
        self._on_text = on_text
        self._start = start
        self._prompt_seen = False
        self._ids: list[int] = []
        self._emitted = ""
        self.new_tokens = 0
        self.first_token_seconds: float | None = None
        self.token_seconds: list[float] = []

    def put(self, value: Any) -> None:
        if not self._prompt_seen:  # generate() first sends the prompt
            self._prompt_seen = True
            return
        ids = value.reshape(-1).tolist()
        now = time.perf_counter() - self._start
        if self.first_token_seconds is None:
            self.first_token_seconds = now
            if self._on_first_token is not None:
                self._on_first_token()  # the prompt is read: switch to decoding threads
        self.token_seconds.extend([now] * len(ids))
        self.new_tokens += len(ids)
        if self._guard is not None:
            self._guard.add_tokens(len(ids))
        self._ids.extend(ids)
        self._flush(final=False)

    def end(self) -> None:
        self._flush(final=True)

    def _flush(self, *, final: bool) -> None:
        text = self._tokenizer.decode(self._ids, skip_special_tokens=True)
        if not final and text.endswith("\ufffd"):
            return
        if text.startswith(self._emitted):
            delta = text[len(self._emitted) :]
        else:  # a tokenizer that rewrites earlier text (rare): send only what is new
            delta = text[len(self._emitted) :] if len(text) > len(self._emitted) else ""
        self._emitted = text
        delta = delta.replace("\ufffd", "")
        if self._guard is not None:
            delta = self._guard.admit(delta)
        if delta:
            self._on_text(delta)

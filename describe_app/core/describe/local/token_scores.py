"""The probability of each token the local model chose, as it streams.

:class:`LogitsTap` keeps the newest scores of the model's output layer (one forward hook,
added once per model, like the cancel hooks); :class:`ScoredStreamer` is the describer's
streamer that, for each token handed to it, reads that token's log-probability from them
and reports it (:data:`~describe_app.core.describe.confidence.ConfidenceSink`) before the
token's text goes out. So ``generate`` runs as before: no ``output_scores``, no
``return_dict_in_generate``, no logits processor, and the streamer keeps working.

The probability is the model's own (a softmax of its raw scores), before the repetition
penalty steers the choice: a token chosen only because the penalty pushed a likelier one
aside counts as the doubt it is. The hook copies one row of scores per step (the
vocabulary, about 49 000 numbers for SmolVLM) and the streamer one log-sum-exp over it:
tens of microseconds against tens of milliseconds per decoding step on a laptop CPU.
"""

from __future__ import annotations

import logging
from typing import Any

from describe_app.core.describe.confidence import ConfidenceSink
from describe_app.core.describe.local.generation_controls import DeltaStreamer, attach_once

log = logging.getLogger(__name__)


class LogitsTap:
    """The scores the output layer gave for the next token, at the newest step."""

    def __init__(self, model: Any) -> None:
        self.last: Any = None
        head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
        if head is not None:
            head.register_forward_hook(self._keep)
        else:
            log.info("this model has no output layer to read: no confidence figures")

    @classmethod
    def of(cls, model: Any) -> LogitsTap:
        return attach_once(model, "_describe_logits_tap", cls)

    def _keep(self, _module: Any, _args: Any, output: Any) -> None:
        import torch

        if isinstance(output, torch.Tensor) and output.dim() >= 2:
            last = output.reshape(-1, output.shape[-1])[-1]  # the last position of the last row
            self.last = last.detach().to(torch.float32, copy=True)  # not a view of the prefill

    def logprobs(self, token_ids: list[int]) -> list[float]:
        """The log-probabilities of ``token_ids`` under the newest scores ([] if unknown)."""
        import torch

        last = self.last
        if last is None or not token_ids or any(t >= last.shape[0] for t in token_ids):
            return []
        picked = last[torch.tensor(token_ids, device=last.device)]
        return (picked - torch.logsumexp(last, dim=0)).tolist()


class ScoredStreamer(DeltaStreamer):
    """A :class:`DeltaStreamer` that also reports each token's log-probability (before its
    text) and keeps them in :attr:`logprobs`, in step with :attr:`token_ids`."""

    def __init__(
        self,
        *args: Any,
        tap: LogitsTap,
        on_confidence: ConfidenceSink | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._tap = tap
        self._on_confidence = on_confidence
        self._prompt_passed = False
        self.logprobs: list[float] = []

    @property
    def known_logprobs(self) -> tuple[float, ...]:
        """The log-probabilities of all tokens so far; () if any is unknown."""
        return tuple(self.logprobs) if len(self.logprobs) == len(self.token_ids) else ()

    def resume(
        self, token_ids: tuple[int, ...], text: str, spoken: str, logprobs: tuple[float, ...] = ()
    ) -> None:
        """Start from an answer written ahead, with its tokens' log-probabilities."""
        self._report(list(logprobs))
        super().resume(token_ids, text, spoken)

    def put(self, value: Any) -> None:
        if self._prompt_passed:  # generate() first sends the prompt: no token of ours
            self._report(self._tap.logprobs(value.reshape(-1).tolist()))
        self._prompt_passed = True
        super().put(value)

    def _report(self, values: list[float]) -> None:
        if not values:
            return
        self.logprobs.extend(values)
        if self._on_confidence is not None:
            self._on_confidence(values)

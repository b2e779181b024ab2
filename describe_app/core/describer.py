"""The describer protocol: a picture and a prompt in, streamed text out.

Implementations: the local vision-language model (:mod:`describe_app.core.vlm_describer`);
later a remote server of the user's own. Callers never branch on which one they hold.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from describe_app.core.images import Picture
from describe_app.core.prompts import PromptSpec

#: Receives text as the model writes it (a few characters at a time).
TextSink = Callable[[str], None]


@dataclass(frozen=True)
class DescribeRequest:
    picture: Picture
    prompt: PromptSpec
    max_new_tokens: int | None = None  # None: the describer's default for the detail level


@dataclass(frozen=True)
class GenerationStats:
    """What a describer reports about one run (seconds from the call, not the request)."""

    new_tokens: int
    preprocess_seconds: float
    first_token_seconds: float | None
    total_seconds: float
    cancelled: bool
    token_seconds: tuple[float, ...] = ()  # when each new token arrived


class Describer(Protocol):
    """Anything that can describe a picture. One worker thread calls it at a time."""

    @property
    def model_name(self) -> str: ...

    def describe(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        """Stream the answer into ``on_text``; stop within one step once ``cancel`` is set."""
        ...

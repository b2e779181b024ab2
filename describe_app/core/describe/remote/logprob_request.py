"""Asking a server how sure its model was: ``logprobs`` in the request, while it allows it.

vLLM, llama.cpp's server, Ollama and OpenAI's chat models return each token's
log-probability when asked (``"logprobs": true``); ``transformers serve`` ignores the field,
and then no figure is kept and nothing is hedged. A few models refuse the request outright
(OpenAI's reasoning models: error 400, "logprobs is not supported with this model"): that
request is made again without the field, and this server is not asked again while the app
runs, so the field never costs the user an answer.
"""

from __future__ import annotations

import logging
from typing import Any

from describe_app.core.describe.remote.remote_errors import ServerHttpError

log = logging.getLogger(__name__)

#: The statuses a server refuses an unsupported field with.
_REFUSALS = (400, 422)


class LogprobRequest:
    """Whether to ask one server for log-probabilities: yes, until it refuses them once."""

    def __init__(self) -> None:
        self.asking = True

    def fields(self) -> dict[str, Any]:
        """What to add to a chat-completions request."""
        return {"logprobs": True} if self.asking else {}

    def refused(self, error: Exception) -> bool:
        """True if ``error`` is the server refusing the field (asked no more from now on)."""
        if not self.asking or not isinstance(error, ServerHttpError):
            return False
        if error.status not in _REFUSALS or "logprob" not in str(error).lower():
            return False
        log.info("the server refuses logprobs; asking again without them")
        self.asking = False
        return True

"""A server first, the local model when the server cannot be reached.

Only failures marked ``can_fall_back`` (unreachable, timed out) hand over, and only before
the server has said anything (a half-spoken answer is not repeated). The local model is
loaded on the first fallback. After a fallback the server is tried again once
``retry_after`` seconds have passed, so a server that is off does not cost a connection
attempt on every picture.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from describe_app.core.describe.describer import (
    Describer,
    DescribeRequest,
    GenerationStats,
    TextSink,
)
from describe_app.core.describe.remote.remote_errors import ServerError
from describe_app.core.i18n import N_, _

log = logging.getLogger(__name__)

#: Receives one sentence for the user when the local model takes over.
NoticeSink = Callable[[str], None]

FALLBACK_SENTENCE = N_("The model on this computer describes the picture instead.")


class FallbackDescriber:
    def __init__(
        self,
        remote: Describer,
        local_factory: Callable[[], Describer],
        *,
        on_fallback: NoticeSink | None = None,
        retry_after: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._remote = remote
        self._local_factory = local_factory
        self._local: Describer | None = None
        self._on_fallback = on_fallback
        self._retry_after = retry_after
        self._clock = clock
        self._local_until = float("-inf")
        self._using_local = False

    @property
    def model_name(self) -> str:
        if self._using_local and self._local is not None:
            return self._local.model_name
        return self._remote.model_name

    @property
    def remote(self) -> Describer:
        return self._remote

    @property
    def privacy_notice(self) -> str | None:
        notice = getattr(self._remote, "privacy_notice", None)
        return notice if isinstance(notice, str) else None

    def describe(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        if self._clock() < self._local_until:
            return self._describe_locally(request, on_text, cancel)
        said_something = False

        def passing_on(text: str) -> None:
            nonlocal said_something
            said_something = True
            on_text(text)

        try:
            stats = self._remote.describe(request, passing_on, cancel)
        except ServerError as exc:
            if not exc.can_fall_back or said_something:
                raise
            log.info("server failed (%s); falling back to the local model", exc)
            self._local_until = self._clock() + self._retry_after
            if self._on_fallback is not None:
                self._on_fallback(f"{exc} {_(FALLBACK_SENTENCE)}")
            return self._describe_locally(request, on_text, cancel)
        self._using_local = False
        return stats

    def close(self) -> None:
        for describer in (self._remote, self._local):
            close = getattr(describer, "close", None)
            if callable(close):
                close()

    def _describe_locally(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        if self._local is None:
            self._local = self._local_factory()
        self._using_local = True
        return self._local.describe(request, on_text, cancel)

"""One streamed chat-completions request, on its own thread, and its failures as sentences.

:class:`Exchange` runs the HTTP request on a short-lived daemon thread: it parses the
server-sent events as they arrive and passes each chunk (or one ``ServerError``, or
``None`` at the end) through a queue. :meth:`Exchange.abort`, from any thread, shuts the
connection down at the socket, so a read blocked on a slow server returns at once and the
server sees the client leave (``transformers serve``, vLLM and llama.cpp then stop
generating). Every request has its own connection, so there is always exactly one to close.

:func:`http_error` and :func:`transport_error` turn an error status or an exception into
one sentence for the user, with the server's own words where it gave some.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import re
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from describe_app.core.describe.remote.openai_stream import (
    Chunk,
    SseParser,
    StreamFormatError,
    StreamReportedError,
    error_message,
    read_chunk,
    read_completion,
)
from describe_app.core.describe.remote.remote_errors import (
    ImagesNotSupportedError,
    ServerAuthError,
    ServerDisconnectedError,
    ServerError,
    ServerHttpError,
    ServerSetupError,
    ServerStreamError,
    ServerTimeoutError,
    ServerUnreachableError,
)
from describe_app.core.i18n import _

if TYPE_CHECKING:
    import httpx2

log = logging.getLogger(__name__)

#: How much of an error body we read.
MAX_ERROR_BODY = 64 * 1024
#: How much of a whole (non-streamed) JSON answer we accept.
MAX_JSON_BODY = 8 * 1024 * 1024

_IMAGE_WORDS = re.compile(r"image|vision|multi-?modal|mmproj|picture", re.IGNORECASE)
_REFUSAL_WORDS = re.compile(
    r"\bnot\b|\bonly\b|unsupported|cannot|can't|doesn't|does not|n't support", re.IGNORECASE
)


#: What the exchange thread hands the waiting thread: a chunk, an error, or None (the end).
_Item = Chunk | ServerError | None


@dataclass(frozen=True)
class ErrorContext:
    host: str
    model: str
    timeout: float
    connect_timeout: float


class Exchange:
    """One streamed request on its own daemon thread; :meth:`abort` ends it from any thread."""

    def __init__(
        self,
        client: httpx2.Client,
        url: str,
        payload: bytes,
        headers: dict[str, str],
        context: ErrorContext,
    ) -> None:
        self.items: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._client = client
        self._url = url
        self._payload = payload
        self._headers = headers
        self._context = context
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._aborted = False
        self.malformed = 0  # events skipped because they could not be read
        self._first_malformed: StreamFormatError | None = None
        self._good_events = 0
        self._thread = threading.Thread(target=self._run, name="remote-describe", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def abort(self) -> None:
        """Stop now: shut the connection down so that a blocked read returns at once."""
        with self._lock:
            self._aborted = True
            sock, self._socket = self._socket, None
        if sock is not None:
            _shut_down(sock)

    def _trace(self, name: str, info: dict[str, Any]) -> None:
        if name != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            if not self._aborted:
                self._socket = sock
                return
        _shut_down(sock)  # cancelled while connecting

    def _run(self) -> None:
        try:
            self._exchange()
        except Exception as exc:
            if self._aborted:
                log.debug("exchange ended after abort: %r", exc)
                return
            error = exc if isinstance(exc, ServerError) else transport_error(exc, self._context)
            if not isinstance(exc, ServerError):
                log.debug("exchange failed", exc_info=True)
            self.items.put(error)
        finally:
            with self._lock:
                self._socket = None  # httpx closes it; never shut a reused descriptor
            if self.malformed and self._good_events:  # none good: the error says it
                host = self._context.host
                log.warning("skipped %d malformed events from %s", self.malformed, host)

    def _exchange(self) -> None:
        with self._client.stream(
            "POST",
            self._url,
            content=self._payload,
            headers=self._headers,
            extensions={"trace": self._trace},
        ) as response:
            if response.status_code >= 400:
                body = _read_some(response.iter_bytes(), MAX_ERROR_BODY)
                raise http_error(response.status_code, body, self._context)
            if 300 <= response.status_code < 400:
                raise redirect_error(response.headers.get("location", ""), self._context)
            content_type = response.headers.get("content-type", "")
            if "text/event-stream" not in content_type:
                self._whole_answer(_read_some(response.iter_bytes(), MAX_JSON_BODY))
                return
            parser = SseParser()
            seen_chunk = False
            for piece in response.iter_bytes():
                for event in parser.feed(piece):
                    seen_chunk = True
                    if self._event(event.data):
                        return
            cut_off = parser.finish()
            if self._first_malformed is not None and not self._good_events:
                raise self._first_malformed  # nothing readable at all: not our kind of stream
            if not seen_chunk and not cut_off:
                raise StreamFormatError(_("the stream ended without any event"))
            # Every server marks the end (finish_reason or [DONE]): without it, the answer
            # was cut off.
            raise _broke_off(self._context.host)

    def _event(self, data: str) -> bool:
        """Pass one event on; True when it was the last. A malformed event among good ones
        is skipped and counted (an error event still ends the answer)."""
        try:
            chunk = read_chunk(data)
        except StreamFormatError as exc:
            self.malformed += 1
            self._first_malformed = self._first_malformed or exc
            log.debug("skipped a malformed event from %s (%s)", self._context.host, exc)
            return False
        self._good_events += 1
        if chunk.text or chunk.model or chunk.completion_tokens is not None:
            self.items.put(chunk)
        if chunk.done:
            self.items.put(None)
        return chunk.done

    def _whole_answer(self, body: bytes) -> None:
        chunk = read_completion(body)
        self.items.put(chunk)
        self.items.put(None)


def _read_some(pieces: Any, limit: int) -> bytes:
    out = bytearray()
    for piece in pieces:
        out += piece
        if len(out) >= limit:
            break
    return bytes(out[:limit])


def _shut_down(sock: socket.socket) -> None:
    # socket.socket.shutdown, not SSLSocket.shutdown: it acts on the descriptor without
    # touching the TLS state another thread may be reading through.
    with contextlib.suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


# --- errors as sentences ----------------------------------------------------------------------


def http_error(status: int, body: bytes, context: ErrorContext) -> ServerError:
    message = error_message(body)
    host = context.host
    if message and _IMAGE_WORDS.search(message) and _REFUSAL_WORDS.search(message):
        return _images_error(message, context)
    if status in (401, 403):
        refused = _("The server at {host} refused the request (error {status})")
        return ServerAuthError(
            _sentence(refused.format(host=host, status=status), message)
            + " "
            + _("Check the API key."),
            status,
        )
    if status == 404:
        answered = _("The server at {host} answered error {status}").format(host=host, status=404)
        return ServerHttpError(
            _sentence(answered, message or _("not found"))
            + " "
            + _("Check the address and the model name."),
            status,
        )
    answered = _("The server at {host} answered error {status}").format(host=host, status=status)
    if status in (429, 503):
        # "Too many requests" and "unavailable" (a shared server, or one still loading its
        # model) pass by themselves: say what to do, not just a number.
        return ServerHttpError(
            _sentence(answered, message) + " " + _("The server is busy; try again in a moment."),
            status,
        )
    return ServerHttpError(_sentence(answered, message), status)


def redirect_error(location: str, context: ErrorContext) -> ServerSetupError:
    """A 3xx answer. Redirects are not followed: the picture would go to an address the
    user never chose (often http -> https, or a login page). Say where the server points,
    as scheme and host only: the rest of a URL is noise read aloud."""
    from urllib.parse import urlsplit

    from describe_app.core.describe.remote.server_address import redact_address

    try:
        parts = urlsplit(location.strip())
        target = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    except ValueError:
        target = ""
    target = redact_address(target)[:100]
    if target:
        return ServerSetupError(
            _(
                "The server at {host} sends requests on to {address}; use that address instead."
            ).format(host=context.host, address=target)
        )
    return ServerSetupError(
        _("The server at {host} sends requests on to another address; check the address.").format(
            host=context.host
        )
    )


def _images_error(message: str, context: ErrorContext) -> ImagesNotSupportedError:
    reason = message.rstrip(".")
    if context.model:
        text = _(
            "The model {model} does not accept pictures ({reason}); choose a vision model."
        ).format(model=context.model, reason=reason)
    else:
        text = _(
            "The model on the server does not accept pictures ({reason}); choose a vision model."
        ).format(reason=reason)
    return ImagesNotSupportedError(text)


def _broke_off(host: str) -> ServerDisconnectedError:
    return ServerDisconnectedError(
        _("The connection to the server at {host} broke before the answer was complete.").format(
            host=host
        )
    )


def transport_error(exc: BaseException, context: ErrorContext) -> ServerError:
    import httpx2

    host = context.host
    if isinstance(exc, ServerError):
        return exc
    if isinstance(exc, StreamReportedError):
        message = str(exc)
        if _IMAGE_WORDS.search(message) and _REFUSAL_WORDS.search(message):
            return _images_error(message, context)
        failed = _("The server at {host} failed while answering").format(host=host)
        return ServerError(_sentence(failed, message))
    if isinstance(exc, StreamFormatError):
        return ServerStreamError(
            _(
                "The answer from {host} is not a chat-completions stream Describe can read "
                "({reason})."
            ).format(host=host, reason=exc)
        )
    if isinstance(exc, httpx2.ConnectTimeout):
        return ServerUnreachableError(
            _(
                "The server at {host} did not accept a connection within {seconds} seconds; "
                "is it on and reachable?"
            ).format(host=host, seconds=f"{context.connect_timeout:g}")
        )
    if isinstance(exc, httpx2.TimeoutException):
        return timeout_error(host, context.timeout)
    if isinstance(exc, httpx2.ConnectError):
        reason = str(exc)
        lowered = reason.lower()
        if "refused" in lowered:
            return ServerUnreachableError(
                _(
                    "Describe could not connect to the server at {host}: the connection was "
                    "refused; is the server running?"
                ).format(host=host)
            )
        if "wrong version number" in lowered or "wrong_version_number" in lowered:
            # https to a server that speaks plain http: OpenSSL's words mean nothing here.
            return ServerSetupError(
                _(
                    "The server at {host} does not answer over https; if it is on your "
                    "private network, try its http:// address."
                ).format(host=host)
            )
        if "certificate" in lowered:
            return ServerSetupError(
                _(
                    "The server at {host} has a certificate this computer does not trust, so "
                    "Describe did not connect."
                ).format(host=host)
            )
        if any(w in lowered for w in ("name or service", "nodename", "getaddrinfo", "no address")):
            return ServerUnreachableError(
                _("Describe could not find the server {host}; check its name.").format(host=host)
            )
        could_not = _("Describe could not connect to the server at {host}").format(host=host)
        return ServerUnreachableError(_sentence(could_not, reason))
    if isinstance(exc, httpx2.RemoteProtocolError | httpx2.ReadError | httpx2.WriteError):
        return _broke_off(host)
    if isinstance(exc, httpx2.UnsupportedProtocol | httpx2.InvalidURL):
        return ServerSetupError(
            _("The server address for {host} is not usable ({reason}).").format(
                host=host, reason=exc
            )
        )
    log.info("unexpected failure talking to %s", host, exc_info=exc)
    return ServerError(
        _("Talking to the server at {host} failed ({reason}).").format(
            host=host, reason=f"{type(exc).__name__}: {exc}"
        )
    )


def timeout_error(host: str, seconds: float) -> ServerTimeoutError:
    """The server sent nothing for ``seconds`` (the time limit for the next piece)."""
    return ServerTimeoutError(
        _(
            "The server at {host} sent nothing for {seconds} seconds, so Describe stopped waiting."
        ).format(host=host, seconds=f"{seconds:g}")
    )


def _sentence(prefix: str, detail: str) -> str:
    """``prefix`` (a translated sentence without its full stop) and the server's own words."""
    detail = detail.strip().rstrip(".")
    if not detail:
        return prefix + "."
    # {what}: one of our sentences; {detail}: the server's own words (often English).
    return _("{what}: {detail}.").format(what=prefix, detail=detail)

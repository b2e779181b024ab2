"""Reading an OpenAI-compatible chat-completions answer: server-sent events, piece by piece.

:class:`SseParser` turns bytes, in whatever pieces the network delivers them, into events
(``data:`` lines; comments, ``\\r\\n`` and ``\\r`` line ends and multi-line data handled).
:func:`read_chunk` turns one event's data into the text it adds. :func:`error_message`
pulls the server's own error sentence out of an error body, whichever server wrote it:
FastAPI (``{"detail": ...}``), OpenAI, vLLM and llama.cpp (``{"error": {"message": ...}}``),
Ollama (``{"error": "..."}``).
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from typing import Any

from describe_app.core.i18n import _

#: A line longer than this is not a chat-completions stream (a chunk is a few hundred bytes).
MAX_LINE_CHARS = 1_000_000
#: How much of the server's error message we repeat to the user.
MAX_ERROR_CHARS = 200

_LINE_END = re.compile(r"\r\n|\r|\n")


class StreamFormatError(ValueError):
    """The bytes are not a chat-completions event stream."""


class StreamReportedError(Exception):
    """The stream carried an error event; ``str()`` is the server's message."""


@dataclass(frozen=True)
class SseEvent:
    data: str
    event: str = ""


class SseParser:
    """An incremental server-sent-events parser (the WHATWG rules we need)."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._data: list[str] = []
        self._event = ""

    def feed(self, chunk: bytes) -> list[SseEvent]:
        """The events completed by ``chunk``."""
        self._buffer += self._decoder.decode(chunk)
        events: list[SseEvent] = []
        start = 0
        buffer = self._buffer
        while True:
            match = _LINE_END.search(buffer, start)
            if match is None:
                break
            if match.group() == "\r" and match.end() == len(buffer):
                break  # maybe the first half of "\r\n": wait for the next piece
            event = self._line(buffer[start : match.start()])
            if event is not None:
                events.append(event)
            start = match.end()
        self._buffer = buffer[start:]
        if len(self._buffer) > MAX_LINE_CHARS:
            raise StreamFormatError(_("a line of the stream is too long"))
        return events

    def finish(self) -> bool:
        """The end of the stream. An event without its closing blank line is dropped (as the
        standard says); returns True if there was one, i.e. the stream was cut off."""
        rest = self._buffer + self._decoder.decode(b"", final=True)
        cut = bool(rest.strip()) or bool(self._data)
        self._buffer = ""
        self._data = []
        self._event = ""
        return cut

    def _line(self, line: str) -> SseEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # a comment (keep-alive)
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        return None

    def _dispatch(self) -> SseEvent | None:
        if not self._data:
            self._event = ""
            return None
        event = SseEvent("\n".join(self._data), self._event)
        self._data = []
        self._event = ""
        return event


@dataclass(frozen=True)
class Chunk:
    """What one streamed chunk says."""

    text: str = ""
    done: bool = False  # "[DONE]", or a finish_reason
    finish_reason: str | None = None
    model: str | None = None
    completion_tokens: int | None = None
    logprobs: tuple[float, ...] = ()  # of this chunk's tokens, when the server sent them


def read_chunk(data: str) -> Chunk:
    """Interpret one event's data. Raises StreamFormatError or StreamReportedError."""
    if data.strip() == "[DONE]":
        return Chunk(done=True)
    try:
        obj = json.loads(data)
    except ValueError:
        raise StreamFormatError(
            _("an event is not JSON: {data}").format(data=repr(_clip(data)))
        ) from None
    if not isinstance(obj, dict):
        raise StreamFormatError(_("an event is not a JSON object"))
    if "error" in obj:
        # Clipped like an error body's message: a server can put megabytes in it.
        raise StreamReportedError(_clip(_message_from(obj)) or _("unknown error"))
    choices = obj.get("choices")
    if not isinstance(choices, list):
        raise StreamFormatError(_("an event has no 'choices'"))
    model = obj.get("model") if isinstance(obj.get("model"), str) else None
    tokens = _completion_tokens(obj.get("usage"))
    if not choices:  # OpenAI's last chunk with usage only
        return Chunk(model=model, completion_tokens=tokens)
    choice = choices[0]
    if not isinstance(choice, dict):
        raise StreamFormatError(_("a choice is not a JSON object"))
    delta = choice.get("delta")
    if delta is None and isinstance(choice.get("message"), dict):
        delta = choice["message"]  # a server that sent a whole message as one chunk
    if not isinstance(delta, dict):
        raise StreamFormatError(_("a choice has no 'delta'"))
    content = delta.get("content")
    if content is not None and not isinstance(content, str):
        raise StreamFormatError(_("a delta's content is not text"))
    finish = choice.get("finish_reason")
    finish = finish if isinstance(finish, str) and finish else None
    return Chunk(
        text=content or "",
        done=finish is not None,
        finish_reason=finish,
        model=model,
        completion_tokens=tokens,
        logprobs=_logprobs(choice.get("logprobs")),
    )


def _logprobs(data: Any) -> tuple[float, ...]:
    """The tokens' log-probabilities (OpenAI's ``{"content": [{"logprob": -0.1}, ...]}``,
    as vLLM and llama.cpp send them too); () for anything else: they are optional."""
    content = data.get("content") if isinstance(data, dict) else None
    if not isinstance(content, list):
        return ()
    values = [item.get("logprob") if isinstance(item, dict) else None for item in content]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return ()
    return tuple(min(0.0, float(v)) for v in values if v is not None)


def read_completion(body: bytes) -> Chunk:
    """A whole (non-streamed) chat completion, from a server that ignored ``stream``."""
    try:
        obj = json.loads(body)
    except ValueError:
        raise StreamFormatError(_("the answer is neither an event stream nor JSON")) from None
    if not isinstance(obj, dict):
        raise StreamFormatError(_("the answer is not a JSON object"))
    if "error" in obj:
        raise StreamReportedError(_clip(_message_from(obj)) or _("unknown error"))
    return read_chunk(json.dumps(obj))


def error_message(body: bytes) -> str:
    """The server's own words from an error response body ("" when it gave none we can use)."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        obj = json.loads(text)
    except ValueError:
        obj = None
    if isinstance(obj, dict):
        return _clip(_message_from(obj))
    if isinstance(obj, str):
        return _clip(obj)
    if text.startswith("<"):  # an HTML error page: nothing worth reading aloud
        return ""
    if text.startswith(("{", "[")):
        # JSON we cannot read (cut off at MAX_ERROR_BODY, or broken): its raw first line
        # would be read out as braces, quotes and "\u001b" escapes, not as words.
        return ""
    return _clip(text.splitlines()[0] if text else "")


def _message_from(obj: dict[str, Any]) -> str:
    for key in ("error", "detail", "message"):
        value = obj.get(key)
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            inner = value.get("message") or value.get("detail") or value.get("msg")
            if isinstance(inner, str):
                return inner
        if isinstance(value, list) and value:  # FastAPI validation errors
            first = value[0]
            if isinstance(first, dict) and isinstance(first.get("msg"), str):
                return first["msg"]
            return str(first)
    return ""


def _completion_tokens(usage: Any) -> int | None:
    if isinstance(usage, dict) and isinstance(usage.get("completion_tokens"), int):
        return int(usage["completion_tokens"])
    return None


def _clip(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_ERROR_CHARS:
        return text
    return text[: MAX_ERROR_CHARS - 3].rstrip() + "..."

"""How sure a server's model was: asked for with ``logprobs``, read from the stream, and
"Possibly" where it was unsure; a server without them, or refusing them, still answers."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.pipeline import run_request
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.describe.remote.openai_stream import read_chunk
from describe_app.core.describe.remote.remote_describer import RemoteDescriber, RemoteOptions
from describe_app.core.pictures.images import Picture
from tests.server_fixtures import LocalServer, QuietHandler, sse

pytestmark = pytest.mark.slow  # each test talks to a local HTTP server

#: The answer, token by token, with each token's probability.
TOKENS = [
    ("A", 0.9),
    (" red", 0.9),
    (" mug", 0.9),
    (".", 0.99),
    (" A", 0.1),
    (" unicorn", 0.1),
    (".", 0.99),
]
REFUSAL = b'{"error": {"message": "logprobs is not supported with this model.", "type": "x"}}'


class LogprobServer:
    """Streams :data:`TOKENS`, one chunk each; ``mode``: ``logprobs`` (with them when asked),
    ``plain`` (never), ``refuse`` (error 400 to a request that asks for them)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.requests: list[dict[str, Any]] = []
        self._http = LocalServer(self._handler())
        self.url = self._http.url

    def close(self) -> None:
        self._http.close()

    def _handler(self) -> type[QuietHandler]:
        server = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = json.loads(self.read_body())
                server.requests.append(body)
                if server.mode == "refuse" and "logprobs" in body:
                    self.send_body(400, REFUSAL)
                    return
                self.start_stream()
                for text, p in TOKENS:
                    choice: dict[str, Any] = {"index": 0, "delta": {"content": text}}
                    if server.mode == "logprobs" and body.get("logprobs"):
                        entry = {"token": text, "logprob": math.log(p), "top_logprobs": []}
                        choice["logprobs"] = {"content": [entry]}
                    self.wfile.write(sse({"model": "stub", "choices": [choice]}))
                self.wfile.write(b"data: [DONE]\n\n")

        return Handler


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[LogprobServer] = []

    def start(mode: str) -> LogprobServer:
        servers.append(LogprobServer(mode))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def describe(server: LogprobServer, describer: RemoteDescriber | None = None) -> Any:
    describer = describer or RemoteDescriber(server.url, options=RemoteOptions(timeout=5.0))
    image = Image.new("RGB", (64, 64), (200, 40, 40))
    said: list[str] = []
    result = run_request(
        describer,
        DescribeRequest(Picture(image, "red.png", image.size), PromptSpec()),
        on_sentence=lambda sentence, _index: said.append(sentence),
        check=False,
    )
    return said, result


def test_known_logprobs_give_known_hedges(serve: Any) -> None:
    server = serve("logprobs")
    said, result = describe(server)
    assert server.requests[0]["logprobs"] is True
    assert said == ["A red mug.", "Possibly: A unicorn."]
    assert result.text == "A red mug. A unicorn."
    assert result.confidence.sentences == pytest.approx((0.9, 0.1))


def test_a_server_without_logprobs_gives_no_hedge_and_no_figure(serve: Any) -> None:
    said, result = describe(serve("plain"))
    assert said == ["A red mug.", "A unicorn."]
    assert result.confidence is None


def test_a_server_that_refuses_logprobs_still_answers_and_is_not_asked_again(
    serve: Any,
) -> None:
    server = serve("refuse")
    describer = RemoteDescriber(server.url, options=RemoteOptions(timeout=5.0))
    said, result = describe(server, describer)
    assert said == ["A red mug.", "A unicorn."] and result.confidence is None
    describe(server, describer)
    assert ["logprobs" in r for r in server.requests] == [True, False, False]


def test_odd_logprobs_are_ignored_not_fatal() -> None:
    for odd in ({"content": None}, {"content": [{"logprob": "high"}]}, [1, 2], None):
        data = {"choices": [{"delta": {"content": "A cat."}, "logprobs": odd}]}
        chunk = read_chunk(json.dumps(data))
        assert chunk.text == "A cat." and chunk.logprobs == ()

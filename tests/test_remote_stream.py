"""The pieces of the remote describer that need no server: stream parsing, messages, errors."""

from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image

from describe_app.core.describe.prompts import BRIEF_PROMPT, PromptSpec, Turn, build_messages
from describe_app.core.describe.remote.openai_messages import picture_data_url, to_openai_messages
from describe_app.core.describe.remote.openai_stream import (
    SseEvent,
    SseParser,
    StreamFormatError,
    StreamReportedError,
    error_message,
    read_chunk,
    read_completion,
)

STREAM = (
    b": keep-alive comment\r\n"
    b'data: {"choices": [{"delta": {"role": "assistant"}}]}\r\n\r\n'
    b'data: {"model": "m", "choices": [{"delta": {"content": "Caf\xc3\xa9 "}}]}\n\n'
    b"event: message\n"
    b'data: {"choices": [{"delta":\n'
    b'data:  {"content": "is open."}}]}\r\r'
    b'data: {"choices": [{"delta": {}, "finish_reason": "stop"}],'
    b' "usage": {"completion_tokens": 4}}\n\n'
    b"data: [DONE]\n\n"
)


def parse_in_pieces(data: bytes, size: int) -> list[SseEvent]:
    parser = SseParser()
    events: list[SseEvent] = []
    for i in range(0, len(data), size):
        events += parser.feed(data[i : i + size])
    assert parser.finish() is False
    return events


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, len(STREAM)])
def test_events_are_the_same_however_the_bytes_are_cut(size: int) -> None:
    events = parse_in_pieces(STREAM, size)
    assert len(events) == 5
    assert events[2] == SseEvent('{"choices": [{"delta":\n {"content": "is open."}}]}', "message")
    chunks = [read_chunk(e.data) for e in events]
    assert "".join(c.text for c in chunks) == "Café is open."
    assert chunks[1].model == "m"
    assert chunks[3].done and chunks[3].finish_reason == "stop"
    assert chunks[3].completion_tokens == 4
    assert chunks[4].done


def test_a_stream_cut_mid_event_is_reported() -> None:
    parser = SseParser()
    assert parser.feed(b'data: {"choices": [{"delta": {"content": "Cut') == []
    assert parser.finish() is True


def test_a_line_without_end_is_refused_when_too_long() -> None:
    parser = SseParser()
    with pytest.raises(StreamFormatError, match="too long"):
        parser.feed(b"data: " + b"x" * 1_000_001)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"id": "x"}', "no 'choices'"),
        ('{"choices": [{"index": 0}]}', "no 'delta'"),
        ('{"choices": [{"delta": {"content": 5}}]}', "not text"),
    ],
)
def test_malformed_chunks_are_refused(data: str, problem: str) -> None:
    with pytest.raises(StreamFormatError, match=problem):
        read_chunk(data)


@pytest.mark.parametrize(
    "data",
    [
        '{"error": "CUDA out of memory"}',
        '{"error": {"message": "CUDA out of memory", "code": 500}}',
    ],
)
def test_error_events_carry_the_servers_message(data: str) -> None:
    with pytest.raises(StreamReportedError, match=r"^CUDA out of memory$"):
        read_chunk(data)


def test_a_whole_completion_is_read_too() -> None:
    body = {"model": "m", "choices": [{"message": {"content": "Hi."}, "finish_reason": "stop"}]}
    chunk = read_completion(json.dumps(body).encode())
    assert (chunk.text, chunk.done) == ("Hi.", True)
    with pytest.raises(StreamFormatError):
        read_completion(b"<html>")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{\"detail\": \"Server is pinned to '/m'; requested 'x'.\"}", "Server is pinned"),
        (b'{"error": {"message": "Invalid API key", "type": "auth"}}', "Invalid API key"),
        (b'{"error": "model \\"llava\\" not found"}', 'model "llava" not found'),
        (b'{"detail": [{"loc": ["body"], "msg": "field required"}]}', "field required"),
        (b"upstream connect error\nmore", "upstream connect error"),
        (b"<html><h1>502 Bad Gateway</h1></html>", ""),
        (b"", ""),
    ],
)
def test_error_bodies_of_every_server_kind(body: bytes, message: str) -> None:
    assert error_message(body).startswith(message)


def test_long_error_messages_are_clipped() -> None:
    text = error_message(json.dumps({"error": "word " * 200}).encode())
    assert len(text) <= 200
    assert text.endswith("...")


def test_messages_keep_the_prompt_and_history_with_the_picture_first() -> None:
    spec = PromptSpec(question="Is it full", history=(Turn("Describe it.", "A red mug."),))
    messages = to_openai_messages(build_messages(spec), "data:image/jpeg;base64,AAAA")
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    first = messages[0]["content"]
    assert first[0] == {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,AAAA"}}
    assert first[1] == {"type": "text", "text": "Describe it."}
    assert messages[1]["content"] == "A red mug."
    assert messages[2]["content"] == [
        {"type": "text", "text": "Is it full? Answer briefly and plainly."}
    ]


def test_the_first_request_has_the_describe_prompt() -> None:
    messages = to_openai_messages(build_messages(PromptSpec()), "data:x")
    assert messages == [
        {
            "role": "user",
            "content": [
                {"type": "image_url", "image_url": {"url": "data:x"}},
                {"type": "text", "text": BRIEF_PROMPT},
            ],
        }
    ]


def test_pictures_are_sent_as_jpeg_no_larger_than_asked() -> None:
    big = Image.new("RGBA", (3000, 1500), (200, 10, 10, 255))
    url = picture_data_url(big, max_side=1024)
    assert url.startswith("data:image/jpeg;base64,")
    decoded = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert decoded.format == "JPEG"
    assert decoded.size == (1024, 512)
    small = Image.new("RGB", (300, 200))
    decoded = Image.open(io.BytesIO(base64.b64decode(picture_data_url(small).split(",", 1)[1])))
    assert decoded.size == (300, 200)  # never enlarged


def test_the_connection_sentence_lists_models_briefly() -> None:
    from describe_app.core.describe.remote.remote_describer import ConnectionCheck

    one = ConnectionCheck("gpu:8000", ("/srv/models/SmolVLM-500M",), 0.0412)
    assert (
        one.sentence
        == "The server at gpu:8000 answered in 0.04 s and offers 1 model: SmolVLM-500M."
    )
    many = ConnectionCheck("gpu:8000", tuple(f"m{i}" for i in range(7)), 0.2, wanted_model="qwen")
    assert many.sentence == (
        "The server at gpu:8000 answered in 0.20 s and offers 7 models: m0, m1, m2, m3 and "
        "3 more, but not qwen."
    )
    assert (
        ConnectionCheck("h", (), 1.0).sentence
        == "The server at h answered in 1.00 s and lists no models."
    )

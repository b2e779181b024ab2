"""Streams that cannot hang or lose words: every word that arrived is said, then one line.

In-process fake servers (a thread, no model) that cut an answer mid-sentence, stream
forever, send one enormous piece, stall, or mix malformed lines among good ones; a fake
describer that fails mid-answer; and the tiny random model (which never stops by itself)
for the local engine's deadline and cap.
"""

from __future__ import annotations

import argparse
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from describe_app.core.describe.answer_limits import AnswerCutOffError
from describe_app.core.describe.describer import (
    AnswerLimit,
    DescribeRequest,
    GenerationSettings,
    GenerationStats,
    TextSink,
)
from describe_app.core.describe.pipeline import DescriptionResult, run_request
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.describe.remote.remote_describer import RemoteDescriber, RemoteOptions
from describe_app.core.describe.remote.remote_errors import ServerTimeoutError
from describe_app.core.errors import DescribeError, ModelLoadError
from describe_app.core.pictures.images import Picture
from tests.server_fixtures import LocalServer, QuietHandler, content_chunk

#: A fake answer: the pieces the server writes, in order (None: the connection is cut there).
Script = Callable[[Callable[[bytes], None]], None]


class FakeServer:
    """An OpenAI-compatible chat-completions stream whose bytes come from ``script``."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests = 0
        self._http = LocalServer(self._handler())
        self.release = self._http.release
        self.url = self._http.url

    def close(self) -> None:
        self._http.close()

    def _handler(self) -> type[QuietHandler]:
        fake = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                self.read_body()
                fake.requests += 1
                self.start_stream()

                def write(data: bytes) -> None:
                    self.wfile.write(data)
                    self.wfile.flush()

                try:
                    fake.script(write)
                except OSError:  # the client left (it stopped the answer)
                    return
                if fake.release.is_set():
                    return
                self.connection.shutdown(socket.SHUT_RDWR)

        return Handler


@pytest.fixture
def serve() -> Iterator[Callable[[Script], FakeServer]]:
    servers: list[FakeServer] = []

    def start(script: Script) -> FakeServer:
        servers.append(FakeServer(script))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="module")
def photo() -> Picture:
    image = Image.new("RGB", (64, 64), (120, 90, 60))
    return Picture(image, "brown.png", image.size)


def remote(url: str, limits: GenerationSettings | None = None, timeout: float = 5.0) -> Any:
    options = RemoteOptions(
        timeout=timeout, connect_timeout=2.0, limits=limits or GenerationSettings()
    )
    return RemoteDescriber(url, options=options)


def request(photo: Picture, max_new_tokens: int = 100) -> DescribeRequest:
    return DescribeRequest(photo, PromptSpec(), max_new_tokens=max_new_tokens)


class Heard:
    """What reaches the user: each sentence as printed and spoken."""

    def __init__(self) -> None:
        self.sentences: list[str] = []

    def __call__(self, sentence: str, index: int) -> None:
        self.sentences.append(sentence)

    sentence = __call__  # as CommandLineSpeech is called


def endless(write: Callable[[bytes], None]) -> None:
    """A server that ignores max_tokens and never stops (until the client leaves)."""
    while True:
        write(content_chunk("word "))
        time.sleep(0.002)


# --- a stream cut mid-sentence --------------------------------------------------------------


def cut_mid_sentence(write: Callable[[bytes], None]) -> None:
    write(content_chunk("A red mug stands on the table."))
    write(content_chunk(" Someone left the keys"))
    write(b'data: {"choices": [{"delta": {"content": " beside')  # and the line breaks


def test_a_stream_cut_mid_sentence_says_every_word_then_that_it_was_cut(
    serve: Callable[[Script], FakeServer], photo: Picture
) -> None:
    server = serve(cut_mid_sentence)
    heard = Heard()
    with remote(server.url) as describer, pytest.raises(AnswerCutOffError) as info:
        run_request(describer, request(photo), on_sentence=heard, check=False)
    assert heard.sentences == ["A red mug stands on the table.", "Someone left the keys"]
    host = server.url.removeprefix("http://")
    assert str(info.value) == (
        f"The answer was cut off: the connection to the server at {host} broke before the "
        "answer was complete."
    )
    assert info.value.exit_code == 5  # a server failure, as before


def test_the_command_line_prints_and_speaks_the_words_before_the_cut(
    serve: Callable[[Script], FakeServer], photo: Picture, capsys: pytest.CaptureFixture[str]
) -> None:
    from describe_app.cli.pictures import run_and_print

    server = serve(cut_mid_sentence)
    spoken = Heard()
    args = argparse.Namespace(json=False, describe_anyway=True)
    with remote(server.url) as describer, pytest.raises(AnswerCutOffError):
        run_and_print(describer, request(photo), args, speech=spoken)  # type: ignore[arg-type]
    printed = capsys.readouterr().out.splitlines()
    assert printed == ["A red mug stands on the table.", "Someone left the keys"]
    assert spoken.sentences == printed


# --- a stream that never ends ---------------------------------------------------------------


def test_an_endless_stream_stops_at_the_length_cap(
    serve: Callable[[Script], FakeServer], photo: Picture
) -> None:
    server = serve(endless)
    heard = Heard()
    limits = GenerationSettings(answer_seconds=30, length_factor=4)
    started = time.perf_counter()
    with remote(server.url, limits) as describer:
        result = run_request(describer, request(photo, 10), on_sentence=heard, check=False)
    assert time.perf_counter() - started < 5
    assert result.text == " ".join(["word"] * 40)  # 4 x 10 pieces, all said
    assert result.stopped == "The answer was stopped because it was too long."
    assert heard.sentences == [result.text, result.stopped]  # the note is said last
    assert result.to_json()["stopped"] == result.stopped


def test_an_endless_stream_stops_at_the_deadline(
    serve: Callable[[Script], FakeServer], photo: Picture
) -> None:
    server = serve(endless)
    heard = Heard()
    limits = GenerationSettings(answer_seconds=1.0, length_factor=0)  # no length cap
    started = time.perf_counter()
    with remote(server.url, limits) as describer:
        result = run_request(describer, request(photo, 10), on_sentence=heard, check=False)
    elapsed = time.perf_counter() - started
    assert 0.9 < elapsed < 4, elapsed
    assert result.text.startswith("word word word")
    assert result.stopped == "The answer was stopped after 1 second."
    assert heard.sentences == [*result.sentences, result.stopped]


def test_one_enormous_piece_is_cut_to_the_character_cap(
    serve: Callable[[Script], FakeServer], photo: Picture
) -> None:
    def enormous(write: Callable[[bytes], None]) -> None:
        write(content_chunk("A flood. " + "a" * 100_000))
        endless(write)

    server = serve(enormous)
    with remote(server.url, GenerationSettings(length_factor=1)) as describer:
        result = run_request(describer, request(photo, 10), check=False)
    assert len(result.text) == 80  # 10 tokens x 8 characters
    assert result.sentences[0] == "A flood."
    assert result.stopped == "The answer was stopped because it was too long."


def test_a_deadline_before_any_word_is_a_timeout_the_local_model_may_take_over(
    serve: Callable[[Script], FakeServer], photo: Picture
) -> None:
    def silent(write: Callable[[bytes], None]) -> None:
        write(b": keep-alive\n\n")
        server.release.wait(10)

    server = serve(silent)
    started = time.perf_counter()
    limits = GenerationSettings(answer_seconds=0.5)
    with remote(server.url, limits) as describer, pytest.raises(ServerTimeoutError) as info:
        run_request(describer, request(photo), check=False)
    assert time.perf_counter() - started < 3
    assert info.value.can_fall_back
    assert "sent nothing for 0.5 seconds" in str(info.value)


def test_a_stream_that_stalls_mid_sentence_keeps_its_words(
    serve: Callable[[Script], FakeServer], photo: Picture
) -> None:
    def stall(write: Callable[[bytes], None]) -> None:
        write(content_chunk("The door is open. A cat sits"))
        server.release.wait(10)

    server = serve(stall)
    heard = Heard()
    started = time.perf_counter()
    with remote(server.url, timeout=0.5) as describer, pytest.raises(AnswerCutOffError) as info:
        run_request(describer, request(photo), on_sentence=heard, check=False)
    assert time.perf_counter() - started < 3
    assert heard.sentences == ["The door is open.", "A cat sits"]
    assert str(info.value).startswith("The answer was cut off: the server at ")
    assert str(info.value).endswith("sent nothing for 0.5 seconds, so Describe stopped waiting.")


# --- malformed lines --------------------------------------------------------------------------


@pytest.mark.allow_warning_logs
def test_malformed_lines_among_good_ones_are_skipped_and_counted(
    serve: Callable[[Script], FakeServer], photo: Picture, caplog: pytest.LogCaptureFixture
) -> None:
    def messy(write: Callable[[bytes], None]) -> None:
        write(content_chunk("A red mug."))
        write(b"data: {this is not json\n\n")
        write(content_chunk(" It is full"))
        write(b'data: {"choices": "not a list"}\n\n')
        write(b"data: [1, 2, 3]\n\n")
        write(content_chunk(" of tea.", finish="stop"))
        write(b"data: [DONE]\n\n")

    server = serve(messy)
    caplog.set_level(logging.WARNING, "describe_app.core.describe.remote.server_exchange")
    with remote(server.url) as describer:
        result = run_request(describer, request(photo), check=False)
    assert result.sentences == ["A red mug.", "It is full of tea."]
    assert result.stopped is None
    assert any("skipped 3 malformed events" in r.getMessage() for r in caplog.records)


# --- any describer that fails mid-answer --------------------------------------------------


class FailingDescriber:
    model_name = "failing"

    def __init__(self, said: str, error: Exception) -> None:
        self._said = said
        self._error = error

    def describe(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        if self._said:
            on_text(self._said)
        raise self._error


def test_a_failure_mid_answer_says_the_held_words_and_keeps_the_exit_code(
    photo: Picture,
) -> None:
    heard = Heard()
    failing = FailingDescriber("One whole sentence. And half", ModelLoadError("It broke."))
    with pytest.raises(AnswerCutOffError) as info:
        run_request(failing, request(photo), on_sentence=heard, check=False)
    assert heard.sentences == ["One whole sentence.", "And half"]
    assert str(info.value) == "The answer was cut off: it broke."
    assert info.value.exit_code == ModelLoadError.exit_code


def test_a_failure_before_any_word_is_passed_on_unchanged(photo: Picture) -> None:
    error = DescribeError("Nothing works.")
    with pytest.raises(DescribeError) as info:
        run_request(FailingDescriber("", error), request(photo), check=False)
    assert info.value is error


def test_an_unexpected_failure_mid_answer_is_one_sentence_too(
    photo: Picture, caplog: pytest.LogCaptureFixture
) -> None:
    heard = Heard()
    failing = FailingDescriber("Half a", RuntimeError("CUDA error"))
    with caplog.at_level(logging.CRITICAL), pytest.raises(AnswerCutOffError) as info:
        run_request(failing, request(photo), on_sentence=heard, check=False)
    assert heard.sentences == ["Half a"]
    assert str(info.value) == "The answer was cut off: RuntimeError: CUDA error."


# --- the local engine -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def rambling(tiny_model_dir: Path) -> Any:
    from describe_app.core.describe.local.vlm_loader import load_vlm

    return load_vlm(tiny_model_dir, name="tiny-random")


def local_run(loaded: Any, limits: GenerationSettings, photo: Picture) -> DescriptionResult:
    from describe_app.core.describe.local.vlm_describer import VlmDescriber

    describer = VlmDescriber(loaded, limits)
    return run_request(describer, request(photo, 100_000), check=False)


def test_the_local_model_stops_at_the_deadline(rambling: Any, photo: Picture) -> None:
    started = time.perf_counter()
    result = local_run(rambling, GenerationSettings(answer_seconds=1.0), photo)
    elapsed = time.perf_counter() - started
    assert elapsed < 10, elapsed
    assert result.new_tokens > 0
    assert result.stopped == "The answer was stopped after 1 second."


def test_the_local_model_stops_at_the_length_cap(rambling: Any, photo: Picture) -> None:
    from describe_app.core.describe.local.vlm_describer import VlmDescriber

    describer = VlmDescriber(rambling, GenerationSettings(length_factor=0.5))
    stats = describer.describe(request(photo, 12), lambda _t: None, threading.Event())
    assert 6 <= stats.new_tokens <= 7  # the criterion may see the count before the last token
    assert stats.stopped is AnswerLimit.LENGTH


class _RecordingOutput:
    """The part of a SpeechOutput that CommandLineSpeech uses when it ends."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def say(self, text: str, *, interrupt: bool = False) -> None:
        self.calls.append(f"say {text}")

    def wait_until_done(self, timeout: float | None = None) -> bool:
        self.calls.append("wait")
        return True

    def stop(self) -> None:
        self.calls.append("stop")

    def close(self) -> None:
        self.calls.append("close")


def test_with_speak_the_cut_words_are_said_to_the_end_then_why() -> None:
    from describe_app.cli.speech import CommandLineSpeech
    from describe_app.core.errors import DescribeError

    speech = CommandLineSpeech(argparse.Namespace(speak=False))
    output = _RecordingOutput()
    speech._output = output  # type: ignore[assignment]
    speech.sentence("Someone left the keys", 0)
    with pytest.raises(DescribeError), speech:
        raise DescribeError("The answer was cut off: the server went away.")
    assert output.calls[-3:] == [
        "say The answer was cut off: the server went away.",
        "wait",
        "close",
    ]


def test_ctrl_c_still_stops_speech_at_once() -> None:
    from describe_app.cli.speech import CommandLineSpeech

    speech = CommandLineSpeech(argparse.Namespace(speak=False))
    output = _RecordingOutput()
    speech._output = output  # type: ignore[assignment]
    speech.sentence("Someone left the keys", 0)
    with pytest.raises(KeyboardInterrupt), speech:
        raise KeyboardInterrupt
    assert output.calls[-2:] == ["stop", "close"]

"""What the user hears when a server fails, and that nothing hangs or keeps running.

A real ``transformers serve`` with the tiny random model (which never stops by itself) for
cancelling and for a server stopped mid-answer; a small stub server for the errors a real
server only gives on a bad day (500, 401, broken or silent streams).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image
from skimage import data

from describe_app.core.describe.describer import Describer, DescribeRequest
from describe_app.core.describe.fallback import FALLBACK_SENTENCE, FallbackDescriber
from describe_app.core.describe.pipeline import run_request
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.describe.remote.remote_describer import RemoteDescriber, RemoteOptions
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
from describe_app.core.errors import Cancelled
from describe_app.core.pictures.images import Picture
from describe_app.devtools.random_smolvlm import DEFAULT_SENTENCES
from tests.server_fixtures import (
    ServerProcess,
    StubServer,
    free_port,
    self_signed_tls,
    transformers_server,
)

pytestmark = pytest.mark.slow  # each test talks to a real local server


SENTENCES = list(DEFAULT_SENTENCES)


@pytest.fixture(scope="module")
def photo() -> Picture:
    image = Image.fromarray(data.coffee())
    return Picture(image, "coffee.jpg", image.size)


@pytest.fixture(scope="module")
def rambling_server(
    tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    with transformers_server(tiny_model_dir, tmp_path_factory.mktemp("serve-logs")) as server:
        yield server


@pytest.fixture
def stub() -> Iterator[StubServer]:
    server = StubServer()
    yield server
    server.close()


def remote(url: str, timeout: float = 10.0) -> RemoteDescriber:
    return RemoteDescriber(url, options=RemoteOptions(timeout=timeout, connect_timeout=2.0))


def long_request(photo: Picture) -> DescribeRequest:
    return DescribeRequest(photo, PromptSpec(), max_new_tokens=100_000)


def no_remote_threads() -> bool:
    return not any(t.name == "remote-describe" for t in threading.enumerate())


def fails_within(
    seconds: float, call: Callable[[], object], error: type[BaseException]
) -> BaseException:
    started = time.perf_counter()
    with pytest.raises(error) as info:
        call()
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"took {elapsed:.2f} s"
    message = str(info.value)
    assert message.endswith((".", "?")) and "\n" not in message, message
    return info.value


# --- cancelling -----------------------------------------------------------------------------


def test_cancel_mid_stream_returns_at_once_and_the_server_stops(
    rambling_server: ServerProcess, photo: Picture
) -> None:
    cancel = threading.Event()
    pieces: list[str] = []
    cancelled_at: list[float] = []

    def on_text(text: str) -> None:
        pieces.append(text)
        if len(pieces) == 10:
            cancelled_at.append(time.perf_counter())
            cancel.set()

    with remote(rambling_server.url) as describer:
        with pytest.raises(Cancelled):
            describer.describe(long_request(photo), on_text, cancel)
        assert time.perf_counter() - cancelled_at[0] < 0.2
        assert len(pieces) == 10  # nothing after the cancel
        assert no_remote_threads()
        # The server noticed the closed connection and stopped generating: a new request
        # does not queue behind 100 000 tokens.
        started = time.perf_counter()
        short = DescribeRequest(photo, PromptSpec(), max_new_tokens=5)
        stats = describer.describe(short, lambda _t: None, threading.Event())
        # counted in streamed pieces: a piece can hold several tokens of the random model
        # (an incomplete character waits for the next), so up to 5, not exactly 5
        assert 1 <= stats.new_tokens <= 5
        assert time.perf_counter() - started < 5


def test_cancel_from_another_thread_while_the_server_is_silent(
    stub: StubServer, photo: Picture
) -> None:
    stub.mode = "silent"
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    try:
        with remote(stub.url) as describer:
            started = time.perf_counter()
            with pytest.raises(Cancelled):
                describer.describe(long_request(photo), lambda _t: None, cancel)
            assert time.perf_counter() - started < 0.6
    finally:
        timer.join()
    assert no_remote_threads()


def test_cancel_before_the_start_sends_nothing(stub: StubServer, photo: Picture) -> None:
    cancel = threading.Event()
    cancel.set()
    with remote(stub.url) as describer, pytest.raises(Cancelled):
        describer.describe(long_request(photo), lambda _t: None, cancel)
    assert stub.requests == []


# --- the server goes away -------------------------------------------------------------------


def test_server_stopped_mid_answer(tiny_model_dir: Path, tmp_path: Path, photo: Picture) -> None:
    pieces: list[str] = []
    with transformers_server(tiny_model_dir, tmp_path) as server:

        def on_text(text: str) -> None:
            pieces.append(text)
            if len(pieces) == 5:
                server.kill()

        with remote(server.url) as describer:
            error = fails_within(
                5,
                lambda: describer.describe(long_request(photo), on_text, threading.Event()),
                ServerDisconnectedError,
            )
    assert "broke before the answer was complete" in str(error)
    assert no_remote_threads()


def test_nothing_listening(photo: Picture) -> None:
    port = free_port()  # bound and released: nothing listens there now
    with remote(f"http://127.0.0.1:{port}") as describer:
        error = fails_within(
            2,
            lambda: describer.describe(long_request(photo), lambda _t: None, threading.Event()),
            ServerUnreachableError,
        )
        assert str(error) == (
            f"Describe could not connect to the server at 127.0.0.1:{port}: the connection "
            "was refused; is the server running?"
        )
        assert error.can_fall_back
        fails_within(2, describer.check_connection, ServerUnreachableError)


def test_a_connection_dropped_mid_event(stub: StubServer, photo: Picture) -> None:
    stub.mode = "drop"
    pieces: list[str] = []
    with remote(stub.url) as describer:
        fails_within(
            3,
            lambda: describer.describe(long_request(photo), pieces.append, threading.Event()),
            ServerDisconnectedError,
        )
    assert pieces == ["A stub answer."]


def test_https_certificates_are_verified(tmp_path: Path, photo: Picture) -> None:
    pytest.importorskip("cryptography")
    stub = StubServer(tls=self_signed_tls(tmp_path))
    try:
        with remote(stub.url) as describer:
            error = fails_within(
                3,
                lambda: describer.describe(long_request(photo), lambda _t: None, threading.Event()),
                ServerSetupError,
            )
    finally:
        stub.close()
    assert str(error) == (
        f"The server at 127.0.0.1:{stub.port} has a certificate this computer does not trust, "
        "so Describe did not connect."
    )
    assert stub.requests == []  # the picture never left


# --- slow servers -----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["silent", "stall"])
def test_a_silent_server_times_out(stub: StubServer, photo: Picture, mode: str) -> None:
    stub.mode = mode
    with remote(stub.url, timeout=1.0) as describer:
        error = fails_within(
            2.5,
            lambda: describer.describe(long_request(photo), lambda _t: None, threading.Event()),
            ServerTimeoutError,
        )
    port = stub.port
    assert str(error) == (
        f"The server at 127.0.0.1:{port} sent nothing for 1 seconds, so Describe stopped waiting."
    )


# --- errors the server reports ----------------------------------------------------------------


def test_a_server_error_says_the_status_and_the_reason(stub: StubServer, photo: Picture) -> None:
    stub.mode = "status"
    with remote(stub.url) as describer:
        error = fails_within(
            2, lambda: run_request(describer, long_request(photo)), ServerHttpError
        )
    assert str(error) == f"The server at 127.0.0.1:{stub.port} answered error 500: Something broke."
    assert isinstance(error, ServerHttpError) and error.status == 500
    assert not error.can_fall_back


def test_a_refused_key_says_to_check_it(stub: StubServer, photo: Picture) -> None:
    stub.mode = "status"
    stub.status = 401
    stub.error_body = b'{"error": {"message": "Incorrect API key provided.", "code": 401}}'
    with RemoteDescriber(stub.url, api_key="sk-wrong") as describer:
        error = fails_within(
            2, lambda: run_request(describer, long_request(photo)), ServerAuthError
        )
        fails_within(2, describer.check_connection, ServerAuthError)
    assert str(error) == (
        f"The server at 127.0.0.1:{stub.port} refused the request (error 401): "
        "Incorrect API key provided. Check the API key."
    )
    assert stub.headers[0]["Authorization"] == "Bearer sk-wrong"


def test_a_model_without_pictures(stub: StubServer, photo: Picture) -> None:
    stub.mode = "status"
    stub.status = 400
    stub.error_body = (  # llama.cpp's words when no vision projector is loaded
        b'{"error": {"code": 400, "message": "image input is not supported - hint: if this '
        b'is unexpected, you may need to provide the mmproj", "type": "invalid_request_error"}}'
    )
    with RemoteDescriber(stub.url, model="llama-3-8b") as describer:
        error = fails_within(
            2, lambda: run_request(describer, long_request(photo)), ImagesNotSupportedError
        )
    assert str(error).startswith("The model llama-3-8b does not accept pictures (image input")
    assert str(error).endswith("; choose a vision model.")


@pytest.mark.parametrize("mode", ["malformed", "html"])
def test_an_answer_that_is_not_a_stream(stub: StubServer, photo: Picture, mode: str) -> None:
    stub.mode = mode
    with remote(stub.url) as describer:
        error = fails_within(
            2, lambda: run_request(describer, long_request(photo)), ServerStreamError
        )
    assert "is not a chat-completions stream Describe can read" in str(error)


def test_an_error_in_the_middle_of_the_stream(stub: StubServer, photo: Picture) -> None:
    stub.mode = "stream-error"
    pieces: list[str] = []
    with remote(stub.url) as describer:
        error = fails_within(
            2,
            lambda: describer.describe(long_request(photo), pieces.append, threading.Event()),
            ServerError,
        )
    assert pieces == ["A stub answer."]
    assert str(error) == (
        f"The server at 127.0.0.1:{stub.port} failed while answering: CUDA out of memory."
    )


def test_a_good_stub_stream_is_read_whole(stub: StubServer, photo: Picture) -> None:
    with remote(stub.url) as describer:
        result = run_request(describer, long_request(photo), check=False)
    assert result.sentences == [
        "A stub answer.",
        "It has two more sentences.",
        "This is the last one!",
    ]
    body = stub.requests[0]
    assert body["stream"] is True
    assert body["max_tokens"] == 100_000
    assert "model" not in body  # left out: the server uses its own
    assert body["messages"][0]["content"][0]["image_url"]["url"].startswith("data:image/jpeg")


# --- falling back to the local model ----------------------------------------------------------


@pytest.fixture(scope="module")
def local_factory(speaking_model_dir: Path) -> Callable[[], Describer]:
    from describe_app.core.describe.local.vlm_describer import VlmDescriber
    from describe_app.core.describe.local.vlm_loader import load_vlm

    loaded: list[Describer] = []

    def load() -> Describer:
        if not loaded:
            loaded.append(VlmDescriber(load_vlm(speaking_model_dir, name="local-speaking")))
        return loaded[0]

    return load


def test_fallback_to_the_local_model_when_the_server_is_down(
    local_factory: Callable[[], Describer], photo: Picture
) -> None:
    notices: list[str] = []
    server = remote(f"http://127.0.0.1:{free_port()}")
    describer = FallbackDescriber(server, local_factory, on_fallback=notices.append)
    try:
        result = run_request(describer, DescribeRequest(photo, PromptSpec()))
    finally:
        describer.close()
    assert result.sentences == SENTENCES
    assert result.model == "local-speaking"
    assert len(notices) == 1
    assert notices[0].startswith("Describe could not connect to the server")
    assert notices[0].endswith(FALLBACK_SENTENCE)
    assert describer.privacy_notice == server.privacy_notice


def test_no_fallback_for_errors_the_local_model_cannot_fix(
    stub: StubServer, local_factory: Callable[[], Describer], photo: Picture
) -> None:
    stub.mode = "status"
    describer = FallbackDescriber(remote(stub.url), local_factory)
    try:
        with pytest.raises(ServerHttpError):
            run_request(describer, DescribeRequest(photo, PromptSpec()))
    finally:
        describer.close()


def test_no_fallback_once_the_server_has_spoken(
    stub: StubServer, local_factory: Callable[[], Describer], photo: Picture
) -> None:
    stub.mode = "stall"  # one sentence, then silence: a timeout, but after text
    describer = FallbackDescriber(remote(stub.url, timeout=0.5), local_factory)
    pieces: list[str] = []
    try:
        with pytest.raises(ServerTimeoutError):
            describer.describe(
                DescribeRequest(photo, PromptSpec()), pieces.append, threading.Event()
            )
    finally:
        describer.close()
    assert pieces == ["A stub answer."]  # not followed by the local model's answer

"""The remote describer against a real ``transformers serve`` with the tiny speaking model.

The server is started once for this module (about five seconds), on 127.0.0.1, offline.
The speaking model's weights say the same three sentences whatever it is asked, so the
tests can check streaming sentence by sentence, as the local engine's tests do.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from skimage import data

from describe_app.core.describe.choice import ServerChoice, describer_factory
from describe_app.core.describe.conversation import Conversation
from describe_app.core.describe.describer import Describer
from describe_app.core.describe.pipeline import run_request
from describe_app.core.describe.remote.remote_describer import RemoteDescriber
from describe_app.core.describe.remote.remote_errors import ServerHttpError
from describe_app.core.describe.worker import DescribeJob, Finished, ModelWorker, SentenceReady
from describe_app.core.pictures.images import Picture
from describe_app.devtools.random_smolvlm import DEFAULT_SENTENCES
from tests import server_fixtures
from tests.server_fixtures import ServerProcess

pytestmark = pytest.mark.slow  # a real transformers-serve server


SENTENCES = list(DEFAULT_SENTENCES)


# The shared server fixture (tests/server_fixtures.py), made visible to pytest here.
server = server_fixtures.server


@pytest.fixture(scope="module")
def photo() -> Picture:
    image = Image.fromarray(data.coffee())
    return Picture(image, "coffee.jpg", image.size)


@pytest.fixture
def describer(server: ServerProcess) -> Iterator[RemoteDescriber]:
    with RemoteDescriber(server.url) as d:
        yield d


def test_test_connection_names_the_servers_model_in_one_sentence(
    describer: RemoteDescriber, server: ServerProcess, speaking_model_dir: Path
) -> None:
    check = describer.check_connection()
    assert check.models == (str(speaking_model_dir),)
    port = server.url.rsplit(":", 1)[1]
    assert re.fullmatch(
        rf"The server at 127\.0\.0\.1:{port} answered in \d+\.\d\d s and offers 1 model: "
        rf"{re.escape(speaking_model_dir.name)}\.",
        check.sentence,
    ), check.sentence


def test_describe_streams_sentence_by_sentence(
    describer: RemoteDescriber, photo: Picture, speaking_model_dir: Path
) -> None:
    arrivals: list[tuple[str, float]] = []
    started = time.perf_counter()
    request = Conversation(photo).describe_request()
    result = run_request(
        describer,
        request,
        on_sentence=lambda s, _i: arrivals.append((s, time.perf_counter() - started)),
    )
    assert [s for s, _ in arrivals] == SENTENCES
    assert result.sentences == SENTENCES
    assert result.model == f"{speaking_model_dir.name} on {describer.base_url[7:-3]}"
    assert result.new_tokens >= len(SENTENCES)
    # streamed: the first sentence was out before the answer ended
    assert arrivals[0][1] < result.timings["total"]
    assert result.timings["first_token"] <= result.timings["first_sentence"]


def test_the_text_arrives_in_small_pieces(describer: RemoteDescriber, photo: Picture) -> None:
    pieces: list[str] = []
    request = Conversation(photo).describe_request()
    stats = describer.describe(request, pieces.append, threading.Event())
    assert "".join(pieces) == " ".join(SENTENCES)
    assert len(pieces) > 10
    assert len(stats.token_seconds) == len(pieces)
    assert stats.first_token_seconds == stats.token_seconds[0]


def test_the_model_may_be_named_exactly_as_the_server_was_started(
    server: ServerProcess, speaking_model_dir: Path, photo: Picture
) -> None:
    with RemoteDescriber(server.url, model=str(speaking_model_dir)) as named:
        result = run_request(named, Conversation(photo).describe_request())
    assert result.sentences == SENTENCES


def test_another_model_name_gets_the_servers_reason(server: ServerProcess, photo: Picture) -> None:
    wrong = RemoteDescriber(server.url, model="llava-13b")
    with (
        wrong,
        pytest.raises(ServerHttpError, match=r"answered error 400: Server is pinned") as info,
    ):
        run_request(wrong, Conversation(photo).describe_request())
    assert info.value.status == 400


def test_a_follow_up_question_sends_the_earlier_answer(
    describer: RemoteDescriber, photo: Picture
) -> None:
    conversation = Conversation(photo)
    first = conversation.describe_request()
    conversation.record(first, run_request(describer, first).text)
    follow_up = conversation.question_request("What colour is the mug")
    body = describer.build_body(follow_up)
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert body["messages"][1]["content"] == " ".join(SENTENCES)
    assert body["messages"][2]["content"][0]["text"].startswith("What colour is the mug?")
    assert body["chat_template_kwargs"]["processor_kwargs"]["images_kwargs"] == {
        "do_image_splitting": False
    }
    result = run_request(describer, follow_up)
    assert result.sentences == SENTENCES


def test_the_model_worker_runs_the_server_like_the_local_model(
    server: ServerProcess, photo: Picture
) -> None:
    def no_local_model() -> Describer:
        raise AssertionError("the local model must not load when a server is chosen")

    factory = describer_factory(ServerChoice(server.url), no_local_model)
    events: list[object] = []
    done = threading.Event()

    def on_event(event: object) -> None:
        events.append(event)
        if isinstance(event, Finished):
            done.set()

    worker = ModelWorker(factory, on_event)
    try:
        worker.submit(DescribeJob(Conversation(photo).describe_request()))
        assert done.wait(30), events
    finally:
        assert worker.close()
    sentences = [e.sentence for e in events if isinstance(e, SentenceReady)]
    assert sentences == SENTENCES

"""``--server`` and the ``servers`` command, end to end, with a real ``transformers serve``."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from describe_app.cli import main
from describe_app.core.describe.remote.api_keys import SERVICE
from describe_app.core.describe.remote.server_profiles import servers_path
from describe_app.devtools.random_smolvlm import DEFAULT_SENTENCES
from tests import server_fixtures
from tests.memory_keyring import MemoryKeyring
from tests.server_fixtures import ServerProcess, StubServer, free_port

pytestmark = pytest.mark.slow  # a real transformers-serve server


SENTENCES = list(DEFAULT_SENTENCES)


# The shared server fixture (tests/server_fixtures.py), made visible to pytest here.
server = server_fixtures.server


@pytest.fixture(autouse=True)
def _no_profiles() -> Iterator[None]:
    servers_path().unlink(missing_ok=True)
    yield
    servers_path().unlink(missing_ok=True)


def host_of(url: str) -> str:
    return url.split("://", 1)[1]


def test_describe_with_a_server_says_where_the_picture_goes(
    server: ServerProcess, photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # --no-download and no local model: the run fails if it tries to load one
    code = main(["describe", str(photo_file), "--server", server.url, "--no-download"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines() == SENTENCES
    assert err.splitlines() == [f"Sending pictures to {host_of(server.url)}."]


def test_with_speak_the_notice_is_said_before_the_answer(
    server: ServerProcess,
    photo_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from describe_app.core import speech as speech_module
    from tests.speech_fixtures import FakePlayer

    player = FakePlayer()
    monkeypatch.setattr(speech_module, "default_player", lambda: player)
    code = main(["describe", str(photo_file), "--server", server.url, "--no-download", "--speak"])
    capsys.readouterr()
    assert code == 0
    notice = f"Sending pictures to {host_of(server.url)}."
    assert player.completed() == [notice, *SENTENCES]  # said once, first, never cut off


def test_ask_follow_ups_through_the_server(
    server: ServerProcess, photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["ask", str(photo_file), "What is it?", "Is it full?", "--server", server.url, "--json"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["sentences"] for a in answers] == [SENTENCES, SENTENCES]
    assert answers[0]["model"].endswith(f" on {host_of(server.url)}")
    assert err.count("Sending pictures to") == 1


def test_servers_add_list_test_use_and_remove(
    server: ServerProcess,
    speaking_model_dir: Path,
    photo_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    model = str(speaking_model_dir)
    assert main(["servers", "add", "home", server.url, "--model", model, "--timeout", "30"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"Added home: {server.url}/v1, model {model}.",
        "Pictures are sent there only when you add --server home.",
    ]
    assert main(["servers", "list"]) == 0
    assert capsys.readouterr().out == f"home: {server.url}/v1 (model {model})\n"
    assert main(["servers", "test", "home"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(
        rf"The server at {re.escape(host_of(server.url))} answered in \d+\.\d\d s and offers "
        rf"1 model: {re.escape(speaking_model_dir.name)}\.\n",
        out,
    ), out
    assert main(["describe", str(photo_file), "--server", "home", "--no-download"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == SENTENCES
    assert err == f"Sending pictures to home ({host_of(server.url)}).\n"
    assert main(["servers", "remove", "home"]) == 0
    assert capsys.readouterr().out == "Removed home.\n"
    assert main(["servers", "list"]) == 0
    assert "No servers yet" in capsys.readouterr().out


def test_the_api_key_goes_to_the_keyring_and_to_the_server(
    memory_keyring: MemoryKeyring,
    photo_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stub = StubServer()
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO("sk-secret-123\n"))
        assert main(["servers", "add", "lab", stub.url, "--key"]) == 0
        assert memory_keyring.secrets == {(SERVICE, "server:lab"): "sk-secret-123"}
        assert "sk-secret" not in servers_path().read_text()
        assert "API key in the system keyring" in capsys.readouterr().out
        assert main(["describe", str(photo_file), "--server", "lab", "--describe-anyway"]) == 0
        assert stub.headers[-1]["Authorization"] == "Bearer sk-secret-123"
        assert main(["servers", "remove", "lab"]) == 0
        assert memory_keyring.secrets == {}
    finally:
        stub.close()


def test_no_keyring_no_key_and_no_profile(
    photo_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO("sk-secret\n"))
        assert main(["servers", "add", "lab", "http://127.0.0.1:9", "--key"]) == 5
    finally:
        keyring.set_keyring(previous)
    err = capsys.readouterr().err
    assert err.startswith("describe-app: No system keyring is available to keep the API key")
    assert not servers_path().exists()


def test_plain_http_beyond_the_private_network_needs_confirmation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # an address literal: refused without any connection or name lookup
    assert main(["servers", "add", "far", "http://8.8.8.8:8000"]) == 5
    assert "will not send pictures unencrypted to 8.8.8.8" in capsys.readouterr().err
    assert main(["servers", "add", "far", "http://8.8.8.8:8000", "--allow-insecure"]) == 0
    capsys.readouterr()
    assert main(["servers", "list"]) == 0
    assert "plain http allowed" in capsys.readouterr().out


def test_a_server_that_is_down_is_one_sentence_and_exit_5(
    photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    code = main(["describe", str(photo_file), "--server", f"127.0.0.1:{port}"])
    err = capsys.readouterr().err.splitlines()
    assert code == 5
    assert err == [
        f"Sending pictures to 127.0.0.1:{port}.",
        f"describe-app: Describe could not connect to the server at 127.0.0.1:{port}: the "
        "connection was refused; is the server running?",
    ]


def test_fallback_to_the_local_model(
    speaking_model_dir: Path, photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    code = main(
        [
            "describe",
            str(photo_file),
            "--server",
            f"127.0.0.1:{port}",
            "--fallback-local",
            "--model",
            str(speaking_model_dir),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines() == SENTENCES
    assert "The model on this computer describes the picture instead." in err


def test_an_unknown_server_name(photo_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", str(photo_file), "--server", "nolab"]) == 5
    assert "There is no server named 'nolab'" in capsys.readouterr().err

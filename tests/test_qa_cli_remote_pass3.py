"""QA pass 3 on the command line with servers: inputs the other tests do not try.

Through :func:`describe_app.cli.main` and real HTTP servers on 127.0.0.1 (in this process):
numbers that mean nothing, an empty ``--server``, broken addresses, passwords in addresses,
redirects, https to a plain-http server, 429, error bodies and stream errors of 100 KB,
``/models`` answers of the wrong shape, names full of escape sequences. Nothing a server
sends reaches the terminal raw, nothing ends in a traceback, and the exit codes are the
documented ones (2: bad arguments, 5: the server).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import warnings
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from describe_app.cli import main
from describe_app.cli.output import error
from describe_app.core.describe.remote.server_address import (
    normalize_base_url,
    redact_address,
    split_credentials,
)
from tests.memory_keyring import MemoryKeyring
from tests.server_fixtures import LocalServer, QuietHandler, content_chunk, free_port, sse

#: What must never reach a terminal from a server: ESC, C1 controls, bidi controls, NUL.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

Reply = Callable[[BaseHTTPRequestHandler], None]


class FakeServer:
    """An HTTP server whose GET and POST answers are functions of the handler; it records
    each request's path and headers and closes every connection after one answer."""

    def __init__(self, post: Reply | None = None, get: Reply | None = None) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        fake = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                fake._answer(self, get or models_reply(["fake-vision"]))

            def do_POST(self) -> None:
                self.read_body()
                fake._answer(self, post or stream_reply([content_chunk("Hello.", "stop")]))

        self._http = LocalServer(Handler)
        self.url = self._http.url
        self.host = self.url.split("://", 1)[1]

    def _answer(self, handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        self.requests.append((handler.path, dict(handler.headers.items())))
        handler.close_connection = True
        try:
            reply(handler)
            handler.wfile.flush()
        except OSError:
            pass  # the client left, as it may

    def close(self) -> None:
        self._http.close()


def body_reply(status: int, body: bytes, ctype: str = "application/json", **headers: str) -> Reply:
    def reply(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.send_header("Connection", "close")
        for name, value in headers.items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)

    return reply


def models_reply(data: object) -> Reply:
    return body_reply(200, json.dumps({"object": "list", "data": data}).encode())


def stream_reply(pieces: list[bytes]) -> Reply:
    def reply(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Connection", "close")
        h.end_headers()
        for piece in pieces:
            h.wfile.write(piece)
            h.wfile.flush()

    return reply


@pytest.fixture(autouse=True)
def _own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's own servers.json, never the session's nor the user's."""
    monkeypatch.setenv("DESCRIBE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("DESCRIBE_SERVER_API_KEY", raising=False)


@pytest.fixture
def fake_servers() -> Iterator[Callable[..., FakeServer]]:
    made: list[FakeServer] = []

    def make(post: Reply | None = None, get: Reply | None = None) -> FakeServer:
        made.append(FakeServer(post, get))
        return made[-1]

    yield make
    for server in made:
        server.close()


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert not RAW.search(out), repr(out)
    assert not RAW.search(err), repr(err)
    return code, out, err


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("describe-app")]
    assert len(lines) == 1, err
    return lines[0]


# --- arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["describe", "x.jpg", "--max-tokens", "0"], "--max-tokens"),
        (["describe", "x.jpg", "--max-tokens", "-1"], "--max-tokens"),
        (["describe", "x.jpg", "--answer-seconds", "nan"], "--answer-seconds"),
        (["describe", "x.jpg", "--answer-seconds", "-1"], "--answer-seconds"),
        (["describe", "x.jpg", "--answer-seconds", "inf"], "--answer-seconds"),
        (["ask", "x.jpg", "Why?", "--threads", "0"], "--threads"),
        (["describe", "x.jpg", "--server", "h", "--server-timeout", "0"], "--server-timeout"),
        (["servers", "add", "x", "127.0.0.1:9", "--timeout", "-5"], "--timeout"),
        (["servers", "add", "x", "127.0.0.1:9", "--max-side", "0"], "--max-side"),
        (["servers", "add", "x", "127.0.0.1:9", "--timeout", "ten"], "--timeout"),
    ],
)
def test_numbers_that_mean_nothing_are_refused_by_the_parser(
    argv: list[str], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    assert f"error: argument {option}:" in err.splitlines()[-1]


def test_answer_seconds_zero_still_means_no_limit(capsys: pytest.CaptureFixture[str]) -> None:
    from describe_app.cli.parser import build_parser

    args = build_parser().parse_args(["describe", "x.jpg", "--answer-seconds", "0"])
    assert args.answer_seconds == 0.0


@pytest.mark.parametrize("server", ["", "   "])
def test_an_empty_server_is_said_not_swapped_for_the_local_model(
    server: str, photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: "--server ''" quietly used the local model (and started downloading it).
    code, out, err = run(["describe", str(photo_file), "--server", server], capsys)
    assert code == 5 and out == ""
    assert one_error_line(err) == "describe-app: The server address is empty."


@pytest.mark.parametrize("address", ["http://[::1", "http://[fe80::1%eth0:80", "[::1"])
def test_a_broken_ipv6_address_is_one_sentence_not_a_crash(
    address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(["servers", "add", "box", address], capsys)
    assert code == 5
    line = one_error_line(err)
    assert "has no valid host name" in line and "did not expect" not in line


# --- passwords in addresses -----------------------------------------------------------------


def test_redact_and_split_credentials() -> None:
    assert redact_address("http://bob:pw@gpu:8000/v1") == "http://***@gpu:8000/v1"
    assert redact_address("bob:pw@gpu:8000") == "***@gpu:8000"
    assert redact_address("ftp://tok@h") == "ftp://***@h"
    assert redact_address("http://gpu:8000/v1?next=a@b") == "http://gpu:8000/v1?next=a@b"
    bare, creds = split_credentials("http://bob:p%40ss@gpu:8000/v1")
    assert (bare, creds) == ("http://gpu:8000/v1", ("bob", "p@ss"))
    assert split_credentials("https://gpu/v1") == ("https://gpu/v1", None)


@pytest.mark.parametrize(
    "address", ["ftp://bob:s3cret@gpu", "http://bob:s3cret@gpu:99999", "http://bob:s3cret@[::1"]
)
def test_a_password_is_not_repeated_in_address_errors(
    address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["servers", "add", "box", address], capsys)
    assert code == 5
    assert "s3cret" not in out + err
    assert "***@" in one_error_line(err)


def test_a_password_is_sent_as_basic_auth_and_never_printed_or_logged(
    fake_servers: Callable[..., FakeServer],
    photo_file: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring.core

    # the password is kept in a keyring (never the user's), not in servers.json
    monkeypatch.setattr(keyring.core, "_keyring_backend", MemoryKeyring())
    fake = fake_servers(post=body_reply(401, b"<html><body>401</body></html>", "text/html"))
    url = fake.url.replace("://", "://bob:s3cret@")
    assert run(["servers", "add", "home", url], capsys)[0] == 0
    code, out, err = run(["servers", "list"], capsys)
    assert code == 0 and "home: http://***@127.0.0.1:" in out and "s3cret" not in out + err

    caplog.set_level(logging.DEBUG)
    code, out, err = run(["-vv", "describe", str(photo_file), "--server", "home"], capsys)
    assert code == 5
    assert "refused the request (error 401)" in one_error_line(err)
    assert "s3cret" not in out + err
    assert not [r for r in caplog.records if "s3cret" in r.getMessage()]
    path, headers = fake.requests[-1]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"bob:s3cret").decode()


def test_an_api_key_and_a_plain_address_still_send_bearer(
    fake_servers: Callable[..., FakeServer],
    photo_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = fake_servers()
    monkeypatch.setenv("DESCRIBE_SERVER_API_KEY", "k-123")
    code, out, _err = run(["describe", str(photo_file), "--server", fake.url], capsys)
    assert code == 0 and out.splitlines() == ["Hello."]
    assert fake.requests[-1][1]["Authorization"] == "Bearer k-123"


# --- what the server says -------------------------------------------------------------------

EVIL = (
    "\x1b]0;retitled\x07\x1b[2J\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\"
    " \u202egnp.exe\u202c \x00\x9b31m \x1b]52;c;cm0gLXJmIH4=\x07"
)


def test_an_error_body_cut_at_64_kb_gives_the_status_not_raw_json(
    fake_servers: Callable[..., FakeServer], photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = json.dumps({"error": {"message": EVIL + "A" * 100_000}}).encode()
    fake = fake_servers(post=body_reply(500, body))
    code, _out, err = run(["describe", str(photo_file), "--server", fake.url], capsys)
    assert code == 5
    # Before: the first 200 characters of the cut JSON, "\u001b" escapes and all.
    assert one_error_line(err) == f"describe-app: The server at {fake.host} answered error 500."


def test_an_error_event_of_100_kb_is_clipped_and_cleaned(
    fake_servers: Callable[..., FakeServer], photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = sse({"error": {"message": EVIL + "boom " + "B" * 100_000}})
    fake = fake_servers(post=stream_reply([event]))
    code, _out, err = run(["describe", str(photo_file), "--server", fake.url], capsys)
    assert code == 5
    line = one_error_line(err)
    assert "failed while answering" in line and "boom" in line
    assert len(line) < 400, len(line)  # before: 100 KB on one line


def test_a_busy_server_says_to_try_again(
    fake_servers: Callable[..., FakeServer], photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = b"<html><head><title>429 Too Many Requests</title></head></html>"
    fake = fake_servers(post=body_reply(429, page, "text/html"))
    code, _out, err = run(["describe", str(photo_file), "--server", fake.url], capsys)
    assert code == 5
    assert one_error_line(err).endswith(
        "answered error 429. The server is busy; try again in a moment."
    )


def test_a_redirect_is_not_followed_and_says_where_it_points(
    fake_servers: Callable[..., FakeServer], photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    to = "https://user:pw@gpu.example:8443/v1/chat/completions?session=abc"
    fake = fake_servers(
        post=body_reply(301, b"", Location=to), get=body_reply(302, b"", Location=to)
    )
    code, _out, err = run(["describe", str(photo_file), "--server", fake.url], capsys)
    assert code == 5
    # Before: "is not a chat-completions stream Describe can read".
    expected = "sends requests on to https://***@gpu.example:8443; use that address instead."
    assert one_error_line(err).endswith(expected)
    code, _out, err = run(["servers", "test", fake.url], capsys)
    assert code == 5 and one_error_line(err).endswith(expected)
    assert len(fake.requests) == 2  # nothing went on to the other address


def test_https_to_a_plain_http_server(
    fake_servers: Callable[..., FakeServer], photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = fake_servers()
    https = fake.url.replace("http://", "https://")
    code, _out, err = run(["describe", str(photo_file), "--server", https], capsys)
    assert code == 5
    # Before: "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)".
    line = one_error_line(err)
    assert "does not answer over https" in line and "SSL" not in line


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ([{"id": 5}, None, "x", {"id": "  "}], "offers 1 model: x."),
        ([{"id": "a"}, {"name": "no id"}], "offers 1 model: a."),
        ([], "lists no models."),
    ],
)
def test_models_entries_without_a_name_are_skipped(
    data: object,
    said: str,
    fake_servers: Callable[..., FakeServer],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = fake_servers(get=models_reply(data))
    code, out, _err = run(["servers", "test", fake.url], capsys)
    assert code == 0 and out.strip().endswith(said), out


@pytest.mark.parametrize("data", ["nope", {"id": "m"}, 7, [None, 3]])
def test_models_that_are_not_a_list_are_an_error(
    data: object, fake_servers: Callable[..., FakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: {"data": "nope"} was "4 models: n, o, p and e".
    fake = fake_servers(get=models_reply(data))
    code, out, err = run(["servers", "test", fake.url], capsys)
    assert code == 5 and out == ""
    assert "not with a list of models" in one_error_line(err)


def test_a_huge_hostile_model_name_is_clean_and_short(
    fake_servers: Callable[..., FakeServer], photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = EVIL + "m" * 5000
    fake = fake_servers(get=models_reply([{"id": name}]))
    code, out, _err = run(["servers", "test", fake.url], capsys)
    assert code == 0 and len(out) < 300 and "..." in out

    chunk = {"model": name, "choices": [{"delta": {"content": "Hi."}, "finish_reason": "stop"}]}
    fake = fake_servers(post=stream_reply([sse(chunk)]))
    code, out, _err = run(["describe", str(photo_file), "--server", fake.url, "--json"], capsys)
    assert code == 0
    result = json.loads(out)
    assert result["text"] == "Hi."
    assert len(result["model"]) < 150 and not RAW.search(result["model"])


def test_hostile_stream_text_is_cleaned_in_text_and_json(
    fake_servers: Callable[..., FakeServer], photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pieces = [
        content_chunk("A cup " + EVIL[:20]),
        content_chunk(EVIL[20:] + " on a table. $(rm -rf ~) ../../etc/passwd; `id`.", "stop"),
    ]
    fake = fake_servers(post=stream_reply(pieces))
    code, out, _err = run(["describe", str(photo_file), "--server", fake.url], capsys)
    assert code == 0 and "A cup" in out and "$(rm -rf ~) ../../etc/passwd; `id`." in out
    code, out, _err = run(["describe", str(photo_file), "--server", fake.url, "--json"], capsys)
    assert code == 0
    text = json.loads(out)["text"]
    assert not RAW.search(text) and "retitled" not in text and "cm0g" not in text


def test_ten_megabytes_of_answer_stop_at_the_length_limit(
    fake_servers: Callable[..., FakeServer], photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pieces = [content_chunk("y" * 1000) for _ in range(10_000)]
    fake = fake_servers(post=stream_reply(pieces))
    code, out, _err = run(["describe", str(photo_file), "--server", fake.url], capsys)
    assert code == 0
    assert len(out) < 20_000
    assert out.rstrip().endswith("The answer was stopped because it was too long.")


def test_a_refused_public_address_is_not_announced_first(
    photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An address literal: no name is looked up, nothing is sent.
    code, _out, err = run(["describe", str(photo_file), "--server", "http://8.8.8.8:80"], capsys)
    assert code == 5
    # Before: "Sending pictures to 8.8.8.8:80." and then "Describe will not send pictures".
    assert "Sending pictures" not in err
    assert "will not send pictures unencrypted" in one_error_line(err)


def test_nothing_listening_still_says_where_first(
    photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    code, _out, err = run(["describe", str(photo_file), "--server", url], capsys)
    assert code == 5
    assert err.startswith("Sending pictures to 127.0.0.1:")
    assert "the connection was refused" in one_error_line(err)


# --- names and the error line ---------------------------------------------------------------


def test_server_names_with_escape_sequences_print_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["servers", "add", "\x1b]0;T\x07home\u202e", "127.0.0.1:9"], capsys)
    assert code == 0 and out.startswith("Added home: http://127.0.0.1:9/v1")
    code, out, _err = run(["servers", "list"], capsys)
    assert code == 0 and out.startswith("home: http://127.0.0.1:9/v1")
    code, out, _err = run(["servers", "remove", "\x1b]0;T\x07home\u202e"], capsys)
    assert code == 0 and out == "Removed home.\n"


def test_the_error_line_never_carries_escape_sequences(capsys: pytest.CaptureFixture[str]) -> None:
    error("Something went wrong (ValueError: \x1b]0;pwned\x07bad \u202eevil).")
    assert capsys.readouterr().err == "describe-app: Something went wrong (ValueError: bad evil).\n"


def test_normalize_keeps_working_for_plain_addresses() -> None:
    assert normalize_base_url("gpu-box:8000") == "http://gpu-box:8000/v1"
    assert normalize_base_url("https://u:p@h/v1/chat/completions") == "https://u:p@h/v1"


@pytest.mark.slow  # waits out the server's time limit and the backstop (about 11 s)
def test_keep_alive_comments_forever_end_with_the_time_limit(
    fake_servers: Callable[..., FakeServer], photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    def comments(h: BaseHTTPRequestHandler) -> None:
        stream_reply([])(h)
        for _ in range(200):  # 20 s at most
            h.wfile.write(b": keep-alive\n\n")
            h.wfile.flush()
            time.sleep(0.1)

    fake = fake_servers(post=comments)
    started = time.perf_counter()
    argv = ["describe", str(photo_file), "--server", fake.url, "--server-timeout", "1"]
    code, out, err = run(argv, capsys)
    assert code == 5 and out == ""
    assert "sent nothing for 1 seconds" in one_error_line(err)
    assert time.perf_counter() - started < 15


# --- API keys and a hand-edited servers.json -------------------------------------------------


@pytest.mark.parametrize("key", ["sk-abc\ndef", "ключ-123", "sk abc"])
def test_an_api_key_no_header_can_carry_is_refused_without_echoing_it(
    key: str,
    fake_servers: Callable[..., FakeServer],
    photo_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = fake_servers()
    monkeypatch.setenv("DESCRIBE_SERVER_API_KEY", key)
    for argv in (
        ["describe", str(photo_file), "--server", fake.url],
        ["servers", "test", fake.url],
    ):
        code, out, err = run(argv, capsys)
        assert code == 5 and out == ""
        # Before: "(LocalProtocolError: Illegal header value b'Bearer sk-abc\ndef')".
        line = one_error_line(err)
        assert "The API key has spaces, line breaks or letters outside ASCII" in line
        assert "abc" not in line and "ключ" not in line and "Sending" not in err
    assert fake.requests == []


def test_spaces_around_an_api_key_are_dropped(
    fake_servers: Callable[..., FakeServer],
    photo_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = fake_servers()
    monkeypatch.setenv("DESCRIBE_SERVER_API_KEY", "  sk-123\n")
    assert run(["describe", str(photo_file), "--server", fake.url], capsys)[0] == 0
    assert fake.requests[-1][1]["Authorization"] == "Bearer sk-123"


def test_servers_add_refuses_a_key_no_header_can_carry(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    import keyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO("ключ\n"))
        code, out, err = run(["servers", "add", "lab", "127.0.0.1:9", "--key"], capsys)
    finally:
        keyring.set_keyring(previous)
    assert code == 5 and out == "" and "ключ" not in err
    assert "The API key has spaces" in one_error_line(err)
    assert backend.secrets == {}
    assert run(["servers", "list"], capsys)[1].startswith("No servers yet.")


@pytest.mark.parametrize(
    "entry",
    [{"url": 5}, {"url": None}, {"url": "h:1", "timeout": 1e400}, {"url": "http://[::1"}],
)
def test_a_hand_edited_servers_file_is_one_sentence(
    entry: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    from describe_app.core.describe.remote.server_profiles import servers_path

    path = servers_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "servers": {"a": entry}}))
    code, out, err = run(["servers", "list"], capsys)
    assert code == 5 and out == ""
    # Before: "Something went wrong that Describe did not expect (AttributeError: ...)".
    line = one_error_line(err)
    assert "could not be read" in line and "did not expect" not in line


def test_a_model_in_the_servers_file_that_is_not_text_is_forgotten(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from describe_app.core.describe.remote.server_profiles import servers_path

    path = servers_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"servers": {"a": {"url": "h:1", "model": {"x": 1}}}}))
    code, out, _err = run(["servers", "list"], capsys)
    assert code == 0 and out == "a: http://h:1/v1 (the server's own model)\n"


def test_a_very_long_server_name_is_not_read_back_whole(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["servers", "add", "n" * 5000, "127.0.0.1:9"], capsys)
    assert code == 5
    line = one_error_line(err)
    assert "A server name must have 1 to 64 characters" in line and len(line) < 200


@pytest.mark.parametrize(
    ("argv", "verbose"),
    [
        (["describe", "x.jpg", "-v"], 1),
        (["-v", "describe", "x.jpg"], 1),
        (["describe", "x.jpg", "-vv"], 2),
        (["describe", "x.jpg"], 0),
        (["servers", "add", "a", "h:1", "--verbose"], 1),
        (["colour", "x.jpg", "-v"], 1),
    ],
)
def test_verbose_may_follow_the_command(argv: list[str], verbose: int) -> None:
    from describe_app.cli.parser import build_parser

    # Before: "describe-app: error: unrecognized arguments: -v" (exit 2).
    assert build_parser().parse_args(argv).verbose == verbose


def test_describe_with_verbose_after_the_command_runs(
    fake_servers: Callable[..., FakeServer], photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = fake_servers()
    code, out, err = run(["describe", str(photo_file), "--server", fake.url, "-v"], capsys)
    assert code == 0 and out == "Hello.\n"
    assert "First sentence after" in err


# --- --wav that cannot be written ------------------------------------------------------------


@pytest.mark.parametrize(
    ("wav", "said"),
    [
        ("{tmp}/no/such/folder/x.wav", "does not exist, so the spoken text cannot be written"),
        ("{tmp}", "is a folder; --wav needs a file name, for example"),
        ("", "--wav needs a file name, for example --wav answer.wav."),
    ],
)
def test_a_wav_that_cannot_be_written_is_said_at_the_start_and_the_answer_still_comes(
    wav: str,
    said: str,
    tmp_path: Path,
    fake_servers: Callable[..., FakeServer],
    photo_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = fake_servers()
    argv = ["describe", str(photo_file), "--server", fake.url, "--wav", wav.format(tmp=tmp_path)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # before: "Exception ignored in: Wave_write.__del__"
        code, out, err = run(argv, capsys)
    assert code == 0 and out == "Hello.\n"
    assert said in one_error_line(err)
    assert "Exception ignored" not in err


@pytest.mark.skipif(os.name == "nt", reason="POSIX shell quoting")
@pytest.mark.parametrize(
    ("name", "typed"),
    [("home", "home"), ("$(id)", "'$(id)'"), ("a b", "'a b'"), ("x;`id`", "'x;`id`'")],
)
def test_the_suggested_server_option_is_safe_to_paste(
    name: str, typed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(["servers", "add", name, "127.0.0.1:9"], capsys)
    assert code == 0
    assert out.splitlines()[1] == f"Pictures are sent there only when you add --server {typed}."

"""A password typed into a server's address goes to the system keyring, never to servers.json.

Through :func:`describe_app.cli.main` with a keyring kept in memory (set as keyring's own
default, never the user's) and a stub server on 127.0.0.1 that records each request's
headers: saving moves the password, using the profile brings it back as Basic
authorization, and a missing or locked keyring is one sentence with nothing sent.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from describe_app.cli import main
from describe_app.core.describe.remote.api_keys import SERVICE, ServerPasswords
from describe_app.core.describe.remote.remote_describer import remote_describer_for
from describe_app.core.describe.remote.remote_errors import KeyringUnavailableError
from describe_app.core.describe.remote.server_address import split_password, with_password
from describe_app.core.describe.remote.server_profiles import (
    ServerProfile,
    ServerProfiles,
    servers_path,
)
from tests.memory_keyring import MemoryKeyring
from tests.server_fixtures import StubServer

#: A password with the characters an address must escape, and one that needs none.
SECRET = "p@ss:w/rd%?#é"
PLAIN = "s3cret-Kx9"


@pytest.fixture(autouse=True)
def _own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's own servers.json, never the session's nor the user's."""
    monkeypatch.setenv("DESCRIBE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("DESCRIBE_SERVER_API_KEY", raising=False)


def use_keyring(backend: keyring.backend.KeyringBackend) -> None:
    keyring.set_keyring(backend)


@pytest.fixture
def stub() -> Iterator[StubServer]:
    server = StubServer()
    yield server
    server.close()


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def address(stub: StubServer, user: str, password: str) -> str:
    from urllib.parse import quote

    return stub.url.replace("://", f"://{user}:{quote(password, safe='')}@")


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def servers_file() -> str:
    return servers_path().read_text(encoding="utf-8")


# --- the address ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "bare", "password"),
    [
        ("http://alice:s3cret@gpu-box:8000/v1", "http://alice@gpu-box:8000/v1", "s3cret"),
        ("https://a%40b:p%40ss%3Aw@[fd00::1]:8443/x", "https://a%40b@[fd00::1]:8443/x", "p@ss:w"),
        ("http://:only@gpu/v1", "http://gpu/v1", "only"),
        ("http://alice@gpu/v1", "http://alice@gpu/v1", None),
        ("http://alice:@gpu/v1", "http://alice@gpu/v1", None),
        ("http://gpu:8000/v1?next=a:b@c", "http://gpu:8000/v1?next=a:b@c", None),
    ],
)
def test_the_password_is_split_from_the_address_and_put_back(
    url: str, bare: str, password: str | None
) -> None:
    assert split_password(url) == (bare, password)
    if password is not None:
        assert split_password(with_password(bare, password)) == (bare, password)


def test_any_password_survives_the_round_trip() -> None:
    from describe_app.core.describe.remote.server_address import split_credentials

    url = with_password("http://bob@gpu-box:8000/v1", SECRET)
    assert split_credentials(url) == ("http://gpu-box:8000/v1", ("bob", SECRET))


# --- saving ---------------------------------------------------------------------------------


def test_servers_add_keeps_the_password_in_the_keyring_only(
    memory_keyring: MemoryKeyring, stub: StubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["servers", "add", "lab", address(stub, "bob", SECRET)], capsys)
    assert code == 0, err
    assert SECRET not in out + err and "p%40ss" not in out + err
    said = [line for line in out.splitlines() if "keyring" in line]
    assert said == [
        "The password in the address of lab is kept in the system keyring, not in the server list."
    ]
    text = servers_file()
    assert "p%40ss" not in text and "ss:w" not in text
    entry = json.loads(text)["servers"]["lab"]
    assert entry["url"] == f"http://bob@127.0.0.1:{stub.port}/v1" and entry["password"] is True
    assert memory_keyring.secrets == {(SERVICE, "server-password:lab"): SECRET}

    code, out, err = run(["servers", "list"], capsys)
    assert code == 0 and "password in the system keyring" in out and "bob" not in out

    # Used: the password comes back from the keyring, as Basic authorization.
    code, out, err = run(["servers", "test", "lab"], capsys)
    assert code == 0, err
    assert stub.headers[-1]["Authorization"] == basic("bob", SECRET)


def test_a_describe_sends_the_password_from_the_keyring(
    memory_keyring: MemoryKeyring,
    stub: StubServer,
    photo_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["servers", "add", "lab", address(stub, "bob", PLAIN)], capsys)[0] == 0
    code, out, err = run(["describe", str(photo_file), "--server", "lab"], capsys)
    assert code == 0, err
    assert out.startswith("A stub answer.") and PLAIN not in out + err
    assert stub.headers[-1]["Authorization"] == basic("bob", PLAIN)


def test_the_password_and_the_api_key_are_two_entries(
    memory_keyring: MemoryKeyring,
    stub: StubServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("sk-key-1\n"))
    argv = ["servers", "add", "password:x", address(stub, "bob", PLAIN), "--key"]
    assert run(argv, capsys)[0] == 0
    assert memory_keyring.secrets == {
        (SERVICE, "server:password:x"): "sk-key-1",
        (SERVICE, "server-password:password:x"): PLAIN,
    }
    # Removing the server removes both.
    code, _out, err = run(["servers", "remove", "password:x"], capsys)
    assert code == 0 and err == ""
    assert memory_keyring.secrets == {}
    assert "password:x" not in json.loads(servers_file())["servers"]


def test_replacing_a_server_without_its_password_forgets_the_old_one(
    memory_keyring: MemoryKeyring, stub: StubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["servers", "add", "lab", address(stub, "bob", PLAIN)], capsys)[0] == 0
    code, out, _err = run(["servers", "add", "lab", stub.url.replace("://", "://bob@")], capsys)
    assert code == 0 and "kept in the system keyring" not in out
    assert memory_keyring.secrets == {}
    assert json.loads(servers_file())["servers"]["lab"]["password"] is False


def test_without_a_keyring_the_password_is_refused_not_written(
    stub: StubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    use_keyring(fail.Keyring())
    try:
        code, out, err = run(["servers", "add", "lab", address(stub, "bob", PLAIN)], capsys)
    finally:
        use_keyring(previous)
    assert code == 5 and out == ""
    assert err.startswith("describe-app: No system keyring is available to keep the password")
    assert "never writes passwords" in err and "API key" in err and PLAIN not in err
    assert not servers_path().exists()
    assert stub.headers == []


# --- using ----------------------------------------------------------------------------------


class LockedKeyring(MemoryKeyring):
    """Holds secrets, but will not give them out (a locked collection)."""

    priority = -1  # never keyring's own choice

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("the collection is locked")


def test_a_locked_or_emptied_keyring_is_a_sentence_and_nothing_is_sent(
    stub: StubServer, photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = keyring.get_keyring()
    locked = LockedKeyring()
    use_keyring(locked)
    try:
        assert run(["servers", "add", "lab", address(stub, "bob", PLAIN)], capsys)[0] == 0
        code, out, err = run(["describe", str(photo_file), "--server", "lab"], capsys)
        assert code == 5 and out == ""
        assert err.startswith("describe-app: The system keyring could not read the server's")
        use_keyring(MemoryKeyring())  # unlocked, but the password is not there
        code, out, err = run(["servers", "test", "lab"], capsys)
    finally:
        use_keyring(previous)
    assert code == 5
    assert "The password for lab is not in the system keyring" in err
    assert stub.headers == [] and stub.requests == []  # never a request without it


def test_the_describer_takes_the_password_from_its_store(stub: StubServer) -> None:
    from keyring.backends import null

    passwords = ServerPasswords(MemoryKeyring())
    profile = ServerProfile("lab", stub.url.replace("://", "://bob@"), password=True)
    with pytest.raises(KeyringUnavailableError, match="No system keyring"):
        remote_describer_for(profile, password_store=ServerPasswords(null.Keyring()))
    passwords.set("lab", SECRET)
    with remote_describer_for(profile, password_store=passwords) as remote:
        remote.check_connection()
    assert stub.headers[-1]["Authorization"] == basic("bob", SECRET)


# --- a servers.json written before ----------------------------------------------------------


def write_old_file(url: str) -> None:
    path = servers_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "servers": {"old": {"url": url}}}))


def test_an_old_file_with_a_password_still_works_and_moves_on_the_next_save(
    memory_keyring: MemoryKeyring, stub: StubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write_old_file(address(stub, "bob", PLAIN) + "/v1")
    code, _out, err = run(["servers", "test", "old"], capsys)  # read as before
    assert code == 0, err
    assert stub.headers[-1]["Authorization"] == basic("bob", PLAIN)
    assert memory_keyring.secrets == {}

    code, out, err = run(["servers", "add", "new", stub.url], capsys)
    assert code == 0, err
    assert "The password in the address of old is kept in the system keyring" in out
    assert PLAIN not in servers_file() and PLAIN not in out + err
    assert memory_keyring.secrets == {(SERVICE, "server-password:old"): PLAIN}
    assert run(["servers", "test", "old"], capsys)[0] == 0
    assert stub.headers[-1]["Authorization"] == basic("bob", PLAIN)


def test_an_old_password_stays_where_it_was_when_no_keyring_takes_it(
    stub: StubServer, tmp_path: Path
) -> None:
    from keyring.backends import fail

    write_old_file(address(stub, "bob", PLAIN))
    store = ServerProfiles(passwords=ServerPasswords(fail.Keyring()))
    assert store.put(ServerProfile("new", stub.url)) == []  # the new one needs no keyring
    assert store.get("old").url == address(stub, "bob", PLAIN) + "/v1"
    with pytest.raises(KeyringUnavailableError, match="never writes passwords"):
        store.put(ServerProfile("third", address(stub, "carol", PLAIN)))
    assert sorted(store.load()) == ["new", "old"]

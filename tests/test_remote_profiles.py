"""Server addresses, the privacy rule, server profiles on disk, and API keys in the keyring."""

from __future__ import annotations

import json
import socket
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from describe_app.core.describe.choice import ServerChoice, describer_factory, resolve_profile
from describe_app.core.describe.remote.api_keys import SERVICE, SystemKeyring
from describe_app.core.describe.remote.remote_describer import RemoteDescriber, remote_describer_for
from describe_app.core.describe.remote.remote_errors import (
    InsecureServerError,
    KeyringUnavailableError,
    ServerSetupError,
    ServerUnreachableError,
)
from describe_app.core.describe.remote.server_address import (
    check_privacy,
    display_host,
    is_private_address,
    normalize_base_url,
)
from describe_app.core.describe.remote.server_profiles import (
    ServerProfile,
    ServerProfiles,
    servers_path,
)
from tests.memory_keyring import MemoryKeyring


@pytest.mark.parametrize(
    ("typed", "base"),
    [
        ("localhost:8000", "http://localhost:8000/v1"),
        ("http://gpu-box:8000/", "http://gpu-box:8000/v1"),
        ("https://api.example.org/v1/chat/completions", "https://api.example.org/v1"),
        ("http://127.0.0.1:11434/v1/models", "http://127.0.0.1:11434/v1"),
        ("https://example.org/openai/v1", "https://example.org/openai/v1"),
        ("  http://[::1]:8080  ", "http://[::1]:8080/v1"),
    ],
)
def test_addresses_become_base_urls(typed: str, base: str) -> None:
    assert normalize_base_url(typed) == base


@pytest.mark.parametrize("bad", ["", "ftp://host", "http://", "http://host:99999"])
def test_bad_addresses_are_refused_in_a_sentence(bad: str) -> None:
    with pytest.raises(ServerSetupError) as info:
        normalize_base_url(bad)
    assert str(info.value).endswith(".")


def test_display_host_leaves_out_credentials() -> None:
    assert display_host("http://user:pw@gpu-box:8000/v1") == "gpu-box:8000"


@pytest.mark.parametrize(
    ("address", "private"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("10.1.2.3", True),
        ("172.20.0.5", True),
        ("192.168.1.20", True),
        ("169.254.3.4", True),
        ("fd12:3456::1", True),
        ("fe80::1%eth0", True),
        ("100.101.102.103", True),  # Tailscale
        ("::ffff:192.168.1.2", True),
        ("8.8.8.8", False),
        ("2606:4700::1111", False),
        ("0.0.0.0", False),
        ("203.0.113.5", False),  # a documentation range: ip.is_private, but not private here
        ("not-an-address", False),
    ],
)
def test_private_addresses(address: str, private: bool) -> None:
    assert is_private_address(address) is private


def resolver_for(*addresses: str) -> Any:
    def resolve(host: str, port: int, *_: Any) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return resolve


def test_plain_http_stays_inside_the_private_network() -> None:
    check_privacy("http://127.0.0.1:8000/v1")
    check_privacy("http://localhost:8000/v1")
    check_privacy("http://gpu-box:8000/v1", resolver=resolver_for("192.168.1.9"))
    with pytest.raises(InsecureServerError, match=r"unencrypted to 8\.8\.8\.8") as info:
        check_privacy("http://8.8.8.8/v1")
    assert "--allow-insecure" in str(info.value)
    with pytest.raises(InsecureServerError):  # one public address is enough to refuse
        check_privacy("http://mixed.example/v1", resolver=resolver_for("10.0.0.2", "1.2.3.4"))


def test_https_and_confirmed_http_go_anywhere() -> None:
    def no_lookup(*_: Any) -> list[Any]:
        raise AssertionError("no name lookup needed")

    check_privacy("https://api.example.org/v1", resolver=no_lookup)
    check_privacy("http://203.0.113.5/v1", allow_insecure=True, resolver=no_lookup)


def test_an_unknown_name_says_so() -> None:
    def fail(*_: Any) -> list[Any]:
        raise socket.gaierror(-2, "Name or service not known")

    with pytest.raises(ServerUnreachableError, match="could not find the server nowhere"):
        check_privacy("http://nowhere:8000/v1", resolver=fail)


def test_the_describer_refuses_to_send_anything_over_public_http() -> None:
    # ".invalid" never resolves, so even a broken check could not reach anyone.
    public = resolver_for("8.8.8.8")
    describer = RemoteDescriber("http://pictures.invalid:8000", resolver=public)
    with describer, pytest.raises(InsecureServerError, match=r"unencrypted to pictures\.invalid"):
        describer.check_connection()


# --- profiles -----------------------------------------------------------------------------


def test_profiles_round_trip_in_the_config_folder(tmp_path: Path) -> None:
    store = ServerProfiles(tmp_path / "servers.json")
    assert store.load() == {}
    home = ServerProfile("home gpu", "gpu-box:8000", model="SmolVLM", timeout=30, api_key=True)
    store.put(home)
    store.put(ServerProfile("work", "https://ai.example.org"))
    again = ServerProfiles(tmp_path / "servers.json")
    assert again.get("home gpu") == home
    assert again.get("HOME GPU") == home  # names are matched ignoring case
    assert home.url == "http://gpu-box:8000/v1"
    data = json.loads((tmp_path / "servers.json").read_text())
    assert set(data["servers"]) == {"home gpu", "work"}
    assert "key" not in json.dumps(data).replace("api_key", "")  # only the flag, never a key
    assert again.remove("work").name == "work"
    assert list(again.load()) == ["home gpu"]


def test_profiles_default_to_the_describe_config_folder() -> None:
    assert servers_path().parent.name == "config"  # tests point DESCRIBE_CONFIG_DIR there


def test_profile_values_are_clamped_and_checked() -> None:
    profile = ServerProfile("  a   b ", "localhost:1", timeout=0, max_side=99999)
    assert (profile.name, profile.timeout, profile.max_side) == ("a b", 1, 4096)
    with pytest.raises(ServerSetupError, match="name"):
        ServerProfile("", "localhost:1")
    assert profile.privacy_notice == "Sending pictures to a b (localhost:1)."


def test_an_unknown_profile_and_a_broken_file_are_sentences(tmp_path: Path) -> None:
    path = tmp_path / "servers.json"
    with pytest.raises(ServerSetupError, match="no server named 'lab'"):
        ServerProfiles(path).get("lab")
    path.write_text("{broken")
    with pytest.raises(ServerSetupError, match="could not be read"):
        ServerProfiles(path).load()


def test_a_choice_names_a_profile_or_an_address(tmp_path: Path) -> None:
    store = ServerProfiles(tmp_path / "servers.json")
    store.put(ServerProfile("lab", "http://10.0.0.5:8000", model="big-vlm", timeout=50))
    profile = resolve_profile(ServerChoice("lab", timeout=9), store)
    assert (profile.url, profile.model, profile.timeout) == (
        "http://10.0.0.5:8000/v1",
        "big-vlm",
        9,
    )
    adhoc = resolve_profile(ServerChoice("127.0.0.1:9000", model="m"), store)
    assert (adhoc.name, adhoc.url, adhoc.model) == (
        "127.0.0.1:9000",
        "http://127.0.0.1:9000/v1",
        "m",
    )
    with pytest.raises(ServerSetupError):
        resolve_profile(ServerChoice("nolab"), store)


def test_an_address_typed_as_is_works_beside_a_damaged_servers_file(tmp_path: Path) -> None:
    path = tmp_path / "servers.json"
    path.write_text("{broken")
    store = ServerProfiles(path)
    adhoc = resolve_profile(ServerChoice("http://127.0.0.1:9000", model="m"), store)
    assert (adhoc.url, adhoc.model) == ("http://127.0.0.1:9000/v1", "m")
    with pytest.raises(ServerSetupError, match="could not be read"):
        resolve_profile(ServerChoice("lab"), store)  # a name needs the file: said


def test_no_server_chosen_means_the_local_factory_itself() -> None:
    def local() -> Any:
        raise AssertionError("not called")

    assert describer_factory(ServerChoice(""), local) is local


# --- API keys -----------------------------------------------------------------------------


def test_keys_live_in_the_keyring_under_the_profile_name() -> None:
    backend = MemoryKeyring()
    keys = SystemKeyring(backend)
    keys.set("home", "sk-123")
    assert backend.secrets == {(SERVICE, "server:home"): "sk-123"}
    assert keys.get("home") == "sk-123"
    keys.delete("home")
    keys.delete("home")  # deleting twice is fine
    assert keys.get("home") is None


def test_the_profile_key_is_read_from_the_keyring() -> None:
    backend = MemoryKeyring()
    keys = SystemKeyring(backend)
    profile = ServerProfile("home", "localhost:8000", api_key=True)
    with pytest.raises(ServerSetupError, match="not in the system keyring"):
        remote_describer_for(profile, key_store=keys)
    keys.set("home", "sk-123")
    with remote_describer_for(profile, key_store=keys) as describer:
        assert describer._headers()["Authorization"] == "Bearer sk-123"


def test_without_a_keyring_the_message_says_what_to_do() -> None:
    from keyring.backends import fail, null

    for backend in (fail.Keyring(), null.Keyring()):
        keys = SystemKeyring(backend)
        calls = (keys.check, partial(keys.get, "x"), partial(keys.set, "x", "k"))
        for call in (*calls, partial(keys.delete, "x")):
            with pytest.raises(KeyringUnavailableError, match="No system keyring") as info:
                call()
            assert "never writes keys to its settings file" in str(info.value)


def test_a_failing_keyring_is_a_sentence() -> None:
    class Locked(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise RuntimeError("the collection is locked")

    with pytest.raises(KeyringUnavailableError, match="could not read the API key"):
        SystemKeyring(Locked()).get("home")

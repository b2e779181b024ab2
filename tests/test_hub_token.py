"""The hub's access token for gated models: kept in the keyring, sent to the hub's host only,
``HF_TOKEN`` wins; a gated model is refused in one sentence without it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import keyring
import pytest

from describe_app.core.describe.local.hub_token import HubKeyringError, HubTokenStore, hub_token
from describe_app.core.describe.local.model_download import GatedModelError, ModelDownload
from describe_app.core.describe.local.model_store import cached_path
from describe_app.core.system_keyring import SERVICE
from tests import local_hub
from tests.local_hub import TINY_SPEC, hub_keyring, point_at, serve_model

hub_env = local_hub.hub_env
TOKEN = "hf_secret_token_123"
GATED_SPEC = dataclasses.replace(TINY_SPEC, gated=True)


def test_a_public_model_leaves_the_keyring_alone(
    hub_env: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(HubTokenStore, "get", lambda _self: asked.append("get") or TOKEN)
    with serve_model(TINY_SPEC.repo_id, tiny_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        ModelDownload(TINY_SPEC).run()
    assert asked == []  # a locked keyring would have asked for its password
    assert all(auth is None for _path, auth in hub.authorizations)


def test_a_public_model_the_hub_gates_after_all_gets_the_stored_token(
    hub_env: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_model(TINY_SPEC.repo_id, tiny_model_dir, token=TOKEN) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        HubTokenStore().set(TOKEN)
        folder = ModelDownload(TINY_SPEC).run()
    assert cached_path(TINY_SPEC) == folder
    sent = [auth for _path, auth in hub.authorizations]
    assert sent[0] is None and set(sent[1:]) == {f"Bearer {TOKEN}"}  # asked once, then sent


def test_a_gated_model_without_a_token_is_refused_in_one_sentence(
    hub_env: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_model(TINY_SPEC.repo_id, tiny_model_dir, token=TOKEN) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        with pytest.raises(GatedModelError) as info:
            ModelDownload(TINY_SPEC).run()
    assert str(info.value) == (
        "Tiny-Test can only be downloaded with a hub account that has accepted its terms, "
        "and that account's access token."
    )
    assert not info.value.token_refused
    assert cached_path(TINY_SPEC) is None
    assert all(auth is None for _path, auth in hub.authorizations)


def test_the_stored_token_gets_it_and_goes_to_the_hub_host_only(
    hub_env: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_model(TINY_SPEC.repo_id, tiny_model_dir, token=TOKEN, cdn=True) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        HubTokenStore().set(f"  {TOKEN}\n")
        folder = ModelDownload(GATED_SPEC).run()
    assert hub_keyring().secrets == {(SERVICE, "hub:127.0.0.1"): TOKEN}
    assert cached_path(GATED_SPEC) == folder
    at_hub = [auth for path, auth in hub.authorizations if not path.startswith("/cdn/")]
    at_cdn = [auth for path, auth in hub.authorizations if path.startswith("/cdn/")]
    assert at_hub and set(at_hub) == {f"Bearer {TOKEN}"}
    assert at_cdn and set(at_cdn) == {None}  # the redirect elsewhere carries no token


def test_a_token_the_hub_refuses_is_said(
    hub_env: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_model(TINY_SPEC.repo_id, tiny_model_dir, token=TOKEN) as (endpoint, _hub):
        point_at(monkeypatch, endpoint)
        HubTokenStore().set("hf_wrong")
        with pytest.raises(GatedModelError, match="The hub refused the access token") as info:
            ModelDownload(TINY_SPEC, command="describe-app models download Tiny-Test").run()
    assert info.value.token_refused
    assert str(info.value).endswith(
        "give the token with: describe-app models token, then run: "
        "describe-app models download Tiny-Test"
    )
    assert "hf_wrong" not in str(info.value)


def test_hf_token_in_the_environment_wins(
    hub_env: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    HubTokenStore().set("hf_wrong")
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    assert hub_token() == TOKEN
    with serve_model(TINY_SPEC.repo_id, tiny_model_dir, token=TOKEN) as (endpoint, _hub):
        point_at(monkeypatch, endpoint)
        assert cached_path(TINY_SPEC) is None
        ModelDownload(TINY_SPEC).run()
    assert cached_path(TINY_SPEC) is not None


def test_forget_and_no_keyring(hub_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends import fail

    store = HubTokenStore()
    store.set(TOKEN)
    store.delete()
    store.delete()  # twice is fine
    assert store.get() is None
    assert hub_keyring().secrets == {}
    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
    with pytest.raises(HubKeyringError, match=r"^No system keyring is available to keep the hub"):
        HubTokenStore().set(TOKEN)
    assert hub_token() is None  # public models still download

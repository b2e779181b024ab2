"""``describe-app models token``: the hub's token from standard input into the keyring, a
gated model downloads with it and is refused without it (saying how to give one), and
``--forget`` removes it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from describe_app.cli import main
from describe_app.core.describe.local.model_store import cached_path
from describe_app.core.system_keyring import SERVICE
from tests import local_hub
from tests.local_hub import TINY_SPEC, hub_keyring, point_at, serve_model

hub_env = local_hub.hub_env
TOKEN = "hf_cli_token_7"


def test_token_from_stdin_then_download_then_forget(
    hub_env: Path,
    tiny_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with serve_model(TINY_SPEC.repo_id, tiny_model_dir, token=TOKEN) as (endpoint, _hub):
        point_at(monkeypatch, endpoint)
        assert main(["models", "download", "Tiny-Test"]) == 3
        err = capsys.readouterr().err
        assert "Tiny-Test can only be downloaded with a hub account" in err
        assert "give the token with: describe-app models token, then run: " in err
        assert cached_path(TINY_SPEC) is None

        monkeypatch.setattr("sys.stdin", io.StringIO(f"{TOKEN}\n"))
        assert main(["models", "token"]) == 0
        out = capsys.readouterr().out
        assert "The hub token is kept in the system keyring" in out
        assert TOKEN not in out
        assert hub_keyring().secrets == {(SERVICE, "hub:127.0.0.1"): TOKEN}

        assert main(["models", "download", "Tiny-Test"]) == 0
        assert "Tiny-Test is ready" in capsys.readouterr().out
    assert cached_path(TINY_SPEC) is not None

    assert main(["models", "token", "--forget"]) == 0
    assert "removed from the system keyring" in capsys.readouterr().out
    assert hub_keyring().secrets == {}


def test_no_token_given_and_no_keyring(
    hub_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import keyring.core
    from keyring.backends import fail

    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main(["models", "token"]) == 1
    assert "No access token was given; nothing was stored." in capsys.readouterr().err
    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{TOKEN}\n"))
    assert main(["models", "token"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("describe-app: No system keyring is available to keep the hub token")
    assert TOKEN not in err

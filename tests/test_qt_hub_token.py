"""A gated model in the download dialog, by keyboard: the hub refuses it, the token field
appears with the keyboard in it, a token typed and Enter stores it and downloads; a token
the hub refuses is one sentence and the field stays; no keyring is one sentence."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import keyring.core
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from describe_app.core.describe.local.model_store import cached_path
from describe_app.core.system_keyring import SERVICE
from tests import local_hub, qt_fixtures
from tests.local_hub import TINY_SPEC, hub_keyring, point_at, serve_model
from tests.test_qt_model_download import TIMEOUT_MS, key, open_dialog, thread_workers

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict
hub_env = local_hub.hub_env

TOKEN = "hf_gated_token_42"
GATED = (
    "Tiny-Test can only be downloaded with a hub account that has accepted its terms, "
    "and that account's access token."
)
REFUSED = (
    "The hub refused the access token for Tiny-Test: check the token, and that its "
    "account has accepted the model's terms on the hub."
)


@contextmanager
def gated_dialog(qtbot, window: QWidget, folder: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A gated model on the fake hub; the dialog opened, Enter (Download) pressed, and the
    keyboard in the token field that appeared. Yields (dialog, hub)."""
    with serve_model(TINY_SPEC.repo_id, folder, token=TOKEN) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        dialog = open_dialog(qtbot, window)
        key(dialog, Qt.Key.Key_Return)
        field = dialog.token_panel.field
        qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=TIMEOUT_MS)
        yield dialog, hub


def type_and_enter(dialog: QWidget, text: str) -> None:
    QTest.keyClicks(QApplication.focusWidget() or dialog, text)
    key(dialog, Qt.Key.Key_Return)


@pytest.mark.slow
def test_a_gated_model_asks_for_the_token_then_downloads_and_loads(
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    window, _speech = make_window(speaking_model_dir, load=False)
    window.worker_factory = thread_workers
    with gated_dialog(qtbot, window, speaking_model_dir, monkeypatch) as (dialog, hub):
        assert GATED in window.announcer.history
        assert dialog.status.text() == GATED
        field = dialog.token_panel.field
        assert field.echoMode() == QLineEdit.EchoMode.Password
        assert field.accessibleName() == "Access token:"
        assert "system keyring" in field.accessibleDescription()
        assert "huggingface.co/settings/tokens" in field.accessibleDescription()
        assert dialog.token_panel.save_button.accessibleName() == "Save token and try again"
        type_and_enter(dialog, TOKEN)  # saves and downloads
        qtbot.waitUntil(lambda: window.model_downloads.dialog is None, timeout=TIMEOUT_MS)
    assert hub_keyring().secrets == {(SERVICE, "hub:127.0.0.1"): TOKEN}
    assert f"Bearer {TOKEN}" in {auth for _path, auth in hub.authorizations}
    assert cached_path(TINY_SPEC) is not None
    assert "Tiny-Test is downloaded. Loading it." in window.announcer.history
    assert window.settings.describe.model == "Tiny-Test"
    qtbot.waitUntil(lambda: window._bridge.is_ready, timeout=TIMEOUT_MS)
    assert all(TOKEN not in said for said in window.announcer.history)


def test_a_refused_token_is_one_sentence_and_the_field_stays(
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    window, _speech = make_window(speaking_model_dir, load=False)
    with gated_dialog(qtbot, window, speaking_model_dir, monkeypatch) as (dialog, _hub):
        type_and_enter(dialog, "hf_wrong")
        qtbot.waitUntil(lambda: REFUSED in window.announcer.history, timeout=TIMEOUT_MS)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.token_panel.field)
    assert dialog.status.text() == REFUSED
    assert dialog.token_panel.isVisible()
    assert cached_path(TINY_SPEC) is None


def test_no_keyring_is_one_sentence_and_the_app_keeps_running(
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from keyring.backends import fail

    window, _speech = make_window(speaking_model_dir, load=False)
    with gated_dialog(qtbot, window, speaking_model_dir, monkeypatch) as (dialog, _hub):
        monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
        type_and_enter(dialog, TOKEN)
    said = dialog.status.text()
    assert said.startswith("No system keyring is available to keep the hub token safe")
    assert said in window.announcer.history
    assert QApplication.focusWidget() is dialog.token_panel.field
    assert not dialog.running
    key(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.model_downloads.dialog is None)
    assert window.isVisible()

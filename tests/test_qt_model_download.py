"""The download dialog in the window, against the local fake hub: by keyboard, read out
by tenths, Escape stops and Resume continues, bad cases are one sentence, and the new
model is loaded at the end."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from describe_app.core.describe.local.model_process import LocalModelRecipe
from describe_app.core.describe.local.model_store import cached_path
from describe_app.core.settings.schema import Settings
from describe_app.qt.model_bridge import ModelChoice
from describe_app.qt.model_download_dialog import ModelDownloadDialog
from tests import local_hub, qt_fixtures
from tests.local_hub import TINY_SPEC, point_at, serve_model

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict
hub_env = local_hub.hub_env

WEIGHTS = "model.safetensors"
TIMEOUT_MS = 60_000


def thread_workers(settings: Settings) -> ModelChoice:
    """The window's worker for ``settings``: the local model, on a thread of this process."""
    model = settings.describe.model
    return ModelChoice(LocalModelRecipe(model, allow_download=False), name=model)


def open_dialog(qtbot, window: QWidget) -> ModelDownloadDialog:  # type: ignore[no-untyped-def]
    """The dialog for the tiny model, shown, with the keyboard in it (on Download)."""
    dialog = window.model_downloads.open_dialog(  # type: ignore[attr-defined]
        TINY_SPEC, reason="It suits the tests."
    )
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.download_button)
    return dialog


def key(widget: QWidget, which: Qt.Key) -> None:
    """A key press where the keyboard focus is (as the user would type it)."""
    from PySide6.QtTest import QTest

    QTest.keyClick(QApplication.focusWidget() or widget, which)


def tenths(said: list[str]) -> list[str]:
    return [s for s in said if s.split(" ", 1)[0].isdigit() and " percent" in s]


def test_the_dialog_is_labelled_and_offers_the_model(
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _speech = make_window(speaking_model_dir, load=False)
    dialog = open_dialog(qtbot, window)
    assert "Tiny-Test: 1 MB to download. It suits the tests." in dialog.offer.text()
    focusable = [
        w
        for w in dialog.findChildren(QWidget)
        if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]
    assert dialog.progress in focusable
    assert {w.accessibleName() for w in focusable} >= {
        "Download",
        "Cancel download",
        "Download progress",
        "Not now",
    }
    assert all(w.accessibleName().strip() for w in focusable)
    key(dialog, Qt.Key.Key_Escape)  # not running: Escape closes, nothing downloaded
    qtbot.waitUntil(lambda: window.model_downloads.dialog is None)
    assert cached_path(TINY_SPEC) is None


@pytest.mark.slow
def test_download_by_keyboard_read_by_tenths_then_loaded(
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.describe.local import model_download

    monkeypatch.setattr(model_download, "REPORT_EVERY_S", 0.0)
    window, speech = make_window(speaking_model_dir, load=False)
    window.worker_factory = thread_workers
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, _hub):
        point_at(monkeypatch, endpoint)
        dialog = open_dialog(qtbot, window)
        key(dialog, Qt.Key.Key_Return)  # Download is the default button
        qtbot.waitUntil(lambda: window.model_downloads.dialog is None, timeout=TIMEOUT_MS)
    said = window.announcer.history
    assert "Downloading Tiny-Test, 1 MB." in said
    spoken = tenths(said)
    assert 1 <= len(spoken) <= 11
    assert spoken[-1] == "100 percent."
    assert "Tiny-Test is downloaded. Loading it." in said
    assert window.settings.describe.model == "Tiny-Test"
    assert "Settings saved. Switching to Tiny-Test." in said
    qtbot.waitUntil(lambda: window._bridge.is_ready, timeout=TIMEOUT_MS)
    assert "Ready." in window.announcer.history
    assert "100 percent." in speech.texts()


def test_escape_stops_and_resume_fetches_only_the_rest(
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    window, _speech = make_window(speaking_model_dir, load=False)
    size = (speaking_model_dir / WEIGHTS).stat().st_size
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.hold_after = (WEIGHTS, size // 2)
        dialog = open_dialog(qtbot, window)
        dialog.download_button.click()
        assert hub.holding.wait(30)
        assert QApplication.focusWidget() is dialog.cancel_button
        local_hub.wait_until_written(hub_env, hub, WEIGHTS)
        key(dialog, Qt.Key.Key_Escape)  # stops the download; the dialog stays
        hub.release.set()
        stopped = "Download stopped. Choose Resume to continue where it stopped."
        qtbot.waitUntil(lambda: stopped in window.announcer.history, timeout=TIMEOUT_MS)
        assert dialog.isVisible()
        assert dialog.download_button.accessibleName() == "Resume"
        assert QApplication.focusWidget() is dialog.download_button
        assert cached_path(TINY_SPEC) is None  # nothing half is loadable
        assert window.settings.describe.model != "Tiny-Test"

        hub.hold_after = None
        hub.release.clear()
        first = hub.bytes_sent[WEIGHTS]
        key(dialog, Qt.Key.Key_Return)  # Resume
        qtbot.waitUntil(lambda: window.model_downloads.dialog is None, timeout=TIMEOUT_MS)
    assert 0 < hub.bytes_sent[WEIGHTS] - first < size
    assert len(hub.ranges) == 1
    assert cached_path(TINY_SPEC) is not None
    assert window.settings.describe.model == "Tiny-Test"


def test_a_damaged_file_is_one_sentence_and_the_app_keeps_running(
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir, load=False)
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.damaged.add(WEIGHTS)
        dialog = open_dialog(qtbot, window)
        dialog.download_button.click()
        damaged = (
            "The file model.safetensors of Tiny-Test came down damaged (it does not match "
            "the hub's checksum), so it was deleted; try the download again."
        )
        qtbot.waitUntil(lambda: damaged in window.announcer.history, timeout=TIMEOUT_MS)
    assert (damaged, True) in speech.said  # said at once, over what was being said
    assert dialog.status.text() == damaged
    assert dialog.download_button.accessibleName() == "Try again"
    assert dialog.close_button.isEnabled()
    assert cached_path(TINY_SPEC) is None
    dialog.close_button.click()
    qtbot.waitUntil(lambda: window.model_downloads.dialog is None)
    assert window.isVisible()


def test_first_start_offers_the_recommended_model_or_loads(
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.describe.local import model_recommend
    from describe_app.core.describe.local.model_recommend import Recommendation

    window, _speech = make_window(speaking_model_dir, load=False)
    loads: list[bool] = []
    monkeypatch.setattr(window._bridge, "start_loading", lambda: loads.append(True))
    monkeypatch.setattr(
        model_recommend,
        "recommend",
        lambda machine=None: Recommendation(TINY_SPEC, "It suits this computer."),
    )
    window.model_downloads.load_or_offer(None, local=True)  # the default model is missing
    dialog = window.model_downloads.dialog
    assert dialog is not None and dialog.spec is TINY_SPEC
    assert dialog.offer.text() == (
        "No description model is on this computer yet. Tiny-Test: 1 MB to download. "
        "It suits this computer."
    )
    assert loads == []  # nothing loads or downloads behind the user's back
    dialog.close_button.click()  # Not now
    qtbot.waitUntil(lambda: window.model_downloads.dialog is None)
    assert window.announcer.history[-1] == (
        "No description model is on this computer yet. Choose Download a model in the "
        "File menu to get one."
    )
    window.model_downloads.load_or_offer(str(speaking_model_dir), local=True)  # a folder
    window.model_downloads.load_or_offer(None, local=False)  # a server describes
    assert loads == [True, True]
    assert window.model_downloads.dialog is None


def test_the_menu_action_offers_the_chosen_model_or_the_suggested_one(
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from describe_app.core.describe.local import model_recommend
    from describe_app.core.describe.local.model_recommend import Recommendation

    monkeypatch.setattr(
        model_recommend,
        "recommend",
        lambda machine=None: Recommendation(TINY_SPEC, "It suits this computer."),
    )
    window, _speech = make_window(speaking_model_dir, load=False)
    # the settings name a model that is not here: that is the one offered
    assert window.settings.describe.model == "SmolVLM-256M-Instruct"
    window.actions_by_id["download_model"].trigger()
    dialog = window.model_downloads.dialog
    assert dialog is not None and dialog.spec.name == "SmolVLM-256M-Instruct"
    assert dialog.download_button.accessibleDescription() == (
        "Download SmolVLM-256M-Instruct (520 MB)."
    )
    dialog.close_button.click()
    qtbot.waitUntil(lambda: window.model_downloads.dialog is None)
    # a model that is here (a folder): the one suggested for this computer is offered
    describe = dataclasses.replace(window.settings.describe, model=str(speaking_model_dir))
    window.settings = window.settings.replace(describe=describe)
    window.actions_by_id["download_model"].trigger()
    dialog = window.model_downloads.dialog
    assert dialog is not None and dialog.spec is TINY_SPEC
    assert dialog.offer.text() == "Tiny-Test: 1 MB to download. It suits this computer."
    dialog.close_button.click()
    qtbot.waitUntil(lambda: window.model_downloads.dialog is None)
    assert not any("No description model" in s for s in window.announcer.history)


def test_the_window_never_downloads_behind_the_users_back(hub_env: Path) -> None:
    import dataclasses

    from describe_app.cli import build_parser
    from describe_app.core.errors import ModelNotAvailableError
    from describe_app.qt.app import model_choice

    settings = Settings()
    settings = settings.replace(describe=dataclasses.replace(settings.describe, model="Tiny-Test"))
    recipe = model_choice(build_parser().parse_args(["window"]), settings).describer_factory
    assert isinstance(recipe, LocalModelRecipe) and not recipe.allow_download
    with pytest.raises(ModelNotAvailableError) as missing:
        recipe()
    assert str(missing.value) == (
        "Tiny-Test is not on this computer yet (1 MB). Choose Download a model in the File "
        "menu to get it."
    )


def test_choosing_a_model_that_is_not_here_offers_its_download(
    qtbot, make_window, speaking_model_dir: Path, hub_env: Path
) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    window, _speech = make_window(speaking_model_dir, load=False)
    window.worker_factory = thread_workers
    worker = window._bridge._worker
    describe = dataclasses.replace(window.settings.describe, model="SmolVLM-500M-Instruct")
    window.apply_settings(window.settings.replace(describe=describe))  # the Models page's OK
    assert window.announcer.history[-1] == (
        "Settings saved. SmolVLM-500M-Instruct is not on this computer yet."
    )
    qtbot.waitUntil(lambda: window.model_downloads.dialog is not None)
    dialog = window.model_downloads.dialog
    assert dialog.spec.name == "SmolVLM-500M-Instruct"
    assert window._bridge._worker is worker  # the model in use keeps describing meanwhile
    dialog.close_button.click()  # Not now
    qtbot.waitUntil(lambda: window.model_downloads.dialog is None)
    assert window._bridge._worker is worker

"""The window with ``--server``: pictures go to the user's own server, and it says so."""

from __future__ import annotations

import pytest

from describe_app.core.resources import resource_path
from tests import qt_fixtures, server_fixtures
from tests.server_fixtures import ServerProcess

pytestmark = pytest.mark.slow  # the window with a real transformers-serve server


qt_strict = qt_fixtures.qt_strict
app_window = qt_fixtures.app_window


# The shared server fixture (tests/server_fixtures.py), made visible to pytest here.
server = server_fixtures.server


def test_window_describes_through_the_server(qtbot, app_window, server: ServerProcess) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.describe.worker import ModelWorker

    window = app_window("--camera", "none", "--server", server.url)
    try:
        # no local model process: nothing is loaded, the picture goes to the server
        assert isinstance(window._bridge._worker, ModelWorker)
        assert any("127.0.0.1" in said for said in window.announcer.history)
        window._bridge.start_loading()
        window.describe_files([str(resource_path("samples", "coffee.jpg"))])
        qtbot.waitUntil(lambda: window.history.count() == 1, timeout=60_000)
        assert "A red mug stands on the wooden table." in window.history.item(0).text()
    finally:
        window.shutdown()


def test_settings_choose_and_test_a_server_then_the_window_uses_it(
    qtbot, qt_strict, app_window, server: ServerProcess
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from describe_app.core.describe.remote.server_profiles import ServerProfile, ServerProfiles
    from describe_app.core.settings.settings_file import load_settings
    from describe_app.qt.settings_dialog import SettingsDialog, SettingsPage

    ServerProfiles().put(ServerProfile(name="home", url=server.url))
    window = app_window("--camera", "none")
    try:
        window.open_settings(SettingsPage.DESCRIBE)
        dialog = window.settings_dialog
        assert isinstance(dialog, SettingsDialog)
        dialog.show_page(SettingsPage.DESCRIBE)
        server = dialog.describe_page.server
        assert server.currentData() == ""  # this computer, until the user chooses
        server.setCurrentIndex(server.findData("home"))
        with qtbot.waitSignal(dialog.server_checked, timeout=30_000) as checked:
            qtbot.keyClick(dialog.describe_page.test_server, Qt.Key.Key_Space)
        assert "answered" in checked.args[0]
        assert dialog.describe_page.server_result.text() == checked.args[0]
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: window.settings_dialog is None)
        assert load_settings().settings.describe.server == "home"
    finally:
        window.shutdown()

    # next start: the window describes through the chosen server, and says so
    again = app_window("--camera", "none")
    try:
        assert any("Sending pictures" in said for said in again.announcer.history)
        again._bridge.start_loading()
        again.describe_files([str(resource_path("samples", "coffee.jpg"))])
        qtbot.waitUntil(lambda: again.history.count() == 1, timeout=60_000)
        assert "A red mug stands on the wooden table." in again.history.item(0).text()
    finally:
        again.shutdown()

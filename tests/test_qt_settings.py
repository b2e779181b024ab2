"""Settings: read at start (a damaged file is announced once), applied, changed in the
settings dialog by keyboard, saved on OK, discarded on Cancel."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from describe_app.core.settings.schema import CameraKind, CameraSettings, Settings
from describe_app.core.settings.settings_file import load_settings
from describe_app.core.speech import SpeechSettings
from describe_app.qt.settings_dialog import SettingsDialog, SettingsPage
from tests import qt_fixtures

# The shared window fixtures (tests/qt_fixtures.py), made visible to pytest here.
make_window = qt_fixtures.make_window
app_window = qt_fixtures.app_window
qt_strict = qt_fixtures.qt_strict
scene_video = qt_fixtures.scene_video


def test_a_damaged_settings_file_is_announced_once_and_kept(
    qtbot, qt_strict, app_window, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = app_window(settings_text='{"version": 1, "camera": ')
    said = [m for m in window.announcer.history if "could not be read" in m]
    assert len(said) == 1
    assert list((tmp_path / "config").glob("settings.json.bad-*"))
    assert window.settings == Settings(camera=window.settings.camera)
    window.close()


def test_settings_from_the_file_are_applied_at_start(
    qtbot, qt_strict, app_window, tmp_path: Path, scene_video: Path
) -> None:  # type: ignore[no-untyped-def]
    stored = Settings(
        camera=CameraSettings(kind=CameraKind.FILE, file=str(scene_video)),
        speech=SpeechSettings(rate=250),
        shortcuts={"describe": "F5"},
    ).to_dict()
    stored["describe"].update(picture_check=False, answer_language="French")
    stored["display"]["text_zoom"] = 3
    window = app_window(settings_text=json.dumps(stored))
    assert not [m for m in window.announcer.history if "could not be read" in m]
    camera = window.controller.camera
    assert camera is not None and camera.source.is_file and camera.source.target == str(scene_video)
    assert window.actions_by_id["describe"].shortcut() == QKeySequence("F5")
    assert window.controller._language == "French" and window.controller._check is False
    assert window.result.font().pointSize() == window._base_point_size + 6
    assert window._history_store.folder == tmp_path / "data" / "history"
    window.close()


def _open_dialog(qtbot, window) -> SettingsDialog:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.result, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_ok_saves_and_applies_cancel_discards(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir, load=False)
    dialog = _open_dialog(qtbot, window)
    dialog.show_page(SettingsPage.SPEECH)
    dialog.speech_page.rate.setFocus()
    dialog.speech_page.rate.selectAll()
    qtbot.keyClicks(dialog.speech_page.rate, "300")
    dialog.show_page(SettingsPage.HISTORY)
    dialog.history_page.focus_new.setFocus()
    # Space toggles, it does not describe
    qtbot.keyClick(dialog.history_page.focus_new, Qt.Key.Key_Space)
    assert not dialog.history_page.focus_new.isChecked()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Cancel
    qtbot.waitUntil(lambda: window.settings_dialog is None)
    assert window.settings == Settings() and not (tmp_path / "settings.json").exists()
    assert window.controller.busy is False

    dialog = _open_dialog(qtbot, window)
    dialog.show_page(SettingsPage.SPEECH)
    dialog.speech_page.rate.setValue(300)
    dialog.speech_page.voice.setCurrentIndex(dialog.speech_page.voice.findData("fr"))
    dialog.show_page(SettingsPage.HISTORY)
    dialog.history_page.focus_new.setChecked(False)
    dialog.history_page.store_pictures.setChecked(False)
    qtbot.keyClick(dialog.history_page.focus_new, Qt.Key.Key_Return)  # OK is the default button
    qtbot.waitUntil(lambda: window.settings_dialog is None)
    saved = load_settings(tmp_path / "settings.json")
    assert saved.message is None
    assert saved.settings.speech.rate == 300 and saved.settings.speech.voice_id == "fr"
    assert saved.settings.history.focus_new_result is False
    assert saved.settings.history.store_pictures is False
    assert window.settings == saved.settings
    assert speech.settings.rate == 300
    # applied on the history writer's thread
    qtbot.waitUntil(lambda: window._history_store.store_pictures is False)
    assert "Settings saved." in window.announcer.history[-1]


def test_shortcuts_page_reports_conflicts_and_changes_keys(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    dialog = _open_dialog(qtbot, window)
    dialog.show_page(SettingsPage.SHORTCUTS)
    page = dialog.shortcuts
    page.select_action("describe")
    page.key_field.setFocus()
    qtbot.keyClicks(page.key_field, "ctrl+o")
    qtbot.keyClick(page.key_field, Qt.Key.Key_Return)
    assert page.message.text() == "Ctrl+O is already the key for Open photo."
    assert page.key_field.accessibleDescription() == page.message.text()
    assert dialog.isVisible()  # Enter in the key field did not close the dialog
    page.key_field.clear()
    qtbot.keyClicks(page.key_field, "Tab")
    qtbot.keyClick(page.key_field, Qt.Key.Key_Return)
    assert page.message.text() == "Tab moves between controls."
    page.key_field.clear()
    qtbot.keyClicks(page.key_field, "f5")
    qtbot.keyClick(page.key_field, Qt.Key.Key_Return)
    assert page.message.text() == "The key for Describe is now F5."
    assert page.actions_list.currentItem().text() == "Describe: F5"
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.settings_dialog is None)
    assert window.actions_by_id["describe"].shortcut() == QKeySequence("F5")
    assert load_settings(tmp_path / "settings.json").settings.shortcuts == {"describe": "F5"}


def test_changing_the_camera_in_the_dialog_switches_cameras(
    qtbot, make_window, speaking_model_dir: Path, scene_video: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    assert window.controller.camera is None
    window.actions_by_id["choose_camera"].trigger()
    dialog = window.settings_dialog
    assert dialog is not None and dialog.tabs.currentIndex() == SettingsPage.CAMERA
    camera = dialog.camera_page
    camera.camera_kind.setCurrentIndex(camera.camera_kind.findData(CameraKind.URL.value))
    assert camera.camera_url.isEnabled() and not camera.camera_file.isEnabled()
    dialog.camera_page.camera_url.setText("ftp://nowhere")
    dialog.accept()  # refused: not an address a camera has
    assert dialog.isVisible() and "rtsp://" in window.announcer.history[-1]
    dialog.camera_page.camera_kind.setCurrentIndex(
        dialog.camera_page.camera_kind.findData(CameraKind.FILE.value)
    )
    dialog.camera_page.camera_file.setText(str(scene_video))
    dialog.accept()
    qtbot.waitUntil(lambda: window.settings_dialog is None)
    camera = window.controller.camera
    assert camera is not None and camera.source.target == str(scene_video)
    qtbot.waitUntil(lambda: camera.latest_frame() is not None, timeout=10_000)


def test_a_voice_list_failure_leaves_the_default_voice(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)

    def broken() -> list[object]:
        raise RuntimeError("no espeak")

    window.voice_lister = broken
    dialog = _open_dialog(qtbot, window)
    assert dialog.speech_page.voice.count() == 1
    assert "could not be read" in dialog.speech_page.voice.accessibleDescription()
    dialog.reject()
    assert QApplication.activeModalWidget() is None


def _camera_dialog(qtbot, camera: CameraSettings, lister) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(Settings(camera=camera), voices=lambda: [], cameras=lister)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _camera_items(dialog: SettingsDialog) -> list[tuple[str, int]]:
    combo = dialog.camera_page.camera_index
    return [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]


def test_cameras_are_chosen_by_name(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.camera.camera_list import CameraDevice

    def found() -> list[CameraDevice]:
        return [CameraDevice(0, "Integrated Camera"), CameraDevice(2, "USB Camera")]

    dialog = _camera_dialog(qtbot, CameraSettings(), found)
    assert _camera_items(dialog) == [
        ("Integrated Camera (camera 1)", 0),
        ("USB Camera (camera 3)", 2),
    ]
    assert dialog.camera_page.camera_index.currentData() == 0
    assert dialog.camera_page.camera_index.accessibleName() == "Camera:"
    assert dialog.camera_page.camera_found.text() == "2 cameras found."
    dialog.camera_page.camera_index.setFocus()
    qtbot.keyClick(dialog.camera_page.camera_index, Qt.Key.Key_Down)
    assert dialog.camera_page.camera_index.currentText() == "USB Camera (camera 3)"
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert dialog.settings().camera == CameraSettings(kind=CameraKind.INDEX, index=2)


def test_a_configured_camera_not_found_stays_selectable(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.camera.camera_list import CameraDevice

    dialog = _camera_dialog(
        qtbot, CameraSettings(index=5), lambda: [CameraDevice(0, "Integrated Camera")]
    )
    assert _camera_items(dialog) == [
        ("Integrated Camera (camera 1)", 0),
        ("Camera 6 (not found now)", 5),
    ]
    assert dialog.camera_page.camera_index.currentData() == 5
    assert dialog.settings().camera.index == 5
    dialog.reject()

    def broken() -> list[CameraDevice]:
        raise OSError("no sysfs here")

    dialog = _camera_dialog(qtbot, CameraSettings(index=5), broken)  # or not listed (Windows)
    assert [data for _text, data in _camera_items(dialog)] == [0, 1, 2, 3, 5]
    assert dialog.camera_page.camera_index.currentText() == "Camera 6"
    assert "by number" in dialog.camera_page.camera_found.text()
    dialog.reject()


def test_refresh_lists_the_cameras_again(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.camera.camera_list import CameraDevice

    plugged = [CameraDevice(0, "Integrated Camera")]
    dialog = _camera_dialog(qtbot, CameraSettings(), lambda: list(plugged))
    assert dialog.camera_page.camera_found.text() == "1 camera found."
    plugged.append(CameraDevice(2, "USB Camera"))
    assert dialog.camera_page.camera_refresh.accessibleName() == "Refresh list"
    dialog.camera_page.camera_refresh.setFocus()
    qtbot.keyClick(dialog.camera_page.camera_refresh, Qt.Key.Key_Space)
    assert [data for _text, data in _camera_items(dialog)] == [0, 2]
    assert dialog.camera_page.camera_index.currentData() == 0  # the choice is kept
    assert dialog.camera_page.camera_found.text() == "2 cameras found."
    camera = dialog.camera_page
    camera.camera_kind.setCurrentIndex(camera.camera_kind.findData(CameraKind.FILE.value))
    assert not camera.camera_refresh.isEnabled() and not camera.camera_index.isEnabled()
    dialog.reject()


def test_hands_free_and_guidance_settings_reach_the_window(
    qtbot, make_window, tiny_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.settings.schema import LiveSettings

    window, _speech = make_window(tiny_model_dir, load=False)
    window.open_settings(SettingsPage.LIVE)
    dialog = window.settings_dialog
    assert dialog is not None and dialog.tabs.currentIndex() == SettingsPage.LIVE
    change = dialog.live_page.hands_free_change
    assert change.accessibleName().startswith("Hands-free: how big a change")
    dialog.live_page.hands_free_change.setValue(20)
    dialog.live_page.hands_free_interval.setValue(9)
    dialog.live_page.cue_tones.setChecked(True)
    dialog.live_page.explore_background.setChecked(False)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert window.settings.live == LiveSettings(20, 9, True, False)
    assert window.live_modes.cue_tones and not window.explorer.in_background
    assert window.live_modes.watch_settings.change == 20.0
    assert window.live_modes.watch_settings.min_interval_s == 9.0
    stored = load_settings(window.settings_file).settings
    assert stored.live == LiveSettings(20, 9, True, False)

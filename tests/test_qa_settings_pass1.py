"""QA pass 1 on the settings: keys that another program or the menus would take first, words
that name no key, a newer version's settings kept on saving, and the dialog by keyboard
(pages by Ctrl+PgDown, no stop on the tab bar's scroll arrows, numbers typed out of range)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QSpinBox, QToolButton, QWidget

from describe_app.core.settings.schema import ScreenSettings, Settings
from describe_app.core.settings.settings_file import load_settings, save_settings
from describe_app.core.settings.shortcut_keys import normalize_key, reserved_reason
from describe_app.core.settings.shortcut_table import Menu, menu_title, mnemonic, strip_mnemonic
from describe_app.core.settings.shortcuts import check_key, clean_overrides
from describe_app.qt.settings_dialog import SettingsDialog, SettingsPage
from tests import qt_fixtures

qt_strict = qt_fixtures.qt_strict

# --- keys as text ----------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["Ctrl+Dot", "Hello", "Alt+Shift+Comma1", "Ctrl+Escp", "Numpad"])
def test_a_word_that_names_no_key_is_refused(word: str) -> None:
    with pytest.raises(ValueError, match="key"):
        normalize_key(word)
    assert check_key("repeat", word) == f"{word} is not a key Describe understands."


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("capslock", "CapsLock"),
        ("ctrl+numlock", "Ctrl+NumLock"),
        ("Alt+scrolllock", "Alt+ScrollLock"),
        ("super+alt+s", "Alt+Meta+S"),
        ("win+f7", "Meta+F7"),
        ("shift+backtab", "Shift+Backtab"),
    ],
)
def test_named_keys_get_one_spelling_whatever_the_case(typed: str, normal: str) -> None:
    assert normalize_key(typed) == normal


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("capslock", "screen reader"),
        ("Ctrl+Insert", "screen reader"),
        ("Shift+CapsLock", "screen reader"),
        ("Ctrl+Alt+Shift+Insert", "screen reader"),
        ("Shift+Backtab", "Shift+Tab"),
        ("Ctrl+Tab", "between pages"),
        ("ctrl+shift+tab", "between pages"),
        ("Alt+Tab", "switches between programs"),
        ("alt+shift+tab", "switches between programs"),
        ("Alt+Space", "window menu"),
        ("Shift+F10", "context menu"),
        ("Menu", "context menu"),
        ("Ctrl+Esc", "Start menu"),
        ("Ctrl+Shift+Esc", "Task Manager"),
        ("ctrl+alt+del", "system"),
        ("Ctrl+Alt+N", "NVDA"),
        ("Super+Alt+S", "Orca"),
    ],
)
def test_keys_the_desktop_or_screen_reader_takes_are_refused(key: str, words: str) -> None:
    reason = check_key("repeat", key)
    assert reason is not None and words in reason, reason
    assert reserved_reason(key) == reason


def test_alt_and_a_menu_letter_stays_with_the_menu_bar() -> None:
    for menu in Menu:
        letter = mnemonic(menu_title(menu))
        assert letter is not None
        reason = check_key("repeat", f"alt+{letter}")
        name = strip_mnemonic(menu_title(menu))
        assert reason == f"Alt+{letter.upper()} opens the {name} menu.", reason
    assert check_key("repeat", "Alt+J") is None  # no menu has J
    assert check_key("repeat", "Ctrl+Alt+F") is None  # not the menu's key


def test_a_key_of_describe_s_own_elsewhere_is_named() -> None:
    taken = {"Ctrl+Alt+Shift+D": "Describe the focused object, from any program"}
    assert check_key("repeat", "ctrl+shift+alt+d", taken=taken) == (
        "Ctrl+Alt+Shift+D is already the key for Describe the focused object, from any program."
    )
    assert check_key("repeat", "Ctrl+Alt+Shift+J", taken=taken) is None


def test_a_reserved_key_in_the_file_is_not_used() -> None:
    kept, dropped = clean_overrides({"repeat": "capslock", "stop": "Ctrl+Tab", "help": "F2"})
    assert kept == {"help": "F2"}
    assert sorted(dropped) == ["repeat", "stop"]


# --- the settings file -----------------------------------------------------------------------


def test_saving_keeps_what_a_newer_describe_wrote(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    newer = {
        "version": 3,
        "camera": {"index": 2, "exposure": "auto"},
        "speech": {"rate": 240, "pitch": 12},
        "braille": {"display": "focus 40", "cells": 40},
        "shortcuts": {"describe": "F6", "describe_twice": "Ctrl+Shift+F6"},
    }
    path.write_text(json.dumps(newer), encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.message is None
    assert loaded.settings.camera.index == 2
    changed = loaded.settings.replace(camera=loaded.settings.camera.__class__(index=4))
    save_settings(changed, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 3
    assert data["camera"]["index"] == 4  # ours
    assert data["camera"]["exposure"] == "auto"  # theirs, kept
    assert data["speech"]["pitch"] == 12
    assert data["speech"]["rate"] == 240
    assert data["braille"] == {"display": "focus 40", "cells": 40}
    assert data["shortcuts"] == {"describe": "F6", "describe_twice": "Ctrl+Shift+F6"}
    # and read again by this version: the same settings
    assert load_settings(path).settings == changed


def test_a_file_edited_in_notepad_with_its_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    text = json.dumps({"version": 1, "speech": {"rate": 260}, "camera": {"index": 1}}, indent=2)
    path.write_bytes("\ufeff".encode() + text.replace("\n", "\r\n").encode("utf-8"))
    loaded = load_settings(path)
    assert loaded.message is None
    assert (loaded.settings.speech.rate, loaded.settings.camera.index) == (260, 1)
    assert path.exists()  # not moved aside as damaged
    save_settings(loaded.settings.replace(), path)  # and saved over, the values kept
    assert load_settings(path).settings == loaded.settings


def test_saving_over_a_damaged_or_huge_file_keeps_nothing_of_it(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "junk": "x" * (2 << 20)}), encoding="utf-8")
    save_settings(Settings(), path)
    assert "junk" not in json.loads(path.read_text(encoding="utf-8"))
    path.write_text("[1, 2", encoding="utf-8")
    save_settings(Settings(), path)
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1


# --- the dialog, by keyboard -----------------------------------------------------------------


def _dialog(qtbot, settings: Settings | None = None) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(settings or Settings(), voices=lambda: [], cameras=lambda: [])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()  # keys go where a user's would: the shortcuts need the window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_ctrl_page_down_and_up_turn_the_pages(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    dialog.show_page(SettingsPage.SPEECH)
    dialog.speech_page.rate.setFocus()
    qtbot.keyClick(
        dialog.speech_page.rate, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier
    )
    assert dialog.tabs.currentIndex() == SettingsPage.HISTORY
    assert QApplication.focusWidget() is dialog.tabs.tabBar()  # the reader says the page
    qtbot.keyClick(dialog.tabs.tabBar(), Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.tabs.tabBar(), Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert dialog.tabs.currentIndex() == SettingsPage.MODELS
    dialog.show_page(SettingsPage.SHORTCUTS)
    dialog.shortcuts.actions_list.setFocus()
    qtbot.keyClick(
        dialog.shortcuts.actions_list, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier
    )
    assert dialog.tabs.currentIndex() == SettingsPage.CAMERA  # round the end
    dialog.reject()


def test_tab_never_stops_on_the_tab_bar_s_scroll_arrows(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    dialog.resize(360, 480)  # narrow: the page tabs need their scroll arrows
    arrows = dialog.tabs.tabBar().findChildren(QToolButton)
    assert arrows
    dialog.tabs.tabBar().setFocus()
    stops = []
    for _ in range(12):
        widget = QApplication.focusWidget()
        stops.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert not any(stop in arrows for stop in stops), [s.accessibleName() for s in stops]
    dialog.reject()


def test_a_number_typed_below_its_least_becomes_the_least(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    dialog.show_page(SettingsPage.DESCRIBE)
    seconds = next(
        box
        for box in dialog.describe_page.findChildren(QSpinBox)
        if "seconds" in box.accessibleName()
    )
    seconds.setFocus()
    seconds.selectAll()
    qtbot.keyClicks(seconds, "5")  # 10 is the least: 5 must not silently stay 60
    qtbot.keyClick(seconds, Qt.Key.Key_Tab)
    assert dialog.settings().describe.answer_seconds == 10
    dialog.show_page(SettingsPage.HISTORY)
    kept = next(
        box for box in dialog.history_page.findChildren(QSpinBox) if box.maximum() == 10_000
    )
    kept.setFocus()
    kept.selectAll()
    qtbot.keyClick(kept, Qt.Key.Key_Delete)  # emptied by mistake: the history is not cut to 10
    qtbot.keyClick(kept, Qt.Key.Key_Tab)
    assert dialog.settings().history.max_entries == 500
    dialog.reject()


def test_a_window_key_may_not_be_a_key_for_any_program(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, Settings(screen=ScreenSettings(focus_key="Ctrl+Alt+Shift+F")))
    dialog.show_page(SettingsPage.SHORTCUTS)
    page = dialog.shortcuts
    page.select_action("repeat")
    page.key_field.setFocus()
    qtbot.keyClicks(page.key_field, "ctrl+shift+alt+f")
    qtbot.keyClick(page.key_field, Qt.Key.Key_Return)
    assert page.message.text() == (
        "Ctrl+Alt+Shift+F is already the key for Describe the focused object, from any program."
    )
    assert "repeat" not in page.overrides
    dialog.reject()


def test_a_key_for_any_program_may_not_be_a_window_key_or_taken_twice(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    dialog.show_page(SettingsPage.SCREEN)
    screen = dialog.screen_page
    text_field = screen.key_fields["text_key"]
    text_field.setText("Ctrl+Shift+D")  # Describe in detail, in the window
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert screen.message.text() == "Ctrl+Shift+D is already the key for Describe in detail."
    assert QApplication.focusWidget() is text_field
    text_field.setText("ctrl+alt+shift+w")  # the whole screen's key
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert screen.message.text() == (
        "Ctrl+Alt+Shift+W is already the key for Describe the whole screen, from any program."
    )
    assert QApplication.focusWidget() is text_field
    text_field.setText("Ctrl+Alt+Shift+R")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert dialog.settings().screen.text_key == "Ctrl+Alt+Shift+R"


class _Announcer:
    def __init__(self) -> None:
        self.said: list[str] = []

    def clear_status(self) -> None:
        pass

    def announce(self, message: str, *, interrupt: bool = False) -> None:
        self.said.append(message)


def test_a_refused_or_given_key_is_spoken_not_only_shown(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    window = QWidget()
    window.announcer = _Announcer()  # type: ignore[attr-defined]
    qtbot.addWidget(window)
    dialog = SettingsDialog(Settings(), voices=lambda: [], cameras=lambda: [], parent=window)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.show_page(SettingsPage.SHORTCUTS)
    page = dialog.shortcuts
    page.select_action("colour")
    page.key_field.setFocus()
    qtbot.keyClicks(page.key_field, "Ctrl+Insert")
    qtbot.keyClick(page.key_field, Qt.Key.Key_Return)
    assert window.announcer.said == ["Insert is a screen reader key."]  # type: ignore[attr-defined]
    page.key_field.clear()
    qtbot.keyClicks(page.key_field, "alt+shift+k")
    qtbot.keyClick(page.key_field, Qt.Key.Key_Return)
    assert window.announcer.said[-1] == "The key for Colour of the middle is now Alt+Shift+K."  # type: ignore[attr-defined]
    page.overrides["repeat"] = "Alt+Shift+K"  # two actions on one key, as a file could hold
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert window.announcer.said.count(page.message.text()) == 1  # type: ignore[attr-defined]
    assert "more than one action" in page.message.text()
    dialog.reject()


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("Alt+Tab", "switches between programs"),
        ("ctrl+alt+n", "NVDA"),
        ("Ctrl+Alt+Insert", "screen reader"),
        ("alt+e", "opens menus in other programs"),
        ("Alt+Shift+F", "opens menus in other programs"),
    ],
)
def test_a_key_for_any_program_leaves_the_desktop_s_keys_alone(
    qtbot, qt_strict, typed: str, words: str
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot)
    field = dialog.screen_page.key_fields["screen_key"]
    field.setText(typed)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert dialog.tabs.currentIndex() == SettingsPage.SCREEN
    assert words in dialog.screen_page.message.text()
    assert QApplication.focusWidget() is field
    field.setText("Ctrl+Alt+Shift+J")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted


def test_ok_keeps_every_value_it_was_given(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    """Nothing changed in the dialog: OK gives back exactly what it was given, values the
    dialog has no field for (set in the file) and a language not translated here included."""
    from describe_app.core.camera.camera_list import CameraDevice
    from describe_app.core.describe.prompts import Detail
    from describe_app.core.live.prepare_policy import PreparePolicy
    from describe_app.core.settings.schema import (
        CameraKind,
        CameraSettings,
        DescribeSettings,
        DisplaySettings,
        HistorySettings,
        LiveSettings,
    )
    from describe_app.core.speech import OutputRoute, SpeechSettings, Voice
    from describe_app.core.speech.speech_settings import EarconSettings

    given = Settings(
        camera=CameraSettings(
            kind=CameraKind.FILE, index=3, url="http://phone:8080/v", file="a.mkv"
        ),
        describe=DescribeSettings(
            detail=Detail.HIGH,
            picture_check=False,
            show_doubt=False,
            fallback_local=True,
            send_screens=True,
            answer_seconds=90,
            answer_length_factor=9,
        ),
        speech=SpeechSettings(
            rate=300,
            volume=0.4,
            voice_id="gone-voice",
            route=OutputRoute.SCREEN_READER,
            earcons=EarconSettings(picture_taken=False, working=True, done=False, error=True),
        ),
        history=HistorySettings(
            keep_history=False, store_screen_pictures=True, max_entries=70, focus_new_result=False
        ),
        display=DisplaySettings(text_zoom=-2, ui_language="pt_BR"),
        live=LiveSettings(
            hands_free_change=40,
            hands_free_interval=30,
            cue_tones=True,
            explore_in_background=False,
            prepare=PreparePolicy.NEVER,
        ),
        screen=ScreenSettings(text_key="", keep_in_tray=False, start_with_session=True),
        shortcuts={"repeat": "", "describe": "F6"},
    )
    dialog = SettingsDialog(
        given,
        voices=lambda: [Voice(id="here", name="Here", languages=("en",))],
        cameras=lambda: [CameraDevice(0, "Integrated Camera")],
    )
    qtbot.addWidget(dialog)
    assert dialog.settings() == given
    language = dialog.history_page.ui_language
    assert language.currentText() == "pt_BR (not found)"
    dialog.reject()


def test_a_key_for_any_program_from_the_file_never_takes_the_desktop_s_keys(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.json"
    screen = {"focus_key": "alt+tab", "screen_key": "Ctrl+Alt+Insert", "text_key": "Ctrl+Alt+J"}
    path.write_text(json.dumps({"version": 1, "screen": screen}), encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.settings.screen == ScreenSettings(text_key="Ctrl+Alt+J")  # defaults again
    assert loaded.message is not None and "reset to their defaults" in loaded.message

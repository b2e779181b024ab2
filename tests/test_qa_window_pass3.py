"""QA pass 3 on the window for keyboard-only and screen-reader users: every key is answered
(each time it is pressed), no two actions share a key, and every dialog the window opens is
named, reachable by Tab without a trap, free of clashing mnemonics and closed by Escape."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QMessageBox, QWidget

from describe_app.core.settings.shortcut_table import ACTIONS, Scope, mnemonic
from describe_app.core.settings.shortcuts import effective_keys
from describe_app.qt.confirm import confirm
from describe_app.qt.help_dialog import HelpDialog
from describe_app.qt.model_download_dialog import ModelDownloadDialog
from describe_app.qt.reading_view import ReadingView
from describe_app.qt.settings_dialog import SettingsPage
from tests import qt_fixtures

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict

#: Keys that say nothing by design: the focus moves (ask), the speech itself stops or
#: pauses (stop, pause_resume), the text size changes on screen (text_*), the platform's
#: file dialog opens (open_photo), the app closes (quit: not pressed here).
SILENT_BY_DESIGN = {
    "ask",
    "stop",
    "pause_resume",
    "text_bigger",
    "text_smaller",
    "text_normal",
    "open_photo",
    "quit",
}


def _press(qtbot, widget: QWidget, key: str) -> None:  # type: ignore[no-untyped-def]
    combo = QKeySequence(key)[0]  # type: ignore[index]
    qtbot.keyClick(widget, combo.key(), combo.keyboardModifiers())


def _focusable(root: QWidget) -> list[QWidget]:
    return [
        w
        for w in [root, *root.findChildren(QWidget)]
        if w.isVisible()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.isEnabled()
        and w.focusProxy() is None  # its proxy (a tab widget's tab bar) takes the focus
    ]


def _unnamed(root: QWidget) -> list[str]:
    """Focusable controls with neither an accessible name nor a label that names them."""
    buddies = {label.buddy() for label in root.findChildren(QLabel) if label.buddy() is not None}
    return [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in _focusable(root)
        if w is not root and not w.accessibleName().strip() and w not in buddies
    ]


def _mnemonic_clashes(root: QWidget) -> list[str]:
    letters: list[str] = []
    for w in root.findChildren(QWidget):
        if not w.isVisible():
            continue
        if (isinstance(w, QLabel) and w.buddy() is not None) or isinstance(w, QAbstractButton):
            letter = mnemonic(w.text())
            if letter:
                letters.append(letter.lower())
    return sorted({letter for letter in letters if letters.count(letter) > 1})


def _tab_walk(qtbot, dialog: QWidget) -> list[QWidget]:  # type: ignore[no-untyped-def]
    """Press Tab through the dialog until the focus comes back; the controls visited."""
    wanted = set(_focusable(dialog)) - {dialog}
    start = QApplication.focusWidget()
    assert start is not None and start in wanted, f"no control has the focus: {start}"
    visited = [start]
    for _ in range(len(wanted) + 5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is start:
            break
        assert widget is not None, "Tab left the dialog"
        visited.append(widget)
    else:
        raise AssertionError(f"Tab never comes back to {start}: trapped in {visited[-3:]}")
    assert wanted <= set(visited), f"not reached by Tab: {wanted - set(visited)}"
    return visited


def _check_dialog(qtbot, dialog: QDialog) -> None:  # type: ignore[no-untyped-def]
    """Named, Tab-able, mnemonics unique, and Escape closes it."""
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3_000)
    assert dialog.windowTitle().strip(), f"{dialog.objectName()} has no title"
    assert _unnamed(dialog) == [], dialog.objectName()
    assert _mnemonic_clashes(dialog) == [], dialog.objectName()
    _tab_walk(qtbot, dialog)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3_000)


def test_no_two_actions_share_a_key() -> None:
    keys = effective_keys()
    seen: dict[str, str] = {}
    for spec in ACTIONS:
        for key in keys.get(spec.id, ()):
            text = QKeySequence(key).toString()
            assert text not in seen, f"{spec.id} and {seen[text]} share {text}"
            seen[text] = spec.id


def test_every_key_is_answered_each_time_it_is_pressed(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, monkeypatch
) -> None:
    """With nothing to act on (no picture, no camera, empty history) each key says why,
    the second press too: the announcer must not swallow a repeated answer as a repeated
    status."""
    chosen: list[bool] = []

    def choose_photos(parent: QWidget) -> list[str]:
        chosen.append(True)
        return []

    monkeypatch.setattr("describe_app.qt.window_actions.choose_photos", choose_photos)
    QApplication.clipboard().clear()  # nothing to paste either (another test's may be there)
    window, speech = make_window(speaking_model_dir, load=False)
    keys = effective_keys()
    silent: list[str] = []
    for spec in ACTIONS:
        if spec.id == "quit":
            continue
        assert keys.get(spec.id), f"{spec.id} has no key"
        for attempt in (1, 2):
            window.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3_000)
            target = window.history if spec.scope is Scope.HISTORY else window.result
            target.setFocus()
            before = len(speech.said)
            size = window.result.font().pointSize()
            _press(qtbot, target, keys[spec.id][0])
            dialogs = [
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, QDialog) and w.isVisible()
            ]
            heard = speech.texts()[before:]
            if spec.id == "ask":
                assert QApplication.focusWidget() is window.question
            elif spec.id in ("text_bigger", "text_smaller") and attempt == 1:
                assert window.result.font().pointSize() != size, spec.id
            elif spec.id == "open_photo":
                assert len(chosen) == attempt
            elif spec.id not in SILENT_BY_DESIGN and not heard and not dialogs:
                silent.append(f"{spec.id} (press {attempt})")
            for dialog in dialogs:
                dialog.close()
            QApplication.processEvents()
    assert silent == []


def test_the_settings_dialog_closes_with_escape_on_every_page(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    window, _ = make_window(speaking_model_dir, load=False)
    for page in SettingsPage:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3_000)
        window.open_settings(page)
        dialog = window.settings_dialog
        assert dialog is not None
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(lambda d=dialog: QApplication.activeWindow() is d, timeout=3_000)
        assert _unnamed(dialog) == [], page.name
        _tab_walk(qtbot, dialog)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda d=dialog: not d.isVisible(), timeout=3_000)


def test_help_dialog_is_keyboard_ready(qtbot, make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    window.actions_by_id["help"].trigger()
    dialog = window.findChild(HelpDialog, "help_dialog")
    assert dialog is not None
    _check_dialog(qtbot, dialog)


def test_model_download_dialog_and_token_panel_are_keyboard_ready(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    window, _ = make_window(speaking_model_dir, load=False)
    window.actions_by_id["download_model"].trigger()
    dialog = window.findChild(ModelDownloadDialog)
    assert dialog is not None
    _check_dialog(qtbot, dialog)
    QApplication.processEvents()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3_000)
    dialog = window.model_downloads.open_dialog()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3_000)
    dialog.token_panel.ask()
    assert QApplication.focusWidget() is dialog.token_panel.field
    _check_dialog(qtbot, dialog)


def test_reading_view_is_keyboard_ready(qtbot, make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    view = window.findChild(ReadingView) or ReadingView(window.announcer, lambda: None, window)
    view.show()
    view.text.setFocus()
    _check_dialog(qtbot, view)


def test_the_confirm_box_is_named_and_escape_says_no(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    window, _ = make_window(speaking_model_dir, load=False)
    seen: list[str] = []

    def inspect(tries: int = 100) -> None:
        box = window.findChild(QMessageBox, "confirm_box")
        if box is None or not box.isVisible():
            if tries:
                QTimer.singleShot(20, lambda: inspect(tries - 1))
            return
        seen.extend(_unnamed(box))
        seen.extend(_mnemonic_clashes(box))
        qtbot.keyClick(box, Qt.Key.Key_Escape)
        if box.isVisible():  # Escape did nothing: fail, but do not hang
            seen.append("Escape did not close the box")
            box.reject()

    QTimer.singleShot(0, inspect)
    assert confirm(window, "Clear history", "Delete all 2 results?") is False
    assert seen == []

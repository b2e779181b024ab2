"""Accessibility audit of the main window: names, shortcuts, Tab order, help, text size."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from describe_app.qt.action_table import ACTIONS
from describe_app.qt.help_dialog import HelpDialog
from describe_app.qt.help_text import key_text
from tests import qt_fixtures

# The shared window fixtures (tests/qt_fixtures.py), made visible to pytest here.
make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


def focusable(root: QWidget) -> list[QWidget]:
    return [
        w
        for w in [root, *root.findChildren(QWidget)]
        if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isEnabled()
    ]


def unnamed(root: QWidget) -> list[str]:
    return [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in focusable(root)
        if not w.accessibleName().strip() and not isinstance(w, type(root))
    ]


def test_every_focusable_control_is_named_and_labelled(
    make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    assert unnamed(window) == []
    for label in window.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None:
            assert "&" in label.text(), f"label {label.text()!r} has no mnemonic"
            assert buddy.accessibleName() == label.text().replace("&", "")


def test_every_menu_action_has_a_shortcut_and_is_in_the_help(
    make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    menu_actions = [a for menu in window.menuBar().actions() for a in menu.menu().actions()]
    assert len(menu_actions) == len(ACTIONS)
    assert [a.text() for a in menu_actions if a.shortcut().isEmpty()] == []
    keys = [a.shortcut().toString() for a in menu_actions]
    assert len(keys) == len(set(keys)), "two actions share a key"
    dialog = HelpDialog(window)
    text = dialog.text.toPlainText()
    for spec in ACTIONS:
        assert key_text(spec.key) in text
    assert unnamed(dialog) == []
    dialog.close()
    dialog.deleteLater()


def test_tab_order_visits_every_control_once(make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    wanted = set(focusable(window)) - {window}
    start = window.describe_button
    visited = [start]
    widget = start.nextInFocusChain()
    while widget is not start and len(visited) < 100:
        if widget in wanted:
            visited.append(widget)
        widget = widget.nextInFocusChain()
    assert set(visited) == wanted, "a control is missing from the Tab order"
    assert visited == [
        window.describe_button,
        window.open_button,
        window.result,
        window.question,
        window.ask_button,
        window.history,
    ]


def test_result_text_can_be_enlarged(qtbot, make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    before = window.result.font().pointSize()
    qtbot.keyClick(window.result, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.result.font().pointSize() == before + 2
    qtbot.keyClick(window.result, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.result.font().pointSize() == before


def test_status_is_announced_once(make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir, load=False)
    assert window.announcer.announce("Camera lost.")
    assert not window.announcer.announce("Camera lost.")
    assert speech.texts().count("Camera lost.") == 1
    assert window.status_label.text() == "Camera lost."
    assert window.statusBar().currentMessage() == "Camera lost."
    assert QApplication.activeWindow() is window

"""Accessibility audit of the main window: names, shortcuts, Tab order, help, text size."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from describe_app.core.settings.shortcut_table import ACTIONS
from describe_app.core.settings.shortcuts import effective_keys
from describe_app.qt.action_table import key_text
from describe_app.qt.help_dialog import HelpDialog
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
    for keys in effective_keys().values():
        for key in keys:
            assert key_text(key) in text
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
        window.explore,
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


def _mnemonics(widgets: list[QWidget]) -> list[str]:
    from PySide6.QtWidgets import QAbstractButton

    from describe_app.core.settings.shortcut_table import mnemonic

    found = []
    for w in widgets:
        if (isinstance(w, QLabel) and w.buddy() is not None) or isinstance(w, QAbstractButton):
            letter = mnemonic(w.text())  # type: ignore[attr-defined]
            if letter:
                found.append(letter)
    return found


def test_settings_dialog_is_named_labelled_and_in_tab_order(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.settings.shortcut_table import mnemonic
    from describe_app.qt.settings_dialog import SettingsPage

    window, _ = make_window(speaking_model_dir, load=False)
    window.actions_by_id["settings"].trigger()
    dialog = window.settings_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    tab_letters = [mnemonic(dialog.tabs.tabText(i)) for i in range(dialog.tabs.count())]
    assert None not in tab_letters and len(set(tab_letters)) == len(tab_letters)
    for page in SettingsPage:
        dialog.show_page(page)
        # each camera field enabled in turn
        dialog.camera_page.camera_kind.setCurrentIndex(page % 3)
        QApplication.processEvents()
        assert unnamed(dialog) == [], page
        for label in dialog.findChildren(QLabel):
            if label.isVisible() and label.buddy() is not None:
                assert mnemonic(label.text()), f"label {label.text()!r} has no mnemonic"
                assert label.buddy().accessibleName() == label.text().replace("&", "")
        visible = [w for w in dialog.findChildren(QWidget) if w.isVisible()]
        letters = _mnemonics(visible) + [t for t in tab_letters if t]
        assert len(letters) == len(set(letters)), f"{page.name}: mnemonics {sorted(letters)}"
        wanted = set(focusable(dialog)) - {dialog}
        start = dialog.tabs.tabBar()
        visited = {start}
        widget = start.nextInFocusChain()
        while widget is not start and len(visited) < 200:
            if widget in wanted:
                visited.add(widget)
            widget = widget.nextInFocusChain()
        assert wanted <= visited, f"{page.name}: not reached by Tab: {wanted - visited}"
    dialog.reject()


def _labels_after_their_control(root: QWidget) -> list[str]:
    """Labels that come after the control they label among their parent's children (the
    order of the accessibility tree, which browse mode and flat review read)."""
    late = []
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        parent = label.parentWidget()
        if buddy is None or parent is None or buddy.parentWidget() is not parent:
            continue
        children = parent.children()
        if children.index(label) > children.index(buddy):
            late.append(label.text())
    return late


def test_each_label_comes_before_its_control(make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    labelled = [label for label in window.findChildren(QLabel) if label.buddy() is not None]
    assert len(labelled) >= 3
    assert _labels_after_their_control(window) == []


def test_each_label_comes_before_its_control_in_the_settings(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    window.actions_by_id["settings"].trigger()
    dialog = window.settings_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert [label for label in dialog.findChildren(QLabel) if label.buddy() is not None]
    assert _labels_after_their_control(dialog) == []
    dialog.reject()

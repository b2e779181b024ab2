"""The window's keys come from the one shortcuts table, with the user's overrides."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence

from describe_app.core.settings.schema import Settings
from describe_app.core.settings.shortcut_table import ACTIONS, Menu, actions_in_menu, menu_title
from tests import qt_fixtures

# The shared window fixtures (tests/qt_fixtures.py), made visible to pytest here.
make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


def test_menus_are_the_core_table_in_order(make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    # the menu-bar actions are kept: PySide6 6.11 lets a QMenu's wrapper go with its action's
    menu_actions = window.menuBar().actions()
    menus = [a.menu() for a in menu_actions]
    assert [m.title() for m in menus] == [menu_title(menu) for menu in Menu]
    for menu, qmenu in zip(Menu, menus, strict=True):
        assert [a.objectName() for a in qmenu.actions()] == [
            f"action_{spec.id}" for spec in actions_in_menu(menu)
        ]
    assert set(window.actions_by_id) == {spec.id for spec in ACTIONS}
    bigger = window.actions_by_id["text_bigger"].shortcuts()
    assert [k.toString() for k in bigger] == ["Ctrl++", "Ctrl+="]


def test_user_overrides_replace_the_default_keys(make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(shortcuts={"describe": "F5", "repeat": ""})
    window, _ = make_window(speaking_model_dir, load=False, settings=settings)
    assert window.actions_by_id["describe"].shortcut() == QKeySequence("F5")
    assert window.actions_by_id["repeat"].shortcut().isEmpty()
    assert window.actions_by_id["stop"].shortcut() == QKeySequence("Escape")


def test_history_keys_work_only_in_the_history_list(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    copy = window.actions_by_id["copy_result"]
    delete = window.actions_by_id["delete_history_item"]
    assert copy.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
    assert delete.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
    assert copy in window.history.actions() and copy not in window.actions()
    window._history_store.add(source="coffee.jpg", kind="describe", text="A mug of coffee.")
    window.history.show_entries(window._history_store.entries)
    window.history.setCurrentRow(0)
    QGuiApplication.clipboard().setText("")
    window.question.setFocus()
    qtbot.keyClicks(window.question, "abc")
    qtbot.keyClick(window.question, Qt.Key.Key_Home)
    qtbot.keyClick(window.question, Qt.Key.Key_Delete)  # edits the field, deletes no result
    assert window.question.text() == "bc"
    assert window.history.count() == 1
    window.history.setFocus()
    qtbot.keyClick(window.history, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert "A mug of coffee." in QGuiApplication.clipboard().text()
    qtbot.keyClick(window.history, Qt.Key.Key_Delete)
    assert window.history.count() == 0
    qtbot.waitUntil(lambda: len(window._history_store) == 0)  # written on its own thread


def test_space_on_a_focused_button_presses_it(
    qtbot, make_window, speaking_model_dir: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    opened: list[bool] = []
    monkeypatch.setattr(
        "describe_app.qt.window_actions.choose_photos", lambda parent: opened.append(True) or []
    )
    window, _ = make_window(speaking_model_dir, load=False)
    described: list[bool] = []
    window.actions_by_id["describe"].triggered.connect(lambda: described.append(True))
    window.open_button.setFocus()
    qtbot.keyClick(window.open_button, Qt.Key.Key_Space)
    assert opened == [True] and described == []
    window.result.setFocus()
    qtbot.keyClick(window.result, Qt.Key.Key_Space)
    assert described == [True]

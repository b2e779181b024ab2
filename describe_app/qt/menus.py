"""Build the menu bar from the one shortcuts table (:mod:`describe_app.core.settings.shortcuts`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QWidget

from describe_app.core.settings.shortcut_table import Menu, Scope, actions_in_menu, menu_title
from describe_app.qt.action_table import apply_keys, shortcut_context


def build_menus(
    window: QMainWindow,
    handlers: Mapping[str, Callable[[], object]],
    *,
    history_widget: QWidget,
    overrides: Mapping[str, str] | None = None,
    before: Callable[[], object] | None = None,
    is_on: Callable[[str], bool] | None = None,
) -> dict[str, QAction]:
    """One QAction per table entry, each in its menu with its keys; returns them by id.

    Window-wide actions are added to the window too (their keys work while the menu bar is
    hidden); history actions are added to ``history_widget``, where their keys work.
    ``before`` runs before each handler (the window forgets its current status there, so
    a key pressed again is answered again rather than met with silence). ``is_on`` says
    whether the mode of a checkable action is on: its check mark follows it after each
    trigger (Qt ticks the item itself, even when the handler did not switch the mode on)."""
    actions: dict[str, QAction] = {}
    for menu in Menu:
        qmenu = window.menuBar().addMenu(menu_title(menu))
        qmenu.setObjectName(f"menu_{menu.value}")
        for spec in actions_in_menu(menu):
            action = QAction(spec.text(), window)
            action.setObjectName(f"action_{spec.id}")
            action.setShortcutContext(shortcut_context(spec))
            action.setStatusTip(spec.help())
            action.setCheckable(spec.checkable)
            handler = handlers[spec.id]
            action.triggered.connect(lambda _checked=False, h=handler: _run(before, h))
            if spec.checkable and is_on is not None:
                action.triggered.connect(
                    lambda _checked=False, a=action, i=spec.id: a.setChecked(is_on(i))
                )
            qmenu.addAction(action)
            owner = history_widget if spec.scope is Scope.HISTORY else window
            owner.addAction(action)
            actions[spec.id] = action
    apply_keys(actions, overrides)
    return actions


def _run(before: Callable[[], object] | None, handler: Callable[[], object]) -> None:
    if before is not None:
        before()
    handler()

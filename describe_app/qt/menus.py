"""Build the menu bar from the action table (:mod:`describe_app.qt.action_table`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from describe_app.qt.action_table import ACTIONS, MENUS
from describe_app.qt.labelled import plain
from describe_app.qt.translate import _


def build_menus(
    window: QMainWindow, handlers: Mapping[str, Callable[[], object]]
) -> dict[str, QAction]:
    """One QAction per table entry, each in its menu with its key; returns them by id."""
    menus = {menu_id: window.menuBar().addMenu(_(title)) for menu_id, title in MENUS.items()}
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(_(spec.label), window)
        action.setShortcut(QKeySequence(spec.key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setStatusTip(_(spec.description))
        action.setToolTip(f"{plain(_(spec.label))} ({spec.key})")
        action.setObjectName(f"action_{spec.id}")
        handler = handlers[spec.id]
        action.triggered.connect(lambda _checked=False, h=handler: h())
        menus[spec.menu].addAction(action)
        window.addAction(action)  # the key works even while the menu bar is hidden
        actions[spec.id] = action
    return actions

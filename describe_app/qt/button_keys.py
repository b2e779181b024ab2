"""Space on a focused button presses the button, not the window's Space shortcut.

Qt offers a key to the window's shortcuts before the focused widget sees it, unless the
widget claims it in a ``ShortcutOverride`` event. Text fields claim Space; buttons and check
boxes do not, so Space on "Open photo" would take a picture instead of pressing the button.
This filter makes every button and check box claim Space (without modifiers), as keyboard
and screen reader users expect.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QWidget


class ButtonSpaceFilter(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QAbstractButton)
            and event.key() == Qt.Key.Key_Space
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            event.accept()  # the button gets the key press, the shortcut does not fire
            return True
        return False


def let_buttons_take_space(root: QWidget, keys_filter: ButtonSpaceFilter) -> None:
    """Install ``keys_filter`` on every button and check box under ``root``."""
    for button in root.findChildren(QAbstractButton):
        button.installEventFilter(keys_filter)

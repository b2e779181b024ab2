"""Describe in the system tray: it keeps running there, so the global keys work while the
window is closed.

The tray icon's menu holds what the global keys do, and the way back: Describe focused
object, Describe screen, Read screen text, Show window (Hide window while it is shown:
the item's name says what it does now), Quit. Each item is labelled with a mnemonic and
shows its global key after a tab, as menus show keys. The menu is reached by
keyboard the way the desktop reaches its tray (Windows+B then the Menu key on Windows; the
desktop's tray key elsewhere); activating the icon itself shows the window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from describe_app.core.resources import resource_path
from describe_app.core.settings.schema import ScreenSettings
from describe_app.qt.translate import N_, _

#: The menu's items: id, text with its mnemonic, what it does (status tip and tool tip).
TRAY_ITEMS = (
    (
        "describe_focus",
        N_("Describe &focused object"),
        N_("Describe the control or picture that has the keyboard focus, in any program."),
    ),
    ("describe_screen", N_("Describe &screen"), N_("Describe the whole screen.")),
    ("read_screen", N_("&Read screen text"), N_("Read aloud the text on the screen.")),
    ("show_window", N_("Show &window"), N_("Show the Describe window.")),
    ("quit", N_("&Quit"), N_("Quit Describe; its keys stop working.")),
)
#: The window item while the window is shown: its name says what it does now.
HIDE_WINDOW = (
    N_("Hide &window"),
    N_("Hide the Describe window; it keeps running in the tray."),
)
#: The settings field of each item's global key.
_KEY_FIELDS = {
    "describe_focus": "focus_key",
    "describe_screen": "screen_key",
    "read_screen": "text_key",
}


def tray_available() -> bool:
    """Whether this desktop shows tray icons."""
    return QSystemTrayIcon.isSystemTrayAvailable()


class DescribeTray(QObject):
    """The tray icon and its menu; ``handlers`` maps each item's id to what it does."""

    def __init__(self, handlers: Mapping[str, Callable[[], object]], window: QWidget) -> None:
        super().__init__(window)
        self.menu = QMenu(window)
        self._window = window
        self.actions: dict[str, QAction] = {}
        for ident, _text, _tip in TRAY_ITEMS:
            action = QAction(self.menu)
            action.setObjectName(f"tray_{ident}")
            if ident == "show_window":
                action.triggered.connect(self._show_or_hide)
            else:
                action.triggered.connect(handlers[ident])
            self.menu.addAction(action)
            self.actions[ident] = action
        self.icon = QSystemTrayIcon(QIcon(str(resource_path("icons", "describe-64.png"))), self)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.menu.aboutToShow.connect(self.retranslate)  # the window item says its state
        self._show_window = handlers["show_window"]
        self._keys = ScreenSettings()
        self.retranslate()

    def show_keys(self, screen: ScreenSettings) -> None:
        """Show the global keys of ``screen`` beside their items."""
        self._keys = screen
        self.retranslate()

    def retranslate(self) -> None:
        """The menu's words in the interface language."""
        self.menu.setTitle("Describe")
        self.icon.setToolTip(_("Describe: its keys work from any program."))
        for ident, text, tip in TRAY_ITEMS:
            action = self.actions[ident]
            if ident == "show_window" and self._window_shown():
                text, tip = HIDE_WINDOW
            key = getattr(self._keys, _KEY_FIELDS[ident]) if ident in _KEY_FIELDS else ""
            action.setText(f"{_(text)}\t{key}" if key else _(text))
            action.setStatusTip(_(tip))
            action.setToolTip(_(tip))

    def show(self) -> None:
        self.icon.show()

    def _window_shown(self) -> bool:
        window = self._window
        return window.isVisible() and not window.isMinimized()

    @Slot()
    def _show_or_hide(self) -> None:
        """Show window, or Hide window while it is shown (as its name said)."""
        if self._window_shown():
            hide = getattr(self._window, "hide_to_tray", None)  # says where it went
            (hide or self._window.hide)()
        else:
            self._show_window()

    def hide(self) -> None:
        self.icon.hide()

    @Slot(QSystemTrayIcon.ActivationReason)
    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self._show_window()

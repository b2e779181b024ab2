"""Hands text to the user's screen reader through Qt accessibility (the window's
:class:`~describe_app.core.speech.ScreenReaderChannel`).

An announcement event is sent on the GUI thread (callers on other threads are queued).
Orca and unfocused windows may drop announcements, so results also go into the history list
and the read-only result view (see the window's "focus new results" option).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget

from describe_app.qt.gui_thread import GuiThread


class QtScreenReaderChannel(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self._widget = widget
        self._gui = GuiThread(self)

    def announce(self, text: str, *, interrupt: bool) -> None:
        self._gui.call(self._announce_now, text, interrupt)

    def _announce_now(self, text: str, interrupt: bool) -> None:
        event = QAccessibleAnnouncementEvent(self._widget, text)
        event.setPoliteness(
            QAccessible.AnnouncementPoliteness.Assertive
            if interrupt
            else QAccessible.AnnouncementPoliteness.Polite
        )
        QAccessible.updateAccessibility(event)

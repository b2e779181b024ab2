"""Asking before a screen goes to a server: screens hold mail, banking and passwords.

With a server chosen and screens not yet allowed (the "send screens" setting), the first
screen description asks, in a small dialog worked by keyboard alone, whether the screen
may be sent to that server, naming it:

* **Send this time** (T): this screen goes; the next one asks again;
* **Always send to this server** (A): this one goes, and the setting is switched on;
* **Do not send** (D): the default, also Enter and Escape; nothing leaves this computer.

The dialog comes to the front even while the window is hidden in the tray: the global
keys are pressed in other programs.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from describe_app.core.untrusted_text import clean_text
from describe_app.qt.translate import _


class ScreenSending(enum.Enum):
    """The user's answer."""

    ONCE = "once"
    ALWAYS = "always"
    NO = "no"


def ask_to_send_screen(parent: QWidget, server: str) -> ScreenSending:
    """Ask whether a screen may go to ``server`` (the profile's name); NO unless the user
    chose to send."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _("Send the screen to a server?"),
        _(
            "Screens can hold mail, banking and passwords. Send this screen to the server "
            "{server} to be described?"
        ).format(server=clean_text(server)),
        parent=parent,
    )
    box.setObjectName("send_screen_box")
    # one role for the three, so that they stay in this order on every platform
    role = QMessageBox.ButtonRole.ActionRole
    once = box.addButton(_("Send this &time"), role)
    always = box.addButton(_("&Always send to this server"), role)
    no = box.addButton(_("&Do not send"), role)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    QTimer.singleShot(0, box, box.activateWindow)  # in front of the program that had the key
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is once:
        return ScreenSending.ONCE
    if clicked is always:
        return ScreenSending.ALWAYS
    return ScreenSending.NO

"""The download dialog's question for a gated model: the hub's access token.

Hidden until the hub refuses a gated model; then a password field labelled "Access token:"
(Alt+K; Alt+T is Try again) and "Save token and try again" appear, the keyboard goes to the
field, and Enter saves. The token goes to the system keyring
(:class:`~describe_app.core.describe.local.hub_token.HubTokenStore`) and nowhere else; the
dialog then downloads again. No keyring: one sentence, and the field stays.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from describe_app.core.describe.local.hub_token import TOKEN_PAGE, HubKeyringError, HubTokenStore
from describe_app.qt.labelled import add_labelled_control, labelled_button
from describe_app.qt.translate import _


class HubTokenPanel(QWidget):
    """Ask for the hub's token; ``saved`` once it is in the keyring. ``say(text)`` tells the
    user (shown and spoken by the dialog)."""

    saved = Signal()

    def __init__(self, parent: QWidget, say: Callable[[str], None]) -> None:
        super().__init__(parent)
        self._say = say
        self.setObjectName("hub_token_panel")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.field = QLineEdit(self)
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        add_labelled_control(
            row,
            _("Access to&ken:"),
            self.field,
            _(
                "A read token made at {page} for a hub account that has accepted the "
                "model's terms; it is kept in the system keyring."
            ).format(page=TOKEN_PAGE),
            stretch=1,
        )
        self.save_button = labelled_button(
            QPushButton(_("&Save token and try again"), self),
            _("Keep the token in the system keyring and download again (Enter)."),
        )
        self.save_button.setAutoDefault(False)
        row.addWidget(self.save_button)
        self.save_button.clicked.connect(self.save)
        self.hide()

    def ask(self) -> None:
        """Show the field and put the keyboard in it; Enter saves."""
        self.show()
        self.save_button.setDefault(True)  # Enter in the field presses it
        self.field.selectAll()  # a refused token is replaced by typing
        self.field.setFocus()

    def save(self) -> None:
        token = self.field.text().strip()
        if not token:
            self._say(_("Type or paste the access token first."))
            self.field.setFocus()
            return
        try:
            HubTokenStore().set(token)
        except HubKeyringError as exc:
            self._say(str(exc))
            self.field.setFocus()
            return
        self.field.clear()
        self.save_button.setDefault(False)
        self.hide()
        self.saved.emit()

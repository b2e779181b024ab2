"""The F1 keyboard help: a read-only text the screen reader can read line by line."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from describe_app.qt.help_text import help_html
from describe_app.qt.labelled import name_control
from describe_app.qt.translate import _


class HelpDialog(QDialog):
    def __init__(
        self, parent: QWidget | None = None, overrides: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Keyboard help"))
        layout = QVBoxLayout(self)
        self.text = name_control(
            QTextBrowser(self), _("Keyboard help"), _("Every action of Describe and its key.")
        )
        self.text.setHtml(help_html(overrides))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        name_control(buttons, _("Close"))
        # the button itself, the control Tab reaches, carries the name too
        name_control(buttons.button(QDialogButtonBox.StandardButton.Close), _("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 480)
        self.text.setFocus()

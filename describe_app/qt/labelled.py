"""Create a control together with its label (after NVDA's ``addLabeledControl``).

The label carries the mnemonic (``&Question``) and is the control's buddy, so Alt+Q moves
to the control; the control's accessible name is the label's text without the ``&``, and
its accessible description says what it is for.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QBoxLayout,
    QFormLayout,
    QLabel,
    QWidget,
)

W = TypeVar("W", bound=QWidget)
B = TypeVar("B", bound=QAbstractButton)


def plain(text: str) -> str:
    """Label text without its mnemonic marker ("&Question" -> "Question")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def name_control(widget: W, name: str, description: str = "") -> W:
    """Give ``widget`` (and the text field inside a spin box) its accessible name."""
    widget.setAccessibleName(plain(name))
    if description:
        widget.setAccessibleDescription(description)
        widget.setToolTip(description)
    if isinstance(widget, QAbstractSpinBox):
        inner = widget.lineEdit()
        inner.setAccessibleName(plain(name))
        if description:
            inner.setAccessibleDescription(description)
    return widget


def add_labelled_control(
    layout: QBoxLayout, label_text: str, widget: W, description: str = "", *, stretch: int = 0
) -> tuple[QLabel, W]:
    """Add ``label_text`` and then ``widget`` to ``layout``; return both."""
    label = QLabel(label_text)
    label.setBuddy(widget)
    name_control(widget, label_text, description)
    layout.addWidget(label)
    layout.addWidget(widget, stretch)
    return label, widget


def add_form_row(
    form: QFormLayout, label_text: str, widget: W, description: str = ""
) -> tuple[QLabel, W]:
    """Add a labelled row to a form: the label (with its mnemonic) is the widget's buddy."""
    label = QLabel(label_text)
    label.setBuddy(widget)
    name_control(widget, label_text, description)
    form.addRow(label, widget)
    return label, widget


def labelled_button(button: B, description: str = "") -> B:
    """A check box or push button names itself from its text (which has the mnemonic)."""
    return name_control(button, button.text(), description)

"""Create a control together with its label (after NVDA's ``addLabeledControl``).

The label carries the mnemonic (``&Question``) and is the control's buddy, so Alt+Q moves
to the control; the control's accessible name is the label's text without the ``&``, and
its accessible description says what it is for.

Qt lists a widget's children (and so the accessibility tree that screen readers read in
browse mode and flat review) in the order they were given their parent. A control is
usually created first, with its parent, and its label only here; so the label is put in
front of its control among the parent's children: "Result", then the result text.
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
    label = _label_for(label_text, widget, description)
    layout.addWidget(label)
    layout.addWidget(widget, stretch)
    put_label_first(label, widget)
    return label, widget


def relabel(label: QLabel, widget: QWidget, label_text: str, description: str = "") -> None:
    """Give a labelled control its words (again, after a change of language)."""
    label.setText(label_text)
    name_control(widget, label_text, description)


def add_form_row(
    form: QFormLayout, label_text: str, widget: W, description: str = ""
) -> tuple[QLabel, W]:
    """Add a labelled row to a form: the label (with its mnemonic) is the widget's buddy."""
    label = _label_for(label_text, widget, description)
    form.addRow(label, widget)
    put_label_first(label, widget)
    return label, widget


def _label_for(label_text: str, widget: QWidget, description: str) -> QLabel:
    """The label of ``widget``, already in front of it if ``widget`` has a parent (then a
    layout set on that parent later leaves the order as it is)."""
    label = QLabel(label_text, widget.parentWidget())
    label.setBuddy(widget)
    name_control(widget, label_text, description)
    put_label_first(label, widget)
    return label


def put_label_first(label: QLabel, widget: QWidget) -> None:
    """Move ``label`` just before ``widget`` among their parent's children (it only
    changes the stacking order, which does not show: laid out, the two never overlap).
    For a label made by hand, e.g. for a row of a control and its buttons."""
    parent = widget.parentWidget()
    if parent is None or label.parentWidget() is not parent:
        return  # the layout gives them their parent, in its order: label first
    children = parent.children()
    if children.index(label) > children.index(widget):
        label.stackUnder(widget)


def labelled_button(button: B, description: str = "") -> B:
    """A check box or push button names itself from its text (which has the mnemonic)."""
    return name_control(button, button.text(), description)

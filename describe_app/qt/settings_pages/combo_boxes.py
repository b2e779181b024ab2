"""Combo boxes the settings pages share: a list of choices with enum data, and the typed
text and accessible name of an editable one."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QWidget


def choice_combo(
    parent: QWidget, choices: Sequence[tuple[str, object]], current: object
) -> QComboBox:
    """A combo box of ``(text, data)``; enum data is stored as its value (read it back with
    ``EnumType(combo.currentData())``)."""
    combo = QComboBox(parent)
    for text, data in choices:
        combo.addItem(text, data.value if isinstance(data, enum.Enum) else data)
    index = combo.findData(current.value if isinstance(current, enum.Enum) else current)
    combo.setCurrentIndex(max(0, index))
    return combo


def editable_text(combo: QComboBox) -> str:
    """The chosen item's data if the text is still that item's, else the typed text."""
    index = combo.currentIndex()
    if index >= 0 and combo.currentText() == combo.itemText(index):
        data = combo.itemData(index)
        if isinstance(data, str):
            return data
    return combo.currentText().strip()


def name_editable(combo: QComboBox) -> None:
    """An editable combo box's text field gets the combo's name too (it takes focus)."""
    edit = combo.lineEdit()
    if edit is not None:
        edit.setAccessibleName(combo.accessibleName())
        edit.setAccessibleDescription(combo.accessibleDescription())

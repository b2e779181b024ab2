"""Small questions to the user: a yes/no confirmation and where to save a text file.

Both use the platform's own dialogs, which screen readers know and which work by keyboard:
in the confirmation, No is the default (Enter or Escape keep everything), Y or Alt+Y
answers yes.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from describe_app.qt.labelled import labelled_button
from describe_app.qt.translate import _


def confirm(parent: QWidget, title: str, question: str) -> bool:
    """Ask ``question``; True only if the user chose Yes."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    box.setObjectName("confirm_box")
    yes = labelled_button(box.addButton(_("&Yes"), QMessageBox.ButtonRole.YesRole))
    no = labelled_button(box.addButton(_("&No"), QMessageBox.ButtonRole.NoRole))
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.exec()
    chosen = box.clickedButton() is yes
    box.deleteLater()
    return chosen


def choose_text_file(parent: QWidget, when: datetime | None) -> Path | None:
    """Ask where to save a text file; None when the user cancels."""
    stamp = (when or datetime.now()).strftime("%Y-%m-%d %H-%M")
    suggested = _("Describe {stamp}.txt").format(stamp=stamp)
    path, _filter = QFileDialog.getSaveFileName(
        parent,
        _("Save result as text"),
        str(Path.home() / suggested),
        _("Text files") + " (*.txt);;" + _("All files") + " (*)",
    )
    if not path:
        return None
    result = Path(path)
    return result if result.suffix else result.with_suffix(".txt")

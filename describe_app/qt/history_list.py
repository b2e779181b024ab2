"""The history list: one item per stored result, newest first, each readable in full.

The list shows :class:`~describe_app.core.history.store.History` entries; the store on disk is
the truth and this widget only mirrors it. Each item's text (and its accessible text) is the
whole result, so a screen reader reads the history item by item with nothing cut off.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from describe_app.core.history.entry import EntryKind, HistoryEntry, kind_label, source_label

ENTRY_ID_ROLE = Qt.ItemDataRole.UserRole


def entry_line(entry: HistoryEntry) -> str:
    """ "14:05, camera, Description: A mug on a desk." (the question first for answers); a
    code read says its own kind: "14:05, camera, QR code: TABLE 7"."""
    when = entry.when().strftime("%H:%M")
    if entry.kind is EntryKind.CODE:
        return f"{when}, {source_label(entry.source)}, {entry.text.strip()}"
    head = f"{when}, {source_label(entry.source)}, {kind_label(entry.kind)}"
    if entry.question:
        head = f"{head} ({entry.question})"
    return f"{head}: {entry.text.strip()}"


class HistoryList(QListWidget):
    """A QListWidget that knows which history entry each item stands for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)

    def show_entries(self, entries: list[HistoryEntry]) -> None:
        """Replace the items with ``entries`` (oldest first, as the store keeps them)."""
        self.clear()
        for entry in reversed(entries):
            self.addItem(self._item(entry))

    def add_entry(self, entry: HistoryEntry) -> QListWidgetItem:
        """A new result goes on top."""
        item = self._item(entry)
        self.insertItem(0, item)
        return item

    def current_entry_id(self) -> str | None:
        item = self.currentItem()
        if item is None:
            return None
        value = item.data(ENTRY_ID_ROLE)
        return value if isinstance(value, str) else None

    def remove_entry(self, entry_id: str) -> None:
        for row in range(self.count()):
            item = self.item(row)
            if item is not None and item.data(ENTRY_ID_ROLE) == entry_id:
                self.takeItem(row)
                return

    def entry_ids(self) -> list[str]:
        """The ids in list order (newest first)."""
        return [str(self.item(row).data(ENTRY_ID_ROLE)) for row in range(self.count())]

    @staticmethod
    def _item(entry: HistoryEntry) -> QListWidgetItem:
        line = entry_line(entry)
        item = QListWidgetItem(line)
        item.setData(ENTRY_ID_ROLE, entry.id)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, line)
        item.setToolTip(entry.text)
        return item

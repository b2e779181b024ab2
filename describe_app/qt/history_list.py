"""The history list: one item per stored result, newest first, each readable in full.

The list shows :class:`~describe_app.core.history.store.History` entries; the store on disk is
the truth and this widget only mirrors it. Each item's text (and its accessible text) is the
whole result, so a screen reader reads the history item by item with nothing cut off.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QLocale, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

from describe_app.core.history.entry import EntryKind, HistoryEntry, kind_label, source_label
from describe_app.core.i18n import current_language
from describe_app.qt.translate import _

ENTRY_ID_ROLE = Qt.ItemDataRole.UserRole
#: Items laid out per pass of the event loop: with thousands of wrapped entries, laying them
#: all out at once froze the window for seconds on each new result.
LAYOUT_BATCH = 100


def entry_time(entry: HistoryEntry, today: date | None = None) -> str:
    """When the entry was made, as said at the start of its line: "14:05" today,
    "Yesterday at 14:05", "5 December at 14:05" (the year too when it is not this one)."""
    when = entry.when()
    clock = f"{when.hour:02d}:{when.minute:02d}"
    if today is None:
        today = datetime.now(when.tzinfo).date()
    days = (today - when.date()).days
    if days == 0:
        return clock
    if days == 1:
        return _("Yesterday at {time}").format(time=clock)
    shape = "d MMMM" if when.year == today.year else "d MMMM yyyy"
    day = QLocale(current_language()).toString(QDate(when.year, when.month, when.day), shape)
    return _("{date} at {time}").format(date=day, time=clock)


def entry_line(entry: HistoryEntry, today: date | None = None) -> str:
    """ "14:05, camera, Description: A mug on a desk." (the question first for answers); a
    code read says its own kind: "14:05, camera, QR code: TABLE 7". An entry of another
    day says its day first (:func:`entry_time`)."""
    when = entry_time(entry, today)
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
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(LAYOUT_BATCH)

    def moveCursor(
        self,
        cursorAction: QAbstractItemView.CursorAction,
        modifiers: Qt.KeyboardModifier,
    ) -> QModelIndex:
        """Home and End reach the first and last entry even while the list is still being
        laid out (batched layout only knows the items laid out so far)."""
        count = self.count()
        if count and cursorAction is QAbstractItemView.CursorAction.MoveHome:
            return self.model().index(0, 0)
        if count and cursorAction is QAbstractItemView.CursorAction.MoveEnd:
            return self.model().index(count - 1, 0)
        return super().moveCursor(cursorAction, modifiers)

    def show_entries(self, entries: list[HistoryEntry]) -> None:
        """Replace the items with ``entries`` (oldest first, as the store keeps them)."""
        self.clear()
        for entry in reversed(entries):
            self.addItem(self._item(entry))

    def add_entry(self, entry: HistoryEntry) -> QListWidgetItem:
        """A new result goes on top, once: a list rebuilt from the history while the result
        was on its way has it among its newest already (only those are looked at: a scan of
        thousands of items per result is too slow)."""
        for row in range(min(self.count(), 20)):
            listed = self.item(row)
            if listed is not None and listed.data(ENTRY_ID_ROLE) == entry.id:
                self.takeItem(row)
                break
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

    def select_entry(self, entry_id: str) -> bool:
        """Make the entry's item the current one; False when it is not listed."""
        for row in range(self.count()):
            item = self.item(row)
            if item is not None and item.data(ENTRY_ID_ROLE) == entry_id:
                self.setCurrentItem(item)
                return True
        return False

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

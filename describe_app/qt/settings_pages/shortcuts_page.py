"""The settings page that changes keys: a list of actions with their keys, a key field.

Built from the one shortcuts table (:mod:`describe_app.core.settings.shortcuts`). A key that cannot
be used (not a key, reserved for the screen reader or for moving around, or already taken)
is refused with one sentence from :func:`~describe_app.core.settings.shortcuts.check_key`, shown
under the field, given to the field as its accessible description, and sent by ``said`` to
be spoken.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from describe_app.core.settings.shortcut_keys import normalize_key
from describe_app.core.settings.shortcut_table import ACTIONS, action
from describe_app.core.settings.shortcuts import check_key, effective_keys, find_conflicts
from describe_app.qt.action_table import key_text
from describe_app.qt.labelled import add_form_row, add_labelled_control, labelled_button
from describe_app.qt.translate import _

ACTION_ID_ROLE = Qt.ItemDataRole.UserRole


class ShortcutsPage(QWidget):
    #: each sentence shown under the key field (a key refused, a key given), to be spoken:
    #: the field's description alone is not read out when it changes
    said = Signal(str)

    def __init__(
        self,
        overrides: Mapping[str, str],
        parent: QWidget | None = None,
        *,
        taken: Callable[[], Mapping[str, str]] | None = None,
    ) -> None:
        """``taken``: Describe's other keys as the dialog shows them now (key -> what it
        does), such as the keys that work from any program; a window key may not be one."""
        super().__init__(parent)
        self.overrides: dict[str, str] = dict(overrides)
        self._taken = taken
        layout = QVBoxLayout(self)
        self.actions_list = QListWidget(self)
        add_labelled_control(
            layout,
            _("&Actions and their keys:"),
            self.actions_list,
            _("Choose an action, then type its new key in the field below."),
            stretch=1,
        )
        form = QFormLayout()
        layout.addLayout(form)
        self.key_field = QLineEdit(self)
        self.key_field.setPlaceholderText(_("For example: Ctrl+Shift+D"))
        add_form_row(
            form,
            _("New &key for the selected action:"),
            self.key_field,
            _("Type the key as text, for example Ctrl+Shift+D or F5, then press Enter."),
        )
        buttons = QHBoxLayout()
        self.use_button = labelled_button(
            QPushButton(_("&Use this key"), self), _("Give the typed key to the selected action.")
        )
        self.default_button = labelled_button(
            QPushButton(_("&Reset to the default key"), self),
            _("Give the selected action its original key again."),
        )
        self.none_button = labelled_button(
            QPushButton(_("Leave &without a key"), self),
            _("The selected action keeps its menu item but has no key."),
        )
        for button in (self.use_button, self.default_button, self.none_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Message"))
        layout.addWidget(self.message)

        self._fill()
        self.actions_list.setCurrentRow(0)
        self.key_field.installEventFilter(self)  # Enter uses the key, it does not close
        self.use_button.clicked.connect(self.use_typed_key)
        self.default_button.clicked.connect(self.reset_key)
        self.none_button.clicked.connect(self.remove_key)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.key_field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.use_typed_key()
            return True
        return super().eventFilter(watched, event)

    # --- reading ---------------------------------------------------------------------------

    def current_action_id(self) -> str:
        item = self.actions_list.currentItem()
        return str(item.data(ACTION_ID_ROLE)) if item is not None else ACTIONS[0].id

    def select_action(self, action_id: str) -> None:
        for row in range(self.actions_list.count()):
            if self.actions_list.item(row).data(ACTION_ID_ROLE) == action_id:
                self.actions_list.setCurrentRow(row)
                return

    def conflicts_message(self) -> str | None:
        """A sentence naming keys given to two actions, or None when there are none."""
        conflicts = find_conflicts(self.overrides)
        return " ".join(c.message() for c in conflicts) or None

    # --- changing --------------------------------------------------------------------------

    @Slot()
    def use_typed_key(self) -> bool:
        action_id = self.current_action_id()
        typed = self.key_field.text()
        if not typed.strip():
            self.say(_("Type a key first, for example Ctrl+Shift+D."))
            return False
        taken = self._taken() if self._taken is not None else None
        reason = check_key(action_id, typed, self.overrides, taken)
        if reason is not None:
            self.say(reason)
            return False
        self._set(action_id, normalize_key(typed))
        self.key_field.clear()
        return True

    @Slot()
    def reset_key(self) -> None:
        action_id = self.current_action_id()
        self.overrides.pop(action_id, None)
        self._refresh()
        self.say(self.conflicts_message() or self._now_text(action_id))

    @Slot()
    def remove_key(self) -> None:
        self._set(self.current_action_id(), "")

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.key_field.setAccessibleDescription(text)
        self.said.emit(text)

    # --- inside ------------------------------------------------------------------------------

    def _set(self, action_id: str, key: str) -> None:
        self.overrides[action_id] = key
        self._refresh()
        self.say(self._now_text(action_id))

    def _now_text(self, action_id: str) -> str:
        keys = effective_keys(self.overrides)[action_id]
        name = action(action_id).plain_text()
        if not keys:
            return _("{name} now has no key.").format(name=name)
        shown = _(" or ").join(key_text(k) for k in keys)
        return _("The key for {name} is now {key}.").format(name=name, key=shown)

    def _fill(self) -> None:
        keys = effective_keys(self.overrides)
        for spec in ACTIONS:
            item = QListWidgetItem(self._line(spec.id, keys[spec.id]))
            item.setData(ACTION_ID_ROLE, spec.id)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, item.text())
            self.actions_list.addItem(item)

    def _refresh(self) -> None:
        keys = effective_keys(self.overrides)
        for row in range(self.actions_list.count()):
            item = self.actions_list.item(row)
            item_id = str(item.data(ACTION_ID_ROLE))
            item.setText(self._line(item_id, keys[item_id]))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, item.text())

    @staticmethod
    def _line(action_id: str, keys: tuple[str, ...]) -> str:
        shown = _(" or ").join(key_text(k) for k in keys) or _("no key")
        return f"{action(action_id).plain_text()}: {shown}"

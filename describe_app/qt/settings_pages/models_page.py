"""The Models page of the settings: every model Describe knows, what it costs on this
computer, the one suggested for it, and the choice of the model that describes.

Each item of the list says everything in its text (read by screen readers as it is): name,
whether it is the suggested one, what it is like, size on disk, memory, license (research-only
said plainly), whether it is on this computer, and the estimated time to the first word here.
A model this version cannot run, or that does not fit in the memory now, can be reached with
the arrow keys (to hear why) but not chosen: the choice stays where it was.

Choosing a model changes the description settings' model (the dialog keeps the Description
page's model field in step, :mod:`describe_app.qt.settings_dialog`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from describe_app.core.describe.local import model_recommend
from describe_app.core.describe.local.model_choices import (
    ModelChoice,
    choice_details,
    model_choices,
)
from describe_app.core.describe.local.model_ladder import ModelSpec
from describe_app.core.describe.local.model_recommend import MachineFacts
from describe_app.qt.labelled import add_labelled_control
from describe_app.qt.translate import _

_NAME_ROLE = Qt.ItemDataRole.UserRole


class ModelsPage(QWidget):
    #: the user chose another model (its registry name)
    chosen = Signal(str)

    def __init__(
        self,
        model: str,
        parent: QWidget | None = None,
        *,
        machine: MachineFacts | None = None,
        installed: Callable[[ModelSpec], bool] | None = None,
    ) -> None:
        """``model``: the model now set; ``machine`` and ``installed`` (this computer, the
        model cache when None) are for tests."""
        super().__init__(parent)
        facts = machine or model_recommend.machine_facts()
        suggestion = model_recommend.recommend(facts)
        self._chosen = ""
        layout = QVBoxLayout(self)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        suggested = suggestion.reason  # not even the smallest model fits now: says so
        if suggestion.fits:
            suggested = _("Recommended for this computer: {reason}").format(
                reason=suggestion.reason
            )
        add_labelled_control(
            layout,
            _("&Models:"),
            self.list,
            _("Choose the model that describes. {suggestion}").format(suggestion=suggested),
            stretch=1,
        )
        self.suggestion = QLabel(suggested, self)
        self.suggestion.setWordWrap(True)
        layout.addWidget(self.suggestion)
        for choice in model_choices(facts, installed=installed):
            self._add(choice)
        self.show_model(model)
        self.list.currentItemChanged.connect(self._moved)
        self.list.itemSelectionChanged.connect(self._keep_choice_selected)

    def chosen_model(self) -> str:
        """The registry name of the chosen model; "" when the setting is none of these (a
        folder of the user's)."""
        return self._chosen

    def show_model(self, name: str) -> None:
        """Show ``name`` as the chosen one (when the Description page's field changed), or
        nothing chosen when it is not a model of the list. Says nothing, emits nothing."""
        item = self._item(name)
        self._chosen = name if item is not None and _choosable(item) else ""
        self.list.blockSignals(True)
        try:
            self.list.clearSelection()
            if item is not None and self._chosen:
                self.list.setCurrentItem(item)
                item.setSelected(True)
        finally:
            self.list.blockSignals(False)

    def _add(self, choice: ModelChoice) -> None:
        spec = choice.spec
        title = spec.name
        if choice.recommended:
            title = _("{name}, recommended").format(name=spec.name)
        text = _("{name}: {summary} {details}").format(
            name=title, summary=_(spec.summary), details=choice_details(choice)
        )
        if choice.unavailable:
            text = _("{name}: cannot be chosen. {reason} {details}").format(
                name=title, reason=choice.unavailable, details=choice_details(choice)
            )
        item = QListWidgetItem(text, self.list)
        item.setData(_NAME_ROLE, spec.name)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
        if choice.unavailable:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # reachable, to hear why; not selectable

    def _item(self, name: str) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(_NAME_ROLE) == name:
                return item
        return None

    @Slot(QListWidgetItem, QListWidgetItem)
    def _moved(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        if not _choosable(current):
            return  # the choice stays; the arrow only moved there to listen
        name = str(current.data(_NAME_ROLE))
        if name != self._chosen:
            self._chosen = name
            self.chosen.emit(name)

    @Slot()
    def _keep_choice_selected(self) -> None:
        """Moving onto a model that cannot be chosen clears the selection: show the choice."""
        kept = self._item(self._chosen) if self._chosen else None
        if kept is not None and not kept.isSelected():
            self.list.blockSignals(True)
            kept.setSelected(True)
            self.list.blockSignals(False)


def _choosable(item: QListWidgetItem) -> bool:
    return bool(item.flags() & Qt.ItemFlag.ItemIsSelectable)

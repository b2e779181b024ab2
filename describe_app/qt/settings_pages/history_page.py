"""The "History and text" page of the settings: whether results and pictures are kept,
how many, whether each new result is focused, and how the text looks (its size and the
interface language).

It reads back two sections of the core ``Settings``: history and display; a value it has
no field for (``history.store_screen_pictures``, set in the file) is kept as it was, and an
interface language without its translation here is kept and shown as not found.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QCheckBox, QFormLayout, QSpinBox, QWidget

from describe_app.core.i18n import available_languages
from describe_app.core.settings.schema import (
    HISTORY_MAX_ENTRIES,
    TEXT_ZOOM,
    DisplaySettings,
    HistorySettings,
)
from describe_app.qt.labelled import add_form_row, labelled_button
from describe_app.qt.settings_pages.combo_boxes import choice_combo
from describe_app.qt.translate import _

#: Interface languages by their own names (a language not named here shows its code).
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


class HistoryPage(QWidget):
    def __init__(
        self, history: HistorySettings, display: DisplaySettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._history = history
        self._display = display
        form = QFormLayout(self)
        self.keep_history = labelled_button(
            QCheckBox(_("&Keep results after Describe closes"), self),
            _("Off: the history is forgotten when Describe closes."),
        )
        self.keep_history.setChecked(history.keep_history)
        form.addRow(self.keep_history)
        self.store_pictures = labelled_button(
            QCheckBox(_("Keep pictures for follow-up &questions"), self),
            _("Off: no picture is ever stored, and the stored ones are deleted (privacy)."),
        )
        self.store_pictures.setChecked(history.store_pictures)
        form.addRow(self.store_pictures)
        self.max_entries = QSpinBox(self)
        self.max_entries.setRange(HISTORY_MAX_ENTRIES.min, HISTORY_MAX_ENTRIES.max)
        self.max_entries.setSingleStep(HISTORY_MAX_ENTRIES.step)
        self.max_entries.setValue(history.max_entries)
        add_form_row(form, _("Keep at &most this many results:"), self.max_entries)
        self.focus_new = labelled_button(
            QCheckBox(_("&Select and focus each new result"), self),
            _("Moves to each new result in the history, so screen readers read it."),
        )
        self.focus_new.setChecked(history.focus_new_result)
        form.addRow(self.focus_new)
        self.text_zoom = QSpinBox(self)
        self.text_zoom.setRange(TEXT_ZOOM.min, TEXT_ZOOM.max)
        self.text_zoom.setValue(display.text_zoom)
        add_form_row(
            form,
            _("Result text si&ze (steps from normal):"),
            self.text_zoom,
            _("0 is normal; each step is what Control+Plus adds."),
        )
        languages = [(_("The system's language"), "")]
        languages += [(LANGUAGE_NAMES.get(code, code), code) for code in available_languages()]
        if display.ui_language and display.ui_language not in dict(languages).values():
            # chosen in a newer Describe, or its translation removed: not silently the system's
            languages.append(
                (
                    _("{language} (not found)").format(language=display.ui_language),
                    display.ui_language,
                )
            )
        self.ui_language = choice_combo(self, languages, display.ui_language)
        add_form_row(
            form,
            _("Interface lan&guage:"),
            self.ui_language,
            _("The language of menus and messages. It changes as soon as you press OK."),
        )

    def history_settings(self) -> HistorySettings:
        """The history settings as the fields show them."""
        return dataclasses.replace(
            self._history,
            keep_history=self.keep_history.isChecked(),
            store_pictures=self.store_pictures.isChecked(),
            max_entries=self.max_entries.value(),
            focus_new_result=self.focus_new.isChecked(),
        )

    def display_settings(self) -> DisplaySettings:
        """The display settings as the fields show them."""
        return dataclasses.replace(
            self._display,
            text_zoom=self.text_zoom.value(),
            ui_language=str(self.ui_language.currentData()),
        )

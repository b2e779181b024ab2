"""The Speech page of the settings: Describe's voice, its rate and volume, where speech
goes (Describe's own voice, the screen reader, or both), and the short sounds.

A voice list that cannot be read leaves the system's default voice, and says why in the
voice field's description.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QSpinBox, QWidget

from describe_app.core.speech import EarconSettings, OutputRoute, SpeechSettings, Voice
from describe_app.core.speech.speech_settings import RATE_MAX, RATE_MIN, RATE_STEP
from describe_app.qt.labelled import add_form_row, labelled_button
from describe_app.qt.settings_pages.combo_boxes import choice_combo
from describe_app.qt.translate import _

log = logging.getLogger(__name__)


class SpeechPage(QWidget):
    def __init__(
        self,
        speech: SpeechSettings,
        voices: Callable[[], list[Voice]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.voice = QComboBox(self)
        self.voice.addItem(_("The system's default voice"), None)
        self.voice_problem = ""
        try:
            found = voices()
        except Exception as exc:  # any synthesizer failure: the default voice still works
            log.info("voices could not be listed: %r", exc)
            self.voice_problem = _("The list of voices could not be read: {reason}").format(
                reason=exc
            )
            found = []
        for voice in found:
            languages = ", ".join(voice.languages)
            self.voice.addItem(f"{voice.name} ({languages})" if languages else voice.name, voice.id)
        if speech.voice_id is not None and self.voice.findData(speech.voice_id) < 0:
            self.voice.addItem(
                _("{voice} (not found)").format(voice=speech.voice_id), speech.voice_id
            )
        self.voice.setCurrentIndex(max(0, self.voice.findData(speech.voice_id)))
        add_form_row(form, _("&Voice:"), self.voice, self.voice_problem or _("Describe's voice."))
        self.rate = QSpinBox(self)
        self.rate.setRange(RATE_MIN, RATE_MAX)
        self.rate.setSingleStep(RATE_STEP)
        self.rate.setValue(speech.rate)
        add_form_row(form, _("&Rate (words per minute):"), self.rate)
        self.volume = QSpinBox(self)
        self.volume.setRange(0, 100)
        self.volume.setSingleStep(10)
        self.volume.setValue(round(speech.volume * 100))
        add_form_row(form, _("V&olume (percent):"), self.volume)
        self.route = choice_combo(
            self,
            [
                (
                    _("The screen reader when one is running, else Describe's voice"),
                    OutputRoute.AUTO,
                ),
                (_("Describe's own voice"), OutputRoute.OWN_VOICE),
                (_("The screen reader"), OutputRoute.SCREEN_READER),
                (_("Both"), OutputRoute.BOTH),
            ],
            speech.route,
        )
        add_form_row(form, _("Speak &with:"), self.route)
        self.earcons = labelled_button(
            QCheckBox(_("Play &sounds (picture taken, working, done, error)"), self),
            _("Short sounds that say what is happening."),
        )
        self.earcons.setChecked(any(dataclasses.astuple(speech.earcons)))
        form.addRow(self.earcons)

    def speech_settings(self, old: SpeechSettings) -> SpeechSettings:
        """``old`` changed as the fields show; the sounds keep their one-by-one choices
        unless the check box turned them all on or off."""
        voice = self.voice.currentData()
        on = self.earcons.isChecked()
        return old.replace(
            rate=self.rate.value(),
            volume=self.volume.value() / 100,
            voice_id=voice if isinstance(voice, str) else None,
            route=OutputRoute(self.route.currentData()),
            earcons=(
                old.earcons
                if on == any(dataclasses.astuple(old.earcons))
                else EarconSettings(*(on,) * len(dataclasses.fields(EarconSettings)))
            ),
        )

"""The "Hands-free and guidance" page of the settings: how big a change in the picture
starts a new hands-free description and how often, whether reading guidance speaks its
cues as tones, whether the parts of each picture are described in the background
for exploring, and when answers are prepared in the background (always, on mains power,
never)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QSpinBox, QWidget

from describe_app.core.live.prepare_policy import PreparePolicy
from describe_app.core.settings.schema import HANDS_FREE_CHANGE, HANDS_FREE_INTERVAL, LiveSettings
from describe_app.qt.labelled import add_form_row, labelled_button
from describe_app.qt.settings_pages.combo_boxes import choice_combo
from describe_app.qt.translate import _


class LivePage(QWidget):
    def __init__(self, live: LiveSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.hands_free_change = QSpinBox(self)
        self.hands_free_change.setRange(HANDS_FREE_CHANGE.min, HANDS_FREE_CHANGE.max)
        self.hands_free_change.setValue(live.hands_free_change)
        add_form_row(
            form,
            _("Hands-free: how big a change starts a &new description:"),
            self.hands_free_change,
            _("Lower is more sensitive. {default} is the usual value.").format(
                default=HANDS_FREE_CHANGE.default
            ),
        )
        self.hands_free_interval = QSpinBox(self)
        self.hands_free_interval.setRange(HANDS_FREE_INTERVAL.min, HANDS_FREE_INTERVAL.max)
        self.hands_free_interval.setValue(live.hands_free_interval)
        add_form_row(
            form,
            _("Hands-free: at &least this many seconds between descriptions:"),
            self.hands_free_interval,
        )
        self.cue_tones = labelled_button(
            QCheckBox(_("Reading guidance: cues as t&ones instead of words"), self),
            _("Each cue has its own short tone; the F1 help lists them."),
        )
        self.cue_tones.setChecked(live.cue_tones)
        form.addRow(self.cue_tones)
        self.explore_background = labelled_button(
            QCheckBox(
                _("Describe the parts of each picture in the bac&kground, for exploring"), self
            ),
            _(
                "Off: the parts are described only when you explore a picture (Control+E). "
                "On: as the setting below allows (never, or on battery with On mains power: "
                "only when you explore)."
            ),
        )
        self.explore_background.setChecked(live.explore_in_background)
        form.addRow(self.explore_background)
        self.prepare = choice_combo(
            self,
            [
                (_("Always"), PreparePolicy.ALWAYS),
                (_("On mains power"), PreparePolicy.MAINS),
                (_("Never"), PreparePolicy.NEVER),
            ],
            live.prepare,
        )
        add_form_row(
            form,
            _("P&repare answers in the background:"),
            self.prepare,
            _(
                "When the camera view stays still, or a photo is opened, the model starts on "
                "it before you ask, so the answer comes sooner. This uses battery."
            ),
        )

    def live_settings(self) -> LiveSettings:
        """The hands-free and guidance settings as the fields show them."""
        return LiveSettings(
            hands_free_change=self.hands_free_change.value(),
            hands_free_interval=self.hands_free_interval.value(),
            cue_tones=self.cue_tones.isChecked(),
            explore_in_background=self.explore_background.isChecked(),
            prepare=PreparePolicy(self.prepare.currentData()),
        )

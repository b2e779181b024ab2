"""The Description page of the settings: the model (one Describe knows, or a folder), how
detailed a description is, the answer language, the picture check, and what describes
(this computer, or one of the user's own servers, with a connection test).

The connection test itself runs in the dialog (:mod:`describe_app.qt.settings_dialog`);
this page only shows that it is running and the sentence it ended with.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from describe_app.core.describe.local.model_registry import MODELS
from describe_app.core.describe.prompts import Detail
from describe_app.core.settings.schema import (
    ANSWER_LENGTH_FACTOR,
    ANSWER_SECONDS,
    DescribeSettings,
)
from describe_app.qt.labelled import add_form_row, labelled_button, name_control, put_label_first
from describe_app.qt.settings_pages.combo_boxes import choice_combo, editable_text, name_editable
from describe_app.qt.translate import N_, _

log = logging.getLogger(__name__)

#: Answer languages offered (the model is asked in English words; any other can be typed).
ANSWER_LANGUAGES = (
    N_("French"),
    N_("Spanish"),
    N_("German"),
    N_("Italian"),
    N_("Portuguese"),
    N_("Dutch"),
)


class DescribePage(QWidget):
    def __init__(self, describe: DescribeSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._original_model = describe.model
        form = QFormLayout(self)
        model_row = QHBoxLayout()
        self.model = QComboBox(self)
        self.model.setEditable(True)
        for spec in MODELS.values():
            if spec.runnable:  # the Models page lists the others, with why not
                self.model.addItem(spec.name, spec.name)
        index = self.model.findData(describe.model)
        if index >= 0:
            self.model.setCurrentIndex(index)
        else:
            self.model.setEditText(describe.model)
        label = QLabel(_("&Model:"), self)
        label.setBuddy(self.model)
        put_label_first(label, self.model)
        name_control(
            self.model,
            label.text(),
            _("A model Describe knows, or the folder of a model on this computer."),
        )
        name_editable(self.model)
        model_row.addWidget(self.model, 1)
        self.model_folder = labelled_button(
            QPushButton(_("Choose model &folder..."), self),
            _("Use a model saved in a folder on this computer."),
        )
        self.model_folder.clicked.connect(self._browse_model)
        model_row.addWidget(self.model_folder)
        form.addRow(label, model_row)
        self.detail = choice_combo(
            self,
            [(_("Brief"), Detail.BRIEF), (_("Detailed"), Detail.HIGH)],
            describe.detail,
        )
        add_form_row(form, _("Detail &level:"), self.detail, _("How long a description is."))
        self.answer_language = choice_combo(
            self,
            [(_("English"), ""), *((_(name), name) for name in ANSWER_LANGUAGES)],
            describe.answer_language,
        )
        self.answer_language.setEditable(True)
        if self.answer_language.findData(describe.answer_language) < 0:
            self.answer_language.setEditText(describe.answer_language)
        add_form_row(
            form,
            _("Answer lan&guage:"),
            self.answer_language,
            _("The language of descriptions and answers; you can type another."),
        )
        name_editable(self.answer_language)
        self.picture_check = labelled_button(
            QCheckBox(_("Check pictures first (dark, &blurred or empty)"), self),
            _("Say when a picture is too dark, blurred or empty instead of describing it."),
        )
        self.picture_check.setChecked(describe.picture_check)
        form.addRow(self.picture_check)
        self.show_doubt = labelled_button(
            QCheckBox(_('Mar&k unsure sentences with "Possibly"'), self),
            _(
                "Where the model says how sure it was, a sentence it was unsure of begins with "
                '"Possibly".'
            ),
        )
        self.show_doubt.setChecked(describe.show_doubt)
        form.addRow(self.show_doubt)
        self._limit_rows(form, describe)
        self._server_rows(form, describe)

    def _limit_rows(self, form: QFormLayout, describe: DescribeSettings) -> None:
        """How long one answer may take and how long it may grow before it is stopped."""
        self.answer_seconds = QSpinBox(self)
        self.answer_seconds.setRange(ANSWER_SECONDS.min, ANSWER_SECONDS.max)
        self.answer_seconds.setSingleStep(ANSWER_SECONDS.step)
        self.answer_seconds.setValue(describe.answer_seconds)
        add_form_row(
            form,
            _("Stop an answer after this many seco&nds:"),
            self.answer_seconds,
            _("What arrived until then is kept and said. {default} is the usual value.").format(
                default=ANSWER_SECONDS.default
            ),
        )
        self.answer_length_factor = QSpinBox(self)
        self.answer_length_factor.setRange(ANSWER_LENGTH_FACTOR.min, ANSWER_LENGTH_FACTOR.max)
        self.answer_length_factor.setValue(describe.answer_length_factor)
        add_form_row(
            form,
            _("Stop an answer at this many times its &usual length:"),
            self.answer_length_factor,
            _("For a server that ignores the length limit. {default} is the usual value.").format(
                default=ANSWER_LENGTH_FACTOR.default
            ),
        )

    def _server_rows(self, form: QFormLayout, describe: DescribeSettings) -> None:
        """Choose this computer or one of the user's own servers (``describe-app servers``)."""
        from describe_app.core.describe.remote.server_profiles import ServerProfiles

        self.server = QComboBox(self)
        self.server.addItem(_("This computer (pictures stay here)"), "")
        try:
            names = sorted(ServerProfiles().load())
        except Exception:  # an unreadable servers file: only this computer is offered
            log.info("server profiles could not be read", exc_info=True)
            names = []
        for name in names:
            self.server.addItem(
                _("Server: {name} (pictures are sent to it)").format(name=name), name
            )
        if describe.server and self.server.findData(describe.server) < 0:
            self.server.addItem(describe.server, describe.server)
        self.server.setCurrentIndex(max(0, self.server.findData(describe.server)))
        add_form_row(
            form,
            _("Describe &with:"),
            self.server,
            _("This computer's model, or a server of your own added with describe-app servers."),
        )
        self.fallback_local = labelled_button(
            QCheckBox(_("Use this computer when the server cannot be &reached"), self),
            _("Describe with this computer's model when the server is down."),
        )
        self.fallback_local.setChecked(describe.fallback_local)
        form.addRow(self.fallback_local)
        self.send_screens = labelled_button(
            QCheckBox(_("Send screen captures to the ser&ver too"), self),
            _(
                "Screens can hold mail, banking and passwords. Off: Describe asks before "
                "sending a screen."
            ),
        )
        self.send_screens.setChecked(describe.send_screens)
        form.addRow(self.send_screens)
        self.test_server = labelled_button(
            QPushButton(_("Te&st connection"), self),
            _("Connect to the chosen server and say which models it offers."),
        )
        self.server_result = QLabel("", self)
        self.server_result.setWordWrap(True)
        form.addRow(self.test_server, self.server_result)

    # --- the connection test -----------------------------------------------------------------

    def chosen_server(self) -> str:
        """The name of the chosen server, or "" for this computer."""
        return self.server.currentData() or ""

    def server_test_started(self) -> None:
        self.test_server.setEnabled(False)
        self.server_result.setText(_("Connecting..."))

    def server_test_ended(self, sentence: str) -> None:
        self.test_server.setEnabled(True)
        self.server_result.setText(sentence)
        self.server_result.setAccessibleName(sentence)

    # --- reading back ------------------------------------------------------------------------

    def describe_settings(self) -> DescribeSettings:
        """The description settings as the fields show them (an empty model keeps the old)."""
        return DescribeSettings(
            model=self.model.currentText().strip() or self._original_model,
            detail=Detail(self.detail.currentData()),
            answer_language=editable_text(self.answer_language),
            picture_check=self.picture_check.isChecked(),
            show_doubt=self.show_doubt.isChecked(),
            server=self.chosen_server(),
            fallback_local=self.fallback_local.isChecked(),
            send_screens=self.send_screens.isChecked(),
            answer_seconds=self.answer_seconds.value(),
            answer_length_factor=self.answer_length_factor.value(),
        )

    @Slot()
    def _browse_model(self) -> None:
        path = QFileDialog.getExistingDirectory(self, _("Choose the model folder"))
        if path:
            self.model.setEditText(path)

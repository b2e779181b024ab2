"""The settings dialog: one page per section of the core :class:`Settings`, all by keyboard.

Every field is created with its label (:mod:`describe_app.qt.labelled`), which carries a
mnemonic; the page tabs carry their own (Alt+C, Alt+D, Alt+P, Alt+H, Alt+T), and no field
uses those letters. Tab follows the order the fields are built in, top to bottom.
:meth:`SettingsDialog.settings` reads the fields back into a new ``Settings`` value; the
window saves and applies it on OK. Cancel (or Escape) changes nothing.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from describe_app.core.camera.camera_list import CameraDevice, list_cameras
from describe_app.core.describe.local.model_registry import MODELS
from describe_app.core.describe.prompts import Detail
from describe_app.core.i18n import available_languages
from describe_app.core.settings.schema import (
    HANDS_FREE_CHANGE,
    HANDS_FREE_INTERVAL,
    HISTORY_MAX_ENTRIES,
    TEXT_ZOOM,
    CameraKind,
    CameraSettings,
    DescribeSettings,
    DisplaySettings,
    HistorySettings,
    LiveSettings,
    Settings,
)
from describe_app.core.speech import EarconSettings, OutputRoute, Voice
from describe_app.core.speech.speech_settings import (
    RATE_MAX,
    RATE_MIN,
    RATE_STEP,
)
from describe_app.qt.labelled import (
    add_form_row,
    labelled_button,
    name_control,
    put_label_first,
)
from describe_app.qt.shortcuts_page import ShortcutsPage
from describe_app.qt.translate import N_, _, ngettext

log = logging.getLogger(__name__)

VIDEO_FILTER = "*.mp4 *.avi *.mkv *.mov *.webm *.mjpg *.mjpeg"
#: Answer languages offered (the model is asked in English words; any other can be typed).
ANSWER_LANGUAGES = (
    N_("French"),
    N_("Spanish"),
    N_("German"),
    N_("Italian"),
    N_("Portuguese"),
    N_("Dutch"),
)
_LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
#: Camera numbers offered when the system names no camera (Windows, macOS, none plugged in).
FALLBACK_CAMERA_COUNT = 4


class SettingsPage(enum.IntEnum):
    CAMERA = 0
    DESCRIBE = 1
    SPEECH = 2
    HISTORY = 3
    LIVE = 4
    SHORTCUTS = 5


def _combo(parent: QWidget, choices: Sequence[tuple[str, object]], current: object) -> QComboBox:
    """A combo box of ``(text, data)``; enum data is stored as its value (read it back with
    ``EnumType(combo.currentData())``)."""
    combo = QComboBox(parent)
    for text, data in choices:
        combo.addItem(text, data.value if isinstance(data, enum.Enum) else data)
    index = combo.findData(current.value if isinstance(current, enum.Enum) else current)
    combo.setCurrentIndex(max(0, index))
    return combo


def _editable_text(combo: QComboBox) -> str:
    """The chosen item's data if the text is still that item's, else the typed text."""
    index = combo.currentIndex()
    if index >= 0 and combo.currentText() == combo.itemText(index):
        data = combo.itemData(index)
        if isinstance(data, str):
            return data
    return combo.currentText().strip()


def _name_editable(combo: QComboBox) -> None:
    """An editable combo box's text field gets the combo's name too (it takes focus)."""
    edit = combo.lineEdit()
    if edit is not None:
        edit.setAccessibleName(combo.accessibleName())
        edit.setAccessibleDescription(combo.accessibleDescription())


class SettingsDialog(QDialog):
    #: the sentence a connection test ended with (also shown beside the button)
    server_checked = Signal(str)

    def __init__(
        self,
        settings: Settings,
        *,
        voices: Callable[[], list[Voice]],
        cameras: Callable[[], list[CameraDevice]] = list_cameras,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self._original = settings
        self._list_cameras = cameras
        self.problem_message = ""
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        name_control(self.tabs, _("Settings pages"))
        name_control(self.tabs.tabBar(), _("Settings pages"))
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._camera_page(settings.camera), _("&Camera"))
        self.tabs.addTab(self._describe_page(settings.describe), _("&Description"))
        self.tabs.addTab(self._speech_page(settings, voices), _("S&peech"))
        self.tabs.addTab(self._history_page(settings), _("&History and text"))
        self.tabs.addTab(self._live_page(settings.live), _("Hands-free and gu&idance"))
        self.shortcuts = ShortcutsPage(settings.shortcuts, self)
        self.tabs.addTab(self.shortcuts, _("Shor&tcuts"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        name_control(self.buttons.button(QDialogButtonBox.StandardButton.Ok), _("OK"))
        name_control(self.buttons.button(QDialogButtonBox.StandardButton.Cancel), _("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(620, 520)

    def show_page(self, page: SettingsPage) -> None:
        self.tabs.setCurrentIndex(int(page))

    # --- pages ---------------------------------------------------------------------------------

    def _camera_page(self, camera: CameraSettings) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.camera_kind = _combo(
            page,
            [
                (_("A camera on this computer"), CameraKind.INDEX),
                (_("A phone or network camera (address)"), CameraKind.URL),
                (_("A video file"), CameraKind.FILE),
            ],
            camera.kind,
        )
        add_form_row(form, _("Take pictures &from:"), self.camera_kind)
        camera_row = QHBoxLayout()
        self.camera_index = QComboBox(page)
        label = QLabel(_("Ca&mera:"), page)
        label.setBuddy(self.camera_index)
        put_label_first(label, self.camera_index)
        name_control(
            self.camera_index, label.text(), _("The camera on this computer to take pictures with.")
        )
        camera_row.addWidget(self.camera_index, 1)
        self.camera_refresh = labelled_button(
            QPushButton(_("&Refresh list"), page),
            _("Look for cameras again, for example after plugging one in."),
        )
        self.camera_refresh.clicked.connect(self.refresh_cameras)
        camera_row.addWidget(self.camera_refresh)
        form.addRow(label, camera_row)
        self.camera_found = QLabel("", page)
        self.camera_found.setWordWrap(True)
        form.addRow(self.camera_found)
        self._fill_cameras(camera.index)
        self.camera_url = QLineEdit(camera.url, page)
        self.camera_url.setPlaceholderText("rtsp://192.168.1.20:8554/live")
        add_form_row(
            form,
            _("Camera &address:"),
            self.camera_url,
            _("The http://, https:// or rtsp:// address your phone or network camera shows."),
        )
        file_row = QHBoxLayout()
        self.camera_file = QLineEdit(camera.file, page)
        label = QLabel(_("&Video file:"), page)
        label.setBuddy(self.camera_file)
        put_label_first(label, self.camera_file)
        name_control(self.camera_file, label.text(), _("A video to use as the camera."))
        file_row.addWidget(self.camera_file, 1)
        self.camera_browse = labelled_button(
            QPushButton(_("&Browse..."), page), _("Choose the video file.")
        )
        self.camera_browse.clicked.connect(self._browse_video)
        file_row.addWidget(self.camera_browse)
        form.addRow(label, file_row)
        self.camera_kind.currentIndexChanged.connect(self._camera_kind_changed)
        self._camera_kind_changed()
        return page

    def _describe_page(self, describe: DescribeSettings) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        model_row = QHBoxLayout()
        self.model = QComboBox(page)
        self.model.setEditable(True)
        for spec in MODELS.values():
            self.model.addItem(spec.name, spec.name)
        index = self.model.findData(describe.model)
        if index >= 0:
            self.model.setCurrentIndex(index)
        else:
            self.model.setEditText(describe.model)
        label = QLabel(_("&Model:"), page)
        label.setBuddy(self.model)
        put_label_first(label, self.model)
        name_control(
            self.model,
            label.text(),
            _("A model Describe knows, or the folder of a model on this computer."),
        )
        _name_editable(self.model)
        model_row.addWidget(self.model, 1)
        self.model_folder = labelled_button(
            QPushButton(_("Choose model &folder..."), page),
            _("Use a model saved in a folder on this computer."),
        )
        self.model_folder.clicked.connect(self._browse_model)
        model_row.addWidget(self.model_folder)
        form.addRow(label, model_row)
        self.detail = _combo(
            page,
            [(_("Brief"), Detail.BRIEF), (_("Detailed"), Detail.HIGH)],
            describe.detail,
        )
        add_form_row(form, _("Detail &level:"), self.detail, _("How long a description is."))
        self.answer_language = _combo(
            page,
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
        _name_editable(self.answer_language)
        self.picture_check = labelled_button(
            QCheckBox(_("Check pictures first (dark, blurred or &empty)"), page),
            _("Say when a picture is too dark, blurred or empty instead of describing it."),
        )
        self.picture_check.setChecked(describe.picture_check)
        form.addRow(self.picture_check)
        self._server_rows(page, form, describe)
        return page

    def _server_rows(self, page: QWidget, form: QFormLayout, describe: DescribeSettings) -> None:
        """Choose this computer or one of the user's own servers (``describe-app servers``)."""
        from describe_app.core.describe.remote.server_profiles import ServerProfiles

        self.server = QComboBox(page)
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
            QCheckBox(_("Use this computer when the server cannot be &reached"), page),
            _("Describe with this computer's model when the server is down."),
        )
        self.fallback_local.setChecked(describe.fallback_local)
        form.addRow(self.fallback_local)
        self.test_server = labelled_button(
            QPushButton(_("Te&st connection"), page),
            _("Connect to the chosen server and say which models it offers."),
        )
        self.test_server.clicked.connect(self._test_server)
        self.server_result = QLabel("", page)
        self.server_result.setWordWrap(True)
        form.addRow(self.test_server, self.server_result)
        self._server_checks = _ServerCheck(self)
        self._server_checks.done.connect(self._server_checked)

    @Slot()
    def _test_server(self) -> None:
        name = self.server.currentData()
        if not name:
            self._server_checked(_("This computer describes pictures itself; nothing is sent."))
            return
        self.test_server.setEnabled(False)
        self.server_result.setText(_("Connecting..."))
        self._server_checks.start(name)

    @Slot(str)
    def _server_checked(self, sentence: str) -> None:
        self.test_server.setEnabled(True)
        self.server_result.setText(sentence)
        self.server_result.setAccessibleName(sentence)
        self.server_checked.emit(sentence)

    def _speech_page(self, settings: Settings, voices: Callable[[], list[Voice]]) -> QWidget:
        speech = settings.speech
        page = QWidget(self)
        form = QFormLayout(page)
        self.voice = QComboBox(page)
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
        self.rate = QSpinBox(page)
        self.rate.setRange(RATE_MIN, RATE_MAX)
        self.rate.setSingleStep(RATE_STEP)
        self.rate.setValue(speech.rate)
        add_form_row(form, _("&Rate (words per minute):"), self.rate)
        self.volume = QSpinBox(page)
        self.volume.setRange(0, 100)
        self.volume.setSingleStep(10)
        self.volume.setValue(round(speech.volume * 100))
        add_form_row(form, _("V&olume (percent):"), self.volume)
        self.route = _combo(
            page,
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
            QCheckBox(_("Play &sounds (picture taken, working, done, error)"), page),
            _("Short sounds that say what is happening."),
        )
        earcons = speech.earcons
        self.earcons.setChecked(any(dataclasses.astuple(earcons)))
        form.addRow(self.earcons)
        return page

    def _history_page(self, settings: Settings) -> QWidget:
        history = settings.history
        page = QWidget(self)
        form = QFormLayout(page)
        self.keep_history = labelled_button(
            QCheckBox(_("&Keep results after Describe closes"), page),
            _("Off: the history is forgotten when Describe closes."),
        )
        self.keep_history.setChecked(history.keep_history)
        form.addRow(self.keep_history)
        self.store_pictures = labelled_button(
            QCheckBox(_("Keep pictures for follow-up &questions"), page),
            _("Off: no picture is ever stored, and the stored ones are deleted (privacy)."),
        )
        self.store_pictures.setChecked(history.store_pictures)
        form.addRow(self.store_pictures)
        self.max_entries = QSpinBox(page)
        self.max_entries.setRange(HISTORY_MAX_ENTRIES.min, HISTORY_MAX_ENTRIES.max)
        self.max_entries.setSingleStep(HISTORY_MAX_ENTRIES.step)
        self.max_entries.setValue(history.max_entries)
        add_form_row(form, _("Keep at &most this many results:"), self.max_entries)
        self.focus_new = labelled_button(
            QCheckBox(_("&Select and focus each new result"), page),
            _("Moves to each new result in the history, so screen readers read it."),
        )
        self.focus_new.setChecked(history.focus_new_result)
        form.addRow(self.focus_new)
        self.text_zoom = QSpinBox(page)
        self.text_zoom.setRange(TEXT_ZOOM.min, TEXT_ZOOM.max)
        self.text_zoom.setValue(settings.display.text_zoom)
        add_form_row(
            form,
            _("Result text si&ze (steps from normal):"),
            self.text_zoom,
            _("0 is normal; each step is what Control+Plus adds."),
        )
        languages = [(_("The system's language"), "")]
        languages += [(_LANGUAGE_NAMES.get(code, code), code) for code in available_languages()]
        self.ui_language = _combo(page, languages, settings.display.ui_language)
        add_form_row(
            form,
            _("Interface lan&guage:"),
            self.ui_language,
            _("The language of menus and messages. It changes as soon as you press OK."),
        )
        return page

    def _live_page(self, live: LiveSettings) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.hands_free_change = QSpinBox(page)
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
        self.hands_free_interval = QSpinBox(page)
        self.hands_free_interval.setRange(HANDS_FREE_INTERVAL.min, HANDS_FREE_INTERVAL.max)
        self.hands_free_interval.setValue(live.hands_free_interval)
        add_form_row(
            form,
            _("Hands-free: at &least this many seconds between descriptions:"),
            self.hands_free_interval,
        )
        self.cue_tones = labelled_button(
            QCheckBox(_("Reading guidance: cues as t&ones instead of words"), page),
            _("Each cue has its own short tone; the F1 help lists them."),
        )
        self.cue_tones.setChecked(live.cue_tones)
        form.addRow(self.cue_tones)
        self.explore_background = labelled_button(
            QCheckBox(
                _("Describe the parts of each picture in the bac&kground, for exploring"), page
            ),
            _("Off: the parts are described only when you explore a picture (Control+E)."),
        )
        self.explore_background.setChecked(live.explore_in_background)
        form.addRow(self.explore_background)
        return page

    # --- reading back ------------------------------------------------------------------------

    def settings(self) -> Settings:
        """The settings as the fields show them."""
        old = self._original
        camera = CameraSettings(
            kind=CameraKind(self.camera_kind.currentData()),
            index=self._chosen_camera(),
            url=self.camera_url.text().strip(),
            file=self.camera_file.text().strip(),
        )
        describe = DescribeSettings(
            model=self.model.currentText().strip() or old.describe.model,
            detail=Detail(self.detail.currentData()),
            answer_language=_editable_text(self.answer_language),
            picture_check=self.picture_check.isChecked(),
            server=self.server.currentData() or "",
            fallback_local=self.fallback_local.isChecked(),
        )
        voice = self.voice.currentData()
        on = self.earcons.isChecked()
        speech = old.speech.replace(
            rate=self.rate.value(),
            volume=self.volume.value() / 100,
            voice_id=voice if isinstance(voice, str) else None,
            route=OutputRoute(self.route.currentData()),
            earcons=(
                old.speech.earcons
                if on == any(dataclasses.astuple(old.speech.earcons))
                else EarconSettings(*(on,) * len(dataclasses.fields(EarconSettings)))
            ),
        )
        history = HistorySettings(
            keep_history=self.keep_history.isChecked(),
            store_pictures=self.store_pictures.isChecked(),
            max_entries=self.max_entries.value(),
            focus_new_result=self.focus_new.isChecked(),
        )
        display = DisplaySettings(
            text_zoom=self.text_zoom.value(), ui_language=str(self.ui_language.currentData())
        )
        return Settings(
            camera=camera,
            describe=describe,
            speech=speech,
            history=history,
            display=display,
            live=LiveSettings(
                hands_free_change=self.hands_free_change.value(),
                hands_free_interval=self.hands_free_interval.value(),
                cue_tones=self.cue_tones.isChecked(),
                explore_in_background=self.explore_background.isChecked(),
            ),
            shortcuts=dict(self.shortcuts.overrides),
        )

    def problem(self) -> tuple[SettingsPage, str] | None:
        """What stops OK: a camera address that is no address, two actions on one key."""
        from describe_app.core.settings.schema import CAMERA_URL_SCHEMES

        url = self.camera_url.text().strip()
        kind = CameraKind(self.camera_kind.currentData())
        if kind is CameraKind.URL and not url.lower().startswith(CAMERA_URL_SCHEMES):
            return SettingsPage.CAMERA, _(
                "The camera address must start with http://, https:// or rtsp://."
            )
        if kind is CameraKind.FILE and not self.camera_file.text().strip():
            return SettingsPage.CAMERA, _("Choose the video file to use as the camera.")
        conflicts = self.shortcuts.conflicts_message()
        if conflicts:
            return SettingsPage.SHORTCUTS, conflicts
        return None

    def accept(self) -> None:
        problem = self.problem()
        if problem is not None:
            page, message = problem
            self.show_page(page)
            self.problem_message = message
            if page is SettingsPage.SHORTCUTS:
                self.shortcuts.say(message)
                self.shortcuts.key_field.setFocus()
            else:
                widget = self.camera_url if "://" in message else self.camera_file
                widget.setAccessibleDescription(message)
                widget.setToolTip(message)
                widget.setFocus()
            parent = self.parent()
            announcer = getattr(parent, "announcer", None)
            if announcer is not None:
                announcer.clear_status()
                announcer.announce(message, interrupt=True)
            return
        super().accept()

    # --- inside ------------------------------------------------------------------------------

    @Slot()
    def _camera_kind_changed(self) -> None:
        kind = CameraKind(self.camera_kind.currentData())
        self.camera_index.setEnabled(kind is CameraKind.INDEX)
        self.camera_refresh.setEnabled(kind is CameraKind.INDEX)
        self.camera_url.setEnabled(kind is CameraKind.URL)
        self.camera_file.setEnabled(kind is CameraKind.FILE)
        self.camera_browse.setEnabled(kind is CameraKind.FILE)

    @Slot()
    def refresh_cameras(self) -> None:
        """List the cameras again, keep the chosen one, and say what was found."""
        message = self._fill_cameras(self._chosen_camera())
        announcer = getattr(self.parent(), "announcer", None)
        if announcer is not None:
            announcer.clear_status()
            announcer.announce(message, interrupt=True)

    def _fill_cameras(self, selected: int) -> str:
        """Offer the cameras found by name (else numbers), ``selected`` always among them;
        return the sentence that says what was found (also shown under the list)."""
        try:
            found = self._list_cameras()
        except Exception as exc:  # a listing failure leaves choosing by number
            log.info("cameras could not be listed: %r", exc)
            found = []
        combo = self.camera_index
        combo.clear()
        for device in found:
            combo.addItem(
                _("{name} (camera {number})").format(name=device.name, number=device.index + 1),
                device.index,
            )
        if not found:
            for index in range(FALLBACK_CAMERA_COUNT):
                combo.addItem(_("Camera {number}").format(number=index + 1), index)
        if combo.findData(selected) < 0:
            text = (_("Camera {number} (not found now)") if found else _("Camera {number}")).format(
                number=selected + 1
            )
            combo.addItem(text, selected)
        combo.setCurrentIndex(max(0, combo.findData(selected)))
        if found:
            message = ngettext(
                "{count} camera found.", "{count} cameras found.", len(found)
            ).format(count=len(found))
        else:
            message = _("No camera names found; choose a camera by number.")
        self.camera_found.setText(message)
        combo.setAccessibleDescription(f"{combo.toolTip()} {message}".strip())
        return message

    def _chosen_camera(self) -> int:
        data = self.camera_index.currentData()
        return data if isinstance(data, int) else self._original.camera.index

    @Slot()
    def _browse_video(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose the video file"),
            str(Path(self.camera_file.text()).parent) if self.camera_file.text() else "",
            _("Videos") + f" ({VIDEO_FILTER});;" + _("All files") + " (*)",
        )
        if path:
            self.camera_file.setText(path)

    @Slot()
    def _browse_model(self) -> None:
        path = QFileDialog.getExistingDirectory(self, _("Choose the model folder"))
        if path:
            self.model.setEditText(path)


class _ServerCheck(QObject):
    """Runs a server connection test on a short-lived thread; ``done`` arrives on ours."""

    done = Signal(str)
    _finished = Signal(str)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._finished.connect(self.done, Qt.ConnectionType.QueuedConnection)
        self._thread: threading.Thread | None = None

    def start(self, name: str) -> None:
        # daemon: a slow server must not keep a closed app alive (the test only reads)
        self._thread = threading.Thread(
            target=self._run, args=(name,), name="server-check", daemon=True
        )
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, name: str) -> None:
        from describe_app.core.describe.choice import check_server
        from describe_app.core.errors import DescribeError

        try:
            sentence = check_server(name)
        except DescribeError as exc:
            sentence = str(exc)
        except Exception as exc:  # a bug must still end in a sentence, not a silent button
            log.exception("server check failed")
            sentence = _("The connection test failed ({error}).").format(error=exc)
        try:
            self._finished.emit(sentence)
        except RuntimeError:  # the dialog closed meanwhile
            log.debug("server check finished after the dialog closed")

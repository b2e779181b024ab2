"""The main window's assembly: camera preview, result, question, history, status; all by
keyboard.

Widgets only: the flow lives in :class:`DescribeController`, the model in
:class:`ModelBridge`, the camera in :class:`CameraWorker`, speech behind ``SpeechOutput``,
results in the core :class:`History` store, choices in the core :class:`Settings`.
Every control is created with its label (:func:`add_labelled_control`); every action comes
from the one shortcuts table (:mod:`describe_app.core.settings.shortcuts`) through
:func:`build_menus`, with the user's own keys. This module builds and wires the window and
shuts it down; what its actions do is in :mod:`~describe_app.qt.window_actions`, its
settings in :mod:`~describe_app.qt.window_settings`, what it shows as things happen in
:mod:`~describe_app.qt.window_status`.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from describe_app.core.describe.prompts import Detail
from describe_app.core.history.store import History
from describe_app.core.live.frame_checks import GUIDANCE, HANDS_FREE
from describe_app.core.pictures.images import Picture
from describe_app.core.settings.schema import Settings
from describe_app.core.speech import SpeechOutput, Voice, list_voices
from describe_app.qt.announcer import Announcer
from describe_app.qt.button_keys import ButtonSpaceFilter, let_buttons_take_space
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.describe_controller import DescribeController
from describe_app.qt.document_mode import DOCUMENT_MODE
from describe_app.qt.documents import Documents
from describe_app.qt.explore_controller import ExploreController
from describe_app.qt.explore_grid import ExploreGrid
from describe_app.qt.history_bridge import HistoryBridge
from describe_app.qt.history_list import HistoryList
from describe_app.qt.labelled import add_labelled_control, name_control, relabel
from describe_app.qt.live_modes import LiveModes
from describe_app.qt.menus import build_menus
from describe_app.qt.model_bridge import ModelBridge, ModelChoice
from describe_app.qt.model_downloads import ModelDownloads
from describe_app.qt.photo_work import PhotoWork
from describe_app.qt.quick_channels import LIGHT_METER, READ_CODES, QuickChannels
from describe_app.qt.settings_dialog import SettingsDialog, SettingsPage
from describe_app.qt.translate import _
from describe_app.qt.window_actions import WindowActions
from describe_app.qt.window_screen import WindowScreen
from describe_app.qt.window_settings import WindowSettings
from describe_app.qt.window_status import WindowStatus

log = logging.getLogger(__name__)


class MainWindow(WindowActions, WindowSettings, WindowStatus, WindowScreen):
    """``settings`` (default: the defaults) are applied at once; ``language`` and
    ``check_pictures`` are command-line choices for this session that win over them.
    ``history`` defaults to a history kept in memory only; ``settings_file`` is where OK in
    the settings dialog (and keys such as Ctrl+Plus) save (default: the user's file)."""

    def __init__(
        self,
        bridge: ModelBridge,
        speech: SpeechOutput,
        *,
        camera: CameraWorker | None = None,
        settings: Settings | None = None,
        history: History | None = None,
        settings_file: Path | None = None,
        language: str | None = None,
        max_new_tokens: int | None = None,
        check_pictures: bool | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Describe")  # the product name, the same in every language
        self.setAcceptDrops(True)
        self.settings = settings or Settings()
        self.settings_file = settings_file
        self._language_override = language
        self._check_override = check_pictures
        self.voice_lister: Callable[[], list[Voice]] = list_voices
        # builds the model worker the settings ask for (None: a new model waits for a restart)
        self.worker_factory: Callable[[Settings], ModelChoice] | None = None
        self.settings_dialog: SettingsDialog | None = None
        self._closed = False
        self._paused = False
        self._pending_photos: list[Picture] = []
        self._photos_total = 0
        self._camera_was_live = False
        self._bridge = bridge
        bridge.setParent(self)
        self._history_store = history if history is not None else History(persist=False)
        # every change of the store is written on the history writer's thread, in order
        self.history_writer = HistoryBridge(self._history_store, parent=self)
        self._build_widgets()
        self._base_point_size = self._system_point_size()
        self.announcer = Announcer(self.statusBar(), self.status_label, speech)
        self.controller = DescribeController(
            bridge,
            self.announcer,
            self._history_store,
            camera=camera,
            max_new_tokens=max_new_tokens,
            history_writer=self.history_writer,
            parent=self,
        )
        self.history_writer.written.connect(self._on_history_written)  # after the controller's
        self.controller.result_started.connect(self._on_result_started)
        self.controller.sentence_ready.connect(self._on_sentence)
        self.controller.result_finished.connect(self._on_result_finished)
        self.controller.failed.connect(self._next_photo)  # one that fails stops no other
        self.controller.results.code_stored.connect(self._on_code_stored)
        self.explorer = ExploreController(
            bridge,
            self.controller,
            background_allowed=self.controller.pictures.allowed,
            parent=self,
        )
        self.explorer.session_started.connect(self.explore.show_session)
        self.explorer.session_ended.connect(self.explore.clear)
        self.explorer.region_ready.connect(self.explore.region_ready)
        self.explore.detail_requested.connect(self._describe_part)
        self.live_modes = LiveModes(self.controller, self.announcer, parent=self)
        # photos opened and looked at (codes, colour) are decoded off the GUI thread
        self.photo_work = PhotoWork(self.announcer, parent=self)
        self.quick_channels = QuickChannels(
            self.controller, self.announcer, self.live_modes, self.photo_work, parent=self
        )
        self.documents = Documents(self.announcer, self.live_modes, parent=self)
        self.model_downloads = ModelDownloads(self)  # first start, File > Download a model
        self._handlers: dict[str, Callable[[], object]] = {
            "open_photo": self.open_photos,
            "paste_picture": self.paste_picture,
            "save_result": self.save_result,
            "settings": self.open_settings,
            "quit": self.quit_app,
            "describe": self.controller.describe,
            "describe_detail": lambda: self.controller.describe(Detail.HIGH),
            "read_text": self.controller.read_text,
            "ask": self.question.setFocus,
            "what_changed": self.controller.what_changed,
            "explore": self.start_exploring,
            "hands_free": self.live_modes.toggle_hands_free,
            "guidance": self.live_modes.toggle_guidance,
            "read_codes": self.quick_channels.toggle_codes,
            "colour": self.quick_channels.say_colour,
            "light_meter": self.quick_channels.toggle_light_meter,
            "download_model": self.model_downloads.open_dialog,
            "document_mode": self.documents.toggle_mode,
            "show_document": self.documents.show_view,
            "choose_camera": lambda: self.open_settings(SettingsPage.CAMERA),
            "repeat": self.controller.repeat,
            "stop": self.stop,
            "pause_resume": self.pause_or_resume,
            "speech_faster": lambda: self.change_rate(+1),
            "speech_slower": lambda: self.change_rate(-1),
            "copy_result": self.copy_result,
            "ask_history": self.ask_about_selected,
            "delete_history_item": self.delete_selected,
            "clear_history": self.clear_history,
            "text_bigger": lambda: self.change_text_size(+1),
            "text_smaller": lambda: self.change_text_size(-1),
            "text_normal": lambda: self.change_text_size(0),
            "help": self.show_help,
        }
        self.actions_by_id = build_menus(
            self,
            self._handlers,
            history_widget=self.history,
            overrides=self.settings.shortcuts,
            before=self.announcer.clear_status,  # a key pressed again is answered again
            is_on=self.live_modes.is_on,  # a check mark says what is on, not what was pressed
        )
        self.describe_button.clicked.connect(self.actions_by_id["describe"].trigger)
        self.live_modes.mode_changed.connect(self._show_mode)
        self.open_button.clicked.connect(self.open_photos)
        self.ask_button.clicked.connect(self._ask)
        self.question.returnPressed.connect(self._ask)
        self._set_tab_order()
        self._button_keys = ButtonSpaceFilter(self)
        let_buttons_take_space(self, self._button_keys)
        if camera is not None:
            self._connect_camera(camera)
        self.apply_settings(self.settings, save=False)
        self.history.show_entries(self._history_store.entries)
        self.resize(900, 640)
        self.result.setFocus()

    # --- building ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        """The widgets, without their words: :meth:`_set_texts` gives those (again after a
        change of the interface language)."""
        central = QWidget(self)
        outer = QHBoxLayout(central)
        left = QVBoxLayout()
        right = QVBoxLayout()
        outer.addLayout(left, 2)
        outer.addLayout(right, 3)

        self.preview = QLabel(central)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(320, 240)
        left.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        self.describe_button = QPushButton(central)
        self.open_button = QPushButton(central)
        buttons.addWidget(self.describe_button)
        buttons.addWidget(self.open_button)
        left.addLayout(buttons)

        self.result = QPlainTextEdit(central)
        self.result.setReadOnly(True)
        self.result.setTabChangesFocus(True)
        self.result.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self._result_label = add_labelled_control(right, "", self.result, stretch=2)[0]

        self.explore = ExploreGrid(self._say_part, central)
        self._explore_label = add_labelled_control(right, "", self.explore, stretch=1)[0]

        ask_row = QHBoxLayout()
        self.question = QLineEdit(central)
        self._question_label = add_labelled_control(ask_row, "", self.question, stretch=1)[0]
        self.ask_button = QPushButton(central)
        ask_row.addWidget(self.ask_button)
        right.addLayout(ask_row)

        self.history = HistoryList(central)
        self._history_label = add_labelled_control(right, "", self.history, stretch=2)[0]

        self.status_label = QLabel(_("Starting."), central)
        self.status_label.setWordWrap(True)
        right.addWidget(self.status_label)
        self.setCentralWidget(central)
        self._set_texts()

    def _set_texts(self) -> None:
        """Every word of the window's own widgets, in the current language."""
        if self.preview.pixmap().isNull():
            self.preview.setText(_("No camera picture."))
        name_control(self.preview, _("Camera preview"), _("What the camera sees now."))
        for button, text, name, description in (
            (
                self.describe_button,
                _("Describe"),
                _("Describe"),
                _("Describe what the camera sees now (Space)."),
            ),
            (
                self.open_button,
                _("Open photo..."),
                _("Open photo"),
                _("Choose a saved photo and hear it described (Control+O)."),
            ),
            (self.ask_button, _("Ask"), _("Ask"), _("Ask the question about the last picture.")),
        ):
            button.setText(text)
            name_control(button, name, description)
        relabel(
            self._result_label,
            self.result,
            _("&Result"),
            _("The newest description, as it is written."),
        )
        relabel(
            self._explore_label,
            self.explore,
            _("E&xplore picture"),
            _(
                "The parts of the last described picture. Arrow keys move from part to part; "
                "Home, Page Up, End and Page Down go to the corners; Enter describes a part "
                "in detail."
            ),
        )
        self.explore.retranslate()
        self.question.setPlaceholderText(_("For example: what colour is the mug?"))
        relabel(
            self._question_label,
            self.question,
            _("&Question about the last picture:"),
            _("Type a question and press Enter."),
        )
        relabel(
            self._history_label,
            self.history,
            _("H&istory"),
            _(
                "Earlier results, newest first. Each item holds the full text. Control+C "
                "copies, Delete deletes, Control+Shift+L asks about its picture."
            ),
        )
        self.status_label.setAccessibleName(_("Status"))

    def retranslate(self) -> None:
        """The interface language changed: menus, keys help, labels and the history's words
        are rebuilt in it (the results themselves stay in the language they were written)."""
        for action in self.actions_by_id.values():
            for owner in (self, self.history):
                owner.removeAction(action)
            action.deleteLater()
        self.menuBar().clear()
        self.describe_button.clicked.disconnect(self.actions_by_id["describe"].trigger)
        self.actions_by_id = build_menus(
            self,
            self._handlers,
            history_widget=self.history,
            overrides=self.settings.shortcuts,
            before=self.announcer.clear_status,  # a key pressed again is answered again
            is_on=self.live_modes.is_on,  # a check mark says what is on, not what was pressed
        )
        self.describe_button.clicked.connect(self.actions_by_id["describe"].trigger)
        for mode in (GUIDANCE, HANDS_FREE, READ_CODES, LIGHT_METER, DOCUMENT_MODE):
            self._show_mode(mode, self.live_modes.is_on(mode))
        self._set_texts()
        self.documents.retranslate()
        row = self.history.currentRow()
        self.history.show_entries(self._history_store.entries)
        if row >= 0:
            self.history.setCurrentRow(min(row, self.history.count() - 1))

    def _set_tab_order(self) -> None:
        chain = [
            self.describe_button,
            self.open_button,
            self.result,
            self.explore,
            self.question,
            self.ask_button,
            self.history,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- shutdown ------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.keep_in_tray():  # the global keys keep working
            event.ignore()
            self.hide_to_tray()
            return
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Once, in order: stop speech and the job, the camera, the model, finish the history
        writes (what the user was given is kept), then speech."""
        if self._closed:
            return
        self._closed = True
        self.stop_screen()  # no key press starts a capture after this
        self._pending_photos.clear()
        self.photo_work.close(0.5)  # a photo still decoding is dropped
        if self.settings_dialog is not None:
            self.settings_dialog.reject()
        speech = self.announcer.speech
        speech.stop()
        self.live_modes.close(0.5)
        self.documents.close(0.5)
        self.model_downloads.close(0.5)  # kept part-way: it resumes next time
        self.explorer.close()
        camera = self.controller.camera
        if camera is not None and not camera.close(0.5):
            log.info("the camera did not stop within 0.5 s")
        self._bridge.close(1.2)
        self.history_writer.close(1.0)  # after the model: no result comes after this
        speech.close()

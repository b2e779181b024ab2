"""The main window: camera preview, result, question, history, status; all by keyboard.

Widgets only: the flow lives in :class:`DescribeController`, the model in
:class:`ModelBridge`, the camera in :class:`CameraWorker`, speech behind ``SpeechOutput``,
results in the core :class:`History` store, choices in the core :class:`Settings`.
Every control is created with its label (:func:`add_labelled_control`); every action comes
from the one shortcuts table (:mod:`describe_app.core.settings.shortcuts`) through
:func:`build_menus`, with the user's own keys.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QFontInfo,
    QGuiApplication,
    QImage,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from describe_app.core.describe.prompts import Detail
from describe_app.core.errors import ImageError
from describe_app.core.history.store import History, HistoryEntry
from describe_app.core.history.writer import AddEntry, Written
from describe_app.core.i18n import set_language
from describe_app.core.live.frame_checks import GUIDANCE, HANDS_FREE
from describe_app.core.live.hands_free import WatchSettings
from describe_app.core.pictures.images import Picture
from describe_app.core.pictures.picture_regions import Cell, crop_cell
from describe_app.core.settings.schema import TEXT_ZOOM, Settings, SettingsSaveError, save_settings
from describe_app.core.speech import SpeechOutput, Voice, list_voices
from describe_app.qt.action_table import apply_keys
from describe_app.qt.announcer import Announcer
from describe_app.qt.button_keys import ButtonSpaceFilter, let_buttons_take_space
from describe_app.qt.camera_source import camera_from_settings
from describe_app.qt.camera_worker import CameraState, CameraWorker
from describe_app.qt.confirm import choose_text_file, confirm
from describe_app.qt.describe_controller import DescribeController
from describe_app.qt.explore_controller import ExploreController
from describe_app.qt.explore_grid import ExploreGrid
from describe_app.qt.help_dialog import HelpDialog
from describe_app.qt.history_bridge import HistoryBridge
from describe_app.qt.history_list import HistoryList
from describe_app.qt.labelled import add_labelled_control, name_control, relabel
from describe_app.qt.live_modes import LiveModes
from describe_app.qt.menus import build_menus
from describe_app.qt.model_bridge import ModelBridge, ModelChoice
from describe_app.qt.photo_input import choose_photos, files_in, load_photos, picture_in
from describe_app.qt.settings_dialog import SettingsDialog, SettingsPage
from describe_app.qt.translate import _, ngettext

log = logging.getLogger(__name__)

FONT_MIN, FONT_MAX = 8, 48
ZOOM_STEP_POINTS = 2  # one Ctrl+Plus


class MainWindow(QMainWindow):
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
        self.explorer = ExploreController(bridge, self.controller, parent=self)
        self.explorer.session_started.connect(self.explore.show_session)
        self.explorer.session_ended.connect(self.explore.clear)
        self.explorer.region_ready.connect(self.explore.region_ready)
        self.explore.detail_requested.connect(self._describe_part)
        self.live_modes = LiveModes(self.controller, self.announcer, parent=self)
        self._handlers: dict[str, Callable[[], object]] = {
            "open_photo": self.open_photos,
            "paste_picture": self.paste_picture,
            "save_result": self.save_result,
            "settings": self.open_settings,
            "quit": self.close,
            "describe": self.controller.describe,
            "describe_detail": lambda: self.controller.describe(Detail.HIGH),
            "read_text": self.controller.read_text,
            "ask": self.question.setFocus,
            "what_changed": self.controller.what_changed,
            "explore": self.start_exploring,
            "hands_free": self.live_modes.toggle_hands_free,
            "guidance": self.live_modes.toggle_guidance,
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
            self, self._handlers, history_widget=self.history, overrides=self.settings.shortcuts
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
            self, self._handlers, history_widget=self.history, overrides=self.settings.shortcuts
        )
        self.describe_button.clicked.connect(self.actions_by_id["describe"].trigger)
        for mode in (GUIDANCE, HANDS_FREE):
            self._show_mode(mode, self.live_modes.is_on(mode))
        self._set_texts()
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

    # --- settings ------------------------------------------------------------------------------

    def apply_settings(self, settings: Settings, *, save: bool = True) -> None:
        """Use ``settings`` from now on (and save them, unless ``save`` is False)."""
        old = self.settings
        self.settings = settings
        describe = settings.describe
        language = self._language_override or describe.language_or_none()
        check = describe.picture_check if self._check_override is None else self._check_override
        self.controller.set_options(language=language, check_pictures=check, detail=describe.detail)
        live = settings.live
        self.explorer.language = language
        self.explorer.in_background = live.explore_in_background
        self.live_modes.cue_tones = live.cue_tones
        self.live_modes.set_watch_settings(
            WatchSettings(
                change=float(live.hands_free_change), min_interval_s=float(live.hands_free_interval)
            )
        )
        self.announcer.speech.apply_settings(settings.speech)
        self.announcer.set_earcons(settings.speech.earcons)
        hist = settings.history
        if old.history.store_pictures and not hist.store_pictures:
            self.history_writer.delete_pictures()  # privacy: what was kept goes too
        store = self._history_store
        wanted = (hist.max_entries, hist.store_pictures, hist.keep_history)
        in_use = (store.max_entries, store.store_pictures, store.persist)
        if hist != old.history or wanted != in_use:
            # on the writer's thread; the list follows a trim once done (_on_history_written)
            self.history_writer.configure(
                max_entries=hist.max_entries,
                store_pictures=hist.store_pictures,
                persist=hist.keep_history,
            )
        apply_keys(self.actions_by_id, settings.shortcuts)
        self._apply_text_zoom()
        if not save:
            return
        if old.camera != settings.camera:
            self.replace_camera(CameraWorker(camera_from_settings(settings.camera)))
        changed_later = []
        model_keys = ("model", "server", "fallback_local")
        if any(getattr(old.describe, k) != getattr(describe, k) for k in model_keys):
            changed_later.append(self._switch_model(settings))
        if old.display.ui_language != settings.display.ui_language:
            set_language(settings.display.ui_language or None)
            self.retranslate()
        if self._store_settings(settings):
            self.announcer.clear_status()
            self.announcer.announce(" ".join([_("Settings saved."), *changed_later]))

    def _switch_model(self, settings: Settings) -> str:
        """The model or server changed: use it now (the job in flight is stopped); what to
        tell the user. Loading and ready are announced as the new worker reports them."""
        if self.worker_factory is None:
            return _("The new model is used the next time Describe starts.")
        choice = self.worker_factory(settings)
        self._bridge.replace_worker(
            choice.describer_factory,
            text_reader_factory=choice.text_reader_factory,
            separate_process=choice.separate_process,
        )
        self.controller.model_replaced()
        said = _("Switching to {name}.").format(name=choice.name)
        return f"{said} {choice.notice}" if choice.notice else said

    def _store_settings(self, settings: Settings) -> bool:
        try:
            save_settings(settings, self.settings_file)
        except SettingsSaveError as exc:
            self.announcer.announce(str(exc), interrupt=True)
            return False
        return True

    def _change_settings(self, settings: Settings) -> None:
        """A key changed one setting (rate, text size): apply and save it quietly."""
        self.apply_settings(settings, save=False)
        self._store_settings(settings)

    @Slot()
    def open_settings(self, page: SettingsPage | None = None) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            return
        dialog = SettingsDialog(self.settings, voices=self.voice_lister, parent=self)
        dialog.setObjectName("settings_dialog")
        let_buttons_take_space(dialog, self._button_keys)
        if page is not None:
            dialog.show_page(page)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.settings()))
        dialog.finished.connect(self._settings_closed)
        self.settings_dialog = dialog
        dialog.open()

    @Slot()
    def _settings_closed(self) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.deleteLater()
        self.settings_dialog = None

    # --- actions ---------------------------------------------------------------------------

    @Slot()
    def stop(self) -> None:
        self._pending_photos.clear()
        self._paused = False
        self.controller.stop()

    @Slot()
    def pause_or_resume(self) -> None:
        speech = self.announcer.speech
        if self._paused:
            speech.resume()
        else:
            speech.pause()
        self._paused = not self._paused

    def change_rate(self, direction: int) -> None:
        speech = self.settings.speech
        speech = speech.faster() if direction > 0 else speech.slower()
        self._change_settings(self.settings.replace(speech=speech))
        self.announcer.clear_status()
        self.announcer.announce(
            _("Speech rate {rate} words per minute.").format(rate=speech.rate), interrupt=True
        )

    @Slot()
    def open_photos(self) -> None:
        paths = choose_photos(self)
        if paths:
            self.describe_files(paths)

    def describe_files(self, paths: list[str]) -> None:
        """Describe each file in turn (the command line, the dialog, a drop)."""
        pictures, errors = load_photos(paths)
        for message in errors:
            self.announcer.announce(message, interrupt=True)
        self._describe_pictures(pictures)

    @Slot()
    def paste_picture(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        self._take_mime(mime, _("The clipboard holds no picture."))

    def _take_mime(self, mime: object, nothing_message: str) -> None:
        from PySide6.QtCore import QMimeData

        if not isinstance(mime, QMimeData):
            self.announcer.announce(nothing_message)
            return
        try:
            picture = picture_in(mime)
        except ImageError as exc:
            self.announcer.announce(str(exc), interrupt=True)
            return
        if picture is not None:
            self._describe_pictures([picture])
            return
        paths = files_in(mime)
        if paths:
            self.describe_files(paths)
        else:
            self.announcer.announce(nothing_message)

    def _describe_pictures(self, pictures: list[Picture]) -> None:
        if not pictures:
            return
        self._pending_photos = pictures[1:]
        self.controller.describe_photo(pictures[0])

    def _selected_entry(self) -> HistoryEntry | None:
        entry_id = self.history.current_entry_id()
        return self._history_store.get(entry_id) if entry_id else None

    @Slot()
    def copy_result(self) -> None:
        entry = self._selected_entry()
        text = entry.as_text() if entry is not None else self.result.toPlainText()
        if not text.strip():
            self.announcer.announce(_("Nothing to copy yet."))
            return
        QGuiApplication.clipboard().setText(text)
        self.announcer.clear_status()
        self.announcer.announce(_("Copied."))

    @Slot()
    def save_result(self) -> None:
        """Save the selected result (or, with none selected, the whole history) as text."""
        entry = self._selected_entry()
        if entry is None and len(self._history_store) == 0:
            self.announcer.announce(_("There is no result to save yet."))
            return
        path = choose_text_file(self, entry.when() if entry is not None else None)
        if path is None:
            return
        try:
            self._history_store.save_text(path, [entry.id] if entry is not None else None)
        except OSError as exc:
            self.announcer.clear_status()
            self.announcer.announce(
                _("The text could not be saved as {name}: {reason}.").format(
                    name=path.name, reason=exc.strerror or exc
                ),
                interrupt=True,
            )
            return
        self.announcer.clear_status()
        self.announcer.announce(_("Saved as {name}.").format(name=path.name))

    @Slot()
    def delete_selected(self) -> None:
        entry = self._selected_entry()
        if entry is None:
            self.announcer.announce(_("Select a result in the history first."))
            return
        row = self.history.currentRow()
        self.history_writer.delete(entry.id)  # a failure is announced when it is known
        self.history.remove_entry(entry.id)
        if self.history.count():
            self.history.setCurrentRow(min(row, self.history.count() - 1))
        self.announcer.clear_status()
        self.announcer.announce(_("Result deleted."))

    @Slot()
    def clear_history(self) -> None:
        if len(self._history_store) == 0:
            self.announcer.announce(_("The history is already empty."))
            return
        question = ngettext(
            "Delete the {n} result in the history, and its picture?",
            "Delete all {n} results in the history, and their pictures?",
            len(self._history_store),
        ).format(n=len(self._history_store))
        if not confirm(self, _("Clear history"), question):
            return
        self.history_writer.clear()  # a failure is announced when it is known
        self.history.clear()
        self.announcer.clear_status()
        self.announcer.announce(_("History cleared."))

    @Slot()
    def ask_about_selected(self) -> None:
        entry = self._selected_entry()
        if entry is None:
            self.announcer.announce(_("Select a result in the history first."))
            return
        if self.controller.ask_about_entry(entry):
            self.question.setFocus()

    def change_text_size(self, step: int) -> None:
        """Bigger (+1), smaller (-1) or normal (0) result text; kept in the settings."""
        zoom = self.settings.display.text_zoom + step if step else 0
        display = dataclasses.replace(self.settings.display, text_zoom=TEXT_ZOOM.clamp(zoom))
        if display != self.settings.display:
            self._change_settings(self.settings.replace(display=display))

    def _system_point_size(self) -> int:
        """The result text's size at zoom 0: the size of the system's (the application's)
        font, which the user may have made large; zoom steps are added to it."""
        font = QApplication.font(self.result)
        size = font.pointSize() if font.pointSize() > 0 else QFontInfo(font).pointSize()
        return size if size > 0 else 10

    def changeEvent(self, event: QEvent) -> None:
        """The system font changed while running: the zoomed text follows it. (Colours
        need nothing: no widget sets its own, so a new palette reaches all of them.)"""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "_base_point_size"):
            self._base_point_size = self._system_point_size()
            self._apply_text_zoom()

    def _apply_text_zoom(self) -> None:
        size = self._base_point_size + ZOOM_STEP_POINTS * self.settings.display.text_zoom
        for widget in (self.result, self.history):
            font = widget.font()
            font.setPointSize(max(FONT_MIN, min(FONT_MAX, size)))
            widget.setFont(font)

    @Slot()
    def show_help(self) -> None:
        dialog = HelpDialog(self, self.settings.shortcuts)
        dialog.setObjectName("help_dialog")
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    @Slot()
    def start_exploring(self) -> None:
        """Ctrl+E: go to the parts of the last described picture (and describe them now)."""
        if self.explorer.session is None:
            self.announcer.clear_status()
            self.announcer.announce(_("Describe a picture first, then explore its parts."))
            return
        self.explorer.wanted()
        if self.explore.hasFocus():
            self.explore.say_where()  # no focus change: say it here
        self.explore.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _say_part(self, text: str) -> None:
        self.announcer.say_result(text, first=True)

    @Slot(object)
    def _describe_part(self, cell: Cell) -> None:
        session = self.explorer.session
        if session is not None:
            self.controller.describe_part(crop_cell(session.picture, session.grid, cell))

    @Slot(str, bool)
    def _show_mode(self, mode: str, on: bool) -> None:
        action_id = {GUIDANCE: "guidance", HANDS_FREE: "hands_free"}[mode]
        self.actions_by_id[action_id].setChecked(on)

    @Slot()
    def _ask(self) -> None:
        self.controller.ask(self.question.text())

    # --- results -----------------------------------------------------------------------------

    @Slot(str)
    def _on_result_started(self, heading: str) -> None:
        self.result.clear()

    @Slot(str)
    def _on_sentence(self, sentence: str) -> None:
        self.result.appendPlainText(sentence)

    @Slot(object)
    def _on_result_finished(self, entry: HistoryEntry) -> None:
        item = self.history.add_entry(entry)
        extra = self.history.count() - self._history_store.max_entries
        for _i in range(max(0, extra)):
            self.history.takeItem(self.history.count() - 1)
        if self.settings.history.focus_new_result:
            self.history.setCurrentItem(item)
            self.history.setFocus()
        if self._pending_photos:
            self.controller.describe_photo(self._pending_photos.pop(0))

    @Slot(object)
    def _on_history_written(self, done: Written) -> None:
        """A delete, clear or trim is on disk: drop the items whose entries are gone (one
        written while the history was being cleared, say). Results come by
        ``result_finished``; results still on their way are not touched."""
        if isinstance(done.operation, AddEntry):
            return
        kept = {e.id for e in self._history_store.entries}
        for entry_id in self.history.entry_ids():
            if entry_id not in kept:
                self.history.remove_entry(entry_id)

    # --- camera ------------------------------------------------------------------------------

    def _connect_camera(self, camera: CameraWorker) -> None:
        camera.setParent(self)
        camera.preview.connect(self._show_preview)
        camera.state_changed.connect(self._on_camera_state)
        self.controller.camera = camera

    def replace_camera(self, camera: CameraWorker | None) -> None:
        """Stop the camera in use (if any) and start ``camera`` (the settings changed)."""
        old = self.controller.camera
        if old is not None:
            old.preview.disconnect(self._show_preview)
            old.state_changed.disconnect(self._on_camera_state)
            if not old.close(0.5):
                log.info("the old camera did not stop within 0.5 s")
            old.deleteLater()
        self.controller.camera = None
        if camera is None:
            self.live_modes.switch_off_all()
        self._camera_was_live = False
        self.preview.setText(_("No camera picture."))
        if camera is not None:
            self._connect_camera(camera)
            camera.start()

    @Slot(QImage)
    def _show_preview(self, image: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image))
        camera = self.controller.camera
        if camera is not None:
            camera.preview_shown()

    @Slot(object, str)
    def _on_camera_state(self, state: CameraState, detail: str) -> None:
        camera = self.controller.camera
        name = camera.source.name if camera is not None else ""
        if state is CameraState.LIVE:
            text = _("The camera is back.") if self._camera_was_live else _("Camera ready.")
            self._camera_was_live = True
        elif state is CameraState.MISSING:
            self.preview.setText(_("No camera picture."))
            text = _("No camera found ({name}). You can open photos; Describe keeps trying.")
        elif state is CameraState.LOST:
            self.preview.setText(_("Camera lost."))
            text = _("The camera was lost ({name}). You can open photos; Describe keeps trying.")
        else:
            return
        self.announcer.announce(text.format(name=name))

    # --- drag and drop -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        event.acceptProposedAction()
        self._take_mime(event.mimeData(), _("What was dropped is not a picture."))

    # --- shutdown ------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Once, in order: stop speech and the job, the camera, the model, finish the history
        writes (what the user was given is kept), then speech."""
        if self._closed:
            return
        self._closed = True
        self._pending_photos.clear()
        if self.settings_dialog is not None:
            self.settings_dialog.reject()
        speech = self.announcer.speech
        speech.stop()
        self.live_modes.close(0.5)
        self.explorer.close()
        camera = self.controller.camera
        if camera is not None and not camera.close(0.5):
            log.info("the camera did not stop within 0.5 s")
        self._bridge.close(1.2)
        self.history_writer.close(1.0)  # after the model: no result comes after this
        speech.close()

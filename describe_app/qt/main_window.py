"""The main window: camera preview, result, question, history, status; all by keyboard.

Widgets only: the flow lives in :class:`DescribeController`, the model in
:class:`ModelBridge`, the camera in :class:`CameraWorker`, speech behind ``SpeechOutput``.
Every control is created with its label (:func:`add_labelled_control`); every action comes
from the action table (:mod:`describe_app.qt.action_table`) through :func:`build_menus`.
"""

from __future__ import annotations

import itertools
import logging

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QPixmap,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from describe_app.core.errors import ImageError
from describe_app.core.images import Picture
from describe_app.core.prompts import Detail
from describe_app.core.speech import SpeechOutput
from describe_app.qt.announcer import Announcer
from describe_app.qt.camera_worker import CameraState, CameraWorker
from describe_app.qt.describe_controller import DescribeController
from describe_app.qt.help_dialog import HelpDialog
from describe_app.qt.history_entry import HistoryEntry
from describe_app.qt.labelled import add_labelled_control, name_control
from describe_app.qt.menus import build_menus
from describe_app.qt.model_bridge import ModelBridge
from describe_app.qt.photo_input import choose_photos, files_in, load_photos, picture_in
from describe_app.qt.translate import _

log = logging.getLogger(__name__)

FONT_MIN, FONT_MAX = 8, 48


class MainWindow(QMainWindow):
    def __init__(
        self,
        bridge: ModelBridge,
        speech: SpeechOutput,
        *,
        camera: CameraWorker | None = None,
        language: str | None = None,
        max_new_tokens: int | None = None,
        check_pictures: bool = True,
        focus_new_results: bool = True,
    ) -> None:
        super().__init__()
        self.setWindowTitle(_("Describe"))
        self.setAcceptDrops(True)
        self.focus_new_results = focus_new_results
        self._closed = False
        self._pending_photos: list[Picture] = []
        self._camera_was_live = False
        self._bridge = bridge
        bridge.setParent(self)
        self._build_widgets()
        self.announcer = Announcer(self.statusBar(), self.status_label, speech)
        self.controller = DescribeController(
            bridge,
            self.announcer,
            camera=camera,
            language=language,
            max_new_tokens=max_new_tokens,
            check_pictures=check_pictures,
            parent=self,
        )
        self.controller.result_started.connect(self._on_result_started)
        self.controller.sentence_ready.connect(self._on_sentence)
        self.controller.result_finished.connect(self._on_result_finished)
        self.actions_by_id = build_menus(
            self,
            {
                "describe": self.controller.describe,
                "describe_detailed": lambda: self.controller.describe(Detail.HIGH),
                "read_text": self.controller.read_text,
                "ask": self.question.setFocus,
                "open_photo": self.open_photos,
                "paste_photo": self.paste_picture,
                "quit": self.close,
                "stop": self.stop,
                "repeat": self.controller.repeat,
                "copy_result": self.copy_result,
                "text_bigger": lambda: self.change_text_size(+2),
                "text_smaller": lambda: self.change_text_size(-2),
                "focus_history": self.history.setFocus,
                "help": self.show_help,
            },
        )
        self.describe_button.clicked.connect(self.actions_by_id["describe"].trigger)
        self.open_button.clicked.connect(self.open_photos)
        self.ask_button.clicked.connect(self._ask)
        self.question.returnPressed.connect(self._ask)
        self._set_tab_order()
        if camera is not None:
            camera.setParent(self)
            camera.preview.connect(self._show_preview)
            camera.state_changed.connect(self._on_camera_state)
        self.resize(900, 640)
        self.result.setFocus()

    # --- building ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        central = QWidget(self)
        outer = QHBoxLayout(central)
        left = QVBoxLayout()
        right = QVBoxLayout()
        outer.addLayout(left, 2)
        outer.addLayout(right, 3)

        self.preview = QLabel(_("No camera picture."), central)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(320, 240)
        name_control(self.preview, _("Camera preview"), _("What the camera sees now."))
        left.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        self.describe_button = name_control(
            QPushButton(_("Describe"), central),
            _("Describe"),
            _("Describe what the camera sees now (Space)."),
        )
        self.open_button = name_control(
            QPushButton(_("Open photo..."), central),
            _("Open photo"),
            _("Choose a saved photo and hear it described (Control+O)."),
        )
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
        add_labelled_control(
            right,
            _("&Result"),
            self.result,
            _("The newest description, as it is written."),
            stretch=2,
        )

        ask_row = QHBoxLayout()
        self.question = QLineEdit(central)
        self.question.setPlaceholderText(_("For example: what colour is the mug?"))
        add_labelled_control(
            ask_row,
            _("&Question about the last picture:"),
            self.question,
            _("Type a question and press Enter."),
            stretch=1,
        )
        self.ask_button = name_control(
            QPushButton(_("Ask"), central), _("Ask"), _("Ask the question about the last picture.")
        )
        ask_row.addWidget(self.ask_button)
        right.addLayout(ask_row)

        self.history = QListWidget(central)
        add_labelled_control(
            right,
            _("&History"),
            self.history,
            _("Earlier results, newest first. Each item holds the full text."),
            stretch=2,
        )

        self.status_label = QLabel(_("Starting."), central)
        self.status_label.setAccessibleName(_("Status"))
        self.status_label.setWordWrap(True)
        right.addWidget(self.status_label)
        self.setCentralWidget(central)

    def _set_tab_order(self) -> None:
        chain = [
            self.describe_button,
            self.open_button,
            self.result,
            self.question,
            self.ask_button,
            self.history,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- actions ---------------------------------------------------------------------------

    @Slot()
    def stop(self) -> None:
        self._pending_photos.clear()
        self.controller.stop()

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

    @Slot()
    def copy_result(self) -> None:
        item = self.history.currentItem()
        text = item.text() if item is not None else self.result.toPlainText()
        if not text:
            self.announcer.announce(_("Nothing to copy yet."))
            return
        QGuiApplication.clipboard().setText(text)
        self.announcer.clear_status()
        self.announcer.announce(_("Copied."))

    def change_text_size(self, step: int) -> None:
        for widget in (self.result, self.history):
            font = widget.font()
            size = font.pointSize() if font.pointSize() > 0 else 10
            font.setPointSize(max(FONT_MIN, min(FONT_MAX, size + step)))
            widget.setFont(font)

    @Slot()
    def show_help(self) -> None:
        dialog = HelpDialog(self)
        dialog.setObjectName("help_dialog")
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

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
        item = QListWidgetItem(entry.line())
        item.setData(Qt.ItemDataRole.UserRole, entry)
        item.setToolTip(entry.text)
        self.history.insertItem(0, item)
        if self.focus_new_results:
            self.history.setCurrentItem(item)
            self.history.setFocus()
        if self._pending_photos:
            self.controller.describe_photo(self._pending_photos.pop(0))

    # --- camera ------------------------------------------------------------------------------

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
        """Once, in order: stop speech and the job, the camera, the model, then speech."""
        if self._closed:
            return
        self._closed = True
        self._pending_photos.clear()
        speech = self.announcer.speech
        speech.stop()
        camera = self.controller.camera
        if camera is not None and not camera.close(0.5):
            log.info("the camera did not stop within 0.5 s")
        self._bridge.close(1.2)
        speech.close()

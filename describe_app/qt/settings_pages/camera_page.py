"""The Camera page of the settings: where pictures come from (a camera on this computer,
chosen by name, a phone or network camera's address, or a video file).

The cameras are listed when the page is built and again with "Refresh list"; a camera
that is configured but not found now stays in the list, so the choice is never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from describe_app.core.camera.camera_list import CameraDevice
from describe_app.core.settings.schema import CAMERA_URL_SCHEMES, CameraKind, CameraSettings
from describe_app.qt.labelled import add_form_row, labelled_button, name_control, put_label_first
from describe_app.qt.settings_pages.combo_boxes import choice_combo
from describe_app.qt.translate import _, ngettext

log = logging.getLogger(__name__)

VIDEO_FILTER = "*.mp4 *.avi *.mkv *.mov *.webm *.mjpg *.mjpeg"
#: Camera numbers offered when the system names no camera (Windows, macOS, none plugged in).
FALLBACK_CAMERA_COUNT = 4


class CameraPage(QWidget):
    #: the sentence saying what "Refresh list" found (also shown under the list)
    refreshed = Signal(str)

    def __init__(
        self,
        camera: CameraSettings,
        cameras: Callable[[], list[CameraDevice]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._list_cameras = cameras
        self._original_index = camera.index
        form = QFormLayout(self)
        self.camera_kind = choice_combo(
            self,
            [
                (_("A camera on this computer"), CameraKind.INDEX),
                (_("A phone or network camera (address)"), CameraKind.URL),
                (_("A video file"), CameraKind.FILE),
            ],
            camera.kind,
        )
        add_form_row(form, _("Take pictures &from:"), self.camera_kind)
        camera_row = QHBoxLayout()
        self.camera_index = QComboBox(self)
        label = QLabel(_("Ca&mera:"), self)
        label.setBuddy(self.camera_index)
        put_label_first(label, self.camera_index)
        name_control(
            self.camera_index, label.text(), _("The camera on this computer to take pictures with.")
        )
        camera_row.addWidget(self.camera_index, 1)
        self.camera_refresh = labelled_button(
            QPushButton(_("&Refresh list"), self),
            _("Look for cameras again, for example after plugging one in."),
        )
        self.camera_refresh.clicked.connect(self.refresh_cameras)
        camera_row.addWidget(self.camera_refresh)
        form.addRow(label, camera_row)
        self.camera_found = QLabel("", self)
        self.camera_found.setWordWrap(True)
        form.addRow(self.camera_found)
        self._fill_cameras(camera.index)
        self.camera_url = QLineEdit(camera.url, self)
        self.camera_url.setPlaceholderText("rtsp://192.168.1.20:8554/live")
        add_form_row(
            form,
            _("Camera &address:"),
            self.camera_url,
            _("The http://, https:// or rtsp:// address your phone or network camera shows."),
        )
        file_row = QHBoxLayout()
        self.camera_file = QLineEdit(camera.file, self)
        label = QLabel(_("&Video file:"), self)
        label.setBuddy(self.camera_file)
        put_label_first(label, self.camera_file)
        name_control(self.camera_file, label.text(), _("A video to use as the camera."))
        file_row.addWidget(self.camera_file, 1)
        self.camera_browse = labelled_button(
            QPushButton(_("&Browse..."), self), _("Choose the video file.")
        )
        self.camera_browse.clicked.connect(self._browse_video)
        file_row.addWidget(self.camera_browse)
        form.addRow(label, file_row)
        self.camera_kind.currentIndexChanged.connect(self._camera_kind_changed)
        self._camera_kind_changed()

    # --- reading back ------------------------------------------------------------------------

    def camera_settings(self) -> CameraSettings:
        """The camera settings as the fields show them."""
        return CameraSettings(
            kind=self._kind(),
            index=self._chosen_camera(),
            url=self.camera_url.text().strip(),
            file=self.camera_file.text().strip(),
        )

    def problem(self) -> str | None:
        """What stops OK on this page: a camera address that is no address, no video file."""
        kind = self._kind()
        url = self.camera_url.text().strip()
        if kind is CameraKind.URL and not url.lower().startswith(CAMERA_URL_SCHEMES):
            return _("The camera address must start with http://, https:// or rtsp://.")
        if kind is CameraKind.FILE and not self.camera_file.text().strip():
            return _("Choose the video file to use as the camera.")
        return None

    def show_problem(self, message: str) -> None:
        """Put ``message`` on the field it is about, and move there."""
        widget = self.camera_url if self._kind() is CameraKind.URL else self.camera_file
        widget.setAccessibleDescription(message)
        widget.setToolTip(message)
        widget.setFocus()

    # --- inside ------------------------------------------------------------------------------

    def _kind(self) -> CameraKind:
        return CameraKind(self.camera_kind.currentData())

    @Slot()
    def _camera_kind_changed(self) -> None:
        kind = self._kind()
        self.camera_index.setEnabled(kind is CameraKind.INDEX)
        self.camera_refresh.setEnabled(kind is CameraKind.INDEX)
        self.camera_url.setEnabled(kind is CameraKind.URL)
        self.camera_file.setEnabled(kind is CameraKind.FILE)
        self.camera_browse.setEnabled(kind is CameraKind.FILE)

    @Slot()
    def refresh_cameras(self) -> None:
        """List the cameras again, keep the chosen one, and say what was found."""
        self.refreshed.emit(self._fill_cameras(self._chosen_camera()))

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
        return data if isinstance(data, int) else self._original_index

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

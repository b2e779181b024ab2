"""What the main window shows as things happen: the result as it is written, the history
list following the store, the camera's preview and state, speech failures, the live modes'
check marks.

Announcements themselves go through the one :class:`~describe_app.qt.announcer.Announcer`;
this part decides what to show and say for each event.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QListWidgetItem

from describe_app.core.history.entry import HistoryEntry
from describe_app.core.history.writer import AddEntry, Written
from describe_app.core.speech import SpeechEvent, SpeechEventKind, SpeechOutput
from describe_app.qt.camera_worker import CameraState, CameraWorker
from describe_app.qt.gui_thread import GuiThread
from describe_app.qt.translate import _
from describe_app.qt.window_parts import WindowParts

log = logging.getLogger(__name__)


class WindowStatus(WindowParts):
    """The main window's reactions to results, history writes, the camera and live modes."""

    # --- results -----------------------------------------------------------------------------

    @Slot(str)
    def _on_result_started(self, heading: str) -> None:
        self.result.clear()

    @Slot(str)
    def _on_sentence(self, sentence: str) -> None:
        self.result.appendPlainText(sentence)

    @Slot(object)
    def _on_result_finished(self, entry: HistoryEntry) -> None:
        item = self._list_entry(entry)
        if self.settings.history.focus_new_result:
            self.history.setCurrentItem(item)
            self.history.setFocus()
        self._next_photo()

    @Slot()
    def _next_photo(self, *, first: bool = False) -> None:
        """The next of the photos opened or dropped at once, if any is left. Of several, each
        is said with its place ("Picture 3 of 20: cat.jpg.") and, after the first, waits
        for the description before it to be heard whole."""
        if not self._pending_photos:
            return
        picture = self._pending_photos.pop(0)
        lead = None
        if self._photos_total > 1:
            lead = _("Picture {n} of {count}: {name}.").format(
                n=self._photos_total - len(self._pending_photos),
                count=self._photos_total,
                name=Path(picture.source).name or picture.source,
            )
        self.controller.describe_photo(picture, lead=lead, after_last=not first)

    @Slot(object)
    def _on_code_stored(self, entry: HistoryEntry) -> None:
        """A code read is in the history: listed; the focus stays (the camera is aimed)."""
        self._list_entry(entry)

    def _list_entry(self, entry: HistoryEntry) -> QListWidgetItem:
        item = self.history.add_entry(entry)
        extra = self.history.count() - self._history_store.max_entries
        for _i in range(max(0, extra)):
            self.history.takeItem(self.history.count() - 1)
        return item

    @Slot(object)
    def _on_history_written(self, done: Written) -> None:
        """A delete, clear or trim is on disk: drop the items whose entries are gone (one
        written while the history was being cleared, say). Results come by
        ``result_finished``; results still on their way are not touched."""
        if isinstance(done.operation, AddEntry):
            return
        self.sync_history_list()

    def sync_history_list(self) -> None:
        """The list shows what the history holds: items whose entries are gone (deleted here,
        or by another Describe beside the window: the command line) are dropped, and entries
        not listed yet (kept by another Describe) are listed, in order, the selection kept.
        Reading the history catches up with its file (a stat when nothing changed)."""
        entries = self._history_store.entries
        kept = {e.id for e in entries}
        for entry_id in self.history.entry_ids():
            if entry_id not in kept:
                self.history.remove_entry(entry_id)
        listed = set(self.history.entry_ids())
        if any(e.id not in listed for e in entries):
            # the rewrite took in results another Describe kept (the command line beside
            # the window), or those on disk when history was turned on: listed, in order,
            # the selection kept
            current = self.history.current_entry_id()
            self.history.show_entries(entries)
            if current is not None:
                self.history.select_entry(current)

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
            text = _(
                "No camera found ({name}). Describe connects to it by itself as soon as it is "
                "found; meanwhile you can open photos."
            )
        elif state is CameraState.LOST:
            self.preview.setText(_("Camera lost."))
            text = _(
                "The camera was lost ({name}). Describe reconnects by itself when it is "
                "back; meanwhile you can open photos."
            )
        else:
            return
        self.announcer.announce(text.format(name=name))

    # --- speech ------------------------------------------------------------------------------

    def watch_speech(self, speech: SpeechOutput) -> None:
        """Say when speech fails on the way (the audio device unplugged and no other found, a
        sentence the voice could not say); the text is on the screen all the same."""
        gui = GuiThread(self)

        def on_event(event: SpeechEvent) -> None:  # on the speech worker's thread
            if event.kind is SpeechEventKind.ERROR and event.message:
                gui.call(self.announcer.announce, event.message)

        speech.subscribe(on_event)

    # --- live modes -------------------------------------------------------------------------

    @Slot(str, bool)
    def _show_mode(self, mode: str, on: bool) -> None:
        """A live mode went on or off: its menu item's check mark (a mode's id is its
        action's id)."""
        self.actions_by_id[mode].setChecked(on)

"""The main window's settings: applying and saving them, the settings dialog, and the keys
that change one setting at once (speech rate, text size) with the result text's zoom."""

from __future__ import annotations

import dataclasses
import threading
import time

from PySide6.QtCore import QEvent, QTimer, Slot
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication

from describe_app.core.describe.local.model_store import missing_model
from describe_app.core.history.writer import Configure, DeletePictures
from describe_app.core.i18n import set_language
from describe_app.core.live.hands_free import WatchSettings
from describe_app.core.settings.schema import TEXT_ZOOM, Settings
from describe_app.core.settings.settings_file import SettingsSaveError, save_settings
from describe_app.qt.action_table import apply_keys
from describe_app.qt.button_keys import let_buttons_take_space
from describe_app.qt.camera_source import camera_from_settings
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.settings_dialog import SettingsDialog, SettingsPage
from describe_app.qt.translate import _
from describe_app.qt.window_parts import WindowParts

FONT_MIN, FONT_MAX = 8, 48
ZOOM_STEP_POINTS = 2  # one Ctrl+Plus
#: Seconds between two looks for a screen reader when the window gets the focus.
ROUTE_LOOK_S = 2.0


class WindowSettings(WindowParts):
    """Settings in the main window: applied at once, saved, changed by the dialog or keys."""

    def apply_settings(self, settings: Settings, *, save: bool = True) -> None:
        """Use ``settings`` from now on (and save them, unless ``save`` is False)."""
        old = self.settings
        self.settings = settings
        describe = settings.describe
        language = self._language_override or describe.language_or_none()
        check = describe.picture_check if self._check_override is None else self._check_override
        self.controller.set_options(language=language, check_pictures=check, detail=describe.detail)
        self._bridge.show_doubt = describe.show_doubt
        live = settings.live
        self.explorer.language = language
        self.explorer.in_background = live.explore_in_background
        self.live_modes.cue_tones = live.cue_tones
        self.live_modes.set_prepare_policy(live.prepare)
        self.live_modes.set_watch_settings(
            WatchSettings(
                change=float(live.hands_free_change), min_interval_s=float(live.hands_free_interval)
            )
        )
        self.announcer.speech.apply_settings(settings.speech)
        self.announcer.set_earcons(settings.speech.earcons)
        hist = settings.history
        if old.history.store_pictures and not hist.store_pictures:
            self.history_writer.write(DeletePictures())  # privacy: what was kept goes too
        store = self._history_store
        wanted = (hist.max_entries, hist.store_pictures, hist.keep_history)
        in_use = (store.max_entries, store.store_pictures, store.persist)
        if hist != old.history or wanted != in_use:
            # on the writer's thread; the list follows a trim once done (_on_history_written)
            self.history_writer.write(
                Configure(hist.max_entries, hist.store_pictures, hist.keep_history)
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
        changed_later += self.apply_screen(old, settings)
        if self._store_settings(settings):
            self.announcer.clear_status()
            self.announcer.announce(" ".join([_("Settings saved."), *changed_later]))

    def _switch_model(self, settings: Settings) -> str:
        """The model or server changed: use it now (the job in flight is stopped); what to
        tell the user. Loading and ready are announced as the new worker reports them."""
        if self.worker_factory is None:
            return _("The new model is used the next time Describe starts.")
        missing = None if settings.describe.server else missing_model(settings.describe.model)
        if missing is not None:  # chosen on the Models page, not downloaded yet: offer it
            QTimer.singleShot(0, lambda: self.model_downloads.open_dialog(missing))
            return _("{name} is not on this computer yet.").format(name=missing.name)
        choice = self.worker_factory(settings)
        self._bridge.replace_worker(
            choice.describer_factory,
            text_reader_factory=choice.text_reader_factory,
            separate_process=choice.separate_process,
        )
        self.controller.model_replaced()
        said = _("Switching to {name}.").format(name=choice.name)
        return f"{said} {choice.notice}" if choice.notice else said

    _settings_unsaved = False  # a failed save was said; a key says the next after a success

    def _store_settings(self, settings: Settings, *, quietly: bool = False) -> bool:
        """Save; a failure is said (``quietly``: once until a save succeeds, after what is
        being said)."""
        try:
            save_settings(settings, self.settings_file)
        except SettingsSaveError as exc:
            if not (quietly and self._settings_unsaved):
                self.announcer.clear_status()
                self.announcer.announce(str(exc), interrupt=not quietly)
            self._settings_unsaved = True
            return False
        self._settings_unsaved = False
        return True

    def _change_settings(self, settings: Settings, said: str | None = None) -> None:
        """A key changed one setting (rate, text size): apply it, say ``said``, and save it
        quietly."""
        self.apply_settings(settings, save=False)
        if said is not None:
            self.announcer.clear_status()
            self.announcer.announce(said, interrupt=True)
        self._store_settings(settings, quietly=True)

    @Slot()
    def open_settings(self, page: SettingsPage | None = None) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            return
        dialog = SettingsDialog(
            self.settings,
            voices=self.voice_lister,
            screen_problems=self.screen_key_problems(),
            parent=self,
        )
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

    # --- keys that change one setting -----------------------------------------------------

    def change_rate(self, direction: int) -> None:
        speech = self.settings.speech
        speech = speech.faster() if direction > 0 else speech.slower()
        said = _("Speech rate {rate} words per minute.").format(rate=speech.rate)
        self._change_settings(self.settings.replace(speech=speech), said)

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
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self._look_for_screen_reader()
            sync = getattr(self, "sync_history_list", None)
            if sync is not None:  # a delete by the command line meanwhile shows at once
                sync()

    def _look_for_screen_reader(self) -> None:
        """The window got the focus: a screen reader started since the last look takes
        over from Describe's own voice before anything is said (never two voices). The look
        (about 15 ms) runs off the GUI thread, at most every :data:`ROUTE_LOOK_S`."""
        speech = getattr(getattr(self, "announcer", None), "speech", None)
        refresh = getattr(speech, "refresh_route", None)
        now = time.monotonic()
        if refresh is None or now - getattr(self, "_route_looked", -ROUTE_LOOK_S) < ROUTE_LOOK_S:
            return
        self._route_looked = now
        threading.Thread(target=refresh, name="screen-reader-look", daemon=True).start()

    def _apply_text_zoom(self) -> None:
        size = self._base_point_size + ZOOM_STEP_POINTS * self.settings.display.text_zoom
        for widget in (self.result, self.history):
            font = widget.font()
            font.setPointSize(max(FONT_MIN, min(FONT_MAX, size)))
            widget.setFont(font)

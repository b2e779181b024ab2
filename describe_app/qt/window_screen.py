"""The main window and the screen: the global keys, the tray, and starting with the session.

:meth:`WindowScreen.start_screen` (the app calls it; the window's tests need not) puts
Describe in the tray where the desktop has one and registers the global keys of the
Screen settings. A key captures the screen off the GUI thread
(:class:`~describe_app.qt.screen_capture_worker.ScreenCaptureWorker`) and the capture goes
the way of a photo: described (with the screen's prompt and its text) or read, said through
the one announce path, and kept in the history with its source ("screen: focused object").
With "keep running in the tray" on, closing the window hides it; Quit (the menu, the tray
or Control+Q) ends Describe.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import QApplication

from describe_app.core.describe.screen_conversation import (
    ScreenConversation,
    screen_ocr_settings,
)
from describe_app.core.reading.ocr_reader import TextReader
from describe_app.core.reading.text_reader_process import ChildTextReader
from describe_app.core.screen.autostart import set_start_with_session
from describe_app.core.screen.capture import is_focused_picture
from describe_app.core.screen.global_keys import GlobalKeys, open_global_keys
from describe_app.core.settings.schema import Settings
from describe_app.core.speech import Earcon
from describe_app.qt.screen_capture_worker import (
    Capture,
    ScreenCapture,
    ScreenCaptureWorker,
    ScreenJob,
)
from describe_app.qt.screen_consent import ScreenSending, ask_to_send_screen
from describe_app.qt.screen_keys import ScreenKeys
from describe_app.qt.translate import _
from describe_app.qt.tray import DescribeTray, tray_available
from describe_app.qt.window_parts import WindowParts

log = logging.getLogger(__name__)


class WindowScreen(WindowParts):
    """The screen's part of the main window (a mixin of ``MainWindow``)."""

    tray: DescribeTray | None = None
    screen_keys: ScreenKeys | None = None
    screen_capture: ScreenCaptureWorker | None = None
    _quitting = False
    _tray_there: Callable[[], bool]  # set with the tray, in start_screen

    def start_screen(
        self,
        *,
        in_tray: bool = False,
        keys: GlobalKeys | None = None,
        capture: Capture | None = None,
        text_reader_factory: Callable[[], TextReader] | None = None,
        with_tray: bool | None = None,
    ) -> list[str]:
        """The tray (where the desktop has one; ``with_tray`` decides in tests), the global
        keys (``keys``: default this desktop's) and the capture worker; the window is shown
        unless ``in_tray`` and there is a tray. Tests pass fakes. Returns the sentences of
        the keys that do not work, for the caller to say."""
        worker_args = {} if capture is None else {"capture": capture}
        self.screen_capture = ScreenCaptureWorker(
            text_reader_factory=text_reader_factory or _screen_reader, parent=self, **worker_args
        )
        self.controller.results.keep_screen_pictures = self.settings.history.store_screen_pictures
        self.screen_capture.captured.connect(self._screen_captured)
        self.screen_capture.failed.connect(self._screen_failed)
        # asked again at each close: a panel that crashed or was removed takes the tray
        # away, and hiding the window then would leave no way back to it
        self._tray_there = tray_available if with_tray is None else lambda: with_tray
        if self._tray_there():
            self.tray = DescribeTray(
                {
                    "describe_focus": lambda: self.screen_request(ScreenJob.DESCRIBE_FOCUS),
                    "describe_screen": lambda: self.screen_request(ScreenJob.DESCRIBE_SCREEN),
                    "read_screen": lambda: self.screen_request(ScreenJob.READ_SCREEN),
                    "show_window": self.show_window,
                    "quit": self.quit_app,
                },
                self,
            )
            self.tray.show_keys(self.settings.screen)
            self.tray.show()
            app = QApplication.instance()
            if isinstance(app, QApplication):  # hidden in the tray is still running
                app.setQuitOnLastWindowClosed(False)
        self.screen_keys = ScreenKeys(
            keys if keys is not None else open_global_keys(),
            {
                "focus_key": lambda: self.screen_request(ScreenJob.DESCRIBE_FOCUS),
                "screen_key": lambda: self.screen_request(ScreenJob.DESCRIBE_SCREEN),
                "text_key": lambda: self.screen_request(ScreenJob.READ_SCREEN),
            },
            parent=self,
        )
        problems = self.screen_keys.apply(self.settings.screen)
        if in_tray and self.tray is not None:
            self.hide()
        else:
            self.show()
        return problems

    def screen_key_problems(self) -> dict[str, str]:
        """Why each key that does not work does not (Screen settings field -> sentence)."""
        return dict(self.screen_keys.problems) if self.screen_keys is not None else {}

    def screen_request(self, job: ScreenJob) -> None:
        """A global key or the tray: capture the screen for ``job`` (off the GUI thread)."""
        if self.screen_capture is not None:
            self.screen_capture.request(job)

    @Slot(object)
    def _screen_captured(self, taken: ScreenCapture) -> None:
        self.announcer.earcon(Earcon.PICTURE_TAKEN)
        picture = taken.picture
        if taken.job is ScreenJob.READ_SCREEN:
            # read already, pane by pane (else the model worker's reader tries)
            self.controller.read_text(screen=picture, lines=taken.lines)
            return
        if not self._may_send_screen():
            return
        conversation = ScreenConversation(
            picture,
            language=self._language_override or self.settings.describe.language_or_none(),
            read_text=taken.read_text,
            picture_only=is_focused_picture(picture),
        )
        self.controller.describe_photo(picture, conversation)

    _asking_to_send = False  # the question is open: other captures wait for its answer

    def _may_send_screen(self) -> bool:
        """The describer is this computer's, screens may go to the server, or the user says
        so now (asked in a dialog; "always" switches the setting on)."""
        describe = self.settings.describe
        if not describe.server or describe.send_screens:
            return True
        if self._asking_to_send:
            log.info("a screen capture while the question about sending is open: dropped")
            return False
        self._asking_to_send = True
        try:
            answer = ask_to_send_screen(self, describe.server)
        finally:
            self._asking_to_send = False
        if answer is ScreenSending.NO:
            self.announcer.clear_status()
            self.announcer.announce(_("The screen was not sent."), interrupt=True)
            return False
        if answer is ScreenSending.ALWAYS:
            allowed = dataclasses.replace(describe, send_screens=True)
            self._change_settings(
                self.settings.replace(describe=allowed),
                _("Screens will be sent to {server} from now on.").format(server=describe.server),
            )
        return True

    @Slot(str)
    def _screen_failed(self, message: str) -> None:
        self.announcer.clear_status()  # a failed capture is always said
        self.announcer.announce(message, interrupt=True)

    # --- the tray and closing -----------------------------------------------------------------

    def keep_in_tray(self) -> bool:
        """Closing the window should only hide it: there is a tray, the setting is on, and
        the user did not ask to quit. The tray is looked for again: a panel that crashed or
        was removed since the start takes it away, and the window must not hide then."""
        if self.tray is None or not self.settings.screen.keep_in_tray or self._quitting:
            return False
        if not self._tray_there():
            log.info("the system tray is gone: closing the window quits")
            return False
        return True

    def hide_to_tray(self) -> None:
        self.hide()
        self.announcer.clear_status()
        self.announcer.announce(
            _("Describe is still running in the tray; its keys work from any program.")
        )

    @Slot()
    def show_window(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    @Slot()
    def quit_app(self) -> None:
        """Quit for good (the Quit items), even with "keep running in the tray" on."""
        self._quitting = True
        self.close()
        if self.tray is not None:
            QCoreApplication.quit()

    def stop_screen(self) -> None:
        """At shutdown: give the keys back, stop the capture thread, take the icon away."""
        if self.screen_keys is not None:
            self.screen_keys.close()
        if self.screen_capture is not None:
            self.screen_capture.close(1.0)
        if self.tray is not None:
            self.tray.hide()
            app = QApplication.instance()
            if isinstance(app, QApplication):
                app.setQuitOnLastWindowClosed(True)

    def apply_screen(self, old: Settings, new: Settings) -> list[str]:
        """The Screen settings changed (OK in the settings dialog): keys, tray and session
        start follow; the sentences to say about it."""
        said: list[str] = []
        self.controller.results.keep_screen_pictures = new.history.store_screen_pictures
        if self.screen_keys is not None and old.screen != new.screen:
            said += self.screen_keys.apply(new.screen)
        if self.tray is not None:
            self.tray.show_keys(new.screen)  # in the interface language, too
        if old.screen.start_with_session != new.screen.start_with_session:
            try:
                set_start_with_session(new.screen.start_with_session)
            except OSError as exc:
                reason = exc.strerror or str(exc)
                message = _("Describe could not change how it starts with the session: {reason}.")
                said.append(message.format(reason=reason))
        return said


def _screen_reader() -> TextReader:
    """Reads the screen's text (its small print) before the model describes it, in a
    child process of its own (started at the first description)."""
    return ChildTextReader(screen_ocr_settings())

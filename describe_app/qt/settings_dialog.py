"""The settings dialog: one page per section of the core :class:`Settings`, all by keyboard.

The pages live in :mod:`describe_app.qt.settings_pages`, one module each; this dialog puts
them in tabs, runs the server connection test, and holds OK and Cancel. Every field is
created with its label (:mod:`describe_app.qt.labelled`), which carries a mnemonic; the
page tabs carry their own (Alt+C, Alt+D, Alt+E, Alt+P, Alt+H, Alt+I, Alt+Y, Alt+T), and no
field uses those letters. Tab follows the order the fields are built in, top to bottom.
:meth:`SettingsDialog.settings` reads the fields back into a new ``Settings`` value; the
window saves and applies it on OK. Cancel (or Escape) changes nothing. Ctrl+Tab and
Ctrl+PgDown go to the next page, Ctrl+Shift+Tab and Ctrl+PgUp to the one before.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from describe_app.core.camera.camera_list import CameraDevice, list_cameras
from describe_app.core.settings.schema import Settings
from describe_app.core.settings.shortcut_table import action
from describe_app.core.settings.shortcuts import effective_keys
from describe_app.core.speech import Voice
from describe_app.qt.gui_thread import GuiThread
from describe_app.qt.labelled import name_control
from describe_app.qt.settings_pages.camera_page import CameraPage
from describe_app.qt.settings_pages.describe_page import DescribePage
from describe_app.qt.settings_pages.history_page import HistoryPage
from describe_app.qt.settings_pages.live_page import LivePage
from describe_app.qt.settings_pages.models_page import ModelsPage
from describe_app.qt.settings_pages.screen_page import ScreenPage
from describe_app.qt.settings_pages.shortcuts_page import ShortcutsPage
from describe_app.qt.settings_pages.speech_page import SpeechPage
from describe_app.qt.translate import _

log = logging.getLogger(__name__)


class SettingsPage(enum.IntEnum):
    CAMERA = 0
    DESCRIBE = 1
    MODELS = 2
    SPEECH = 3
    HISTORY = 4
    LIVE = 5
    SCREEN = 6
    SHORTCUTS = 7


class SettingsDialog(QDialog):
    #: the sentence a connection test ended with (also shown beside the button)
    server_checked = Signal(str)

    def __init__(
        self,
        settings: Settings,
        *,
        voices: Callable[[], list[Voice]],
        cameras: Callable[[], list[CameraDevice]] = list_cameras,
        screen_problems: Mapping[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self._original = settings
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        name_control(self.tabs, _("Settings pages"))
        name_control(self.tabs.tabBar(), _("Settings pages"))
        layout.addWidget(self.tabs)
        # each page is built just before its tab is added: Tab then follows the tabs' order
        self.camera_page = CameraPage(settings.camera, cameras, self)
        self.tabs.addTab(self.camera_page, _("&Camera"))
        self.describe_page = DescribePage(settings.describe, self)
        self.tabs.addTab(self.describe_page, _("&Description"))
        self.models_page = ModelsPage(settings.describe.model, self)
        self.tabs.addTab(self.models_page, _("Mod&els"))
        self.models_page.chosen.connect(self._model_chosen)
        self.describe_page.model.currentTextChanged.connect(self.models_page.show_model)
        self.speech_page = SpeechPage(settings.speech, voices, self)
        self.tabs.addTab(self.speech_page, _("S&peech"))
        self.history_page = HistoryPage(settings.history, settings.display, self)
        self.tabs.addTab(self.history_page, _("&History and text"))
        self.live_page = LivePage(settings.live, self)
        self.tabs.addTab(self.live_page, _("Hands-free and gu&idance"))
        self.screen_page = ScreenPage(settings.screen, screen_problems, self)
        self.tabs.addTab(self.screen_page, _("Screen and ke&ys"))
        self.shortcuts = ShortcutsPage(settings.shortcuts, self, taken=self.screen_page.global_keys)
        self.tabs.addTab(self.shortcuts, _("Shor&tcuts"))
        self.camera_page.refreshed.connect(self._announce)
        self.shortcuts.said.connect(self._announce)
        self._server_checks = _ServerCheck(self)
        self._server_checks.done.connect(self._server_checked)
        self.describe_page.test_server.clicked.connect(self._test_server)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        name_control(self.buttons.button(QDialogButtonBox.StandardButton.Ok), _("OK"))
        name_control(self.buttons.button(QDialogButtonBox.StandardButton.Cancel), _("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        # Ctrl+Tab and Ctrl+Shift+Tab come with the tabs; Ctrl+PgDown and Ctrl+PgUp too,
        # as in other programs' settings
        for key, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self._turn_page(step))
        for box in self.findChildren(QAbstractSpinBox):
            _correct_to_nearest(box)
        # the tab bar's scroll arrows are for the mouse: arrow keys on the tabs scroll them
        for arrow in self.tabs.tabBar().findChildren(QToolButton):
            arrow.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.resize(620, 520)

    def show_page(self, page: SettingsPage) -> None:
        self.tabs.setCurrentIndex(int(page))

    # --- reading back ------------------------------------------------------------------------

    def settings(self) -> Settings:
        """The settings as the fields show them."""
        return Settings(
            camera=self.camera_page.camera_settings(),
            describe=self.describe_page.describe_settings(),
            speech=self.speech_page.speech_settings(self._original.speech),
            history=self.history_page.history_settings(),
            display=self.history_page.display_settings(),
            live=self.live_page.live_settings(),
            screen=self.screen_page.screen_settings(self._original.screen),
            shortcuts=dict(self.shortcuts.overrides),
        )

    def problem(self) -> tuple[SettingsPage, str] | None:
        """What stops OK: a camera address that is no address, two actions on one key."""
        camera = self.camera_page.problem()
        if camera is not None:
            return SettingsPage.CAMERA, camera
        conflicts = self.shortcuts.conflicts_message()
        if conflicts:
            return SettingsPage.SHORTCUTS, conflicts
        screen = self.screen_page.problem(self._window_keys())
        return None if screen is None else (SettingsPage.SCREEN, screen)

    def accept(self) -> None:
        problem = self.problem()
        if problem is not None:
            page, message = problem
            self.show_page(page)
            if page is SettingsPage.SHORTCUTS:
                self.shortcuts.key_field.setFocus()
                self.shortcuts.say(message)  # spoken through its said signal
                return
            if page is SettingsPage.SCREEN:
                self.screen_page.show_problem(message, self._window_keys())
            else:
                self.camera_page.show_problem(message)
            self._announce(message)
            return
        super().accept()

    @Slot()
    def refresh_cameras(self) -> None:
        """List the cameras again, keep the chosen one, and say what was found."""
        self.camera_page.refresh_cameras()

    # --- inside ------------------------------------------------------------------------------

    def _window_keys(self) -> dict[str, str]:
        """The window's keys as the Shortcuts page shows them: key -> action name."""
        keys: dict[str, str] = {}
        for action_id, its_keys in effective_keys(self.shortcuts.overrides).items():
            for key in its_keys:
                keys.setdefault(key, action(action_id).plain_text())
        return keys

    def _turn_page(self, step: int) -> None:
        """The next (``step`` 1) or previous (-1) page, round the end, with the focus on the
        tabs so that the screen reader says the page."""
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())
        self.tabs.tabBar().setFocus(Qt.FocusReason.TabFocusReason)

    @Slot(str)
    def _model_chosen(self, name: str) -> None:
        """A model chosen on the Models page is the Description page's model too."""
        combo = self.describe_page.model
        index = combo.findData(name)
        if index >= 0:
            combo.setCurrentIndex(index)
        else:
            combo.setEditText(name)

    @Slot(str)
    def _announce(self, message: str) -> None:
        """Say ``message`` through the window's announcer, when the dialog has a window."""
        announcer = getattr(self.parent(), "announcer", None)
        if announcer is not None:
            announcer.clear_status()
            announcer.announce(message, interrupt=True)

    @Slot()
    def _test_server(self) -> None:
        name = self.describe_page.chosen_server()
        if not name:
            self._server_checked(_("This computer describes pictures itself; nothing is sent."))
            return
        self.describe_page.server_test_started()
        self._server_checks.start(name)

    @Slot(str)
    def _server_checked(self, sentence: str) -> None:
        self.describe_page.server_test_ended(sentence)
        self.server_checked.emit(sentence)


def _correct_to_nearest(box: QAbstractSpinBox) -> None:
    """A number typed out of range ("5" where 10 is the least) becomes the nearest one
    allowed, not silently the old value; a field left empty keeps the old value."""
    edit = box.findChild(QLineEdit)
    if edit is None:
        return

    def follow(text: str) -> None:
        typed = any(c.isdigit() for c in text)
        box.setCorrectionMode(
            QAbstractSpinBox.CorrectionMode.CorrectToNearestValue
            if typed
            else QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue
        )

    edit.textChanged.connect(follow)


class _ServerCheck(QObject):
    """Runs a server connection test on a short-lived thread; ``done`` arrives on ours."""

    done = Signal(str)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._gui = GuiThread(self)
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
        self._gui.call(self.done.emit, sentence)  # dropped if the dialog closed meanwhile

"""The names every part of the main window relies on, typed once.

:class:`~describe_app.qt.main_window.MainWindow` builds these (its widgets, the controllers
it owns, its settings); its parts (:mod:`~describe_app.qt.window_actions`,
:mod:`~describe_app.qt.window_settings`, :mod:`~describe_app.qt.window_status`) are mixins
on this class and use them by these names.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QPlainTextEdit

if TYPE_CHECKING:
    from describe_app.core.history.store import History
    from describe_app.core.pictures.images import Picture
    from describe_app.core.settings.schema import Settings
    from describe_app.core.speech import Voice
    from describe_app.qt.announcer import Announcer
    from describe_app.qt.button_keys import ButtonSpaceFilter
    from describe_app.qt.camera_worker import CameraWorker
    from describe_app.qt.describe_controller import DescribeController
    from describe_app.qt.documents import Documents
    from describe_app.qt.explore_controller import ExploreController
    from describe_app.qt.explore_grid import ExploreGrid
    from describe_app.qt.history_bridge import HistoryBridge
    from describe_app.qt.history_list import HistoryList
    from describe_app.qt.live_modes import LiveModes
    from describe_app.qt.model_bridge import ModelBridge, ModelChoice
    from describe_app.qt.model_downloads import ModelDownloads
    from describe_app.qt.settings_dialog import SettingsDialog


class WindowParts(QMainWindow):
    """What the main window holds; set by ``MainWindow.__init__``, used by its parts."""

    # choices
    settings: Settings
    settings_file: Path | None
    _language_override: str | None
    _check_override: bool | None
    voice_lister: Callable[[], list[Voice]]
    worker_factory: Callable[[Settings], ModelChoice] | None
    settings_dialog: SettingsDialog | None
    # what the window owns
    announcer: Announcer
    controller: DescribeController
    explorer: ExploreController
    live_modes: LiveModes
    documents: Documents
    model_downloads: ModelDownloads
    history_writer: HistoryBridge
    actions_by_id: dict[str, QAction]
    _bridge: ModelBridge
    _history_store: History
    _button_keys: ButtonSpaceFilter
    # widgets
    preview: QLabel
    result: QPlainTextEdit
    explore: ExploreGrid
    question: QLineEdit
    history: HistoryList
    # state
    _paused: bool
    _pending_photos: list[Picture]
    _photos_total: int  # how many photos were opened at once
    _next_photo: Callable[..., None]
    _camera_was_live: bool
    _base_point_size: int

    def retranslate(self) -> None:
        """Rebuild the window's words in the interface language (the window's assembly)."""
        raise NotImplementedError

    def apply_screen(self, old: Settings, new: Settings) -> list[str]:
        """The Screen settings changed (:class:`~describe_app.qt.window_screen.WindowScreen`)."""
        raise NotImplementedError

    def screen_key_problems(self) -> dict[str, str]:
        """Why each global key that does not work does not (``WindowScreen``)."""
        raise NotImplementedError

    def _change_settings(self, settings: Settings, said: str | None = None) -> None:
        """Apply one changed setting, say ``said``, save quietly (``WindowSettings``)."""
        raise NotImplementedError

    def replace_camera(self, camera: CameraWorker | None) -> None:
        """Use ``camera`` from now on (:class:`~describe_app.qt.window_status.WindowStatus`)."""
        raise NotImplementedError

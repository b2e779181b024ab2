"""Start the window: show it first, then load the model and the voice in the background.

``describe-app`` (no command) and ``describe-app window [--camera SOURCE] [FILES...]`` come
here. The user's settings are read first (a damaged file gives defaults and one announced
sentence), the interface language is set from them, the history is read from disk.
Command-line options win over the settings for this session only. Nothing here imports
torch: the model loads on the model worker's thread after the window is on screen.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from describe_app.core.describer import Describer
from describe_app.core.history import History
from describe_app.core.i18n import set_language
from describe_app.core.model_process import LocalModelRecipe
from describe_app.core.ocr_reader import OcrReader
from describe_app.core.settings import DescribeSettings, LoadResult, load_settings
from describe_app.qt.camera_source import camera_from_settings, parse_camera_source
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.main_window import MainWindow
from describe_app.qt.model_bridge import ModelBridge
from describe_app.qt.quiet_speech import QuietSpeech
from describe_app.qt.screen_reader_channel import QtScreenReaderChannel
from describe_app.qt.speech_starter import SpeechStarter
from describe_app.qt.translate import _

log = logging.getLogger(__name__)


def run_window(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Describe")
    loaded = load_settings()
    set_language(loaded.settings.display.ui_language or None)
    window = build_window(args, loaded)
    window.show()
    if not loaded.message:
        window.announcer.announce(_("Describe is starting."), speak=False)
    starter = SpeechStarter(QtScreenReaderChannel(window), window.settings.speech, parent=window)
    starter.started.connect(window.announcer.set_speech)
    if loaded.message:  # shown at once; spoken once the voice is there
        message = loaded.message
        starter.started.connect(lambda speech: speech.say(message))
    starter.failed.connect(lambda message: window.announcer.announce(message))
    QTimer.singleShot(0, starter.start)
    QTimer.singleShot(0, window._bridge.start_loading)
    files = list(getattr(args, "files", None) or [])
    if files:
        QTimer.singleShot(0, lambda: window.describe_files(files))
    status = app.exec()
    window.shutdown()
    starter.join(2.0)
    late = starter.speech
    if late is not None and late is not window.announcer.speech:
        late.close()  # type: ignore[attr-defined]  # started after the window closed
    return int(status)


def server_factory(
    args: argparse.Namespace, local: LocalModelRecipe, settings: DescribeSettings
) -> tuple[Callable[[], Describer], str | None]:
    """The describer factory for ``--server`` (or the server chosen in the settings), and
    the sentence saying where pictures go."""
    from describe_app.cli_servers import server_choice
    from describe_app.core.describer_choice import (
        ServerChoice,
        describer_factory,
        resolve_profile,
    )
    from describe_app.core.errors import DescribeError

    if getattr(args, "server", None):
        choice = server_choice(args)
    else:
        choice = ServerChoice(server=settings.server, fallback_local=settings.fallback_local)
    try:
        notice: str | None = resolve_profile(choice).privacy_notice
    except DescribeError as exc:
        notice = str(exc)  # the worker will fail to load with the same sentence
    return describer_factory(choice, local), notice


def build_window(args: argparse.Namespace, loaded: LoadResult | None = None) -> MainWindow:
    """The window as the settings (and the command line, which wins) say."""
    loaded = loaded or load_settings()
    settings = loaded.settings
    recipe = LocalModelRecipe(
        getattr(args, "model", None) or settings.describe.model or None,
        allow_download=not getattr(args, "no_download", False),
        device=getattr(args, "device", "auto"),
        quantize=getattr(args, "quantize", "auto"),
        threads=getattr(args, "threads", None),
    )
    privacy_notice: str | None = None
    if getattr(args, "server", None) or settings.describe.server:
        # Pictures leave this computer only here, because the user named a server.
        factory, privacy_notice = server_factory(args, recipe, settings.describe)
        bridge = ModelBridge(factory, text_reader_factory=OcrReader)
    else:
        # the model lives in a process of its own: loading it never freezes the window
        bridge = ModelBridge(recipe, text_reader_factory=OcrReader, separate_process=True)
    camera_arg = getattr(args, "camera", None)
    if camera_arg is not None:
        source = parse_camera_source(camera_arg)
    else:
        source = camera_from_settings(settings.camera)
    camera = CameraWorker(source) if source is not None else None
    hist = settings.history
    history = History(
        max_entries=hist.max_entries,
        store_pictures=hist.store_pictures,
        persist=hist.keep_history,
    )
    window = MainWindow(
        bridge,
        QuietSpeech(),
        camera=camera,
        settings=settings,
        history=history,
        language=getattr(args, "language", None),
        max_new_tokens=getattr(args, "max_tokens", None),
        check_pictures=False if getattr(args, "describe_anyway", False) else None,
    )
    if loaded.message:
        window.announcer.announce(loaded.message, interrupt=True)
    if privacy_notice:
        window.announcer.announce(privacy_notice)
    if camera is not None:
        camera.start()
    return window

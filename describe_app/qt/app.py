"""Start the window: show it first, then load the model and the voice in the background.

``describe-app`` (no command) and ``describe-app window [--camera SOURCE] [FILES...]`` come
here. Nothing here imports torch: the model loads on the model worker's thread after the
window is on screen and taking keys.
"""

from __future__ import annotations

import argparse
import logging
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from describe_app.core.ocr_reader import OcrReader
from describe_app.qt.camera_source import parse_camera_source
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.main_window import MainWindow
from describe_app.qt.model_bridge import ModelBridge
from describe_app.qt.model_factory import vlm_factory
from describe_app.qt.quiet_speech import QuietSpeech
from describe_app.qt.screen_reader_channel import QtScreenReaderChannel
from describe_app.qt.speech_starter import SpeechStarter
from describe_app.qt.translate import _

log = logging.getLogger(__name__)


def run_window(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Describe")
    window = build_window(args)
    window.show()
    window.announcer.announce(_("Describe is starting."), speak=False)
    starter = SpeechStarter(QtScreenReaderChannel(window), parent=window)
    starter.started.connect(window.announcer.set_speech)
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


def build_window(args: argparse.Namespace) -> MainWindow:
    factory = vlm_factory(
        getattr(args, "model", None),
        allow_download=not getattr(args, "no_download", False),
        device=getattr(args, "device", "auto"),
        quantize=getattr(args, "quantize", "auto"),
        threads=getattr(args, "threads", None),
    )
    bridge = ModelBridge(factory, text_reader_factory=OcrReader)
    source = parse_camera_source(getattr(args, "camera", None))
    camera = CameraWorker(source) if source is not None else None
    window = MainWindow(
        bridge,
        QuietSpeech(),
        camera=camera,
        language=getattr(args, "language", None),
        max_new_tokens=getattr(args, "max_tokens", None),
        check_pictures=not getattr(args, "describe_anyway", False),
    )
    if camera is not None:
        camera.start()
    return window

"""Start the window: show it first, then load the model and the voice in the background.

``describe-app`` (no command) and ``describe-app window [--camera SOURCE] [FILES...]`` come
here. The user's settings are read first (a damaged file gives defaults and one announced
sentence), the interface language is set from them, the history is read from disk.
Command-line options win over the settings for this session only (a model or server
chosen in the settings while the window runs is used at once). Nothing here imports
torch: the model loads on the model worker's thread after the window is on screen.
"""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from describe_app.core.describe.describer import Describer, GenerationSettings
from describe_app.core.describe.local.model_process import LocalModelRecipe
from describe_app.core.describe.local.model_registry import DEFAULT_MODEL, looks_like_path
from describe_app.core.history.store import History
from describe_app.core.i18n import set_language
from describe_app.core.live.prepare_policy import PreparePolicy
from describe_app.core.reading.ocr_reader import OcrReader
from describe_app.core.reading.text_reader_process import ChildTextReader
from describe_app.core.settings.schema import DescribeSettings, Settings
from describe_app.core.settings.settings_file import LoadResult, load_settings
from describe_app.qt.camera_source import camera_from_settings, parse_camera_source
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.crash_hooks import install_crash_hooks
from describe_app.qt.main_window import MainWindow
from describe_app.qt.model_bridge import ModelBridge, ModelChoice
from describe_app.qt.model_downloads import download_hint
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
    crash_hooks = install_crash_hooks(window.announcer, window)  # a bug is heard, and logged
    # the tray and the global keys; the window shows unless it starts in the tray
    key_problems = " ".join(window.start_screen(in_tray=getattr(args, "in_tray", False)))
    if not loaded.message:
        window.announcer.announce(_("Describe is starting."), speak=False)
    starter = SpeechStarter(QtScreenReaderChannel(window), window.settings.speech, parent=window)
    starter.started.connect(window.announcer.set_speech)
    starter.started.connect(window.watch_speech)  # a lost audio device is said
    if loaded.message:  # shown at once; spoken once the voice is there
        message = loaded.message
        starter.started.connect(lambda speech: speech.say(message))
    starter.failed.connect(lambda message: window.announcer.announce(message))
    if key_problems:  # a global key another program holds is said, never lost
        window.announcer.announce(key_problems)
        starter.started.connect(lambda speech: speech.say(key_problems))
    QTimer.singleShot(0, starter.start)
    # load the model, or offer to download it when it is not on this computer yet
    describe = window.settings.describe
    local = not (getattr(args, "server", None) or describe.server)
    model = getattr(args, "model", None) or describe.model or None
    QTimer.singleShot(0, lambda: window.model_downloads.load_or_offer(model, local=local))
    files = list(getattr(args, "files", None) or [])
    if files:
        QTimer.singleShot(0, lambda: window.describe_files(files))
    status = app.exec()
    window.shutdown()
    starter.join(2.0)
    late = starter.speech
    if late is not None and late is not window.announcer.speech:
        late.close()  # type: ignore[attr-defined]  # started after the window closed
    crash_hooks.uninstall()
    return int(status)


def server_factory(
    args: argparse.Namespace, local: LocalModelRecipe, settings: DescribeSettings
) -> tuple[Callable[[], Describer], str | None]:
    """The describer factory for ``--server`` (or the server chosen in the settings), and
    the sentence saying where pictures go."""
    from describe_app.core.describe.choice import (
        ServerChoice,
        choice_from_options,
        describer_factory,
        resolve_profile,
    )
    from describe_app.core.errors import DescribeError

    if getattr(args, "server", None):
        choice = choice_from_options(args)
    else:
        choice = ServerChoice(server=settings.server, fallback_local=settings.fallback_local)
    choice = replace(choice, generation=generation_settings(args, settings))
    try:
        notice: str | None = resolve_profile(choice).privacy_notice
    except DescribeError as exc:
        notice = str(exc)  # the worker will fail to load with the same sentence
    return describer_factory(choice, local), notice


def model_choice(args: argparse.Namespace, settings: Settings) -> ModelChoice:
    """The model worker the window runs: the local model in a process of its own, or the
    server the user named (the command line's ``--model`` and ``--server`` win)."""
    model = getattr(args, "model", None) or settings.describe.model or None
    recipe = LocalModelRecipe(
        model,
        allow_download=False,  # never behind the user's back: the window offers a download
        download_hint=download_hint(),
        device=getattr(args, "device", "auto"),
        quantize=getattr(args, "quantize", "auto"),
        threads=getattr(args, "threads", None),
        generation=generation_settings(args, settings.describe),
    )
    server = getattr(args, "server", None) or settings.describe.server
    if server:
        # Pictures leave this computer only here, because the user named a server.
        factory, notice = server_factory(args, recipe, settings.describe)
        # its text is read in a child process: loading OCR on a thread of the window's
        # process holds Python's global lock and freezes the window
        return ModelChoice(factory, text_reader_factory=ChildTextReader, name=server, notice=notice)
    # the model lives in a process of its own: loading it never freezes the window
    return ModelChoice(
        recipe, text_reader_factory=OcrReader, separate_process=True, name=model_name(model)
    )


def generation_settings(args: argparse.Namespace, settings: DescribeSettings) -> GenerationSettings:
    """The limits for each answer: the settings, with ``--answer-seconds`` winning."""
    generation = settings.generation_settings()
    seconds = getattr(args, "answer_seconds", None)
    return generation if seconds is None else replace(generation, answer_seconds=seconds)


def model_name(model: str | None) -> str:
    """What the user is told the local model is called: a folder's name, or the name."""
    if not model:
        return DEFAULT_MODEL
    return Path(model).expanduser().name if looks_like_path(model) else model


def build_window(args: argparse.Namespace, loaded: LoadResult | None = None) -> MainWindow:
    """The window as the settings (and the command line, which wins) say."""
    loaded = loaded or load_settings()
    settings = loaded.settings
    choice = model_choice(args, settings)
    bridge = ModelBridge(
        choice.describer_factory,
        text_reader_factory=choice.text_reader_factory,
        separate_process=choice.separate_process,
    )
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
    # a model or server chosen in the settings later is used at once, and wins over the
    # command line's --model and --server from then on (its other options stay)
    window.worker_factory = functools.partial(
        model_choice, argparse.Namespace(**{**vars(args), "model": None, "server": None})
    )
    prepare = getattr(args, "prepare", None)
    if prepare:  # --prepare wins over the settings for this session
        window.live_modes.set_prepare_policy(PreparePolicy(prepare), session=True)
    if loaded.message:
        window.announcer.announce(loaded.message, interrupt=True)
    if choice.notice:
        window.announcer.announce(choice.notice)
    if camera is not None:
        camera.start()
    return window

"""Shared test setup: isolation from the user's files, a real tiny model, no leftovers."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from describe_app.core.reading.ocr_reader import OcrReader
    from tests.memory_keyring import MemoryKeyring

# Never touch the user's Hugging Face cache or settings, never reach the network for models.
_SANDBOX = Path(os.environ.get("PYTEST_DESCRIBE_SANDBOX", "/tmp")) / f"describe-tests-{os.getpid()}"
os.environ["HF_HOME"] = str(_SANDBOX / "hf-home")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["DESCRIBE_CONFIG_DIR"] = str(_SANDBOX / "config")
os.environ["DESCRIBE_DATA_DIR"] = str(_SANDBOX / "data")
os.environ["DESCRIBE_LOG_DIR"] = str(_SANDBOX / "logs")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture
def own_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data folder (and so the history) of this test alone: a command that keeps what it
    read (``codes``) must not write into the session's shared one, which windows started by
    other tests read. Returns the folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv("DESCRIBE_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight SmolVLM-architecture model folder (generates nonsense, never ends)."""
    from describe_app.devtools.random_smolvlm import TINY, build_model

    return build_model(tmp_path_factory.mktemp("tiny-random"), TINY)


@pytest.fixture(scope="session")
def speaking_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny SmolVLM-architecture model whose weights say DEFAULT_SCRIPT, then stop."""
    from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT, TINY, build_model

    return build_model(tmp_path_factory.mktemp("tiny-speaking"), TINY, script=DEFAULT_SCRIPT)


@pytest.fixture(scope="module")
def scan_reader() -> OcrReader:
    """The OCR reader with the settings for scanned pages, loaded once per test module."""
    from describe_app.core.reading.document_reader import SCAN_OCR_SETTINGS
    from describe_app.core.reading.ocr_reader import OcrReader

    ocr = OcrReader(SCAN_OCR_SETTINGS)
    ocr.load()
    return ocr


@pytest.fixture(scope="module")
def page_reader() -> OcrReader:
    """The OCR reader with the settings of ``read --layout`` and document mode (pages from
    the camera), loaded once per test module."""
    from describe_app.core.reading.ocr_reader import OcrReader
    from describe_app.core.reading.page_reader import DOCUMENT_OCR_SETTINGS

    ocr = OcrReader(DOCUMENT_OCR_SETTINGS)
    ocr.load()
    return ocr


@pytest.fixture(scope="module")
def screen_reader() -> OcrReader:
    """The OCR reader with the screens' settings (``screen --read``), loaded once per test
    module."""
    from describe_app.core.describe.screen_conversation import screen_ocr_settings
    from describe_app.core.reading.ocr_reader import OcrReader

    ocr = OcrReader(screen_ocr_settings())
    ocr.load()
    return ocr


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Never the user's real keyring: a backend of our own, through keyring's own API."""
    import keyring

    from tests.memory_keyring import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def photo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real photograph (scikit-image's coffee cup, CC0) saved as a JPEG file."""
    from PIL import Image
    from skimage import data

    path = tmp_path_factory.mktemp("pictures") / "coffee.jpg"
    Image.fromarray(data.coffee()).save(path, quality=85)
    return path


@pytest.fixture(scope="session")
def aiming_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A camera aimed at a page, 10 fps: the page cut off on the left (2 s), a shake
    (1 s), then fully in view (3 s)."""
    import cv2

    from tests.camera_scenes import page_scene, write_video

    frames = [page_scene(-200, 130)] * 20
    frames += [cv2.GaussianBlur(page_scene(-100 + 20 * i, 130), (0, 0), 4) for i in range(10)]
    frames += [page_scene(110, 130)] * 30
    return write_video(tmp_path_factory.mktemp("video") / "aiming.avi", frames)


class _FailOnOwnWarnings(logging.Handler):
    """Our own loggers must not warn during tests unless a test expects it (caplog)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("describe_app"):
            self.records.append(record)


@pytest.fixture(autouse=True)
def _no_leftovers(request: pytest.FixtureRequest) -> Iterator[None]:
    handler = _FailOnOwnWarnings()
    logging.getLogger().addHandler(handler)
    before = set(threading.enumerate())
    yield
    logging.getLogger().removeHandler(handler)
    if "allow_warning_logs" not in request.keywords and handler.records:
        msgs = "; ".join(r.getMessage() for r in handler.records)
        pytest.fail(f"unexpected warning logged: {msgs}")
    deadline = 5.0
    for t in set(threading.enumerate()) - before:
        if t.is_alive() and not t.daemon:
            t.join(deadline)
    left = [t.name for t in set(threading.enumerate()) - before if t.is_alive() and not t.daemon]
    if left:
        pytest.fail(f"threads left running: {left}")


def pytest_unconfigure(config: pytest.Config) -> None:
    """The clipboard is emptied while Python still runs. A QMimeData that a test made and
    put on it is kept by Qt's clipboard, a static of QtGui, which deletes it at the
    process's very end, after the interpreter is gone: PySide6 then tells its Python
    wrapper and the process crashed (exit status 139 after every test had passed; seen
    with gdb in Shiboken::Object::destroy from QtGui's exit handlers)."""
    import sys

    gui = sys.modules.get("PySide6.QtGui")
    if gui is not None and gui.QGuiApplication.instance() is not None:
        gui.QGuiApplication.clipboard().clear()

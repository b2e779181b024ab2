"""QA pass 1 on the window's quick channels, document mode and pictures pasted or dropped:
inputs the other tests do not use (clipboard HTML with an inline picture, a path copied as
text, a web link dropped, a huge screenshot), and what a keyboard user hears when the
channels meet other speech."""

from __future__ import annotations

import base64
import io
import threading
import time
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter

from describe_app.core.errors import ImageError, OcrError
from describe_app.core.reading.ocr_reader import OcrSettings
from describe_app.qt.camera_source import CameraSource
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.document_worker import DocumentWorker
from describe_app.qt.photo_input import files_in, picture_from_qimage, picture_in
from describe_app.qt.quick_channels import LIGHT_METER
from tests import qt_fixtures
from tests.camera_scenes import SceneCapture

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


def _striped_png(size: tuple[int, int] = (120, 90)) -> bytes:
    """A small drawing unlike the sample photos: diagonal stripes and a yellow disc."""
    image = Image.new("RGB", size, (30, 90, 40))
    draw = ImageDraw.Draw(image)
    for x in range(-size[1], size[0], 14):
        draw.line([(x, 0), (x + size[1], size[1])], fill=(240, 240, 250), width=4)
    draw.ellipse((30, 20, 80, 70), fill=(250, 210, 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_html_with_an_inline_picture_is_the_picture(qt_strict) -> None:  # type: ignore[no-untyped-def]
    png = _striped_png()
    mime = QMimeData()
    encoded = base64.b64encode(png).decode()
    # as a browser or a mail program copies it: markup around, the data wrapped over lines
    wrapped = "\n".join(encoded[i : i + 60] for i in range(0, len(encoded), 60))
    mime.setHtml(
        '<html><body><!--StartFragment--><p>Look:</p><IMG class="pic" alt="a sign" '
        f"SRC='data:image/png;base64,{wrapped}'><!--EndFragment--></body></html>"
    )
    picture = picture_in(mime)
    assert picture is not None
    assert picture.original_size == (120, 90)
    assert picture.image.convert("RGB").getpixel((55, 45)) == (250, 210, 20)


def test_a_path_copied_as_text_names_the_file(qt_strict, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "shelf photo.png"
    second = tmp_path / "label.png"
    first.write_bytes(_striped_png())
    second.write_bytes(_striped_png((60, 60)))
    for text, expected in (
        (str(first), [str(first)]),
        (f'"{first}"', [str(first)]),  # "Copy as path" puts it in quotes
        (QUrl.fromLocalFile(str(first)).toString(), [str(first)]),
        (f"{first}\n{QUrl.fromLocalFile(str(second)).toString()}\n", [str(first), str(second)]),
        ("just some words", []),
        (f"see {first}", []),
        (str(tmp_path / "gone.png"), []),  # not a file: words, not a path
        ("/" + "very long words " * 400, []),  # too long a name for a path
        (f"{first}\x00", []),
    ):
        mime = QMimeData()
        mime.setText(text)
        assert files_in(mime) == expected, text


def test_a_web_link_dropped_says_it_is_not_fetched(qt_strict) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.org/pictures/cat.jpg")])
    with pytest.raises(ImageError, match="web address"):
        picture_in(mime)


def test_a_huge_pasted_screenshot_does_not_freeze_the_window(qt_strict) -> None:  # type: ignore[no-untyped-def]
    # noise compresses worst: a 48-megapixel one took 13 s to encode as a PNG
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, (6000, 8000, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    image = QImage(pixels.data, 8000, 6000, 8000 * 4, QImage.Format.Format_ARGB32).copy()
    started = time.perf_counter()
    picture = picture_from_qimage(image)
    took = time.perf_counter() - started
    assert picture.original_size == (8000, 6000)
    assert took < 6.0, f"{took:.1f} s"


def test_a_see_through_paste_keeps_its_backdrop(qt_strict) -> None:  # type: ignore[no-untyped-def]
    image = QImage(90, 60, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.fillRect(20, 10, 30, 30, QColor(10, 20, 200))
    painter.end()
    picture = picture_from_qimage(image)
    rgb = picture.image.convert("RGB")
    assert rgb.getpixel((30, 20)) == (10, 20, 200)
    assert rgb.getpixel((80, 55)) != (0, 0, 0)  # not turned black


def test_a_pasted_html_picture_in_the_window_is_described(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    window, _speech = make_window(speaking_model_dir)
    mime = QMimeData()
    mime.setHtml(f'<img src="data:image/png;base64,{base64.b64encode(_striped_png()).decode()}">')
    QGuiApplication.clipboard().setMimeData(mime)
    try:
        window.actions_by_id["paste_picture"].trigger()
        qtbot.waitUntil(lambda: window.history.count() == 1, timeout=20_000)
    finally:  # the clipboard outlives the test: the next window's Ctrl+V must find nothing
        QGuiApplication.clipboard().clear()
    assert "The clipboard holds no picture." not in window.announcer.history


class _Timeline:
    """What the window asks speech to say or play, in order, with the time and whether it
    cuts off what is playing (the fake speech does not keep a sound's ``interrupt``)."""

    def __init__(self, speech) -> None:  # type: ignore[no-untyped-def]
        self.events: list[tuple[float, str, bool]] = []
        say, play = speech.say, speech.play_sound

        def record_say(text: str, *, interrupt: bool = False) -> None:
            self.events.append((time.monotonic(), text, interrupt))
            say(text, interrupt=interrupt)

        def record_play(clip, *, interrupt: bool = False) -> None:  # type: ignore[no-untyped-def]
            self.events.append((time.monotonic(), clip.label, interrupt))
            play(clip, interrupt=interrupt)

        speech.say, speech.play_sound = record_say, record_play

    def tones_after(self, moment: float) -> list[float]:
        return [t for t, label, _i in self.events if label.startswith("tone:light:") and t > moment]

    def said_at(self, text: str) -> float:
        return next(t for t, label, _i in self.events if label == text)


def _camera_on(scene: np.ndarray) -> tuple[CameraWorker, SceneCapture]:
    capture = SceneCapture(scene)
    camera = CameraWorker(
        CameraSource("test camera", label="test camera"), opener=lambda _s: capture
    )
    return camera, capture


def test_the_light_meter_lets_words_be_heard(qtbot, make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    # a dim, uneven view: a lamp's pool of light on a dark desk
    yy, xx = np.mgrid[0:360, 0:480]
    pool = 40 + 150 * np.exp(-((xx - 300.0) ** 2 + (yy - 120.0) ** 2) / 9000.0)
    scene = np.dstack([pool * 0.8, pool * 0.9, pool]).astype(np.uint8)
    camera, _capture = _camera_on(scene)
    window, speech = make_window(speaking_model_dir, camera=camera)
    qtbot.waitUntil(lambda: camera.latest_frame() is not None)
    qtbot.waitUntil(lambda: "Ready." in window.announcer.history, timeout=30_000)
    timeline = _Timeline(speech)

    window.actions_by_id["light_meter"].trigger()
    qtbot.waitUntil(lambda: bool(timeline.tones_after(0)), timeout=8_000)

    # the colour key while the meter sounds: the colour is said, and no tone cuts it off
    before = len(window.announcer.history)
    window.actions_by_id["colour"].trigger()  # named off the GUI thread
    qtbot.waitUntil(lambda: len(window.announcer.history) > before, timeout=5_000)
    colour = window.announcer.history[-1]
    said_at = timeline.said_at(colour)
    qtbot.wait(1200)
    assert not [t for t in timeline.tones_after(said_at) if t < said_at + 0.7], timeline.events
    qtbot.waitUntil(lambda: bool(timeline.tones_after(said_at)), timeout=5_000)  # and it goes on

    # a description asked for: no tone while it is written, nor over its words
    asked_at = time.monotonic()
    window.actions_by_id["describe"].trigger()
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=30_000)
    last_words_at = max(t for t, label, _i in timeline.events if not label.startswith("tone:"))
    qtbot.wait(1000)
    tones = timeline.tones_after(asked_at)
    assert not [t for t in tones if t < last_words_at + 0.7], timeline.events
    qtbot.waitUntil(lambda: bool(timeline.tones_after(last_words_at)), timeout=15_000)
    assert window.quick_channels.is_on(LIGHT_METER)
    assert speech.texts().count("Light meter on. The tone rises with the light.") == 1

    # the window closed while the meter runs: nothing more is said or played
    window.close()
    heard = len(timeline.events)
    qtbot.wait(800)
    assert len(timeline.events) == heard


def test_document_mode_on_is_heard_before_its_first_cue(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    from tests.page_scenes import table_top

    camera, _capture = _camera_on(table_top())
    window, speech = make_window(speaking_model_dir, load=False, camera=camera)
    qtbot.waitUntil(lambda: camera.latest_frame() is not None)
    timeline = _Timeline(speech)
    on = "Document mode on. Put a page in front of the camera."
    for tones in (False, True):
        window.live_modes.cue_tones = tones
        start = len(timeline.events)
        window.actions_by_id["document_mode"].trigger()
        qtbot.waitUntil(lambda at=start: len(timeline.events) > at + 1, timeout=30_000)
        (_t, said, _i), (_t2, cue, cut_off) = timeline.events[start : start + 2]
        assert said == on
        # the first cue (which one depends on the frames the loop saw first, under load too)
        assert cue.startswith("tone:") if tones else cue != on
        assert not cut_off, f"the first cue cut off {on!r}"
        window.actions_by_id["document_mode"].trigger()
        assert window.announcer.history[-1] == "Document mode off."


class _ReaderStoppedByClosing:
    """A text reader that loads or reads until it is closed, then fails as the child's
    does when the window's closing ends it."""

    made: ClassVar[list[_ReaderStoppedByClosing]] = []

    def __init__(self, settings: OcrSettings) -> None:
        self.started = threading.Event()
        self.stopped = threading.Event()
        _ReaderStoppedByClosing.made.append(self)

    def load(self) -> None:
        self.started.set()
        self.stopped.wait(5)
        raise OcrError("Text could not be read: the text reader stopped.")

    def read(self, image: object) -> object:
        self.load()
        return None

    def close(self) -> None:
        self.stopped.set()


@pytest.mark.parametrize("doing", ["loading", "reading a page"])
def test_closing_while_the_page_reader_works_is_no_failure(qt_strict, doing: str) -> None:  # type: ignore[no-untyped-def]
    _ReaderStoppedByClosing.made.clear()
    worker = DocumentWorker(_ReaderStoppedByClosing)  # type: ignore[arg-type]
    failed: list[str] = []
    worker.failed.connect(lambda _id, sentence: failed.append(sentence))
    if doing == "loading":
        worker.prepare_capture_reader()  # document mode went on
    else:
        worker.read_capture(np.full((300, 400, 3), 200, np.uint8), None, 1)
    deadline = time.monotonic() + 5
    while not (_ReaderStoppedByClosing.made and _ReaderStoppedByClosing.made[0].started.is_set()):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    worker.close(0.2)  # the reader ends at its close, just after the wait
    deadline = time.monotonic() + 5
    while worker._thread is not None and worker._thread.is_alive():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    QGuiApplication.processEvents()
    assert failed == []  # and nothing logged as a failure (the fixtures fail on it)


def test_reading_guidance_on_is_heard_before_its_first_cue(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    """As document mode: the first cue waits for "Reading guidance on" to be heard whole;
    later cues cut off the cue before them."""
    from tests.camera_scenes import page_scene

    camera, _capture = _camera_on(page_scene(-200, 130))  # the page off the left edge
    window, speech = make_window(speaking_model_dir, load=False, camera=camera)
    qtbot.waitUntil(lambda: camera.latest_frame() is not None)
    timeline = _Timeline(speech)
    on = "Reading guidance on. Point the camera at a page."
    window.actions_by_id["guidance"].trigger()
    qtbot.waitUntil(lambda: len(timeline.events) > 1, timeout=30_000)
    (_t, said, _i), (_t2, cue, cut_off) = timeline.events[:2]
    assert said == on and cue != on
    assert not cut_off, f"the first cue cut off {on!r}"
    window.actions_by_id["guidance"].trigger()

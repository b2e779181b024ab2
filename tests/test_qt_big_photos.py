"""Big photos never freeze the window: a 48-megapixel picture opened, dropped or pasted is
decoded off the GUI thread, and so are its codes (Control+B) and its colour (Control+K).

The worst gap of a 5 ms heartbeat on the GUI thread (:class:`~tests.qt_fixtures.Heartbeat`)
stays under 50 ms while the picture is decoded; the picture still becomes the photo in hand
and is described, errors are said as before, Escape and a second open win, and closing the
window in the middle ends the work at once."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage

from describe_app.core.errors import ImageError
from describe_app.core.i18n import set_language
from describe_app.core.pictures.images import load_picture
from describe_app.core.pictures.picture_process import PictureProcess
from describe_app.core.resources import resource_path
from describe_app.qt.main_window import MainWindow
from tests import qt_fixtures
from tests.code_scenes import qr_code

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict

STALL_MS = 50
TIMEOUT_MS = 30_000
COFFEE = resource_path("samples", "coffee.jpg")
CODE_TEXT = "TABLE 12"


def _big_scene(width: int, height: int, seed: int) -> Image.Image:
    """Noise, shapes and a QR code: a busy photo that does not compress away."""
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 256, (height // 4, width // 4, 3), dtype=np.uint8)
    image = Image.fromarray(noise).resize((width, height), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = (int(v) for v in rng.integers(0, (width - 900, height - 900)))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        draw.ellipse([x, y, x + 800, y + 600], fill=colour)
    code = Image.fromarray(qr_code(CODE_TEXT, module_px=40)).convert("RGB")
    image.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    return image


@pytest.fixture(scope="session")
def big_photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """8000 x 6000 JPEGs (48 megapixels) with a QR code in the middle, made once."""
    folder = tmp_path_factory.mktemp("big-photos")
    paths = {}
    for name, seed in (("big.jpg", 1), ("second.jpg", 2)):
        paths[name] = folder / name
        _big_scene(8000, 6000, seed).save(paths[name], quality=90)
    return paths


@pytest.fixture(scope="session")
def other_formats(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """24-megapixel PNG and TIFF pictures (Pillow's decoders for them hold Python's lock)."""
    folder = tmp_path_factory.mktemp("big-formats")
    scene = _big_scene(6000, 4000, 3)
    paths = [folder / "big.png", folder / "big.tif"]
    for path in paths:
        scene.save(path)
    return paths


def _window(make_window) -> MainWindow:  # type: ignore[no-untyped-def]
    window, _speech = make_window(resource_path("samples"), load=False)  # no model: never loads
    return window


def _photo_name(window: MainWindow) -> str | None:
    photo = window.controller.photo
    return None if photo is None else Path(photo.source).name


def _described(window: MainWindow) -> list[str]:
    """The names of the photos the window hands to the model, as it hands them."""
    described: list[str] = []
    original = window.controller.describe_photo

    def describe_photo(picture, *args, **kwargs):  # type: ignore[no-untyped-def]
        described.append(Path(picture.source).name)
        return original(picture, *args, **kwargs)

    window.controller.describe_photo = describe_photo  # type: ignore[method-assign]
    return described


def _drop(window: MainWindow, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(QPoint(10, 10)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)


def _worst_while(qtbot, action, done) -> tuple[float, str]:  # type: ignore[no-untyped-def]
    """Do ``action`` and wait for ``done()``: the worst GUI stall meanwhile (ms) and where."""
    heartbeat = qt_fixtures.Heartbeat()
    heartbeat.start()
    try:
        qtbot.wait(50)  # a few beats first
        action()
        qtbot.waitUntil(done, timeout=TIMEOUT_MS)
        qtbot.wait(50)  # the work that follows the result (handing it to the model)
    finally:
        heartbeat.stop()
    return heartbeat.worst_ms(), heartbeat.stall_report()


@pytest.mark.slow  # times GUI stalls: alone, not beside a second worker
def test_opening_a_big_photo_never_stalls_the_window(
    qtbot, make_window, big_photos: dict[str, Path]
) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window)
    described = _described(window)
    worst, where = _worst_while(
        qtbot,
        lambda: window.describe_files([str(big_photos["big.jpg"])]),
        lambda: _photo_name(window) == "big.jpg",
    )
    assert worst < STALL_MS, f"the GUI stalled for {worst:.0f} ms; {where}"
    assert window.controller.photo is not None
    assert window.controller.photo.original_size == (8000, 6000)
    assert described == ["big.jpg"]  # handed to the model (here none loads: it then fails)
    assert "Opening big.jpg." in window.announcer.history  # said while it decodes


@pytest.mark.slow  # times GUI stalls: alone, not beside a second worker
def test_big_png_and_tiff_pictures_never_stall_the_window(
    qtbot, make_window, other_formats: list[Path]
) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window)
    for path in other_formats:
        worst, where = _worst_while(
            qtbot,
            lambda path=path: window.describe_files([str(path)]),  # type: ignore[misc]
            lambda path=path: _photo_name(window) == path.name,  # type: ignore[misc]
        )
        assert worst < STALL_MS, f"{path.name} stalled the GUI for {worst:.0f} ms; {where}"
        assert window.controller.photo is not None
        assert window.controller.photo.original_size == (6000, 4000)


@pytest.mark.slow  # times GUI stalls: alone, not beside a second worker
def test_codes_and_colour_of_a_big_photo_never_stall_the_window(
    qtbot, make_window, big_photos: dict[str, Path]
) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window)
    window.describe_files([str(big_photos["big.jpg"])])
    qtbot.waitUntil(lambda: _photo_name(window) == "big.jpg", timeout=TIMEOUT_MS)
    said = f"QR code: {CODE_TEXT}"
    worst, where = _worst_while(
        qtbot,
        window.actions_by_id["read_codes"].trigger,
        lambda: said in window.announcer.history,
    )
    assert worst < STALL_MS, f"Control+B stalled the GUI for {worst:.0f} ms; {where}"
    count = len(window.announcer.history)
    worst, where = _worst_while(
        qtbot,
        window.actions_by_id["colour"].trigger,
        lambda: len(window.announcer.history) > count,
    )
    assert worst < STALL_MS, f"Control+K stalled the GUI for {worst:.0f} ms; {where}"
    assert window.announcer.history[-1].endswith(".")  # a colour in words


def test_codes_asked_for_while_a_photo_opens_are_those_of_that_photo(
    qtbot, make_window, big_photos: dict[str, Path]
) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window)
    window.describe_files([str(big_photos["big.jpg"])])
    window.actions_by_id["read_codes"].trigger()  # at once: the photo is still decoding
    said = f"QR code: {CODE_TEXT}"
    qtbot.waitUntil(lambda: said in window.announcer.history, timeout=TIMEOUT_MS)
    assert "There is no picture yet" not in " ".join(window.announcer.history)


def test_dropping_big_photos_keeps_their_order_and_says_errors_first(
    qtbot, make_window, big_photos: dict[str, Path], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window)
    asked: list[tuple[str, str | None, bool]] = []

    def describe_photo(picture, conversation=None, *, lead=None, after_last=False):  # type: ignore[no-untyped-def]
        asked.append((Path(picture.source).name, lead, after_last))

    window.controller.describe_photo = describe_photo  # type: ignore[method-assign]
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture")
    cut = tmp_path / "cut.jpg"  # a big photo whose copy stopped half-way
    data = big_photos["big.jpg"].read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    files = [big_photos["big.jpg"], broken, cut, big_photos["second.jpg"]]
    worst, where = _worst_while(qtbot, lambda: _drop(window, files), lambda: bool(asked))
    assert worst < STALL_MS, f"the GUI stalled for {worst:.0f} ms; {where}"
    errors = []
    for path in (broken, cut):  # the sentences the core gives, as before
        with pytest.raises(ImageError) as caught:
            load_picture(path)
        errors.append(str(caught.value))
    assert "cut.jpg is damaged" in errors[1]
    assert (" ".join(errors), True) in window.announcer.speech.said  # type: ignore[attr-defined]
    window.controller.failed.emit()  # the first one done: the next follows
    assert asked == [
        ("big.jpg", "Picture 1 of 2: big.jpg.", True),  # after the error is heard
        ("second.jpg", "Picture 2 of 2: second.jpg.", True),
    ]


def test_a_picture_too_large_is_refused_as_before(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window)
    huge = tmp_path / "huge.png"
    Image.new("1", (16_000, 16_000)).save(huge)  # 256 megapixels, a few kilobytes
    window.describe_files([str(huge)])
    refused = "huge.png is too large to open safely"
    qtbot.waitUntil(
        lambda: any(s.startswith(refused) for s in window.announcer.history), timeout=TIMEOUT_MS
    )
    assert window.controller.photo is None
    assert not multiprocessing.active_children()  # refused by its header: no child needed


@pytest.mark.slow  # times GUI stalls: alone, not beside a second worker
def test_pasting_a_big_picture_never_stalls_the_window(qtbot, make_window) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window)
    image = QImage(8000, 6000, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    clipboard = QGuiApplication.clipboard()
    clipboard.setImage(image)
    try:
        worst, where = _worst_while(
            qtbot,
            window.actions_by_id["paste_picture"].trigger,
            lambda: _photo_name(window) == "pasted picture",
        )
    finally:
        clipboard.clear()
    assert worst < STALL_MS, f"the GUI stalled for {worst:.0f} ms; {where}"
    assert window.controller.photo is not None
    assert window.controller.photo.original_size == (8000, 6000)


def test_escape_while_a_big_photo_decodes_drops_it(
    qtbot, make_window, big_photos: dict[str, Path]
) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window)
    window.describe_files([str(big_photos["big.jpg"])])
    window.actions_by_id["stop"].trigger()
    qtbot.waitUntil(lambda: not window.photo_work.busy, timeout=TIMEOUT_MS)
    qtbot.wait(100)  # a late result would arrive by now
    assert window.controller.photo is None
    assert not window.controller.busy


def test_a_second_open_wins_over_a_big_photo_still_decoding(
    qtbot, make_window, big_photos: dict[str, Path]
) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window)
    described = _described(window)
    window.describe_files([str(big_photos["big.jpg"])])
    window.describe_files([str(COFFEE)])
    qtbot.waitUntil(lambda: described == ["coffee.jpg"], timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.photo_work.busy, timeout=TIMEOUT_MS)
    qtbot.wait(100)
    assert described == ["coffee.jpg"]
    assert _photo_name(window) == "coffee.jpg"


def test_closing_the_window_while_a_big_photo_decodes(
    qtbot, make_window, big_photos: dict[str, Path]
) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window)
    window.describe_files([str(big_photos["big.jpg"]), str(big_photos["second.jpg"])])
    qtbot.waitUntil(lambda: bool(multiprocessing.active_children()))  # decoding in the child
    qtbot.wait(200)
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 2.0
    qtbot.wait(100)
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline and _photo_threads():
        time.sleep(0.05)
    assert not _photo_threads()
    assert not multiprocessing.active_children()  # the decoding child was ended
    assert window.controller.photo is None


def _photo_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "photo-work" and t.is_alive()]


@pytest.mark.allow_warning_logs  # the child's restart is logged
def test_a_decoding_child_that_died_is_started_again_at_the_next_picture(
    big_photos: dict[str, Path],
) -> None:
    pictures = PictureProcess()
    try:
        assert pictures.load_picture(big_photos["big.jpg"]).original_size == (8000, 6000)
        _kill_children()  # killed while it waits (out of memory, the user's task manager)
        assert pictures.load_picture(big_photos["second.jpg"]).original_size == (8000, 6000)
        assert pictures.load_picture(COFFEE).source == str(COFFEE)  # small: decoded here
    finally:
        pictures.close()
    _wait_for_no_children()


@pytest.mark.allow_warning_logs  # the child's end is logged
def test_a_picture_that_ends_the_child_twice_is_said_and_the_next_one_opens(
    big_photos: dict[str, Path],
) -> None:
    pictures = PictureProcess()
    try:
        with pytest.raises(ImageError, match="its decoder stopped"):
            pictures._run(os._exit, 3)  # as a decoder that crashes on a picture would
        assert pictures.load_picture(big_photos["big.jpg"]).original_size == (8000, 6000)
    finally:
        pictures.close()
    _wait_for_no_children()


def test_what_is_no_picture_is_said_without_starting_the_child(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture at all\n", encoding="utf-8")
    pictures = PictureProcess()
    try:
        for load in (
            lambda: pictures.load_picture(notes),
            lambda: pictures.picture_from_bytes(b"just some words", source="notes.txt"),
        ):
            with pytest.raises(ImageError, match=r"notes\.txt is not a picture Describe can read"):
                load()
        assert not multiprocessing.active_children()
    finally:
        pictures.close()


def test_the_window_starts_no_decoding_child_or_thread_until_a_big_photo(
    qtbot, make_window, big_photos: dict[str, Path]
) -> None:  # type: ignore[no-untyped-def]
    window = _window(make_window)
    qtbot.wait(200)
    assert not multiprocessing.active_children() and not _photo_threads()
    window.describe_files([str(COFFEE)])  # small: decoded on the thread, no child
    qtbot.waitUntil(lambda: _photo_name(window) == "coffee.jpg", timeout=TIMEOUT_MS)
    assert _photo_threads() and not multiprocessing.active_children()
    window.describe_files([str(big_photos["big.jpg"])])
    qtbot.waitUntil(lambda: _photo_name(window) == "big.jpg", timeout=TIMEOUT_MS)
    assert multiprocessing.active_children()
    window.close()
    _wait_for_no_children()
    assert not _photo_threads()


def _kill_children() -> None:
    for child in multiprocessing.active_children():
        child.kill()
        child.join(5)


def _wait_for_no_children() -> None:
    deadline = time.monotonic() + 3.0
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not multiprocessing.active_children()


def test_a_picture_offered_in_a_format_the_core_does_not_read_is_decoded_by_qt() -> None:
    from describe_app.qt.photo_input import picture_decoder

    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    mime = QMimeData()
    mime.setImageData(image)
    mime.setData("image/svg+xml", b"<svg>not for Pillow</svg>")
    decode = picture_decoder(mime)
    assert decode is not None
    picture = decode()
    assert picture.original_size == (64, 48)


def test_the_decoding_childs_sentences_are_in_the_windows_language(tmp_path: Path) -> None:
    whole = tmp_path / "whole.jpg"
    Image.new("RGB", (2400, 1800), (90, 120, 30)).save(whole, quality=95)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[:2000])  # 4.3 megapixels by its header: the child's
    set_language("fr")
    pictures = PictureProcess()
    try:
        with pytest.raises(ImageError) as caught:
            pictures.load_picture(cut)
        assert multiprocessing.active_children()  # it was the child that said so
    finally:
        pictures.close()
        set_language("en")
    with pytest.raises(ImageError) as english:
        load_picture(cut)
    assert str(caught.value) != str(english.value)
    assert "cut.jpg" in str(caught.value)
    _wait_for_no_children()

"""Several photos opened or dropped at once: each is said with its place ("Picture 2 of 3:
b.jpg."), waits for the description before it to be heard whole, and one that fails stops
none of the others; files that cannot be opened are all said, before the first."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from describe_app.core.resources import resource_path
from tests import qt_fixtures

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict
TIMEOUT_MS = 60_000


def photos(folder: Path, names: list[str]) -> list[str]:
    coffee = Image.open(resource_path("samples", "coffee.jpg")).convert("RGB")
    paths = []
    for index, name in enumerate(names):
        path = folder / name
        coffee.rotate(90 * index).save(path)
        paths.append(str(path))
    return paths


def test_each_photo_is_said_with_its_place_after_the_one_before(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir)
    qtbot.waitUntil(lambda: window.controller._bridge.is_ready, timeout=TIMEOUT_MS)
    (tmp_path / "notes.txt").write_text("not a picture", encoding="utf-8")
    files = [str(tmp_path / "notes.txt"), str(tmp_path / "gone.jpg")]
    files += photos(tmp_path, ["a.jpg", "b.jpg"])
    speech.said.clear()
    window.describe_files(files)
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    # "Opening 4 pictures." first if decoding them (off the GUI thread) is slow here
    said = [(text, cut) for text, cut in speech.said if not text.startswith("Opening ")]
    errors = said[0]
    assert errors[1] is True and "notes.txt" in errors[0] and "gone.jpg" in errors[0]
    leads = [(text, interrupt) for text, interrupt in said if text.startswith("Picture ")]
    assert leads == [("Picture 1 of 2: a.jpg.", False), ("Picture 2 of 2: b.jpg.", False)]
    # nothing after the errors cuts off what was said before it
    assert all(not interrupt for _text, interrupt in said[1:])


def test_a_photo_that_fails_stops_none_of_the_others(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _speech = make_window(speaking_model_dir, load=False)
    asked: list[tuple[str, str | None, bool]] = []

    def describe_photo(picture, conversation=None, *, lead=None, after_last=False):  # type: ignore[no-untyped-def]
        asked.append((Path(picture.source).name, lead, after_last))

    window.controller.describe_photo = describe_photo
    window.describe_files(photos(tmp_path, ["a.jpg", "b.jpg", "c.jpg"]))
    qtbot.waitUntil(lambda: bool(asked), timeout=TIMEOUT_MS)  # decoded off the GUI thread
    window.controller.failed.emit()  # a.jpg's description failed (a server's timeout)
    window.controller.failed.emit()  # and b.jpg's
    assert asked == [
        ("a.jpg", "Picture 1 of 3: a.jpg.", False),
        ("b.jpg", "Picture 2 of 3: b.jpg.", True),
        ("c.jpg", "Picture 3 of 3: c.jpg.", True),
    ]

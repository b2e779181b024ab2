"""QA pass 1 on the history and on exploring a picture: inputs the other tests do not use
(a file name in another encoding, history turned on later, the command line writing beside
the window, a newer version's entries, old entries, a long list, a key held at an edge)."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from describe_app.core.describe.explore import ExploreSession
from describe_app.core.describe.worker_events import Finished
from describe_app.core.history.entry import EntryKind, HistoryEntry
from describe_app.core.history.files import HISTORY_FILE
from describe_app.core.history.store import History
from describe_app.core.i18n import set_language
from describe_app.core.pictures.images import Picture
from describe_app.core.pictures.picture_regions import MIN_PART_SIDE, cell_name, crop_cell
from describe_app.qt.explore_controller import ExploreController
from describe_app.qt.explore_grid import ExploreGrid
from describe_app.qt.history_list import HistoryList, entry_line


@pytest.fixture(autouse=True)
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    monkeypatch.setenv("DESCRIBE_DATA_DIR", str(folder))
    yield folder
    set_language("en")


def drawing(size: tuple[int, int] = (90, 40)) -> Image.Image:
    image = Image.new("RGB", size, "navy")
    ImageDraw.Draw(image).ellipse((5, 5, size[0] - 5, size[1] - 5), fill="orange")
    return image


def texts(history: History) -> list[str]:
    return [e.text for e in history.entries]


# --- history on disk -------------------------------------------------------------------------


def test_a_file_name_in_another_encoding_is_kept_not_lost() -> None:
    """A Latin-1 file name on a UTF-8 system reaches Python as a lone surrogate; the result
    (and its picture) must still be saved, and read back."""
    history = History()
    name = b"caf\xe9 menu.png".decode("utf-8", "surrogateescape")
    entry = history.add(
        source=name, kind=EntryKind.READ, text="Soup \udcff 4 euros", picture=drawing()
    )
    assert history.write_failures == 0
    reloaded = History().entries
    assert [e.id for e in reloaded] == [entry.id]
    assert reloaded[0].source == "caf\ufffd menu.png"
    assert reloaded[0].text == "Soup \ufffd 4 euros"
    assert History().picture_path(reloaded[0]) is not None


def test_an_escaped_surrogate_on_disk_does_not_block_later_changes(data: Path) -> None:
    history = History()
    kept = history.add(source="camera", kind="describe", text="A kept one.")
    line = json.dumps({**kept.to_dict(), "id": uuid.uuid4().hex, "text": "Odd \udc80 text"})
    with history.file.open("a", encoding="utf-8") as file:
        file.write(line + "\n")
    reloaded = History()
    assert reloaded.delete(kept.id) is True  # rewriting the file must not fail
    assert texts(History()) == ["Odd \ufffd text"]


def test_turning_history_on_keeps_what_was_already_on_disk() -> None:
    before = History()
    for i in range(3):
        before.add(source="camera", kind="describe", text=f"Earlier {i}.")
    session = History(persist=False)  # the app started with history off
    session.add(source="camera", kind="describe", text="This session.")
    session.configure(persist=True)  # the user turns it on in the settings
    assert texts(History()) == ["Earlier 0.", "Earlier 1.", "Earlier 2.", "This session."]
    assert texts(session) == texts(History())


def test_entries_added_by_another_describe_survive_a_delete_here() -> None:
    window = History()
    first = window.add(source="camera", kind="describe", text="Window one.")
    command_line = History()  # `describe photo.jpg` while the window is open
    command_line.add(source="photo.jpg", kind="describe", text="Command line one.")
    window.add(source="camera", kind="describe", text="Window two.")
    window.delete(first.id)
    assert texts(History()) == ["Command line one.", "Window two."]
    assert texts(window) == ["Command line one.", "Window two."]
    window.clear()  # clear still clears everything
    assert texts(History()) == []


def test_entries_of_a_newer_version_are_kept_for_it(caplog: pytest.LogCaptureFixture) -> None:
    history = History()
    old = history.add(source="camera", kind="describe", text="Known kind.")
    future = {
        "id": uuid.uuid4().hex,
        "time": "2027-03-01T09:30:00+01:00",
        "source": "camera",
        "kind": "translation",
        "text": "Bonjour.",
        "language": "fr",
    }
    with history.file.open("a", encoding="utf-8") as file:
        file.write(json.dumps(future) + "\n")
    reloaded = History()
    assert texts(reloaded) == ["Known kind."]  # not shown by this version
    assert not list(reloaded.folder.glob(f"{HISTORY_FILE}.bad-*"))  # not called damaged
    reloaded.add(source="camera", kind="ask", text="An answer.", question="Why?")
    reloaded.delete(old.id)  # a rewrite
    on_disk = [json.loads(line) for line in reloaded.file.read_text("utf-8").splitlines()]
    assert future in on_disk
    assert "WARNING" not in caplog.text
    reloaded.clear()
    assert reloaded.file.read_text("utf-8") == ""


def test_an_entry_deleted_while_history_is_off_leaves_the_disk_too() -> None:
    history = History()
    secret = history.add(source="camera", kind="describe", text="A bank statement.")
    history.add(source="camera", kind="describe", text="A cat.")
    history.configure(persist=False)  # history turned off; what was kept stays for now
    history.add(source="camera", kind="describe", text="Only this session.")
    assert history.delete(secret.id) is True
    assert texts(History()) == ["A cat."]  # gone from disk, and nothing of now was written
    assert texts(history) == ["A cat.", "Only this session."]


@pytest.mark.allow_warning_logs
def test_clear_history_leaves_no_copy_of_a_result_behind() -> None:
    history = History()
    history.add(source="camera", kind="describe", text="A private letter.", picture=drawing())
    with history.file.open("a", encoding="utf-8") as file:
        file.write('{"id": "damaged", "text": "Private too."}\n')
    history = History()  # keeps a copy of the damaged file beside it
    assert list(history.folder.glob(f"{HISTORY_FILE}.bad-*"))
    crashed = history.pictures / f".{uuid.uuid4().hex}.jpg.abc123.tmp"  # a write cut short
    crashed.write_bytes(b"half a jpeg")
    os.utime(crashed, (time.time() - 3600, time.time() - 3600))
    being_written = history.folder / f".{HISTORY_FILE}.xyz.tmp"  # another Describe, now
    being_written.write_text("in progress", encoding="utf-8")
    history.clear()
    left = sorted(p.name for p in history.folder.rglob("*") if p.is_file())
    assert left == [being_written.name, HISTORY_FILE]
    assert history.file.read_text("utf-8") == ""


# --- the history list ------------------------------------------------------------------------


def entry_at(when: str, text: str = "A kettle.") -> HistoryEntry:
    return HistoryEntry(
        id=uuid.uuid4().hex, time=when, source="camera", kind=EntryKind.DESCRIBE, text=text
    )


def test_an_entry_of_another_day_says_its_day(qapp: QApplication) -> None:
    today = date(2026, 12, 7)
    assert entry_line(entry_at("2026-12-07T08:05:00+01:00"), today).startswith("08:05, camera")
    assert entry_line(entry_at("2026-12-06T23:59:00+01:00"), today).startswith(
        "Yesterday at 23:59, camera, Description: A kettle."
    )
    assert entry_line(entry_at("2026-11-02T14:05:00+01:00"), today).startswith(
        "2 November at 14:05, camera"
    )
    assert entry_line(entry_at("2025-11-02T14:05:00+01:00"), today).startswith(
        "2 November 2025 at 14:05, camera"
    )


def test_a_long_history_stays_quick_and_home_end_reach_its_ends(qtbot) -> None:  # type: ignore[no-untyped-def]
    entries = [
        entry_at("2026-11-01T10:00:00+00:00", f"Answer {i}. " + "A long sentence. " * 25)
        for i in range(3000)
    ]
    listing = HistoryList()
    qtbot.addWidget(listing)
    listing.resize(420, 300)
    listing.show()
    listing.show_entries(entries)
    listing.setFocus()
    listing.setCurrentRow(0)
    qtbot.keyClick(listing, Qt.Key.Key_End)
    assert listing.currentRow() == 2999
    assert listing.currentItem().text().startswith("1 November at 10:00, camera")
    qtbot.keyClick(listing, Qt.Key.Key_Home)
    assert listing.currentRow() == 0
    QApplication.processEvents()
    started = time.perf_counter()
    listing.add_entry(entry_at("2026-11-01T10:00:00+00:00", "The newest."))
    QApplication.processEvents()  # the window is busy here while the list lays itself out
    assert time.perf_counter() - started < 0.25
    assert listing.item(0).text().endswith("The newest.")


# --- exploring -------------------------------------------------------------------------------


def press(grid: ExploreGrid, key: Qt.Key, *, repeat: bool = False) -> None:
    event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, "", repeat)
    QApplication.sendEvent(grid, event)


def test_a_key_held_against_the_edge_says_the_edge_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    said: list[str] = []
    grid = ExploreGrid(said.append)
    qtbot.addWidget(grid)
    panorama = drawing((1200, 90))
    session = ExploreSession(Picture(panorama, "panorama.jpg", panorama.size))
    grid.show_session(session)
    press(grid, Qt.Key.Key_Right)
    press(grid, Qt.Key.Key_Right, repeat=True)  # held: reaches the edge
    for _i in range(10):
        press(grid, Qt.Key.Key_Right, repeat=True)
    assert said == ["Right: still looking.", "Edge. Right: still looking."]
    press(grid, Qt.Key.Key_Right)  # pressed again: the edge is said again
    assert said[-1] == "Edge. Right: still looking."
    assert len(said) == 3
    press(grid, Qt.Key.Key_Up, repeat=True)
    press(grid, Qt.Key.Key_Up, repeat=True)  # a new edge, reached by holding Up
    assert said[3:] == ["Top right: still looking.", "Edge. Top right: still looking."]


class FakeBridge(QObject):
    worker_event = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.is_ready = True
        self.jobs: list[object] = []

    def submit(self, job: object) -> int:
        self.jobs.append(job)
        return len(self.jobs)


class FakeController(QObject):
    picture_submitted = Signal(object)
    picture_described = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.busy = False


def finished(job_id: int, text: str) -> Finished:
    return Finished(job_id, SimpleNamespace(text=text))  # type: ignore[arg-type]


def test_a_part_of_the_old_picture_is_never_said_for_the_new_one(qtbot) -> None:  # type: ignore[no-untyped-def]
    bridge, controller = FakeBridge(), FakeController()
    explorer = ExploreController(bridge, controller)  # type: ignore[arg-type]
    said: list[str] = []
    grid = ExploreGrid(said.append)
    qtbot.addWidget(grid)
    explorer.session_started.connect(grid.show_session)
    explorer.session_ended.connect(grid.clear)
    explorer.region_ready.connect(grid.region_ready)
    receipt, tiny = drawing((60, 900)), drawing((32, 32))
    old = Picture(receipt, "receipt.png", receipt.size)
    new = Picture(tiny, "icon.png", tiny.size)
    controller.picture_described.emit(old)
    assert len(bridge.jobs) == 1  # the centre of the receipt, in the background
    controller.picture_submitted.emit(new)  # the user describes another picture
    controller.picture_described.emit(new)
    assert len(bridge.jobs) == 2
    bridge.worker_event.emit(finished(1, "A total of 12 euros."))  # late, for the old one
    session = explorer.session
    assert session is not None and session.picture is new and not session.texts
    grid.setFocus()
    bridge.worker_event.emit(finished(2, "An orange circle."))
    assert session.texts == {session.current(): "An orange circle."}
    assert not any("12 euros" in line for line in said)
    part = bridge.jobs[-1].request.picture  # type: ignore[attr-defined]
    assert part.size[0] >= 1 and part.size[1] >= 1
    # the icon is one part: the model is not told it is part of a larger picture
    question = bridge.jobs[-1].request.prompt.question  # type: ignore[attr-defined]
    assert "larger picture" not in question
    assert "larger picture" in bridge.jobs[0].request.prompt.question  # type: ignore[attr-defined]
    explorer.close()


@pytest.mark.parametrize(
    ("size", "rows", "columns"),
    [
        ((640, 480), 3, 3),  # an ordinary photo
        ((2400, 500), 1, 3),  # a panorama: left, centre, right
        ((320, 2600), 3, 1),  # a receipt: top, centre, bottom
        ((100, 90), 1, 2),  # a small picture: no part under MIN_PART_SIDE
        ((32, 32), 1, 1),  # an icon: one part
    ],
)
def test_the_parts_of_an_odd_picture_are_not_slivers(
    qtbot: object, size: tuple[int, int], rows: int, columns: int
) -> None:
    bridge, controller = FakeBridge(), FakeController()
    explorer = ExploreController(bridge, controller)  # type: ignore[arg-type]
    image = drawing(size)
    controller.picture_described.emit(Picture(image, "odd.png", image.size))
    session = explorer.session
    assert session is not None
    assert (session.grid.rows, session.grid.columns) == (rows, columns)
    for cell in session.grid.cells():
        part = crop_cell(session.picture, session.grid, cell)
        assert min(part.size) >= min(MIN_PART_SIDE, *size)
    names = {cell_name(session.grid, cell) for cell in session.grid.cells()}
    assert len(names) == rows * columns  # every part has its own name
    explorer.close()

"""History on disk: nothing shown is lost to a crash, and deleting really deletes."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from describe_app.core.folders import data_dir
from describe_app.core.history.entry import SOURCE_CAMERA, SOURCE_PASTED, EntryKind, HistoryEntry
from describe_app.core.history.files import HISTORY_FILE, history_dir
from describe_app.core.history.store import History
from describe_app.core.i18n import set_language
from describe_app.core.pictures.images import Picture


@pytest.fixture(autouse=True)
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    monkeypatch.setenv("DESCRIBE_DATA_DIR", str(folder))
    yield folder
    set_language("en")


def picture(colour: str = "red") -> Image.Image:
    return Image.new("RGB", (64, 48), colour)


def add_some(history: History, n: int, **kwargs: object) -> list[HistoryEntry]:
    return [
        history.add(source=SOURCE_CAMERA, kind=EntryKind.DESCRIBE, text=f"Result {i}.", **kwargs)  # type: ignore[arg-type]
        for i in range(n)
    ]


def lines_of(history: History) -> list[str]:
    return history.file.read_text(encoding="utf-8").splitlines()


def test_the_folder_comes_from_the_environment(data: Path) -> None:
    assert data_dir() == data
    assert History().folder == history_dir() == data / "history"


def test_without_the_variable_the_platform_folder_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DESCRIBE_DATA_DIR")
    assert data_dir().name == "Describe"  # only computed; nothing is read or written


def test_a_new_history_is_empty_and_creates_nothing(data: Path) -> None:
    history = History()
    assert len(history) == 0
    assert not data.exists()


def test_entries_survive_a_restart() -> None:
    history = History()
    first = history.add(
        source=SOURCE_CAMERA, kind=EntryKind.DESCRIBE, text="A mug on a desk.", model="SmolVLM"
    )
    second = history.add(
        source="receipt.jpg", kind="ask", text="12 euros.", question="What is the total?"
    )
    third = history.add(source=SOURCE_PASTED, kind=EntryKind.READ, text="EXIT")
    again = History()
    assert again.entries == [first, second, third]
    assert again.get(second.id) == second
    assert second.kind is EntryKind.ASK
    assert second.question == "What is the total?"
    assert first.model == "SmolVLM"
    assert first.when().tzinfo is not None
    assert len(lines_of(history)) == 3


def test_every_entry_is_on_disk_as_soon_as_add_returns() -> None:
    history = History()
    for i in range(3):
        entry = history.add(source=SOURCE_CAMERA, kind=EntryKind.DESCRIBE, text=f"Result {i}.")
        assert json.loads(lines_of(history)[-1])["id"] == entry.id


def test_history_survives_a_kill(tmp_path: Path, data: Path) -> None:
    """A real process adds entries, then is killed with SIGKILL: nothing it added is lost."""
    script = textwrap.dedent(
        """
        import os, signal, sys
        from describe_app.core.history.store import History
        history = History()
        for i in range(5):
            history.add(source="camera", kind="describe", text=f"Result {i}.")
        print("added", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("no SIGKILL here")
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "DESCRIBE_DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert done.stdout == "added\n"
    assert [e.text for e in History()] == [f"Result {i}." for i in range(5)]


def test_a_line_cut_short_by_a_crash_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    history = History()
    kept = add_some(history, 3)
    history.add(source=SOURCE_CAMERA, kind=EntryKind.DESCRIBE, text="The one being written.")
    raw = history.file.read_bytes()
    history.file.write_bytes(raw[:-25])  # the crash came in the middle of the last line

    with caplog.at_level(logging.INFO, logger="describe_app"):
        reloaded = History()
    assert reloaded.entries == kept
    assert "incomplete entry" in caplog.text  # a note, not a warning (conftest checks)
    # the broken tail is gone, so the next entry starts on its own line
    new = reloaded.add(source=SOURCE_CAMERA, kind=EntryKind.DESCRIBE, text="After the crash.")
    assert History().entries == [*kept, new]
    assert all(json.loads(line) for line in lines_of(reloaded))


@pytest.mark.allow_warning_logs
def test_a_damaged_line_in_the_middle_is_skipped_and_the_file_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    history = History()
    entries = add_some(history, 3)
    lines = lines_of(history)
    lines[1] = lines[1][:10] + "#garbage#"
    lines.insert(0, json.dumps({"id": "x", "text": "no time or kind"}))
    history.file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    reloaded = History()
    assert reloaded.entries == [entries[0], entries[2]]
    assert "skipped" in caplog.text
    copies = list(history.folder.glob(f"{HISTORY_FILE}.bad-*"))
    assert len(copies) == 1
    assert "#garbage#" in copies[0].read_text(encoding="utf-8")
    assert History().entries == [entries[0], entries[2]]  # the file was repaired


def test_delete_one_entry_and_its_picture() -> None:
    history = History()
    a = history.add(source=SOURCE_CAMERA, kind=EntryKind.DESCRIBE, text="A.", picture=picture())
    b = history.add(source=SOURCE_CAMERA, kind=EntryKind.DESCRIBE, text="B.", picture=picture())
    path_a = history.picture_path(a)
    assert path_a is not None
    assert path_a.is_file()
    assert history.delete(a.id) is True
    assert not path_a.exists()
    assert history.entries == [b]
    assert History().entries == [b]
    assert history.delete(a.id) is False
    assert history.delete("no-such-id") is False
    assert not list(history.folder.glob(".*.tmp")), "no temp file left behind"


def test_clear_deletes_everything() -> None:
    history = History()
    add_some(history, 3, picture=picture())
    assert len(list(history.pictures.iterdir())) == 3
    history.clear()
    assert len(history) == 0
    assert list(history.pictures.iterdir()) == []
    assert History().entries == []
    assert history.file.read_bytes() == b""


def test_pictures_are_stored_as_jpeg_for_follow_up_questions() -> None:
    history = History()
    entry = history.add(
        source="photo.png",
        kind=EntryKind.DESCRIBE,
        text="A red square.",
        picture=Picture(image=picture("red"), source="photo.png", original_size=(64, 48)),
    )
    path = history.picture_path(entry)
    assert path is not None
    assert path.parent == history.pictures
    assert path.name == entry.picture
    with Image.open(path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (64, 48)
    again = History()
    loaded = again.load_picture(again.entries[0])
    assert loaded is not None
    assert loaded.size == (64, 48)
    r, g, b = loaded.image.getpixel((32, 24))  # type: ignore[misc]
    assert r > 200 and g < 60 and b < 60


def test_privacy_option_stores_no_picture(data: Path) -> None:
    history = History(store_pictures=False)
    entry = history.add(
        source=SOURCE_CAMERA, kind=EntryKind.DESCRIBE, text="A face.", picture=picture()
    )
    assert entry.picture is None
    assert history.picture_path(entry) is None
    assert history.load_picture(entry) is None
    assert not history.pictures.exists()
    assert "jpg" not in history.file.read_text(encoding="utf-8")
    assert not list(data.rglob("*.jpg"))


def test_turning_pictures_off_later_and_deleting_them() -> None:
    history = History()
    kept = history.add(source=SOURCE_CAMERA, kind="describe", text="A.", picture=picture())
    history.configure(store_pictures=False)
    later = history.add(source=SOURCE_CAMERA, kind="describe", text="B.", picture=picture())
    assert later.picture is None
    assert history.picture_path(kept) is not None  # turning it off does not delete
    history.delete_pictures()
    assert list(history.pictures.iterdir()) == []
    assert [e.picture for e in History().entries] == [None, None]


def test_session_only_history_writes_nothing(data: Path) -> None:
    history = History(persist=False)
    add_some(history, 2, picture=picture())
    assert len(history) == 2
    assert not data.exists()
    history.configure(persist=True)  # the user turns history on: the session's entries stay
    assert len(History()) == 2


def test_only_the_newest_entries_are_kept() -> None:
    history = History(max_entries=10)
    entries = add_some(history, 25, picture=picture())
    assert history.entries == entries[-10:]
    assert len(lines_of(history)) <= 10 + 10  # rewritten once 10% (at least 10) over
    assert sorted(p.name for p in history.pictures.iterdir()) == sorted(
        e.picture for e in entries[-10:] if e.picture
    )
    assert History(max_entries=10).entries == entries[-10:]
    assert len(lines_of(history)) == 10  # trimmed on load
    smaller = History(max_entries=50)
    smaller.configure(max_entries=12)
    assert smaller.max_entries == 12
    assert len(smaller) == 10


def test_orphan_pictures_are_removed_on_load() -> None:
    history = History()
    entry = history.add(source=SOURCE_CAMERA, kind="describe", text="A.", picture=picture())
    orphan = history.pictures / ("0" * 32 + ".jpg")  # a crash between picture and line
    orphan.write_bytes(b"x")
    unrelated = history.pictures / "notes.txt"
    unrelated.write_text("mine")
    History()
    assert not orphan.exists()
    assert unrelated.exists()
    assert history.picture_path(entry) is not None


def test_export_as_plain_text(tmp_path: Path) -> None:
    history = History()
    a = history.add(source=SOURCE_CAMERA, kind=EntryKind.DESCRIBE, text="A mug on a desk.")
    b = history.add(
        source="receipt.jpg", kind=EntryKind.ASK, text="12 euros.", question="What is the total?"
    )
    one = history.export_text([b.id])
    assert one.endswith("receipt.jpg: Answer\nQuestion: What is the total?\n12 euros.\n")
    assert one.startswith(b.when().strftime("%Y-%m-%d %H:%M"))
    everything = history.export_text()
    assert everything == a.as_text() + "\n" + b.as_text()
    assert "camera: Description\nA mug on a desk.\n" in everything
    out = tmp_path / "results.txt"
    history.save_text(out)
    assert out.read_text(encoding="utf-8") == everything


def test_export_is_translated() -> None:
    history = History()
    history.add(source=SOURCE_CAMERA, kind=EntryKind.ASK, text="Oui.", question="Du café ?")
    set_language("fr")
    text = history.export_text()
    assert "caméra: Réponse\nQuestion : Du café ?\nOui.\n" in text


@pytest.mark.allow_warning_logs
def test_a_failing_disk_keeps_the_entry_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    history = History()
    history.folder.mkdir(parents=True)
    history.file.mkdir()  # a folder where the file should be
    entry = history.add(source=SOURCE_CAMERA, kind="describe", text="Still shown.")
    assert history.entries == [entry]

"""A delete or a clear in one Describe (the window, the command line beside it) is final for
every Describe sharing the history: another one's memory never writes it back, its list stops
showing it, and the pictures stay deleted. Two stores on one folder stand for two Describes;
a real second process checks that the folder's lock holds between processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from describe_app.core.history import files
from describe_app.core.history.entry import EntryKind, HistoryEntry
from describe_app.core.history.store import History

REPO = Path(__file__).resolve().parent.parent


def drawing(seed: int) -> Image.Image:
    """A small noisy picture, different for each seed (like a photo of a letter)."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(40 + seed % 7, 56, 3), dtype=np.uint8)
    return Image.fromarray(pixels, "RGB")


def add(history: History, text: str, seed: int | None = None) -> HistoryEntry:
    return history.add(
        source="letter.jpg",
        kind=EntryKind.READ,
        text=text,
        picture=None if seed is None else drawing(seed),
    )


def texts(history: History) -> list[str]:
    return [e.text for e in history.entries]


def lines_on_disk(folder: Path) -> list[dict[str, object]]:
    file = folder / files.HISTORY_FILE
    return [json.loads(line) for line in file.read_text("utf-8").splitlines() if line.strip()]


def pictures_on_disk(folder: Path) -> list[str]:
    return sorted(p.name for p in files.stored_pictures(folder / files.PICTURES_DIR))


def test_a_delete_is_not_written_back_by_the_other_describe(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    window = History(folder)
    shop = add(window, "Milk, 2 euros.", seed=1)
    bank = add(window, "Your balance is 1,204 euros.", seed=2)
    cli = History(folder)  # the command line, started while the window is open
    assert texts(cli) == [shop.text, bank.text]

    assert cli.delete(bank.id) is True  # the private letter, deleted on the command line
    later = add(window, "A bus stop.", seed=3)  # the window appends...
    assert window.delete(shop.id) is True  # ...and rewrites the file from its memory

    assert [line["text"] for line in lines_on_disk(folder)] == [later.text]
    assert texts(History(folder)) == [later.text]
    assert texts(window) == [later.text]
    assert pictures_on_disk(folder) == [f"{later.id}.jpg"]


def test_reading_the_list_notices_a_delete_elsewhere(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    window = History(folder)
    kept = [add(window, f"Label {n}.") for n in range(4)]
    cli = History(folder)
    cli.delete(kept[2].id)

    assert window.get(kept[2].id) is None
    assert len(window) == 3
    assert [e.id for e in window.entries] == [kept[0].id, kept[1].id, kept[3].id]
    assert kept[2].text not in window.export_text()
    assert window.reload() is False  # nothing more changed


def test_reload_says_whether_the_list_changed(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    window = History(folder)
    first = add(window, "A red door.")
    cli = History(folder)
    assert window.reload() is False
    cli.delete(first.id)
    assert window.reload() is True
    assert window.entries == []


def test_a_clear_is_final_and_results_added_after_it_are_kept(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    window = History(folder)
    old = [add(window, f"Medicine {n}, twice a day.", seed=10 + n) for n in range(3)]
    cli = History(folder)
    cli.clear()
    new = add(window, "A cup of tea.", seed=20)  # added after the clear: new, kept
    window.delete_pictures()  # a rewrite from the window's memory
    again = add(cli, "A train ticket.", seed=21)
    cli.delete(again.id)  # and one from the command line's

    assert [e.id for e in History(folder).entries] == [new.id]
    assert all(e.id not in {o.id for o in old} for e in window.entries)
    assert pictures_on_disk(folder) == []  # the window deleted its pictures too


def test_a_clear_then_a_trim_in_the_other_describe_brings_nothing_back(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    window = History(folder, max_entries=100)
    old = [add(window, f"Page {n}.", seed=n if n < 3 else None) for n in range(95)]
    History(folder).clear()
    # enough new results for the window to trim and rewrite the file (10 lines over the
    # limit, as it counts them)
    new = [add(window, f"Street sign {n}.") for n in range(16)]
    on_disk = [line["id"] for line in lines_on_disk(folder)]
    assert on_disk == [e.id for e in new]
    assert window.entries == new
    assert History(folder, max_entries=100).entries == new
    assert pictures_on_disk(folder) == []
    assert not {e.id for e in old} & set(on_disk)


def test_pictures_deleted_elsewhere_are_not_named_again(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    window = History(folder)
    old = [add(window, f"Bill {n}.", seed=40 + n) for n in range(3)]
    cli = History(folder)
    cli.delete_pictures()
    new = add(window, "A parcel.", seed=50)
    window.delete(old[0].id)  # rewrite

    pictures = {line["id"]: line["picture"] for line in lines_on_disk(folder)}
    assert pictures == {old[1].id: None, old[2].id: None, new.id: f"{new.id}.jpg"}
    assert [e.picture for e in window.entries] == [None, None, f"{new.id}.jpg"]
    assert pictures_on_disk(folder) == [f"{new.id}.jpg"]


def test_results_another_describe_added_still_join_the_list(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    window = History(folder)
    mine = add(window, "A blue car.")
    cli = History(folder)
    theirs = add(cli, "Dear Sam.")
    gone = add(cli, "Password 1234.")
    cli.delete(gone.id)
    assert texts(window) == [mine.text, theirs.text]
    window.delete(mine.id)
    assert texts(History(folder)) == [theirs.text]


def test_with_history_off_a_delete_elsewhere_holds_when_it_is_turned_on(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    window = History(folder)
    private = add(window, "Test results: positive.", seed=60)
    kept = add(window, "A tree.")
    window.configure(persist=False)
    session = add(window, "A dog, this session only.")  # history off: never on disk
    History(folder).delete(private.id)

    assert texts(window) == [kept.text, session.text]  # reading notices, writes nothing
    assert "this session only" not in (folder / files.HISTORY_FILE).read_text("utf-8")
    window.configure(persist=True)  # rewrites the file from memory
    assert texts(History(folder)) == [kept.text, session.text]
    assert pictures_on_disk(folder) == []


def test_history_off_writes_no_lock_and_no_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "history"
    history = History(folder, persist=False)
    add(history, "A cat.", seed=70)
    history.delete(history.entries[0].id)
    history.clear()
    history.delete_pictures()
    assert not (tmp_path / "data").exists()


def test_the_lock_lies_beside_the_folder_not_in_it(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    history = History(folder)
    add(history, "A map.", seed=80)
    history.clear()
    assert files.lock_file(folder) == tmp_path / "h.lock"
    assert files.lock_file(folder).exists()
    assert sorted(p.name for p in folder.iterdir()) == [files.HISTORY_FILE, files.PICTURES_DIR]


def run_python(script: str, folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), str(folder)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return out


def test_a_delete_in_another_process_is_final_here(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    window = History(folder)
    private = add(window, "PIN 4321.", seed=90)
    other = add(window, "A lamp.", seed=91)
    script = """
        import sys
        from pathlib import Path
        from describe_app.core.history.store import History
        print(History(Path(sys.argv[1])).delete(sys.argv[2]))
    """
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), str(folder), private.id],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert finish(process) == "True\n"
    new = add(window, "A kettle.", seed=92)
    window.delete(other.id)
    assert [e.id for e in History(folder).entries] == [new.id]
    assert pictures_on_disk(folder) == [f"{new.id}.jpg"]


def test_the_lock_holds_another_process_back(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    add(History(folder), "First.")
    script = """
        import sys
        from pathlib import Path
        from describe_app.core.history.store import History
        History(Path(sys.argv[1])).add(source="camera", kind="describe", text="Second.")
        print("added")
    """
    with files.folder_lock(folder):
        process = run_python(script, folder)
        time.sleep(1.5)  # far longer than an add takes
        assert process.poll() is None, "the other process did not wait for the lock"
        assert [line["text"] for line in lines_on_disk(folder)] == ["First."]
    assert finish(process) == "added\n"
    assert [line["text"] for line in lines_on_disk(folder)] == ["First.", "Second."]


@pytest.mark.timeout(120)
def test_two_processes_adding_and_deleting_at_once_lose_and_revive_nothing(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "h"
    window = History(folder)
    add(window, "Start.")
    script = """
        import sys
        from pathlib import Path
        from describe_app.core.history.store import History
        cli = History(Path(sys.argv[1]))
        print("ready", flush=True)
        for n in range(60):
            entry = cli.add(source="camera", kind="describe", text=f"Command line {n}.")
            if n % 3 == 2:
                cli.delete(entry.id)  # a rewrite in this process
    """
    process = run_python(script, folder)
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    deleted: set[str] = set()
    for n in range(40):
        entry = add(window, f"Window {n}.")
        if n % 2:
            window.delete(entry.id)  # a rewrite in this one
            deleted.add(entry.text)
    finish(process)
    window.delete(window.entries[0].id)  # one more rewrite, after both are done

    final = texts(History(folder))
    expected_cli = [f"Command line {n}." for n in range(60) if n % 3 != 2]
    assert sorted(t for t in final if t.startswith("Command line")) == sorted(expected_cli)
    assert not deleted & set(final)
    assert sorted(t for t in final if t.startswith("Window")) == sorted(
        f"Window {n}." for n in range(40) if n % 2 == 0
    )
    assert sorted(texts(window)) == sorted(final)


def test_a_newer_versions_line_keeps_its_place_after_a_delete_elsewhere(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    window = History(folder)
    first, second = add(window, "A fork."), add(window, "A knife.")
    future = {"id": "f" * 32, "time": first.time, "source": "camera", "kind": "smell", "text": "?"}
    with (folder / files.HISTORY_FILE).open("a", encoding="utf-8") as file:
        file.write(json.dumps(future) + "\n")  # a newer Describe's entry, after "A knife."
    last = add(window, "A spoon.")
    cli = History(folder)
    window.reload()
    cli.delete(second.id)  # the line now follows "A fork."
    window.delete(last.id)  # a rewrite from the window's memory
    assert [line["id"] for line in lines_on_disk(folder)] == [first.id, future["id"]]

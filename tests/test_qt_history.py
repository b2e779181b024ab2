"""The history list on disk: shown at start, written as results finish, copy, save, delete,
clear (confirmed by keyboard), follow-up questions about a past picture, privacy."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from describe_app.core.history.entry import HistoryEntry
from describe_app.core.history.files import HISTORY_FILE
from describe_app.core.history.store import History
from describe_app.core.resources import resource_path
from describe_app.core.settings.schema import HistorySettings, Settings
from tests import qt_fixtures

TIMEOUT_MS = 20_000
COFFEE = str(resource_path("samples", "coffee.jpg"))

# The shared window fixtures (tests/qt_fixtures.py), made visible to pytest here.
make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


def test_stored_results_are_listed_at_start_newest_first(
    make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    store = History(tmp_path / "h")
    store.add(source="camera", kind="describe", text="A red door. It is open.")
    store.add(source="letter.jpg", kind="read", text="Dear Sam,\nSee you soon.")
    window, _ = make_window(speaking_model_dir, load=False, history=History(tmp_path / "h"))
    assert window.history.count() == 2
    newest = window.history.item(0)
    assert "letter.jpg" in newest.text() and "See you soon." in newest.text()
    assert newest.data(Qt.ItemDataRole.AccessibleTextRole) == newest.text()
    assert "A red door. It is open." in window.history.item(1).text()


def test_a_result_is_on_disk_when_it_is_shown(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, history=History(tmp_path / "h"))
    window.describe_files([COFFEE])
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    on_disk = History(tmp_path / "h").entries  # what a crash right now would leave
    assert len(on_disk) == 1 and on_disk[0].source == "coffee.jpg"
    assert on_disk[0].text in window.history.item(0).text()
    assert on_disk[0].picture is not None
    assert (tmp_path / "h" / "pictures" / on_disk[0].picture).is_file()


def test_save_as_text_and_delete(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    window._history_store.add(source="camera", kind="describe", text="A cat on a sofa.")
    window._history_store.add(source="camera", kind="describe", text="A dog in a park.")
    window.history.show_entries(window._history_store.entries)
    target = tmp_path / "out" / "dog"
    target.parent.mkdir()
    monkeypatch.setattr(
        "describe_app.qt.confirm.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), "")
    )
    window.history.setCurrentRow(0)
    window.actions_by_id["save_result"].trigger()
    saved = target.with_suffix(".txt").read_text(encoding="utf-8")
    assert "A dog in a park." in saved and "cat" not in saved
    assert window.announcer.history[-1] == "Saved as dog.txt."
    window.history.setFocus()
    window.actions_by_id["delete_history_item"].trigger()
    qtbot.waitUntil(lambda: [e.text for e in window._history_store.entries] == ["A cat on a sofa."])
    assert window.history.count() == 1 and window.history.currentRow() == 0
    assert window.announcer.history[-1] == "Result deleted."


def _answer_next_box(qtbot, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    def press() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        assert box.defaultButton().text() == "&No"
        qtbot.keyClick(box, key)

    QTimer.singleShot(50, press)


def test_clear_asks_first_and_the_answer_is_given_by_keyboard(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    for n in range(3):
        window._history_store.add(source="camera", kind="describe", text=f"Scene {n}.")
    window.history.show_entries(window._history_store.entries)
    _answer_next_box(qtbot, Qt.Key.Key_Return)  # Enter: the default, No
    window.actions_by_id["clear_history"].trigger()
    assert window.history.count() == 3 and len(window._history_store) == 3
    _answer_next_box(qtbot, Qt.Key.Key_Y)  # Y: Yes
    window.actions_by_id["clear_history"].trigger()
    qtbot.waitUntil(lambda: window.history.count() == 0)
    qtbot.waitUntil(lambda: len(window._history_store) == 0)
    assert window.announcer.history[-1] == "History cleared."


def test_follow_up_question_about_a_past_picture(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.pictures.images import load_picture

    store = History(tmp_path / "h")
    past = store.add(
        source="coffee.jpg", kind="describe", text="A mug.", picture=load_picture(COFFEE)
    )
    window, _ = make_window(speaking_model_dir, history=History(tmp_path / "h"))
    assert window.controller.conversation is None
    window.history.setFocus()
    window.history.setCurrentRow(0)
    qtbot.keyClick(
        window.history,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    conversation = window.controller.conversation
    assert conversation is not None and conversation.turns[0].answer == past.text
    assert conversation.picture.image.size == load_picture(COFFEE).image.size
    assert window.question.hasFocus()
    qtbot.keyClicks(window.question, "Is it full")
    qtbot.keyClick(window.question, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    assert "Answer (Is it full)" in window.history.item(0).text()
    assert len(conversation.turns) == 2


def test_privacy_option_stores_no_picture_and_deletes_kept_ones(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.pictures.images import load_picture

    store = History(tmp_path / "h")
    kept = store.add(source="a.jpg", kind="describe", text="Kept.", picture=load_picture(COFFEE))
    assert store.picture_path(kept) is not None
    window, _ = make_window(speaking_model_dir, history=History(tmp_path / "h"))
    private = Settings(history=HistorySettings(store_pictures=False))
    window.apply_settings(private)
    qtbot.waitUntil(lambda: not any((tmp_path / "h" / "pictures").glob("*.jpg")))
    window.describe_files([COFFEE])
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    assert all(e.picture is None for e in History(tmp_path / "h").entries)
    assert not any((tmp_path / "h" / "pictures").glob("*.jpg"))
    window.history.setCurrentRow(0)
    window.actions_by_id["ask_history"].trigger()
    assert "was not kept" in window.announcer.history[-1]


class SlowHistory(History):
    """A store on a busy disk: each result takes 300 ms longer to write, and the store is
    busy (its write lock held) all that time."""

    def __init__(self, folder: Path) -> None:
        self.writes: list[tuple[float, float, str]] = []  # start, end, thread
        super().__init__(folder)

    def add(self, **kwargs: Any) -> HistoryEntry:
        started = time.perf_counter()
        with self._changing:
            time.sleep(0.3)
            entry = super().add(**kwargs)
        self.writes.append((started, time.perf_counter(), threading.current_thread().name))
        return entry


def test_a_slow_disk_never_stalls_the_window_and_the_item_comes_once_written(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    store = SlowHistory(tmp_path / "h")
    window, _ = make_window(speaking_model_dir, history=store)
    beats: list[float] = []

    def beat() -> None:
        beats.append(time.perf_counter())
        len(window._history_store)  # the window reads the store whenever it likes

    shown: list[tuple[float, list[str], str]] = []

    def on_shown(entry: HistoryEntry) -> None:
        on_disk = [e.id for e in History(tmp_path / "h").entries]  # what a crash would leave
        shown.append((time.perf_counter(), on_disk, entry.id))

    window.controller.result_finished.connect(on_shown)
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(beat)
    heartbeat.start()
    window.describe_files([COFFEE])
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    heartbeat.stop()

    ((started, ended, thread),) = store.writes
    ((shown_at, on_disk, entry_id),) = shown
    assert thread == "history-writer"
    assert shown_at >= ended and entry_id in on_disk  # shown only once it is on disk
    during = [started, *(b for b in beats if started < b < shown_at), shown_at]
    gaps = [later - earlier for earlier, later in itertools.pairwise(during)]
    print(
        f"heartbeat while writing ({(ended - started) * 1000:.0f} ms): {len(during) - 2} beats, "
        f"longest gap {max(gaps) * 1000:.1f} ms"
    )
    assert max(gaps) < 0.05, f"the window stalled {max(gaps) * 1000:.0f} ms"


def test_repeat_works_at_once_and_closing_keeps_a_result_still_being_written(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    store = SlowHistory(tmp_path / "h")
    window, speech = make_window(speaking_model_dir, history=store)
    window.describe_files([COFFEE])
    qtbot.waitUntil(lambda: "Done." in window.announcer.history, timeout=TIMEOUT_MS)
    assert window.history.count() == 0  # still on its way to disk
    window.actions_by_id["repeat"].trigger()
    entry = window.controller.last_entry
    assert entry is not None and speech.said[-1] == (entry.text, True)
    window.close()  # drains the write before it returns
    on_disk = History(tmp_path / "h").entries
    assert [(e.source, e.text) for e in on_disk] == [("coffee.jpg", entry.text)]
    assert not [t for t in threading.enumerate() if t.name == "history-writer"]


@pytest.mark.allow_warning_logs  # the store logs the failed write
def test_a_failed_write_is_said_once_and_the_result_still_shown(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir, history=History(tmp_path / "h"))
    (tmp_path / "h" / HISTORY_FILE).mkdir(parents=True)  # the disk refuses the file
    window.describe_files([COFFEE])
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    failures = [
        t for t in window.announcer.history if t.startswith("This result could not be saved")
    ]
    assert failures == ["This result could not be saved in the history: Is a directory."]
    assert failures[0] in speech.texts()
    entry = window.controller.last_entry
    assert entry is not None and entry.text in window.history.item(0).text()

    window.describe_files([COFFEE])  # the disk still refuses: not said again
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    assert [t for t in window.announcer.history if t in failures] == failures
    window.actions_by_id["repeat"].trigger()
    assert speech.said[-1] == (window.controller.last_entry.text, True)

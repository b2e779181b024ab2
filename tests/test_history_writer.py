"""The history writer: one thread writes the history in order, close drains, failures reported,
and reading the store never waits for a write in progress."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from describe_app.core.history.entry import EntryKind, HistoryEntry
from describe_app.core.history.files import HISTORY_FILE
from describe_app.core.history.store import History
from describe_app.core.history.writer import (
    THREAD_NAME,
    AddEntry,
    ClearHistory,
    Configure,
    DeleteEntry,
    DeletePictures,
    HistoryWriter,
    Operation,
    Written,
)


class Reports:
    """Collects the writer's reports (called on the writer thread)."""

    def __init__(self) -> None:
        self.done: list[Written] = []
        self.threads: set[str] = set()

    def __call__(self, done: Written) -> None:
        self.threads.add(threading.current_thread().name)
        self.done.append(done)


class SlowHistory(History):
    """A store whose disk takes ``delay`` seconds per appended line (a busy disk)."""

    delay = 0.05

    def __init__(self, folder: Path) -> None:
        self.writing = threading.Event()
        super().__init__(folder)

    def _append(self, entry: HistoryEntry) -> None:
        self.writing.set()
        time.sleep(self.delay)
        super()._append(entry)


def add(n: int) -> AddEntry:
    return AddEntry(source="camera", kind=EntryKind.DESCRIBE, text=f"Result {n}.")


def writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == THREAD_NAME]


def test_changes_are_written_in_order_on_one_thread(tmp_path: Path) -> None:
    history = History(tmp_path / "h")
    reports = Reports()
    writer = HistoryWriter(history, reports)
    adds = [add(n) for n in range(8)]
    delete = DeleteEntry("no-such-entry")
    operations: list[Operation] = [*adds[:5], delete, *adds[5:]]
    for operation in operations:
        writer.submit(operation)
    assert writer.close(5.0)

    assert [d.operation for d in reports.done] == operations
    assert reports.threads == {THREAD_NAME}
    assert all(d.error is None for d in reports.done)
    assert reports.done[5].result is False  # the delete found nothing
    texts = [e.text for e in History(tmp_path / "h").entries]  # what a restart would see
    assert texts == [f"Result {n}." for n in range(8)]
    assert [d.entry for d in reports.done if d.entry] == history.entries


def test_delete_clear_pictures_and_settings_go_through_the_writer(tmp_path: Path) -> None:
    history = History(tmp_path / "h")
    reports = Reports()
    writer = HistoryWriter(history, reports)
    picture = Image.new("RGB", (64, 48), "red")
    for n in range(3):
        writer.submit(AddEntry("camera", EntryKind.DESCRIBE, f"Result {n}.", picture=picture))
    assert writer.close(5.0)
    kept = history.entries
    assert all(history.picture_path(e) is not None for e in kept)

    writer = HistoryWriter(history, reports)
    writer.submit(DeleteEntry(kept[0].id))
    writer.submit(DeletePictures())
    writer.submit(Configure(store_pictures=False))
    writer.submit(AddEntry("camera", EntryKind.DESCRIBE, "Private.", picture=picture))
    assert writer.close(5.0)
    assert [e.text for e in History(tmp_path / "h").entries] == [
        "Result 1.",
        "Result 2.",
        "Private.",
    ]
    assert not any((tmp_path / "h" / "pictures").glob("*.jpg"))
    assert reports.done[3].result is True

    writer = HistoryWriter(history, reports)
    writer.submit(ClearHistory())
    assert writer.close(5.0)
    assert len(history) == 0 and History(tmp_path / "h").entries == []


def test_close_drains_what_is_queued(tmp_path: Path) -> None:
    history = SlowHistory(tmp_path / "h")
    reports = Reports()
    writer = HistoryWriter(history, reports)
    for n in range(6):
        writer.submit(add(n))
    assert writer.close(5.0)  # six slow writes, all done before close returns
    assert len(reports.done) == 6
    assert len(History(tmp_path / "h").entries) == 6
    assert writer_threads() == []
    with pytest.raises(RuntimeError):
        writer.submit(add(7))
    assert writer.close(0.1)  # a second close does nothing


def test_a_close_that_times_out_still_lets_the_writes_finish(tmp_path: Path) -> None:
    history = SlowHistory(tmp_path / "h")
    history.delay = 0.2
    writer = HistoryWriter(history, Reports())
    for n in range(3):
        writer.submit(add(n))
    started = time.perf_counter()
    assert not writer.close(0.1)  # returns on time: the window does not hang
    assert time.perf_counter() - started < 0.5
    for thread in writer_threads():
        assert not thread.daemon  # Python waits for it before the process ends
        thread.join(5.0)
    assert len(History(tmp_path / "h").entries) == 3


def test_no_thread_until_the_first_change(tmp_path: Path) -> None:
    writer = HistoryWriter(History(tmp_path / "h"), Reports())
    assert writer_threads() == []
    assert writer.close(0.1)
    with pytest.raises(RuntimeError):
        writer.submit(add(0))
    assert writer_threads() == []


@pytest.mark.allow_warning_logs  # the store logs the failed write as an error
def test_a_failed_write_is_reported_and_the_entry_kept_in_memory(tmp_path: Path) -> None:
    history = History(tmp_path / "h")
    (tmp_path / "h" / HISTORY_FILE).mkdir(parents=True)  # the file cannot be written
    reports = Reports()
    writer = HistoryWriter(history, reports)
    writer.submit(add(0))
    writer.submit(Configure(persist=False))
    writer.submit(add(1))  # nothing is written now: no failure
    assert writer.close(5.0)
    failed, configured, fine = reports.done
    assert isinstance(failed.error, OSError)
    assert failed.entry is not None and failed.entry.text == "Result 0."
    assert configured.error is None and fine.error is None
    assert [e.text for e in history.entries] == ["Result 0.", "Result 1."]


@pytest.mark.allow_warning_logs  # the broken callback is logged as an error
def test_a_failing_report_does_not_stop_the_writer(tmp_path: Path) -> None:
    history = History(tmp_path / "h")
    calls: list[Written] = []

    def broken(done: Written) -> None:
        calls.append(done)
        raise ValueError("the listener is broken")

    writer = HistoryWriter(history, broken)
    writer.submit(add(0))
    writer.submit(add(1))
    assert writer.close(5.0)
    assert len(calls) == 2 and len(history) == 2


def test_reading_never_waits_for_a_write_in_progress(tmp_path: Path) -> None:
    history = SlowHistory(tmp_path / "h")
    history.delay = 0.4
    writer = HistoryWriter(history, Reports())
    writer.submit(add(0))
    assert history.writing.wait(5.0)  # the writer is inside the slow disk write now
    started = time.perf_counter()
    seen = (len(history), history.entries, history.get("x"), history.export_text())
    waited = time.perf_counter() - started
    assert waited < 0.05, f"reading waited {waited * 1000:.0f} ms for the write"
    assert seen[0] == 0  # not shown before it is on disk
    assert writer.close(5.0)
    assert len(history) == 1

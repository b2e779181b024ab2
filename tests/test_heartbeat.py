"""The stall watch of the window tests: a stall caused by another thread holding Python's
global lock is reported with that thread's code (the GUI thread's own watcher is starved
then, and the report used to name an innocent GUI step)."""

from __future__ import annotations

import threading
import time

from tests.qt_fixtures import Heartbeat


def _hog_the_lock(seconds: float) -> None:
    """Hold Python's global lock for about ``seconds``: ``sum`` over a range is one C call
    that never lets go of it."""
    started = time.perf_counter()
    sum(range(1_000_000))
    per_million = time.perf_counter() - started
    sum(range(int(seconds / max(per_million, 1e-4) * 1_000_000)))


def test_a_stall_report_names_the_thread_that_held_the_lock(qtbot) -> None:  # type: ignore[no-untyped-def]
    heart = Heartbeat()
    heart.start()
    qtbot.wait(50)
    hog = threading.Thread(target=_hog_the_lock, args=(0.8,), name="hog")
    hog.start()
    qtbot.waitUntil(lambda: not hog.is_alive(), timeout=20_000)
    qtbot.wait(50)
    assert heart.worst_ms() > Heartbeat.DUMP_AFTER_S * 1000
    report = heart.stall_report()
    assert "busy threads" in report and "_hog_the_lock" in report, report


def test_no_busy_thread_is_reported_without_a_long_stall(qtbot) -> None:  # type: ignore[no-untyped-def]
    heart = Heartbeat()
    heart.start()
    qtbot.wait(200)
    assert heart.worst_ms() < Heartbeat.DUMP_AFTER_S * 1000
    assert "busy threads" not in heart.stall_report()

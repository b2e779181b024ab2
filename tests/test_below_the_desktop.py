"""The model's process runs below the user's programs: a lower CPU priority, inherited by
the threads it starts afterwards (torch's among them)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from describe_app.core.below_the_desktop import MODEL_NICE

CHILD = r"""
import os, threading
from describe_app.core.below_the_desktop import run_below_the_desktop
run_below_the_desktop()
seen = []
thread = threading.Thread(target=lambda: seen.append(os.getpriority(os.PRIO_PROCESS, 0)))
thread.start()
thread.join()
print(os.getpriority(os.PRIO_PROCESS, 0), seen[0])
"""


@pytest.mark.skipif(sys.platform == "win32", reason="nice values are POSIX")
def test_the_process_and_its_later_threads_run_at_a_lower_priority() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, timeout=60
    )
    expected = max(MODEL_NICE, os.nice(0))  # never raised: a lower one stays
    assert out.stdout.split() == [str(expected), str(expected)]


def test_on_windows_the_process_runs_below_normal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has priority classes, not nice values (psutil's names for them)."""
    import types

    from describe_app.core import below_the_desktop

    asked: list[object] = []

    class FakeProcess:
        def nice(self, value: object) -> None:
            asked.append(value)

    fake = types.SimpleNamespace(Process=FakeProcess, BELOW_NORMAL_PRIORITY_CLASS=0x4000)
    monkeypatch.setitem(sys.modules, "psutil", fake)
    monkeypatch.setattr(below_the_desktop.sys, "platform", "win32")
    below_the_desktop.run_below_the_desktop()
    assert asked == [0x4000]


def test_a_refused_change_only_costs_smoothness(monkeypatch: pytest.MonkeyPatch) -> None:
    from describe_app.core import below_the_desktop

    def refuse(*_args: object) -> None:
        raise PermissionError("not allowed")

    monkeypatch.setattr(below_the_desktop.sys, "platform", "linux")
    monkeypatch.setattr(below_the_desktop.os, "getpriority", lambda *_a: 0)
    monkeypatch.setattr(below_the_desktop.os, "setpriority", refuse)
    below_the_desktop.run_below_the_desktop()  # no exception: the model still runs

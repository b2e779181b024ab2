"""The installed Qt bindings keep Python's True and False alive while signals fire.

PySide6 6.12.0 on Python 3.11 dropped one reference to True on every Signal.emit; the window
emits signals for every camera frame, so after a minute the interpreter aborted with "Fatal
Python error: bool_dealloc". pyproject.toml keeps that release off Python < 3.12; this test
fails on any binding with the same leak. It runs in a child process, so a binding that does
crash fails this one test instead of aborting the whole run.
"""

from __future__ import annotations

import subprocess
import sys

_EMIT_SIGNALS = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    text = Signal(str)
    flag = Signal(bool)
    bare = Signal()

app = QCoreApplication([])
emitter = Emitter()
emitter.text.connect(lambda _text: None)
emitter.flag.connect(lambda _flag: None)
emitter.bare.connect(lambda: None)
before = (sys.getrefcount(True), sys.getrefcount(False))
for _ in range(40):
    emitter.text.emit("frame")
    emitter.flag.emit(True)
    emitter.flag.emit(False)
    emitter.bare.emit()
after = (sys.getrefcount(True), sys.getrefcount(False))
print(before[0] - after[0], before[1] - after[1])
"""


def test_emitting_signals_leaves_true_and_false_referenced() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _EMIT_SIGNALS], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"emitting signals crashed Python:\n{done.stderr[-2000:]}"
    lost_true, lost_false = (int(number) for number in done.stdout.split())
    assert lost_true <= 0, f"160 emits lost {lost_true} references to True"
    assert lost_false <= 0, f"160 emits lost {lost_false} references to False"

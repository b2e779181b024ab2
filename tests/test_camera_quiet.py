"""A missing camera is said once by Describe, and OpenCV prints nothing to the terminal."""

from __future__ import annotations

import os
import subprocess
import sys

# The real worker and the real OpenCV opener, retried many times on a camera that is not
# there (index 63: the highest we offer). Run in a child so its stderr is the terminal's.
_SCRIPT = """
import time
from PySide6.QtCore import QCoreApplication
from describe_app.qt.camera_source import CameraSource
from describe_app.qt.camera_worker import CameraWorker

app = QCoreApplication([])
states = []
worker = CameraWorker(CameraSource(63, label="camera 64"), retry_seconds=0.05)
worker.state_changed.connect(lambda state, detail: states.append(state.value))
worker.start()
time.sleep(1.0)
worker.close()
app.processEvents()
print("STATES", states)
"""


def test_a_missing_camera_is_said_once_and_opencv_stays_quiet() -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENCV_LOG_LEVEL"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "STATES ['missing', 'closed']" in proc.stdout, proc.stdout
    assert "WARN" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr


def test_the_user_can_turn_opencv_log_back_on() -> None:
    env = dict(os.environ, OPENCV_LOG_LEVEL="WARNING")
    code = (
        "from describe_app.core.camera.opencv import quiet_cv2; import os; cv2 = quiet_cv2(); "
        "print(os.environ['OPENCV_LOG_LEVEL'], cv2.utils.logging.getLogLevel())"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.stdout.split()[0] == "WARNING", proc.stdout + proc.stderr
    assert proc.stdout.split()[1] != "0", proc.stdout  # 0 is LOG_LEVEL_SILENT

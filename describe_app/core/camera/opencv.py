"""OpenCV, imported with its own terminal log quiet.

OpenCV writes ``[ WARN ] ... can't open camera by index`` (and on some builds an
``[ERROR]`` line) straight to the terminal each time a missing camera is tried, which the
window does every few seconds. Describe says what happened to the camera itself, once, in
the window and in its log, so OpenCV's own log is silenced. A user who wants it back for
a bug report sets ``OPENCV_LOG_LEVEL`` (for example ``OPENCV_LOG_LEVEL=INFO``); that wins.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

LOG_LEVEL_ENV = "OPENCV_LOG_LEVEL"
#: FFmpeg's own log, which OpenCV's video files and streams go through ("[png @ 0x...]
#: Invalid PNG signature", "[tcp @ ...] Failed to resolve hostname"): -8 is quiet.
FFMPEG_LOG_LEVEL_ENV = "OPENCV_FFMPEG_LOGLEVEL"


def quiet_cv2() -> Any:
    """The ``cv2`` module, with its log silenced unless the user set OPENCV_LOG_LEVEL."""
    user_level = os.environ.get(LOG_LEVEL_ENV)
    if user_level is None:
        os.environ[LOG_LEVEL_ENV] = "SILENT"  # before the first import: its own start-up log
        os.environ.setdefault(FFMPEG_LOG_LEVEL_ENV, "-8")
    import cv2

    if user_level is None:
        with contextlib.suppress(AttributeError):  # builds without cv2.utils.logging
            cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    return cv2

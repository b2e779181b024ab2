"""Timestamped lines for the camera commands (watch, guide, document, codes, light): each
event printed with the time it happened, and said with ``--speak``."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from describe_app.cli.speech import CommandLineSpeech
    from describe_app.core.camera.frame_source import FrameSource


def announce(frames: FrameSource, speech: CommandLineSpeech, text: str) -> None:
    """Print ``text`` with its time and say it."""
    print(f"[{stamp(frames)}] {text}", flush=True)
    speech.sentence(text, 0)


def stamp(frames: FrameSource) -> str:
    """Wall-clock time for a camera; the position in the video for a file."""
    if frames.is_file:
        minutes, seconds = divmod(frames.now, 60.0)
        return f"{int(minutes):02d}:{seconds:04.1f}"
    return time.strftime("%H:%M:%S")

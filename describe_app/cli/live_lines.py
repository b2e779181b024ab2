"""Timestamped lines for the camera commands (watch, guide, document, codes, light): each
event printed with the time it happened, and said with ``--speak``.

A line may hold what no one checked (a video file's name, words read off the camera), so
escape sequences and control characters are taken out before it reaches the terminal.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from describe_app.cli.output import print_json
from describe_app.core.untrusted_text import clean_text

if TYPE_CHECKING:
    from describe_app.cli.speech import CommandLineSpeech
    from describe_app.core.camera.frame_source import FrameSource


def announce(
    frames: FrameSource, speech: CommandLineSpeech, text: str, *, as_json: bool = False
) -> None:
    """Print ``text`` with its time (``as_json``: as ``{"at": ..., "message": ...}``) and
    say it."""
    text = clean_text(text)
    if as_json:
        print_json({"at": stamp(frames), "message": text})
    else:
        print(f"[{stamp(frames)}] {text}", flush=True)
    speech.sentence(text, 0)


def stamp(frames: FrameSource) -> str:
    """Wall-clock time for a camera; the position in the video for a file."""
    if frames.is_file:
        minutes, seconds = divmod(frames.now, 60.0)
        return f"{int(minutes):02d}:{seconds:04.1f}"
    return time.strftime("%H:%M:%S")

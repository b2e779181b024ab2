"""``bench_window.py``'s run of the window: the real ``run_window`` in this process,
on Qt's offscreen platform, driven by its keys.

The camera is a 640x480 video file (:func:`make_video`), or none (each press then opens
another photo, with preparing off: the full path, with no preview beside it).
:func:`run_window_bench` waits for the model and the voice, then presses Space (or runs the
three cases of ``window_cases.py``); :func:`press_key` times one press to the first sentence
on screen and in the ear.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench_engine
import window_cases
from PIL import Image
from window_harness import (
    Heartbeat,
    Press,
    WindowProbe,
    cpu_now,
    first_audio,
    hold_true,
    others_cores,
    process_cores,
    wait_until,
)


def make_video(path: Path, frames: int = 60) -> Path:
    """A 640x480 camera at 30 fps: the engine benchmark's photo, panning slowly."""
    import cv2
    import numpy as np

    frame = bench_engine.camera_frame()
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (640, 480))
    for shift in range(frames):
        writer.write(np.ascontiguousarray(np.roll(frame, shift, axis=1)))
    writer.release()
    return path


def run_window_bench(
    model_dir: Path,
    video: Path | None,
    presses: int,
    max_tokens: int,
    audio: bool,
    work: Path,
    *,
    rounds: int = 0,
    hold_s: float = 20.0,
    stall_stacks: bool = False,
) -> dict[str, Any]:
    """Drive the real ``run_window`` in this process; see the module docstring. With a
    camera and ``rounds``, the three cases of window_cases.py instead of plain presses;
    ``stall_stacks``: keep the GUI thread's stack at each stall (``Heartbeat.watch_stalls``)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    hold_true()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import describe_app.core.speech as speech_api
    from describe_app.cli import build_parser
    from describe_app.qt.app import run_window
    from describe_app.qt.main_window import MainWindow
    from describe_app.qt.quiet_speech import QuietSpeech

    player = None
    if audio:
        from describe_app.core.speech.player import SoundDevicePlayer

        player = SoundDevicePlayer()
        # The window's speech starter builds its voice with this player, so that the
        # benchmark can read the player's own clock (there is no hook for it in the app).
        speech_api.default_player = lambda: player

    # the cases' camera views, read before the GUI's stalls are measured (50 ms of reading
    # photographs on the GUI thread would count as the window's)
    views = window_cases.scenes(3 * rounds + 1) if video is not None and rounds else []
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    beat = Heartbeat()
    beat.start()
    if stall_stacks:
        beat.watch_stalls()
    out: dict[str, Any] = {"presses": []}
    failure: list[BaseException] = []
    cpu0 = cpu_now()
    # without a camera each press opens another photo (saved here: on the GUI thread,
    # saving stalls it); the first is opened unmeasured, to warm the window up
    photos = [] if video is not None else _photos(work, presses + 1)

    def drive() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        try:
            _drive(windows[0])
        except BaseException as exc:
            failure.append(exc)
        finally:
            beat.set_phase("closing")
            for window in windows:
                window.close()

    def _drive(window: Any) -> None:
        shown = beat.origin = time.perf_counter()
        beat.set_phase("load")  # run_window queues the model and the voice to start now
        probe = WindowProbe(window, player)
        window.activateWindow()  # window shortcuts fire only in the active window
        wait_until(lambda: QApplication.activeWindow() is window, 5, "the window to activate")
        wait_until(lambda: probe.ready_at is not None or bool(probe.load_failed), 600, "the model")
        if probe.load_failed:
            raise RuntimeError(probe.load_failed)
        assert probe.ready_at is not None
        out["load"] = {
            "worker_load_s": probe.load_seconds,
            "shown_to_ready_s": probe.ready_at - shown,
        }
        beat.set_phase("idle")
        wait_until(
            lambda: not isinstance(window.announcer.speech, QuietSpeech) or not audio,
            30,
            "the voice to start",
        )
        speech = window.announcer.speech
        out["speech"] = type(speech).__name__
        camera = window.controller.camera
        if camera is not None:
            wait_until(lambda: camera.latest_frame() is not None, 10, "a camera frame")
        else:  # no camera: each press opens another photo; the first is opened unmeasured
            # never prepared: each press takes the full path, which the camera's preview
            # would share the CPU with (a photo is otherwise encoded as it opens)
            from describe_app.core.live.prepare_policy import PreparePolicy

            window.controller.pictures.override = PreparePolicy.NEVER
            done = len(probe.finished_jobs)
            window.describe_files([str(photos[0])])
            wait_until(lambda: len(probe.finished_jobs) > done, 300, "the photo")
            wait_until(lambda: player is None or not player.pending(), 60, "speech to end")
        plain_presses = presses
        if camera is not None and rounds:
            beat.set_phase("generate cases")

            def press(key: Callable[[], None] | None) -> dict[str, Any]:
                wait_until(lambda: player is None or not player.pending(), 30, "speech to end")
                return press_key(window, probe, player, key)

            def quiet() -> None:
                wait_until(lambda: player is None or not player.pending(), 30, "speech to end")

            out["cases"] = window_cases.run_cases(window, views, press, wait_until, hold_s, quiet)
            beat.set_phase("idle after cases")
            plain_presses = 0
        for i in range(plain_presses):
            wait_until(lambda: player is None or not player.pending(), 30, "speech to end")
            idle_cores = process_cores(lambda: _sleep(1.0))  # the camera preview, if any
            window.result.setFocus()
            beat.set_phase(f"generate {i + 1}")
            row = {"press": i + 1, "idle_cpu_cores_before": idle_cores}
            key = None if camera is not None else _opener(window, photos[i + 1])
            out["presses"].append({**row, **press_key(window, probe, player, key)})
            beat.set_phase(f"idle after {i + 1}")
        out["route_own_voice"] = player is not None and bool(player.reports)

    QTimer.singleShot(0, drive)
    status = run_window(build_parser().parse_args(_window_args(model_dir, video, max_tokens)))
    beat.stop()
    out["exit_status"] = status
    out["stalls"] = beat.summary()
    if stall_stacks:
        out["stall_stacks"] = beat.stacks
    out["others_cpu_cores"] = others_cores(cpu0)
    if player is not None:
        out["audio_device"] = player.device_name
        out["audio_device_latency_ms"] = player.output_latency * 1000
    if failure:
        raise RuntimeError(f"the window benchmark failed: {failure[0]!r}") from failure[0]
    return out


def _photos(work: Path, count: int) -> list[Path]:
    """``count`` different 640x480 photographs as files."""
    paths = []
    for i, frame in enumerate(window_cases.scenes(count)):
        path = work / f"photo{i}.png"
        Image.fromarray(frame[:, :, ::-1].copy()).save(path)
        paths.append(path)
    return paths


def _opener(window: Any, photo: Path) -> Callable[[], None]:
    return lambda: window.describe_files([str(photo)])


def press_key(
    window: Any, probe: WindowProbe, player: Any, key: Callable[[], None] | None = None
) -> dict[str, Any]:
    """Press Space once (or ``key``); wait for the answer and its first audio; the timings."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    press = probe.press = Press(time.perf_counter())
    if key is None:
        QTest.keyClick(window.result, Qt.Key.Key_Space)
    else:
        key()
    wait_until(lambda: press.started is not None, 5, "Space to start a description")
    wait_until(lambda: press.finished is not None, 300, "the description")
    wait_until(lambda: press.painted is not None, 5, "the first sentence's paint")
    probe.press = None
    assert press.started is not None and press.sentence is not None
    assert press.painted is not None and press.finished is not None
    row: dict[str, Any] = {
        "to_started_s": press.started - press.pressed,
        "to_sentence_in_gui_s": press.sentence - press.pressed,
        "to_sentence_on_screen_s": press.painted - press.pressed,
        "to_finished_s": press.finished - press.pressed,
        "new_tokens": press.new_tokens,
        "first_sentence_chars": len(press.first_sentence_text),
        "engine_first_sentence_s": press.engine_timings.get("first_sentence"),
        "vision_s": press.engine_timings.get("vision"),  # None: the encoder did not run
    }
    if player is None:
        return row
    wait_until(lambda: first_audio(probe, press) is not None, 15, "the first sentence's audio")
    spoken = first_audio(probe, press)
    row["to_first_audio_s"] = spoken.first_sample_at - press.pressed
    row["sentence_to_audio_s"] = spoken.first_sample_at - press.sentence
    row["sentence_to_speech_queue_s"] = spoken.queued_at - press.sentence
    earcons = [r for r in probe.audio_reports(press.pressed) if r.label.startswith("earcon:")]
    if earcons and earcons[0].first_sample_at is not None:
        row["to_earcon_audio_s"] = earcons[0].first_sample_at - press.pressed
    wait_until(lambda: not player.pending(), 60, "speech to end")
    return row


def _window_args(model_dir: Path, video: Path | None, max_tokens: int) -> list[str]:
    return [
        "window",
        "--camera",
        "none" if video is None else str(video),
        "--model",
        str(model_dir),
        "--max-tokens",
        str(max_tokens),
    ]


def _sleep(seconds: float) -> None:
    end = time.perf_counter() + seconds
    wait_until(lambda: time.perf_counter() >= end, seconds + 1, "a pause")

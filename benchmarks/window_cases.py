"""``bench_window.py``'s three cases of issue 14, measured apart in one run of the window.

* **settled**: a new camera view is held still until the window has had the model process
  prepare it in the background (its ``Prepared`` event arrived); then Space. Only what the
  preparation left is timed: decoding (or nothing, where the answer's start was written
  ahead and fits the request) and speech.
* **follow-up**: right after that description, a question typed in the question field and
  sent with Enter: the picture's features are reused, the vision encoder does not run.
* **fresh**: the camera view changes to another scene and Space is pressed at once: the
  full path (vision encoder, prefill, decoding, speech); a preparation still running for
  the view before gives way.
* **held 1 s**: the view changes to another scene, is held still for
  :data:`HELD_BEFORE_KEY_S`, then Space: a user who points the camera, then presses. A
  view is prepared once it has been still for the hands-free settling time (1 s), so the
  key comes before the preparation and this is the fresh path; a preparation that has
  begun is joined by the key (its encoding is not started again).

The camera is the window's real camera worker on a video file; its newest frame is replaced
by a still scene (a real photograph, a different one each time) so that the view is exactly
as still, or as new, as each case needs. Each row says whether the vision encoder ran
(``vision_s``), from the worker's own timings.

After the rounds, the view is held still a while longer: the model process's CPU time then
is the background cost of a settled view per minute (one preparation, nothing after); the
CPU of each preparation is the cost per view change. The window also describes the parts
of the last described picture in the background (for exploring it; after the held view's
preparation, once per described picture): that CPU is counted apart, before the still view's.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from window_harness import median_of

CASES = ("settled", "fresh", "follow_up", "held_1s")
#: The "held 1 s" case: the view is held still this long before the key.
HELD_BEFORE_KEY_S = 1.0
QUESTION = "What colour is the mug?"
_SCENES = ("astronaut", "coffee", "chelsea", "rocket")
PREPARE_TIMEOUT_S = 300.0

#: press(key) presses a key in the window and returns its row (bench_window.press_key).
Press = Callable[[Callable[[], None] | None], dict[str, Any]]
Wait = Callable[[Callable[[], bool], float, str], None]


def scenes(count: int) -> list[np.ndarray]:
    """``count`` different 640x480 BGR views (real photographs; flipped once all are used),
    checked to differ as the window's view comparison sees them."""
    import cv2
    from skimage import data

    from describe_app.core.live.hands_free import WatchSettings
    from describe_app.core.live.view_settle import same_view
    from describe_app.core.pictures.grey_copies import small_grey

    out: list[np.ndarray] = []
    for i in range(count):
        rgb = getattr(data, _SCENES[i % len(_SCENES)])()
        if (i // len(_SCENES)) % 2:
            rgb = rgb[::-1]
        frame = cv2.resize(rgb, (640, 480), interpolation=cv2.INTER_AREA)[:, :, ::-1].copy()
        out.append(frame)
    settings = WatchSettings()
    for a, b in itertools.pairwise(out):
        if same_view(small_grey(a), small_grey(b), settings):
            raise RuntimeError("two benchmark scenes look the same to the window")
    return out


class StillView:
    """The camera worker's newest frame, replaced by a still scene (the worker still runs)."""

    def __init__(self, camera: Any) -> None:
        self.frame: np.ndarray | None = None
        real = camera.latest_frame

        def latest_frame(max_age: float = 2.0) -> Any:
            return self.frame if self.frame is not None else real(max_age)

        camera.latest_frame = latest_frame


class ModelCpu:
    """CPU seconds of the window's model process so far (not of the sound server, the
    speech or the text reader, which are children of this process too)."""

    def __init__(self, window: Any) -> None:
        self._worker = window._bridge._worker

    def __call__(self) -> float:
        import psutil

        pid = getattr(self._worker, "pid", None)
        if pid is None:
            raise RuntimeError("the window's model does not run in a process of its own")
        times = psutil.Process(pid).cpu_times()
        return times.user + times.system


def run_cases(
    window: Any,
    views: list[np.ndarray],
    press: Press,
    wait_until: Wait,
    hold_s: float,
    quiet: Callable[[], None] = lambda: None,
) -> dict[str, Any]:
    """``len(views) // 3`` rounds: settled, follow-up, fresh, held 1 s; then the view held
    still ``hold_s``. ``views`` (from :func:`scenes`, ``3 x rounds + 1``) are made before the
    GUI's stalls are measured: reading the photographs took 50 ms on the GUI thread.
    ``quiet`` waits until the window's speech has ended (``press`` does too, but the held
    view's time must not count that wait)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    keeper = window.controller.pictures
    view = StillView(window.controller.camera)
    rounds = len(views) // 3
    rows: dict[str, list[dict[str, Any]]] = {case: [] for case in CASES}
    preparations: list[dict[str, Any]] = []

    def ask() -> None:
        QTest.keyClick(window.question, Qt.Key.Key_Return)

    for i in range(rounds):
        _show_until_prepared(view, views[3 * i], keeper, wait_until)
        event = keeper.prepared_events[-1]
        preparations.append(
            {
                "seconds": event.seconds,
                "cpu_seconds": event.cpu_seconds,
                "first_sentence_written_ahead": event.first_sentence is not None,
                "reused": event.reused,
            }
        )
        window.result.setFocus()
        rows["settled"].append({"round": i + 1, **press(None)})
        window.question.setText(QUESTION)
        window.question.setFocus()
        rows["follow_up"].append({"round": i + 1, **press(ask)})
        view.frame = views[3 * i + 1]  # the view changes just before the key
        window.result.setFocus()
        rows["fresh"].append({"round": i + 1, **press(None)})
        quiet()
        view.frame = views[3 * i + 2]  # pointed at something else, held, then the key
        _hold(wait_until, HELD_BEFORE_KEY_S)
        rows["held_1s"].append({"round": i + 1, **press(None)})
    cpu = ModelCpu(window)
    hold = _hold_still(view, views[-1], keeper, wait_until, hold_s, window.explorer, cpu)
    return {"rows": rows, "preparations": preparations, "hold": hold, "question": QUESTION}


def _hold(wait_until: Wait, seconds: float) -> None:
    """Let the window run for ``seconds`` (its event loop turning)."""
    end = time.perf_counter() + seconds
    wait_until(lambda: time.perf_counter() >= end, seconds + 10, "the hold")


def _show_until_prepared(view: StillView, frame: np.ndarray, keeper: Any, wait_until: Wait) -> None:
    """Show ``frame`` still until the window had the model prepare it: handed over, then
    done (a preparation of the view before, resumed after the key that joined it, may
    end meanwhile: it is not this one)."""
    handed = keeper.prepared_count
    view.frame = frame
    wait_until(lambda: keeper.prepared_count > handed, PREPARE_TIMEOUT_S, "a hand-over")
    prepared = len(keeper.prepared_events)
    wait_until(lambda: len(keeper.prepared_events) > prepared, PREPARE_TIMEOUT_S, "a preparation")


def _explored(explorer: Any) -> bool:
    session = explorer.session
    return session is None or (session.next_to_describe() is None and explorer._job_id is None)


def _hold_still(
    view: StillView,
    frame: np.ndarray,
    keeper: Any,
    wait_until: Wait,
    hold_s: float,
    explorer: Any,
    model_cpu_seconds: Callable[[], float],
) -> dict[str, Any]:
    """A new view held still: its one preparation, the parts of the last described picture
    explored, then nothing (CPU counted throughout)."""
    prepared = len(keeper.prepared_events)
    cpu0 = model_cpu_seconds()
    _show_until_prepared(view, frame, keeper, wait_until)
    after_first = len(keeper.prepared_events)
    cpu_prepared, wall_prepared = model_cpu_seconds(), time.perf_counter()
    session = explorer.session
    known = len(session.texts) if session is not None else 0
    wait_until(lambda: _explored(explorer), PREPARE_TIMEOUT_S, "the parts to be described")
    explored = (len(session.texts) if session is not None else 0) - known
    cpu1, wall1 = model_cpu_seconds(), time.perf_counter()
    end = wall1 + hold_s
    wait_until(lambda: time.perf_counter() >= end, hold_s + 10, "the held view's end")
    cpu2, wall2 = model_cpu_seconds(), time.perf_counter()
    return {
        "held_s_after_preparing": wall2 - wall1,
        "preparing_model_cpu_seconds": cpu_prepared - cpu0,
        "parts_described_after": explored,
        "exploring_model_cpu_seconds": cpu1 - cpu_prepared,
        "exploring_s": wall1 - wall_prepared,
        "after_model_cpu_seconds": cpu2 - cpu1,
        "model_cpu_seconds_per_minute_after": (cpu2 - cpu1) * 60 / (wall2 - wall1),
        "preparations": len(keeper.prepared_events) - prepared,
        "preparations_after_the_first": len(keeper.prepared_events) - after_first,
    }


def summary(cases: dict[str, Any]) -> dict[str, Any]:
    """Medians per case, the settled/fresh ratio and the background cost."""
    out: dict[str, Any] = {}
    for case, rows in cases["rows"].items():
        out[case] = {
            "to_first_audio_s": median_of(rows, "to_first_audio_s"),
            "to_sentence_on_screen_s": median_of(rows, "to_sentence_on_screen_s"),
            "vision_ran": sum(1 for r in rows if r.get("vision_s") is not None),
            "presses": len(rows),
        }
    settled, fresh = out["settled"], out["fresh"]
    key = (
        "to_first_audio_s" if settled["to_first_audio_s"] is not None else "to_sentence_on_screen_s"
    )
    if settled[key] is not None and fresh[key]:
        out["settled_over_fresh"] = settled[key] / fresh[key]
    preparations = cases["preparations"]
    out["cpu_seconds_per_view_change"] = median_of(preparations, "cpu_seconds")
    out["cpu_seconds_per_minute_settled"] = cases["hold"]["model_cpu_seconds_per_minute_after"]
    return out


def table_lines(cases: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Rows for bench_window's table: (label, value, target)."""
    s = summary(cases)
    hold = cases["hold"]

    def fmt(value: float | None, spec: str = "{:.3f}") -> str:
        return "n/a" if value is None else spec.format(value)

    lines = []
    targets = {"settled": "<= 0.5", "fresh": "<= 1.5", "follow_up": "<= 0.6", "held_1s": ""}
    for case in CASES:
        row = s[case]
        label = case.replace("_", "-")
        lines.append(
            (f"{label}: key -> first audio (s)", fmt(row["to_first_audio_s"]), targets[case])
        )
        lines.append((f"{label}: key -> on screen (s)", fmt(row["to_sentence_on_screen_s"]), ""))
        lines.append((f"{label}: vision encoder ran", f"{row['vision_ran']}/{row['presses']}", ""))
    lines += [
        ("ratio settled / fresh", fmt(s.get("settled_over_fresh"), "{:.2f}"), ""),
        ("background CPU per view change (s)", fmt(s["cpu_seconds_per_view_change"], "{:.2f}"), ""),
        (
            f"exploring {hold['parts_described_after']} parts after, model CPU (s)",
            fmt(hold["exploring_model_cpu_seconds"], "{:.2f}"),
            "",
        ),
        (
            "model CPU after that, still view (s/min)",
            fmt(s["cpu_seconds_per_minute_settled"], "{:.2f}"),
            "",
        ),
        (
            "preparations after the first, held view",
            str(hold["preparations_after_the_first"]),
            "0",
        ),
    ]
    return lines

"""Hands-free mode: the change watcher describes once after a change settles, never while still."""

from __future__ import annotations

import numpy as np

from describe_app.core.live.hands_free import ChangeWatcher, WatchSettings
from tests.camera_scenes import background, page_scene


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run(frames: list[np.ndarray], settings: WatchSettings | None = None) -> list[float]:
    """Feed frames at 10 per second; the times at which the watcher said "describe"."""
    clock = FakeClock()
    watcher = ChangeWatcher(settings, clock=clock)
    times = []
    for frame in frames:
        if watcher.observe(frame):
            times.append(round(clock.now, 2))
        clock.now += 0.1
    return times


def noisy(frame: np.ndarray, seed: int) -> np.ndarray:
    """The same view with camera noise (a still scene is never bit-identical)."""
    rng = np.random.default_rng(seed)
    noise = rng.integers(-6, 7, frame.shape)
    return np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)


def test_still_scene_is_never_described() -> None:
    scene = background()
    assert run([noisy(scene, i) for i in range(100)]) == []


def test_one_description_after_the_change_settles() -> None:
    before, after = background(), page_scene()
    frames = [noisy(before, i) for i in range(30)] + [noisy(after, i) for i in range(50)]
    times = run(frames)
    assert len(times) == 1
    # the change came at 3.0 s; the view is still from then and settles 1 s later
    assert 3.9 <= times[0] <= 4.2


def test_nothing_while_the_view_keeps_moving() -> None:
    frames = [page_scene(-200 + 25 * i, 130) for i in range(30)]
    assert run([background()] * 5 + frames) == []


def test_exposure_drift_is_no_change() -> None:
    scene = background()
    frames = [np.clip(scene.astype(np.int16) + i // 2, 0, 255).astype(np.uint8) for i in range(80)]
    assert run(frames) == []


def test_rate_limit_and_threshold_are_settings() -> None:
    a, b = background(), page_scene()
    frames = ([a] * 15 + [b] * 15) * 3
    assert len(run(frames, WatchSettings(min_interval_s=0.0))) == 5
    assert len(run(frames, WatchSettings(min_interval_s=10.0))) == 1
    assert run(frames, WatchSettings(change=200.0)) == []


def test_describe_first_describes_the_starting_view() -> None:
    times = run([background()] * 30, WatchSettings(describe_first=True))
    assert len(times) == 1
    assert 1.0 <= times[0] <= 1.2

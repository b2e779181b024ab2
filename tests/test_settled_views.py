"""Prepared pictures, the Qt-free parts: a settled view is reported once, the policy follows
the battery, the setting and the command line's --prepare (``window`` and ``watch``)."""

from __future__ import annotations

import logging
from collections import namedtuple
from pathlib import Path

import pytest

from describe_app.core.live.hands_free import WatchSettings
from describe_app.core.live.prepare_policy import PreparePolicy, may_prepare, on_mains_power
from describe_app.core.live.view_settle import SettledView, SettledViewCheck, same_view
from describe_app.core.pictures.grey_copies import small_grey
from describe_app.core.settings.schema import Settings
from tests.camera_scenes import background, page_scene

#: What psutil.sensors_battery returns on a laptop.
Battery = namedtuple("Battery", "percent secsleft power_plugged")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _run(
    check: SettledViewCheck, clock: Clock, frames: list[object], step: float = 0.2
) -> list[tuple[float, SettledView]]:
    """Each frame ``step`` seconds after the last; what the check reported, and when."""
    found = []
    for frame in frames:
        clock.now += step
        result = check.check(frame)
        if result is not None:
            found.append((clock.now, result))
    return found


def test_a_settled_view_is_reported_once_then_again_after_a_change() -> None:
    clock = Clock()
    check = SettledViewCheck(WatchSettings(), clock=clock)
    found = _run(check, clock, [background()] * 20)  # 4 s of a still view
    assert len(found) == 1
    assert found[0][0] >= 1.2  # still for settle_s first (counted from its first frame)
    # the camera moves across a page, then holds still on it
    moving = [page_scene(x=-150 + 60 * i) for i in range(5)]
    assert _run(check, clock, moving) == []
    found = _run(check, clock, [page_scene()] * 20)
    assert len(found) == 1
    assert same_view(found[0][1].small, small_grey(page_scene()), check.settings)
    # back to the first view, held: a new settled view again
    assert len(_run(check, clock, [background()] * 10)) == 1


def test_a_view_is_offered_again_only_if_the_worker_does_not_have_it() -> None:
    clock = Clock()
    check = SettledViewCheck(WatchSettings(), clock=clock)
    ((_, settled),) = _run(check, clock, [page_scene()] * 10)
    check.set_reference(settled.small)  # the worker has this view
    assert _run(check, clock, [page_scene()] * 5) == []
    check.set_reference(small_grey(background()))  # it has another one (it was busy)
    assert len(_run(check, clock, [page_scene()] * 5)) == 1


def test_same_view_uses_the_watchers_change_level() -> None:
    settings = WatchSettings()
    assert same_view(small_grey(background()), small_grey(background()), settings)
    assert not same_view(small_grey(background()), small_grey(page_scene()), settings)


def test_the_policy_follows_a_faked_battery(monkeypatch: pytest.MonkeyPatch) -> None:
    import psutil

    monkeypatch.setattr(psutil, "sensors_battery", lambda: Battery(40, 3600, False))
    assert not on_mains_power()
    assert not may_prepare(PreparePolicy.MAINS)
    assert may_prepare(PreparePolicy.ALWAYS)
    monkeypatch.setattr(psutil, "sensors_battery", lambda: Battery(40, 3600, True))
    assert may_prepare(PreparePolicy.MAINS)
    assert not may_prepare(PreparePolicy.NEVER)
    monkeypatch.setattr(psutil, "sensors_battery", lambda: None)  # a desktop: no battery
    assert may_prepare(PreparePolicy.MAINS)

    def broken() -> None:
        raise OSError("no sensor")

    monkeypatch.setattr(psutil, "sensors_battery", broken)
    assert may_prepare(PreparePolicy.MAINS)


def test_the_setting_defaults_to_mains_and_is_read_from_the_file() -> None:
    assert Settings().live.prepare is PreparePolicy.MAINS
    settings, problems = Settings.from_dict({"live": {"prepare": "never"}})
    assert settings.live.prepare is PreparePolicy.NEVER and problems == []
    assert settings.to_dict()["live"]["prepare"] == "never"
    settings, problems = Settings.from_dict({"live": {"prepare": "sometimes"}})
    assert settings.live.prepare is PreparePolicy.MAINS and problems == ["live.prepare"]


def test_window_and_watch_take_prepare(capsys: pytest.CaptureFixture[str]) -> None:
    from describe_app.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["window", "--prepare", "never"]).prepare == "never"
    assert parser.parse_args(["window"]).prepare is None  # the settings decide
    assert parser.parse_args(["watch", "--prepare", "always"]).prepare == "always"
    assert parser.parse_args(["watch"]).prepare == "mains"
    with pytest.raises(SystemExit):
        parser.parse_args(["window", "--prepare", "sometimes"])
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("prepare", ["always", "never"])
def test_watch_prepares_a_view_once_it_stops_moving(
    prepare: str,
    speaking_model_dir: Path,
    aiming_video: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from describe_app.cli import main
    from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT

    caplog.set_level(logging.INFO, logger="describe_app.cli.watch_answers")
    argv = ["watch", "--camera", str(aiming_video), "--model", str(speaking_model_dir)]
    assert main([*argv, "--prepare", prepare, "--describe-anyway"]) == 0
    out = capsys.readouterr().out
    first = DEFAULT_SCRIPT.split(". ")[0]
    assert out.count(first) == 1  # the page, once it is in view and has settled
    said = [r.getMessage() for r in caplog.records]
    if prepare == "always":
        assert said.count("the view stopped moving: preparing it") == 1
        assert "the settled view is the one prepared: describing that" in said
    else:
        assert not any("prepar" in line for line in said)

"""Settings: one typed schema, saved atomically, and never a crash on a bad file."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from describe_app.core.describe.prompts import Detail
from describe_app.core.folders import config_dir
from describe_app.core.i18n import set_language
from describe_app.core.settings import settings_file as settings_module
from describe_app.core.settings.schema import (
    CAMERA_INDEX,
    HISTORY_MAX_ENTRIES,
    TEXT_ZOOM,
    CameraKind,
    CameraSettings,
    DescribeSettings,
    DisplaySettings,
    HistorySettings,
    Settings,
)
from describe_app.core.settings.settings_file import (
    SETTINGS_VERSION,
    SettingsSaveError,
    load_settings,
    migrate,
    save_settings,
    settings_path,
)
from describe_app.core.speech.speech_settings import (
    RATE_DEFAULT,
    RATE_MAX,
    VOLUME_DEFAULT,
    EarconSettings,
    OutputRoute,
    SpeechSettings,
)

BACKUP = re.compile(r"^settings\.json\.bad-\d{8}-\d{6}(-\d+)?$")


@pytest.fixture(autouse=True)
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "config"
    monkeypatch.setenv("DESCRIBE_CONFIG_DIR", str(folder))
    yield folder
    set_language("en")


def write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")


def custom() -> Settings:
    return Settings(
        camera=CameraSettings(kind=CameraKind.URL, index=2, url="rtsp://phone.local/cam"),
        describe=DescribeSettings(
            model="/models/mine", detail=Detail.HIGH, answer_language="French"
        ),
        speech=SpeechSettings(
            rate=240,
            volume=0.5,
            voice_id="fr-voice",
            route=OutputRoute.BOTH,
            earcons=EarconSettings(working=False),
        ),
        history=HistorySettings(keep_history=False, store_pictures=False, max_entries=50),
        display=DisplaySettings(text_zoom=3, ui_language="fr"),
        shortcuts={"describe": "Ctrl+Shift+Space", "quit": ""},
    )


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- where ----------------------------------------------------------------------------------


def test_the_folder_comes_from_the_environment(config: Path) -> None:
    assert config_dir() == config
    assert settings_path() == config / "settings.json"


def test_without_the_variable_the_platform_folder_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DESCRIBE_CONFIG_DIR")
    assert config_dir().name == "Describe"  # only computed; nothing is read or written


# -- good files -------------------------------------------------------------------------------


def test_no_file_gives_defaults_quietly(config: Path) -> None:
    result = load_settings()
    assert result.settings == Settings()
    assert result.message is None
    assert result.backup is None
    assert not config.exists()  # loading creates nothing


def test_round_trip(config: Path) -> None:
    path = save_settings(custom())
    assert path == config / "settings.json"
    assert files_in(config) == ["settings.json"]  # no temp file left behind
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == SETTINGS_VERSION
    assert next(iter(data)) == "version"
    result = load_settings()
    assert result.message is None
    assert result.settings == custom()


def test_defaults_round_trip_and_are_sensible() -> None:
    save_settings(Settings())
    s = load_settings().settings
    assert s == Settings()
    assert s.camera.source() == 0
    assert s.describe.model == "SmolVLM-256M-Instruct"
    assert s.describe.detail is Detail.BRIEF
    assert s.describe.language_or_none() is None
    assert s.describe.picture_check is True
    assert s.history.keep_history and s.history.store_pictures and s.history.focus_new_result
    assert s.history.max_entries == 500
    assert s.display.text_zoom == 0
    assert s.speech.rate == RATE_DEFAULT
    assert s.shortcuts == {}


def test_saving_replaces_the_old_file(config: Path) -> None:
    save_settings(Settings())
    save_settings(custom())
    assert load_settings().settings == custom()
    assert files_in(config) == ["settings.json"]


def test_unknown_keys_are_ignored_and_missing_ones_get_defaults(config: Path) -> None:
    write(
        config / "settings.json",
        {
            "version": 1,
            "from_the_future": {"x": 1},
            "camera": {"index": 3, "zoom": 2},
            "shortcuts": {"an_action_we_dropped": "Ctrl+J"},
        },
    )
    result = load_settings()
    assert result.message is None
    assert result.backup is None
    assert result.settings == Settings(camera=CameraSettings(index=3))


def test_a_file_without_version_is_read_as_version_1(config: Path) -> None:
    write(config / "settings.json", {"display": {"text_zoom": 2}})
    result = load_settings()
    assert result.message is None
    assert result.settings.display.text_zoom == 2


def test_out_of_range_numbers_are_clamped(config: Path) -> None:
    write(
        config / "settings.json",
        {
            "camera": {"index": 999},
            "history": {"max_entries": 1},
            "display": {"text_zoom": -100},
            "speech": {"rate": 10_000, "volume": 7},
        },
    )
    result = load_settings()
    assert result.message is None  # a number out of range is clamped, not an error
    s = result.settings
    assert s.camera.index == CAMERA_INDEX.max
    assert s.history.max_entries == HISTORY_MAX_ENTRIES.min
    assert s.display.text_zoom == TEXT_ZOOM.min
    assert s.speech.rate == RATE_MAX
    assert s.speech.volume == 1.0


def test_sections_clamp_when_built_in_code_too() -> None:
    assert CameraSettings(index=-5).index == 0
    assert HistorySettings(max_entries=10**9).max_entries == HISTORY_MAX_ENTRIES.max
    assert DisplaySettings(text_zoom=99).text_zoom == TEXT_ZOOM.max
    zoomed = dataclasses.replace(Settings().display, text_zoom=TEXT_ZOOM.max + 1)
    assert zoomed.text_zoom == TEXT_ZOOM.max
    assert DescribeSettings(model="  ").model == "SmolVLM-256M-Instruct"


def test_whole_floats_are_read_as_ints(config: Path) -> None:
    write(config / "settings.json", {"camera": {"index": 2.0}})
    assert load_settings().settings.camera.index == 2


def test_camera_source() -> None:
    assert CameraSettings(kind=CameraKind.INDEX, index=1, url="http://x").source() == 1
    assert CameraSettings(kind=CameraKind.URL, url=" http://cam/video ").source() == (
        "http://cam/video"
    )
    assert CameraSettings(kind=CameraKind.FILE, file="/v/demo.mp4").source() == "/v/demo.mp4"
    assert CameraSettings(kind=CameraKind.FILE, index=2).source() == 2  # no file chosen yet


def test_shortcut_overrides_are_stored_normalized(config: Path) -> None:
    s = Settings(shortcuts={"describe": "shift+ctrl+d", "nope": "Ctrl+J"})
    assert s.shortcuts == {"describe": "Ctrl+Shift+D"}
    save_settings(s)
    assert load_settings().settings.shortcuts == {"describe": "Ctrl+Shift+D"}


# -- bad files ---------------------------------------------------------------------------------


def assert_fell_back(config: Path, original: bytes | None) -> Path:
    result = load_settings()
    assert result.settings == Settings()
    assert result.message is not None
    assert result.message.startswith("Your settings could not be read")
    assert result.message.endswith(".")
    assert ". " not in result.message, "one sentence"
    assert result.backup is not None
    assert BACKUP.match(result.backup.name), result.backup.name
    assert result.backup.name in result.message
    assert not (config / "settings.json").exists(), "the bad file was moved aside"
    if original is not None:
        assert result.backup.read_bytes() == original
    # the next start is quiet, and saving works again
    assert load_settings().message is None
    save_settings(custom())
    assert load_settings().settings == custom()
    return result.backup


@pytest.mark.parametrize(
    "content",
    [
        b'{"camera": {"index": 1}',  # cut short
        b"not json at all",
        b"",
        b"[1, 2, 3]",  # valid JSON, but not an object
        b'"settings"',
        b'{"version": "two"}',
        b'{"version": 0}',
        b"\xff\xfe\x00garbage",  # not UTF-8
    ],
)
def test_a_corrupt_file_gives_defaults_a_message_and_a_backup(config: Path, content: bytes) -> None:
    config.mkdir()
    (config / "settings.json").write_bytes(content)
    assert_fell_back(config, content)


def test_a_folder_in_the_way(config: Path) -> None:
    (config / "settings.json").mkdir(parents=True)
    (config / "settings.json" / "inside.txt").write_text("x")
    backup = assert_fell_back(config, None)
    assert (backup / "inside.txt").read_text() == "x"


def test_an_unreadable_file(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(config / "settings.json", "{}")
    real = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "settings.json":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = load_settings()
    assert result.settings == Settings()
    assert result.message is not None
    assert result.backup is not None
    assert result.backup.name in result.message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_for_real(config: Path) -> None:
    write(config / "settings.json", "{}")
    (config / "settings.json").chmod(0)
    assert_fell_back(config, None)


def test_when_the_bad_file_cannot_be_moved_the_message_says_so(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(config / "settings.json", "{oops")

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(settings_module.os, "replace", refuse)
    result = load_settings()
    assert result.settings == Settings()
    assert result.backup is None
    assert result.message == (
        "Your settings could not be read, so Describe is using its default settings."
    )


def test_wrong_types_reset_only_those_fields(config: Path) -> None:
    good = custom().to_dict()
    bad = json.loads(json.dumps(good))
    bad["camera"]["index"] = "two"
    bad["camera"]["kind"] = "webcam"
    bad["history"]["keep_history"] = "yes"
    bad["history"]["max_entries"] = True
    bad["speech"]["rate"] = "fast"
    bad["speech"]["earcons"] = {"done": "no"}
    bad["shortcuts"]["repeat"] = 42
    bad["display"] = ["not", "a", "section"]
    write(config / "settings.json", bad)
    original = (config / "settings.json").read_bytes()

    result = load_settings()
    s = result.settings
    expected = custom()
    assert s.camera == dataclasses.replace(expected.camera, index=0, kind=CameraKind.INDEX)
    assert s.describe == expected.describe
    assert s.history == dataclasses.replace(expected.history, keep_history=True, max_entries=500)
    assert s.speech == expected.speech.replace(rate=RATE_DEFAULT, earcons=EarconSettings())
    assert s.display == DisplaySettings()
    assert s.shortcuts == expected.shortcuts
    assert result.message is not None
    assert result.message.startswith("Some of your settings could not be read")
    assert result.backup is not None
    assert result.backup.name in result.message
    assert result.backup.read_bytes() == original


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_numbers_that_are_not_numbers(config: Path, number: str) -> None:
    write(config / "settings.json", f'{{"speech": {{"rate": {number}, "volume": {number}}}}}')
    result = load_settings()
    assert result.settings.speech.rate == RATE_DEFAULT
    assert result.settings.speech.volume == VOLUME_DEFAULT
    assert result.message is not None


def test_wrong_speech_route_and_section_types(config: Path) -> None:
    write(config / "settings.json", {"speech": {"route": ["auto"], "voice_id": 3}, "camera": 5})
    result = load_settings()
    assert result.settings == Settings()
    assert result.message is not None


def test_two_bad_files_in_one_second_keep_both_copies(config: Path) -> None:
    backups = []
    for content in ("{1", "{2"):
        write(config / "settings.json", content)
        backup = load_settings().backup
        assert backup is not None
        backups.append(backup)
    assert backups[0] != backups[1]
    assert [b.read_text() for b in backups] == ["{1", "{2"]


def test_messages_are_translated(config: Path) -> None:
    set_language("fr")
    write(config / "settings.json", "{")
    message = load_settings().message
    assert message is not None
    assert message.startswith("Vos paramètres n’ont pas pu être lus")


# -- saving safely ------------------------------------------------------------------------------


@pytest.mark.allow_warning_logs
def test_a_failed_save_keeps_the_old_file_and_says_why(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_settings(custom())
    before = (config / "settings.json").read_bytes()

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(SettingsSaveError, match=r"could not be saved.*No space left on device"):
        save_settings(Settings())
    assert (config / "settings.json").read_bytes() == before
    assert files_in(config) == ["settings.json"], "the temp file was removed"


@pytest.mark.allow_warning_logs
def test_saving_where_a_folder_is_in_the_way_raises_a_clear_error(config: Path) -> None:
    (config / "settings.json").mkdir(parents=True)
    with pytest.raises(SettingsSaveError, match="could not be saved"):
        save_settings(Settings())


def test_the_saved_file_is_readable_json_for_people(config: Path) -> None:
    save_settings(custom())
    text = (config / "settings.json").read_text(encoding="utf-8")
    assert text.endswith("\n")
    assert '\n  "camera": {\n' in text  # indented
    assert '"route": "both"' in text


# -- versions -------------------------------------------------------------------------------------


def rename_zoom(data: dict[str, Any]) -> dict[str, Any]:
    display = dict(data.get("display", {}))
    if "zoom" in display:
        display["text_zoom"] = display.pop("zoom")
    return {**data, "display": display}


def test_migrate_runs_each_step_in_order() -> None:
    calls: list[int] = []

    def step(n: int) -> Any:
        def run(data: dict[str, Any]) -> dict[str, Any]:
            calls.append(n)
            return data

        return run

    out = migrate({"version": 1}, migrations={1: step(1), 2: step(2)}, target=3)
    assert calls == [1, 2]
    assert out["version"] == 3


def test_migrate_without_a_step_refuses() -> None:
    with pytest.raises(ValueError, match="no migration from settings version 1"):
        migrate({"version": 1}, migrations={}, target=2)


def test_load_migrates_an_old_file(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_module, "SETTINGS_VERSION", 2)
    monkeypatch.setitem(settings_module.MIGRATIONS, 1, rename_zoom)
    write(config / "settings.json", {"version": 1, "display": {"zoom": 4}})
    result = load_settings()
    assert result.message is None
    assert result.settings.display.text_zoom == 4
    save_settings(result.settings)
    assert json.loads((config / "settings.json").read_text())["version"] == 2


def test_a_file_from_a_newer_describe_is_read_as_far_as_known(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(config / "settings.json", {"version": 99, "display": {"text_zoom": 5}, "new": 1})
    with caplog.at_level(logging.INFO, logger="describe_app"):
        result = load_settings()
    assert result.message is None
    assert result.settings.display.text_zoom == 5
    assert "newer" in caplog.text


def test_deeply_nested_json_is_corrupt_not_a_crash(config: Path) -> None:
    write(config / "settings.json", '{"camera": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert load_settings().message is not None


def test_a_dangling_symlink_is_no_file(config: Path) -> None:
    config.mkdir()
    (config / "settings.json").symlink_to(config / "elsewhere.json")
    result = load_settings()
    assert result.settings == Settings()
    assert result.message is None

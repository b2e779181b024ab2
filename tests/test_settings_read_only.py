"""A command reads the settings without moving a damaged file aside: it has nowhere to say
so, and the window (which says so) would then find no file and say nothing."""

from __future__ import annotations

from pathlib import Path

from describe_app.core.settings.schema import Settings
from describe_app.core.settings.settings_file import load_settings


def test_a_damaged_file_is_left_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ damaged", encoding="utf-8")
    assert load_settings(path, read_only=True).settings == Settings()
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
    said = load_settings(path)  # the window's reading moves it aside, and says so
    assert said.message is not None and said.backup is not None


def test_what_can_be_read_is_used(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        '{"version": 1, "history": {"keep_history": false, "max_entries": "many"}}',
        encoding="utf-8",
    )
    settings = load_settings(path, read_only=True).settings
    assert settings.history.keep_history is False
    assert settings.history.max_entries == Settings().history.max_entries
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]

"""A model folder or name that cannot be used is said in the user's language (here French)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from describe_app.core.describe.local.model_registry import check_model_folder
from describe_app.core.describe.local.model_store import ModelNotAvailableError, resolve_spec
from describe_app.core.errors import ModelLoadError
from describe_app.core.i18n import set_language


@pytest.fixture
def french() -> Iterator[None]:
    assert set_language("fr") == "fr"
    yield
    set_language("en")


def test_a_missing_model_folder_is_said_in_french(french: None, tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError) as info:
        check_model_folder(tmp_path / "absent")
    assert str(info.value) == f"Le dossier de modèle {tmp_path / 'absent'} n’existe pas."


def test_a_folder_of_another_kind_of_model_is_said_in_french(french: None, tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"architectures": ["BertModel"]}))
    with pytest.raises(ModelLoadError) as info:
        check_model_folder(tmp_path)
    message = str(info.value)
    assert message.startswith(f"Le modèle dans {tmp_path} est BertModel, que Describe ne sait")
    assert "cannot run" not in message


def test_a_damaged_config_is_said_in_french(french: None, tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{ not json")
    with pytest.raises(ModelLoadError) as info:
        check_model_folder(tmp_path)
    assert "est endommagé : son config.json est illisible" in str(info.value)


def test_an_unknown_model_name_is_said_in_french(french: None) -> None:
    with pytest.raises(ModelNotAvailableError) as info:
        resolve_spec("no-such-model")
    assert str(info.value).startswith("Describe ne connaît pas de modèle nommé no-such-model.")


def test_and_in_english_otherwise(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError) as info:
        check_model_folder(tmp_path)
    assert str(info.value) == f"{tmp_path} is not a model folder: it has no config.json."


def test_a_command_speaks_the_language_of_the_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line follows the interface language the window uses: the one chosen in
    the settings (here French on an English system), else the system's."""
    from describe_app.cli import main
    from describe_app.core.settings.schema import DisplaySettings, Settings
    from describe_app.core.settings.settings_file import save_settings

    monkeypatch.setenv("LANGUAGE", "en")
    monkeypatch.setenv("DESCRIBE_CONFIG_DIR", str(tmp_path / "config"))  # this test's alone
    try:
        assert main(["describe", str(tmp_path / "absent.jpg")]) != 0
        assert "There is no file called absent.jpg." in capsys.readouterr().err
        save_settings(Settings(display=DisplaySettings(ui_language="fr")))
        assert main(["describe", str(tmp_path / "absent.jpg")]) != 0
        assert "Il n’y a pas de fichier nommé absent.jpg." in capsys.readouterr().err
    finally:
        set_language("en")


def test_a_command_leaves_a_damaged_settings_file_for_the_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the language only reads: the damaged file is not moved aside unseen (the
    window says so when it starts, and ``doctor`` reports it)."""
    from describe_app.cli import main

    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text("{ damaged", encoding="utf-8")
    monkeypatch.setenv("DESCRIBE_CONFIG_DIR", str(config))
    assert main(["describe", str(tmp_path / "absent.jpg")]) != 0
    assert sorted(p.name for p in config.iterdir()) == ["settings.json"]

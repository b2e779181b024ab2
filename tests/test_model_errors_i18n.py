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

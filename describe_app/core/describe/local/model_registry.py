"""The vision-language models Describe knows, and how to tell a usable local model folder.

The entries themselves (sizes, memory, licenses, expected speed) are the ladder in
:mod:`model_ladder`; ``MODELS`` indexes them by name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from describe_app.core.describe.local.model_families import runnable_architectures
from describe_app.core.describe.local.model_ladder import DEFAULT_MODEL as DEFAULT_MODEL
from describe_app.core.describe.local.model_ladder import LADDER
from describe_app.core.describe.local.model_ladder import ModelSpec as ModelSpec
from describe_app.core.errors import ModelLoadError
from describe_app.core.i18n import _

#: Architectures the loader can run (class names as written in ``config.json``).
SUPPORTED_ARCHITECTURES = runnable_architectures()

#: Files a model download needs; nothing else (no pickles, no ONNX, no GGUF).
MODEL_FILE_PATTERNS = ("*.json", "*.safetensors", "*.jinja", "*.txt", "tokenizer.model")


MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in LADDER}


def find_spec(name: str) -> ModelSpec | None:
    """A registry entry by short name or repo id (case-insensitive), or None."""
    wanted = name.strip().lower()
    for spec in MODELS.values():
        if wanted in (spec.name.lower(), spec.repo_id.lower()):
            return spec
    return None


def looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or "\\" in name or Path(name).expanduser().is_dir()


def read_model_config(folder: Path) -> dict[str, Any]:
    """``config.json`` of a model folder, or :class:`ModelLoadError` in one sentence."""
    config_file = folder / "config.json"
    if not folder.is_dir():
        raise ModelLoadError(_("The model folder {folder} does not exist.").format(folder=folder))
    if not config_file.is_file():
        raise ModelLoadError(
            _("{folder} is not a model folder: it has no config.json.").format(folder=folder)
        )
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(_damaged(folder)) from exc
    if not isinstance(config, dict):
        raise ModelLoadError(_damaged(folder))
    return config


def _damaged(folder: Path) -> str:
    return _("The model in {folder} is damaged: its config.json is unreadable.").format(
        folder=folder
    )


def check_model_folder(folder: Path, spec: ModelSpec | None = None) -> dict[str, Any]:
    """Check that a folder holds a supported model with safetensors weights.

    Returns its config. With a ``spec``, also compares the values the app depends on.
    """
    config = read_model_config(folder)
    architectures = config.get("architectures") or []
    if not any(a in SUPPORTED_ARCHITECTURES for a in architectures):
        kind = ", ".join(architectures) or config.get("model_type", "an unknown kind of model")
        supported = ", ".join(sorted(SUPPORTED_ARCHITECTURES))
        raise ModelLoadError(
            _(
                "The model in {folder} is {kind}, which Describe cannot run. It runs {supported}."
            ).format(folder=folder, kind=kind, supported=supported)
        )
    if not any(folder.glob("*.safetensors")):
        raise ModelLoadError(
            _(
                "The model in {folder} has no safetensors weights; Describe loads no other format."
            ).format(folder=folder)
        )
    if spec is not None:
        mismatches = config_mismatches(config, spec.expected_config)
        if mismatches:
            raise ModelLoadError(
                _("The files in {folder} are not {name}: {differences}.").format(
                    folder=folder, name=spec.name, differences="; ".join(mismatches)
                )
            )
    return config


def config_mismatches(config: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """The expected values (``a.b`` = nested key) that the config does not have."""
    found: list[str] = []
    for key, value in expected.items():
        node: Any = config
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None and node != value:
            found.append(
                _("{key} is {found}, expected {expected}").format(
                    key=key, found=repr(node), expected=repr(value)
                )
            )
    return found

"""A model shipped inside an offline installer (``resources/models/NAME``), if any.

The PyInstaller spec copies the folder named by ``DESCRIBE_BUNDLE_MODEL`` there when an
organisation builds an installer for computers without internet. Looking costs one
directory check and never touches the network.
"""

from __future__ import annotations

from pathlib import Path

from describe_app.core.resources import resource_path


def bundled_model_path(name: str) -> Path | None:
    """The folder of the registry model ``name`` if this installation ships it, else None."""
    folder = resource_path("models", name)
    if (folder / "config.json").is_file() and any(folder.glob("*.safetensors")):
        return folder
    return None

"""Where models live on disk, and how they get there.

Registry models are kept in the standard Hugging Face cache (``HF_HOME``), so a model
already fetched by another tool is reused. Finding a model never touches the network;
only an explicit download (or the first use, when allowed) does, through
:mod:`~describe_app.core.describe.local.model_download` (space checked, resumed, checked
against the hub's checksums).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from describe_app.core.describe.local.bundled_model import bundled_model_path
from describe_app.core.describe.local.download_progress import DownloadProgress
from describe_app.core.describe.local.model_registry import (
    DEFAULT_MODEL,
    MODELS,
    ModelSpec,
    check_model_folder,
    find_spec,
    looks_like_path,
)
from describe_app.core.errors import ModelNotAvailableError
from describe_app.core.i18n import _


@dataclass(frozen=True)
class ModelLocation:
    name: str
    path: Path
    spec: ModelSpec | None  # None for a folder the user pointed at


def fetch_command(spec: ModelSpec) -> str:
    if spec.name == DEFAULT_MODEL:
        return "describe-app models download"
    return f"describe-app models download {spec.name}"


def resolve_spec(name: str | None) -> ModelSpec:
    spec = find_spec(name or DEFAULT_MODEL)
    if spec is None:
        known = ", ".join(MODELS)
        raise ModelNotAvailableError(
            _(
                "Describe does not know a model called {name}. "
                "Choose one of {known}, or give the path of a model folder."
            ).format(name=name, known=known)
        )
    return spec


def cached_path(spec: ModelSpec) -> Path | None:
    """The model's folder in the local cache if it is complete there, else None. Offline,
    and quick: it reads the cache's folders without loading the hub library."""
    from describe_app.core.describe.local.hub_files import snapshot_folder

    path = snapshot_folder(spec)
    if path is None:
        return None
    if not (path / "config.json").is_file() or not any(path.glob("*.safetensors")):
        return None
    if not all((path / shard).is_file() for shard in _indexed_shards(path)):
        return None  # part of a sharded model: not usable
    return path


def _indexed_shards(folder: Path) -> set[str]:
    """The weight files a ``*.safetensors.index.json`` in ``folder`` lists."""
    shards: set[str] = set()
    for index in folder.glob("*.safetensors.index.json"):
        try:
            weight_map = json.loads(index.read_text(encoding="utf-8")).get("weight_map", {})
            shards.update(str(name) for name in weight_map.values())
        except (OSError, ValueError, AttributeError):
            shards.add(index.name.removesuffix(".index.json"))  # unreadable: ask for its file
    return shards


#: Receives the share of the download done, 0.0 to 1.0.
ProgressSink = Callable[[float], None]


def download(
    spec: ModelSpec,
    *,
    on_start: Callable[[ModelSpec], None] | None = None,
    on_progress: ProgressSink | None = None,
) -> Path:
    """Fetch a registry model into the cache (:class:`ModelDownload`: space checked first,
    resumed, checksums verified). Returns its folder.

    ``on_start`` is told once the hub has answered, just before the files come down, so
    that "downloading..." is never said when there is no connection.
    """
    from describe_app.core.describe.local.model_download import ModelDownload

    def report(progress: DownloadProgress) -> None:
        if on_progress is not None:
            on_progress(progress.fraction)

    return ModelDownload(spec, report, on_start=on_start, command=fetch_command(spec)).run()


def missing_model(name_or_path: str | None) -> ModelSpec | None:
    """The registry model ``name_or_path`` names when it is not on this computer yet;
    None for a folder, an unknown name, or a model that is here. Offline."""
    if name_or_path and looks_like_path(name_or_path):
        return None
    spec = find_spec(name_or_path or DEFAULT_MODEL)
    if spec is None or bundled_model_path(spec.name) or cached_path(spec):
        return None
    return spec


def locate_model(
    name_or_path: str | None,
    *,
    allow_download: bool,
    on_download: Callable[[ModelSpec], None] | None = None,
    on_progress: ProgressSink | None = None,
    download_hint: str | None = None,
) -> ModelLocation:
    """Find the model to use: a folder, or a registry model (downloaded if allowed).

    ``on_download`` is told before a first-time download starts (to say so to the user).
    ``download_hint``: how to download the model, said when it is missing and downloading
    is not allowed (default: the command).
    """
    if name_or_path and looks_like_path(name_or_path):
        folder = Path(name_or_path).expanduser().resolve()
        check_model_folder(folder)
        return ModelLocation(name=folder.name, path=folder, spec=None)
    spec = resolve_spec(name_or_path)
    path = bundled_model_path(spec.name) or cached_path(spec)
    if path is None:
        if not allow_download:
            how = download_hint or _("Download it with: {command}").format(
                command=fetch_command(spec)
            )
            raise ModelNotAvailableError(
                _("{name} is not on this computer yet ({size} MB).").format(
                    name=spec.name, size=spec.download_mb
                )
                + " "
                + how
            )
        path = download(spec, on_start=on_download, on_progress=on_progress)
    return ModelLocation(name=spec.name, path=path, spec=spec)

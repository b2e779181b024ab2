"""Where models live on disk, and how they get there.

Registry models are kept in the standard Hugging Face cache (``HF_HOME``), so a model
already fetched by another tool is reused. Finding a model never touches the network;
only an explicit download (or the first use, when allowed) does, with a progress bar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from describe_app.core.describe.local.bundled_model import bundled_model_path
from describe_app.core.describe.local.model_registry import (
    DEFAULT_MODEL,
    MODEL_FILE_PATTERNS,
    MODELS,
    ModelSpec,
    check_model_folder,
    find_spec,
    looks_like_path,
)
from describe_app.core.errors import ModelNotAvailableError

log = logging.getLogger(__name__)


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
            f"Describe does not know a model called {name}. "
            f"Choose one of {known}, or give the path of a model folder."
        )
    return spec


def cached_path(spec: ModelSpec) -> Path | None:
    """The model's folder in the local cache if it is complete there, else None. Offline."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        folder = snapshot_download(
            spec.repo_id,
            revision=spec.revision,
            allow_patterns=list(MODEL_FILE_PATTERNS),
            local_files_only=True,
        )
    except (LocalEntryNotFoundError, FileNotFoundError, OSError, ValueError):
        return None
    path = Path(str(folder))
    if not (path / "config.json").is_file() or not any(path.glob("*.safetensors")):
        return None
    return path


#: Receives the share of the download done, 0.0 to 1.0.
ProgressSink = Callable[[float], None]


def progress_bar_class(sink: ProgressSink) -> type:
    """A tqdm class for huggingface_hub that reports the bytes received to ``sink``."""
    from huggingface_hub.utils import tqdm as hf_tqdm

    class ReportingBar(hf_tqdm):
        def update(self, n: float | None = 1) -> bool | None:
            shown = super().update(n)
            # a disabled bar (no terminal) has none of these attributes
            total = getattr(self, "total", None)
            if getattr(self, "unit", "") == "B" and total:
                sink(min(1.0, float(getattr(self, "n", 0)) / float(total)))
            return shown

    return ReportingBar


def download(
    spec: ModelSpec,
    *,
    progress: bool = True,
    on_start: Callable[[ModelSpec], None] | None = None,
    on_progress: ProgressSink | None = None,
) -> Path:
    """Fetch a registry model into the cache (progress bars on stderr). Returns its folder.

    ``on_start`` is told once the hub has answered, just before the files come down, so
    that "downloading..." is never said when there is no connection.
    """
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )
    from huggingface_hub.utils import disable_progress_bars, enable_progress_bars

    log.info("downloading %s (%s@%s)", spec.name, spec.repo_id, spec.revision)
    if not progress:
        disable_progress_bars()
    try:
        HfApi().repo_info(spec.repo_id, revision=spec.revision)
        if on_start is not None:
            on_start(spec)
        folder = snapshot_download(
            spec.repo_id,
            revision=spec.revision,
            allow_patterns=list(MODEL_FILE_PATTERNS),
            tqdm_class=progress_bar_class(on_progress) if on_progress else None,
        )
    except OfflineModeIsEnabled as exc:
        raise ModelNotAvailableError(
            f"{spec.name} is not on this computer, and offline mode (HF_HUB_OFFLINE) is on. "
            f"Turn it off and run: {fetch_command(spec)}"
        ) from exc
    except (RepositoryNotFoundError, RevisionNotFoundError, GatedRepoError) as exc:
        raise ModelNotAvailableError(
            f"{spec.name} ({spec.repo_id}, revision {spec.revision}) "
            "was not found on the model hub."
        ) from exc
    except (HfHubHTTPError, OSError, ValueError) as exc:
        log.info("download of %s failed: %r", spec.name, exc)
        raise ModelNotAvailableError(
            f"{spec.name} is not on this computer yet and could not be downloaded: no connection "
            f"to the model hub. Connect to the internet and run: {fetch_command(spec)}"
        ) from exc
    except Exception as exc:  # httpx and friends raise their own connection errors
        if not type(exc).__module__.startswith(("httpx", "httpcore", "requests", "urllib3")):
            raise
        log.info("download of %s failed: %r", spec.name, exc)
        raise ModelNotAvailableError(
            f"{spec.name} is not on this computer yet and could not be downloaded: no connection "
            f"to the model hub. Connect to the internet and run: {fetch_command(spec)}"
        ) from exc
    finally:
        if not progress:
            enable_progress_bars()
    path = Path(str(folder))
    check_model_folder(path, spec)
    return path


def locate_model(
    name_or_path: str | None,
    *,
    allow_download: bool,
    on_download: Callable[[ModelSpec], None] | None = None,
    on_progress: ProgressSink | None = None,
) -> ModelLocation:
    """Find the model to use: a folder, or a registry model (downloaded if allowed).

    ``on_download`` is told before a first-time download starts (to say so to the user).
    """
    if name_or_path and looks_like_path(name_or_path):
        folder = Path(name_or_path).expanduser().resolve()
        check_model_folder(folder)
        return ModelLocation(name=folder.name, path=folder, spec=None)
    spec = resolve_spec(name_or_path)
    path = bundled_model_path(spec.name) or cached_path(spec)
    if path is None:
        if not allow_download:
            raise ModelNotAvailableError(
                f"{spec.name} is not on this computer yet. Download it ({spec.download_mb} MB) "
                f"with: {fetch_command(spec)}"
            )
        path = download(spec, on_start=on_download, on_progress=on_progress)
    return ModelLocation(name=spec.name, path=path, spec=spec)

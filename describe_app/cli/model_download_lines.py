"""``describe-app models download [NAME]``: the window's download job, said in lines.

The core's :class:`~describe_app.core.describe.local.model_download.ModelDownload` does the
work (disk space checked first, checksums verified, a second run continues where the first
stopped). Here its progress becomes one line on standard error per tenth ("40 percent,
about 2 minutes left."), which a screen reader reads without a flood of bar redraws, and
Ctrl+C stops it cleanly: what came down is kept for the next run, nothing half is usable.
"""

from __future__ import annotations

import sys

from describe_app.cli import interrupts
from describe_app.cli.output import error
from describe_app.core.describe.local.download_progress import DownloadProgress, SpokenTenths
from describe_app.core.describe.local.model_registry import ModelSpec
from describe_app.core.errors import Cancelled
from describe_app.core.i18n import _


def run_download(name: str | None) -> int:
    """Download the model ``name`` (default: the default model); the exit status."""
    from describe_app.core.describe.local.model_download import ModelDownload
    from describe_app.core.describe.local.model_store import (
        cached_path,
        fetch_command,
        resolve_spec,
    )

    spec = resolve_spec(name)
    existing = cached_path(spec)
    if existing:
        print(_("{name} is already on this computer: {path}").format(name=spec.name, path=existing))
        return 0
    tenths = SpokenTenths()

    def started(spec: ModelSpec) -> None:
        _line(_("Downloading {name} ({size} MB)...").format(name=spec.name, size=spec.download_mb))

    def progressed(progress: DownloadProgress) -> None:
        sentence = tenths.sentence(progress)
        if sentence:
            _line(sentence)

    job = ModelDownload(spec, progressed, on_start=started, command=fetch_command(spec))
    with interrupts.quit_with(job.cancel):  # Ctrl+C stops the job within one piece
        try:
            path = job.run()
        except Cancelled:
            error(_("Download stopped; run the same command again to continue where it stopped."))
            return interrupts.stop_code() or 130
    print(_("{name} is ready: {path}").format(name=spec.name, path=path))
    return 0


def _line(text: str) -> None:
    print(text, file=sys.stderr, flush=True)

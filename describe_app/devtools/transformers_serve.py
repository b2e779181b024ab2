"""How tests and benchmarks start ``transformers serve`` (transformers' own
OpenAI-compatible server) on loopback, offline, for a local model folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def serve_command(model_dir: Path, port: int, *, dtype: str | None = None) -> list[str]:
    """The command line that serves ``model_dir`` on 127.0.0.1:``port`` on the CPU."""
    command = [
        sys.executable,
        "-m",
        "transformers.cli.transformers",
        "serve",
        str(model_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--device",
        "cpu",
    ]
    if dtype is not None:
        command += ["--dtype", dtype]
    return command


def serve_environment(**extra: str) -> dict[str, str]:
    """This process's environment, offline and quiet, plus ``extra``."""
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error", **extra}

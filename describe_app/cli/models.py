"""The ``models`` command: which models Describe can use, and getting them.

    describe-app models list             the models, and which are on this computer
    describe-app models download [NAME]  download one (default: SmolVLM-256M-Instruct)
    describe-app models path [NAME]      print the folder it is stored in

A model is also any folder holding a SmolVLM/Idefics3 model, given as ``--model FOLDER``.
"""

from __future__ import annotations

import argparse
import sys


def add_models_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``models`` and its actions."""
    p = commands.add_parser("models", help="list, download or locate models")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="the models Describe can use, and which are on this computer")
    d = actions.add_parser("download", help="download a model (default: SmolVLM-256M-Instruct)")
    d.add_argument("name", nargs="?", metavar="NAME")
    d = actions.add_parser("path", help="print the folder a model is stored in")
    d.add_argument("name", nargs="?", metavar="NAME")


def run_models(args: argparse.Namespace) -> int:
    if args.action == "list":
        return _list()
    if args.action == "download":
        return _download(args.name)
    return _path(args.name)


def _list() -> int:
    from describe_app.core.describe.local.model_registry import DEFAULT_MODEL, MODELS
    from describe_app.core.describe.local.model_store import cached_path

    for spec in MODELS.values():
        where = cached_path(spec)
        state = "on this computer" if where else f"not downloaded ({spec.download_mb} MB)"
        default = " (default)" if spec.name == DEFAULT_MODEL else ""
        print(f"{spec.name}{default}: {spec.summary} [{state}]")
    print("Any folder holding a SmolVLM/Idefics3 model also works: --model /path/to/folder")
    return 0


def _download(name: str | None) -> int:
    from describe_app.core.describe.local.model_store import cached_path, download, resolve_spec

    spec = resolve_spec(name)
    existing = cached_path(spec)
    if existing:
        print(f"{spec.name} is already on this computer: {existing}")
        return 0
    print(f"Downloading {spec.name} ({spec.download_mb} MB)...", file=sys.stderr, flush=True)
    path = download(spec)
    print(f"{spec.name} is ready: {path}")
    return 0


def _path(name: str | None) -> int:
    from describe_app.core.describe.local.model_store import locate_model

    location = locate_model(name, allow_download=False)
    print(location.path)
    return 0

"""The ``demo`` command: read and describe the two sample pictures that come with Describe,
showing the commands that do it."""

from __future__ import annotations

import argparse

from describe_app import __version__
from describe_app.cli.output import PROG
from describe_app.cli.pictures import run_describe, run_read


def add_demo_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    model_opts: argparse.ArgumentParser,
) -> None:
    """Register ``demo``."""
    commands.add_parser(
        "demo", parents=[model_opts], help="describe and read the bundled sample pictures"
    )


def run_demo(args: argparse.Namespace) -> int:
    from describe_app.core.resources import resource_path

    coffee = resource_path("samples", "coffee.jpg")
    notice = resource_path("samples", "notice.jpg")
    print(f"Describe {__version__}: a short demonstration on {coffee.name} and {notice.name}.")
    print(f"\n$ {PROG} read {notice.name}", flush=True)
    status = run_read(argparse.Namespace(images=[str(notice)], json=False))
    print(f"\n$ {PROG} describe {coffee.name}", flush=True)
    args.images = [str(coffee)]
    args.detail = "brief"
    status = run_describe(args) or status
    print(
        "\nTry it on your own pictures: describe-app describe PHOTO  (describe-app --help for more)"
    )
    return status

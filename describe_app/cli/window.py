"""The ``window`` command, also what runs when no command is given: open the Describe
window. Qt is imported only when it runs, so ``describe-app --help`` answers at once."""

from __future__ import annotations

import argparse


def add_window_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    model_opts: argparse.ArgumentParser,
) -> None:
    """Register ``window``."""
    p = commands.add_parser(
        "window",
        parents=[model_opts],
        help="open the Describe window (the default when no command is given)",
        description="Open the window: camera preview, Space describes, Ctrl+O opens a photo.",
    )
    p.add_argument(
        "--camera",
        metavar="SOURCE",
        help="camera number (0 = first), an http/rtsp address, a video file, or 'none'",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="photos to describe at once")


def run_window_command(args: argparse.Namespace) -> int:
    from describe_app.qt.app import run_window  # Qt only here: --help stays instant

    return run_window(args)

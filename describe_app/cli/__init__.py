"""The ``describe-app`` command: one module per command group, and a short :func:`main`.

Importing this package imports nothing else: :func:`main` handles Ctrl+C and SIGTERM
(:mod:`describe_app.cli.interrupts`) before the command line itself is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; a signal is answered "Stopped." from the first moment."""
    from describe_app.cli.interrupts import handled_signals

    with handled_signals():
        from describe_app.cli.app import main as run

        return run(argv)


def build_parser() -> argparse.ArgumentParser:
    """The ``describe-app`` argument parser."""
    from describe_app.cli.parser import build_parser as build

    return build()


__all__ = ["build_parser", "main"]

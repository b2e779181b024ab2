"""The ``describe-app`` command: one module per command group, and a short :func:`main`."""

from describe_app.cli.app import main
from describe_app.cli.parser import build_parser

__all__ = ["build_parser", "main"]

"""The ``describe-app`` command: one module per command group, and a short :func:`main`."""

from describe_app.cli.app import build_parser, main

__all__ = ["build_parser", "main"]

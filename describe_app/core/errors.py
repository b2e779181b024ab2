"""Errors whose message is meant for the user: one clear sentence, no traceback."""

from __future__ import annotations


class DescribeError(Exception):
    """An expected failure. ``str(error)`` is a complete sentence to show and speak."""

    exit_code = 1


class ImageError(DescribeError):
    """The input is not a picture we can read (missing, empty, corrupt, too large)."""

    exit_code = 2


class ModelNotAvailableError(DescribeError):
    """The model is not on disk and cannot be fetched (offline, unknown name)."""

    exit_code = 3


class ModelLoadError(DescribeError):
    """The model folder exists but cannot be loaded (corrupt, unsupported)."""

    exit_code = 3


class OcrError(DescribeError):
    """Text recognition could not run."""

    exit_code = 4


class Cancelled(Exception):
    """A request was cancelled (by the user, or by a newer request)."""

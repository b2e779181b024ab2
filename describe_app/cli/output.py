"""What the command line prints besides answers: JSON lines, one-line errors, progress
lines (only with ``-v``), and the logging set-up that keeps the libraries quiet."""

from __future__ import annotations

import codecs
import io
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

PROG = "describe-app"

_verbosity = 0


def print_json(obj: dict[str, Any]) -> None:
    """One JSON object on one line of standard output."""
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def error(message: str) -> None:
    """One sentence on standard error, after the program's name.

    The sentence may quote what no one checked: a server's words, an exception's text in
    "Something went wrong" (which can hold a server's answer), a file name. Escape sequences
    and control characters are taken out here, the one way errors reach the terminal."""
    from describe_app.core.untrusted_text import clean_text

    print(f"{PROG}: {clean_text(message)}", file=sys.stderr, flush=True)


def refuse_save_path(out: Path) -> bool:
    """Say (and True) when ``out`` cannot be saved to: it is a folder, or its folder is
    missing; checked before the work, so nothing read or captured is lost at the end."""
    from describe_app.core.i18n import _

    if out.is_dir():
        reason = _("it is a folder")
    elif not out.parent.is_dir():
        reason = _("there is no folder {folder}").format(folder=out.parent)
    else:
        return False
    error(_("{name} could not be saved: {reason}.").format(name=out.name, reason=reason))
    return True


def print_name(name: str) -> None:
    """ "# photo.jpg" before the output of one of several files: the name as one line,
    without the escape sequences or line breaks a file name may hold."""
    from describe_app.core.untrusted_text import clean_text

    print(f"# {' '.join(clean_text(name).split())}", flush=True)


def status(message: str) -> None:
    """A progress or timing line on standard error, said only with ``-v``."""
    if _verbosity:
        print(message, file=sys.stderr, flush=True)


def setup_logging(verbose: int) -> None:
    """Log warnings (``-v``: progress, ``-vv``: debugging, the libraries' own included)."""
    global _verbosity
    _verbosity = verbose
    _print_every_letter()
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    if verbose < 2:
        # The libraries' own chatter is not for our users.
        for name in ("transformers", "huggingface_hub", "RapidOCR", "rapidocr"):
            logging.getLogger(name).setLevel(logging.ERROR)
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def _print_every_letter() -> None:
    """Never stop on a letter the output cannot encode: it is printed as "?" instead.

    Windows writes redirected output in its ANSI code page (cp1252 and the like), where an
    answer in Japanese or Russian, or a file called 東京.jpg, would otherwise end the
    program with UnicodeEncodeError. UTF-8 output (Linux, macOS, a Windows console) is left
    as it is."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        if not isinstance(stream, io.TextIOWrapper) or stream.errors != "strict":
            continue  # standard error already writes such a letter as \u6771
        if codecs.lookup(encoding).name != "utf-8":
            stream.reconfigure(errors="replace")

"""argparse's own words ("usage:", "invalid choice", "the following arguments are
required", "show this help message and exit") in the interface language.

argparse says them through ``gettext`` (its module-level ``_`` and ``ngettext``), which
knows nothing of our catalog. :func:`translate_argparse` points those two names at ours, so
once the interface language is set, a usage mistake and ``--help`` are in it too; in
English they stay byte for byte as argparse writes them. The messages are listed here with
``N_()`` so that the catalog tool finds them (those of Python 3.11's ``argparse.py``; a
message of another Python that is not here stays English).
"""

from __future__ import annotations

import argparse
import logging

from describe_app.core.i18n import N_, _, ngettext

log = logging.getLogger(__name__)

#: Every message of argparse that can reach the user of ``describe-app``.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
    N_('argument "-" with mode %r'),
    N_("subcommands"),
)


def _plurals_for_the_catalog() -> None:  # pragma: no cover - never called
    """The plural message of argparse, written out so that the catalog tool finds it."""
    ngettext("expected %s argument", "expected %s arguments", 2)


def translate_argparse() -> None:
    """Make argparse say its words through our catalog (in the language set now and in any
    set later: ``_`` looks the language up each time)."""
    module = vars(argparse)
    if module.get("_") is not _:
        module["_"] = _
        module["ngettext"] = ngettext
        log.debug("argparse speaks through the describe catalog")

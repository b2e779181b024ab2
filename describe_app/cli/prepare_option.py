"""``--prepare {always,mains,never}``: when the ``window`` and ``watch`` commands may start
on a picture in the background, before it is asked about (see
:mod:`describe_app.core.live.prepare_policy`). Without it, the window follows its settings
and ``watch`` prepares on mains power."""

from __future__ import annotations

import argparse

from describe_app.core.i18n import _

PREPARE_CHOICES = ("always", "mains", "never")


def add_prepare_option(parser: argparse.ArgumentParser, *, what: str, default: str | None) -> None:
    """Add ``--prepare``; ``what`` says what is prepared and what for, ``default`` the
    choice without it (None: the settings')."""
    if default:
        said_default = _("default: {choice}").format(choice=default)
    else:
        said_default = _("default: as in the settings")
    parser.add_argument(
        "--prepare",
        choices=PREPARE_CHOICES,
        default=default,
        help=_(
            "{what}: always, only on mains power (no battery counts as mains), or never "
            "({default}); pictures are never sent to a server in the background"
        ).format(what=what, default=said_default),
    )

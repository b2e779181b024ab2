"""The ``demo`` command: read and describe the two sample pictures that come with Describe,
showing the commands that do it."""

from __future__ import annotations

import argparse
import functools
import sys

from describe_app import __version__
from describe_app.cli.output import PROG
from describe_app.cli.pictures import run_describe, run_read
from describe_app.core.i18n import _


def add_demo_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    model_opts: argparse.ArgumentParser,
) -> None:
    """Register ``demo``."""
    commands.add_parser(
        "demo",
        parents=[model_opts],
        help=_("describe and read the bundled sample pictures"),
        description=_(
            "Read the text of a sample notice and describe a sample photo, both bundled with "
            "Describe, showing the command for each. The model is downloaded first if it is "
            "not on this computer (--no-download: never)."
        ),
    )


def run_demo(args: argparse.Namespace) -> int:
    from describe_app.core.resources import resource_path

    coffee = resource_path("samples", "coffee.jpg")
    notice = resource_path("samples", "notice.jpg")
    # With --json, standard output holds only the JSON objects; the rest goes to stderr.
    say = functools.partial(print, file=sys.stderr if args.json else sys.stdout, flush=True)
    json_flag = " --json" if args.json else ""
    say(
        _("Describe {version}: a short demonstration on {photo} and {notice}.").format(
            version=__version__, photo=coffee.name, notice=notice.name
        )
    )
    say(f"\n$ {PROG} read{json_flag} {notice.name}")
    status = run_read(argparse.Namespace(images=[str(notice)], json=args.json))
    say(f"\n$ {PROG} describe{json_flag} {coffee.name}")
    args.images = [str(coffee)]
    args.detail = "brief"
    status = run_describe(args) or status
    tip = _(
        "Try it on your own pictures: describe-app describe PHOTO  (describe-app --help for more)"
    )
    say("\n" + tip)
    return status

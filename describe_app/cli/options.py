"""The option groups several commands share: the model's (``--model``, ``--json``, the
``--server`` options, ...) and speech's (``--speak``, ``--wav``, ``--voice``, ``--rate``).

Each is a parser without help of its own, given to the commands as a parent.
"""

from __future__ import annotations

import argparse

from describe_app.cli.number_options import positive_int, seconds_or_zero, speaking_rate
from describe_app.cli.servers import add_server_options
from describe_app.core.i18n import _


def model_options() -> argparse.ArgumentParser:
    """The options of every command that describes pictures with a model."""
    model_opts = argparse.ArgumentParser(add_help=False)
    group = model_opts.add_argument_group(_("model"))
    group.add_argument(
        "--model",
        metavar="NAME_OR_FOLDER",
        help=_(
            "a model from 'models list' or a local model folder (default: SmolVLM-256M-Instruct)"
        ),
    )
    group.add_argument("--device", default="auto", help=_("auto (default), cpu or cuda"))
    group.add_argument(
        "--quantize",
        choices=("auto", "int8", "none"),
        default="auto",
        help=_("int8 weights on the CPU (auto: on)"),
    )
    group.add_argument(
        "--threads",
        type=positive_int,
        metavar="N",
        help=_("CPU threads for the model (default: all cores but one)"),
    )
    group.add_argument(
        "--no-download",
        action="store_true",
        help=_("never download; fail if the model is not on disk"),
    )
    group.add_argument("--language", metavar="LANG", help=_("answer in this language, e.g. French"))
    group.add_argument(
        "--max-tokens", type=positive_int, metavar="N", help=_("stop after N tokens (word pieces)")
    )
    group.add_argument(
        "--answer-seconds",
        type=seconds_or_zero,
        metavar="S",
        help=_("stop an answer after S seconds, keeping what arrived (default: 60)"),
    )
    group.add_argument(
        "--describe-anyway",
        action="store_true",
        help=_("skip the check for dark, blank or blurred pictures"),
    )
    group.add_argument(
        "--json", action="store_true", help=_("print one JSON object per picture instead of text")
    )
    add_server_options(model_opts)
    return model_opts


def speech_options() -> argparse.ArgumentParser:
    """The options of every command that can speak its answers."""
    speech_opts = argparse.ArgumentParser(add_help=False)
    group = speech_opts.add_argument_group(_("speech"))
    group.add_argument(
        "--speak", action="store_true", help=_("speak each sentence aloud as soon as it is written")
    )
    group.add_argument(
        "--wav", metavar="FILE", help=_("also write the spoken result to a WAV file")
    )
    group.add_argument("--voice", metavar="ID", help=_("a voice from 'describe-app voices'"))
    group.add_argument(
        "--rate", type=speaking_rate, metavar="WPM", help=_("speaking rate in words per minute")
    )
    return speech_opts

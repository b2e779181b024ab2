"""The ``describe-app`` argument parser: the global options, then each command group's
module adds its own commands, in the order ``--help`` lists them."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from describe_app import __version__
from describe_app.cli.argparse_words import translate_argparse
from describe_app.cli.camera import add_camera_commands
from describe_app.cli.demo import add_demo_command
from describe_app.cli.doctor import add_doctor_command
from describe_app.cli.documents import add_document_command
from describe_app.cli.models import add_models_command
from describe_app.cli.options import model_options, speech_options
from describe_app.cli.output import PROG
from describe_app.cli.pictures import add_picture_commands
from describe_app.cli.quick_channels import add_quick_channel_commands
from describe_app.cli.screen import add_screen_command
from describe_app.cli.servers import add_servers_command
from describe_app.cli.speech import add_voices_command
from describe_app.cli.window import add_window_command
from describe_app.core.i18n import _


class HeadingFormatter(argparse.HelpFormatter):
    """``--help`` with its headings' colon set as the language sets it: "options:" in
    English, "options :" in French (argparse puts the colon right after the heading)."""

    def start_section(self, heading: str | None) -> None:
        if heading:
            # what the language puts between a heading and its colon ("" or a space)
            heading += _("{heading}:").format(heading="").removesuffix(":")
        super().start_section(heading)


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose mistakes are said in one line, as every other error is.

    argparse prints the whole usage (a dozen lines for ``describe``) before the one line
    that says what is wrong; a screen reader reads all of it first. Here only that line
    is printed, cleaned of escape sequences (a typed value is quoted in it), with where to
    find the options; the exit status stays 2. Each command's parser is of this class too
    (``add_subparsers`` makes its parsers of the parser's own class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HeadingFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        from describe_app.cli.app import use_interface_language
        from describe_app.core.i18n import _
        from describe_app.core.untrusted_text import clean_text

        use_interface_language()
        said = " ".join(clean_text(message).split()).rstrip(".")
        hint = _("Run {command} --help to see its options.").format(command=self.prog)
        line = _("{program}: error: {problem}.").format(program=self.prog, problem=said)
        self.exit(2, f"{line} {hint}\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser, its help in the interface language set now (argparse's own words too:
    set the language first, as :func:`describe_app.cli.app.main` does)."""
    translate_argparse()
    parser: argparse.ArgumentParser = OneLineParser(
        prog=PROG,
        description=_(
            "Describe: hear what is in front of you. Describes pictures and reads their text "
            "with a vision-language model that runs on this computer; no picture leaves it."
        ),
        epilog=_("Run 'describe-app COMMAND --help' for the options of a command."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help=_("show program's version number and exit"),  # argparse's own is not translated
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_(
            "check the camera, speech, sound output, display, text reading, window and model;"
            " print a report"
        ),
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help=_("show progress and timings (twice: debug log)"),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    model_opts = model_options()
    speech_opts = speech_options()
    add_picture_commands(commands, model_opts=model_opts, speech_opts=speech_opts)
    add_quick_channel_commands(commands, speech_opts=speech_opts)
    add_voices_command(commands)
    add_models_command(commands)
    add_servers_command(commands)
    add_camera_commands(commands, model_opts=model_opts, speech_opts=speech_opts)
    add_screen_command(commands, model_opts=model_opts, speech_opts=speech_opts)
    add_document_command(commands, speech_opts=speech_opts)
    add_demo_command(commands, model_opts=model_opts)
    add_window_command(commands, model_opts=model_opts)
    add_doctor_command(commands)
    _verbose_after_the_command(parser)
    return parser


def _verbose_after_the_command(parser: argparse.ArgumentParser) -> None:
    """Let ``-v`` also come after the command (``describe-app describe photo.jpg -v``), as
    people type it, instead of failing with "unrecognized arguments: -v". ``SUPPRESS``
    leaves the count from before the command when it is not repeated after it."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for command in set(action.choices.values()):
            if "-v" not in command._option_string_actions:
                command.add_argument(
                    "-v",
                    "--verbose",
                    action="count",
                    default=argparse.SUPPRESS,
                    help=_("show progress and timings (twice: debug log)"),
                )
            _verbose_after_the_command(command)

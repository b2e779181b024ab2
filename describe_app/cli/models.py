"""The ``models`` command: which models Describe can use, and getting them.

    describe-app models list [--json]    the models: size, memory, license, on this
                                         computer or not, first-word estimate, the suggested one
    describe-app models download [NAME]  download one (default: SmolVLM-256M-Instruct)
    describe-app models path [NAME]      print the folder it is stored in
    describe-app models token [--forget] keep the hub's access token (gated models) in the
                                         system keyring, or remove it

A model is also any folder holding a SmolVLM/Idefics3 model, given as ``--model FOLDER``.
"""

from __future__ import annotations

import argparse

from describe_app.cli.output import print_json
from describe_app.core.i18n import _


def add_models_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``models`` and its actions."""
    p = commands.add_parser("models", help=_("list, download or locate models"))
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list", help=_("the models Describe can use, what each costs here, which are downloaded")
    )
    listing.add_argument("--json", action="store_true", help=_("print one JSON object per model"))
    d = actions.add_parser("download", help=_("download a model (default: SmolVLM-256M-Instruct)"))
    d.add_argument("name", nargs="?", metavar="NAME")
    d = actions.add_parser("path", help=_("print the folder a model is stored in"))
    d.add_argument("name", nargs="?", metavar="NAME")
    t = actions.add_parser(
        "token", help=_("keep the hub's access token for gated models in the system keyring")
    )
    t.add_argument("--forget", action="store_true", help=_("remove the stored token"))


def run_models(args: argparse.Namespace) -> int:
    from describe_app.cli.describers import refuse_empty_model_name

    refuse_empty_model_name(getattr(args, "name", None))  # download or path
    if args.action == "list":
        return _list(as_json=args.json)
    if args.action == "download":
        return _download(args.name)
    if args.action == "token":
        from describe_app.cli.model_token import run_token

        return run_token(forget=args.forget)
    return _path(args.name)


def _list(*, as_json: bool) -> int:
    from describe_app.core.describe.local.model_choices import choice_details, model_choices
    from describe_app.core.describe.local.model_recommend import machine_facts, recommend
    from describe_app.core.describe.local.model_registry import DEFAULT_MODEL

    machine = machine_facts()
    suggested = recommend(machine)
    for choice in model_choices(machine):
        spec = choice.spec
        if as_json:
            print_json(choice.as_json())
            continue
        state = (
            _("on this computer")
            if choice.installed
            else _("not downloaded ({size} MB)").format(size=spec.download_mb)
        )
        default = _(" (default)") if spec.name == DEFAULT_MODEL else ""
        print(f"{spec.name}{default}: {_(spec.summary)} [{state}]")
        if choice.recommended:
            print("  " + _("Recommended: {reason}").format(reason=suggested.reason))
        print("  " + choice_details(choice, with_download=False))
        if choice.unavailable:
            print("  " + choice.unavailable)
    if not as_json:
        print(_("Any folder holding a SmolVLM/Idefics3 model also works: --model /path/to/folder"))
    return 0


def _download(name: str | None) -> int:
    from describe_app.cli.model_download_lines import run_download

    return run_download(name)


def _path(name: str | None) -> int:
    from describe_app.core.describe.local.model_store import locate_model

    location = locate_model(name, allow_download=False)
    print(location.path)
    return 0

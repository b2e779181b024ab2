"""Inference servers on the command line: ``--server`` and the ``servers`` command.

    describe-app servers add home http://gpu-box:8000 [--model NAME] [--key]
    describe-app servers list | test NAME_OR_URL | remove NAME
    describe-app describe photo.jpg --server home [--fallback-local]
    describe-app describe photo.jpg --server http://127.0.0.1:8000   (an address, no profile)

``--key`` reads the API key (hidden when typed at a terminal, else one line of standard
input) and keeps it in the system keyring; so is a password typed into the address
(``http://me:secret@host``), which ``servers.json`` never holds. For an address without a
profile the key may come from ``$DESCRIBE_SERVER_API_KEY``. Pictures go to a server only
with ``--server``; the run then starts by saying where ("Sending pictures to ...") on
standard error.

Nothing heavy is imported until a handler runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from describe_app.cli.number_options import positive_int
from describe_app.core.describe.remote.api_keys import API_KEY_ENV
from describe_app.core.i18n import _

if TYPE_CHECKING:
    from describe_app.core.describe.describer import Describer


def add_server_options(parser: argparse.ArgumentParser) -> None:
    """The ``--server`` options, for every command that describes."""
    group = parser.add_argument_group(_("inference server (pictures are sent to it)"))
    group.add_argument(
        "--server",
        metavar="NAME_OR_URL",
        help=_(
            "describe with a server from 'servers list', or the server at this address "
            "(e.g. http://127.0.0.1:8000); the pictures are sent to it"
        ),
    )
    group.add_argument(
        "--server-model",
        metavar="NAME",
        help=_("the model to ask the server for (default: its own)"),
    )
    group.add_argument(
        "--server-timeout",
        type=positive_int,
        metavar="SECONDS",
        help=_("stop waiting when the server is silent this long (default 120)"),
    )
    group.add_argument(
        "--allow-insecure",
        action="store_true",
        help=_("allow plain http to a server outside this computer and the private network"),
    )
    group.add_argument(
        "--fallback-local",
        action="store_true",
        help=_("use the model on this computer when the server cannot be reached"),
    )


def add_servers_command(commands: Any) -> None:
    """The ``servers`` command (``commands`` is the parser's subparsers object)."""
    p = commands.add_parser(
        "servers",
        help=_("add, list, test or remove inference servers (vLLM, llama.cpp, Ollama, ...)"),
        description=_(
            "Inference servers that speak the OpenAI chat-completions API. Pictures are sent "
            "to a server only when a command is given --server NAME."
        ),
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("add", help=_("add a server (or replace one of the same name)"))
    a.add_argument("name", metavar="NAME")
    a.add_argument("url", metavar="URL", help=_("e.g. http://gpu-box:8000 or https://host/v1"))
    a.add_argument("--model", default="", help=_("the model to ask for (default: the server's)"))
    a.add_argument(
        "--timeout", type=positive_int, metavar="SECONDS", help=_("time limit (default 120)")
    )
    a.add_argument(
        "--max-side", type=positive_int, metavar="PX", help=_("picture size sent (default 1024)")
    )
    a.add_argument(
        "--key",
        action="store_true",
        help=_("ask for an API key and keep it in the system keyring"),
    )
    a.add_argument(
        "--allow-insecure",
        action="store_true",
        help=_("allow plain http although the server is outside the private network"),
    )
    actions.add_parser("list", help=_("the servers added so far"))
    t = actions.add_parser("test", help=_("connect and list the server's models"))
    t.add_argument("name", metavar="NAME_OR_URL")
    r = actions.add_parser("remove", help=_("forget a server, its API key and its password"))
    r.add_argument("name", metavar="NAME")


def open_remote_describer(
    args: argparse.Namespace, local_factory: Callable[[], Describer]
) -> Describer:
    """The describer for ``--server``; says where the pictures will go."""
    from dataclasses import replace

    from describe_app.cli.describers import generation_settings
    from describe_app.core.describe.choice import choice_from_options, describer_factory
    from describe_app.core.describe.remote.remote_errors import (
        InsecureServerError,
        ServerError,
    )

    choice = replace(choice_from_options(args), generation=generation_settings(args))
    factory = describer_factory(choice, local_factory, on_fallback=_notice)
    describer = factory()
    # Refuse plain http beyond the private network before saying "Sending pictures to ...":
    # hearing that, then "Describe will not send pictures ...", contradicts itself.
    check = getattr(getattr(describer, "remote", describer), "check_privacy", None)
    if callable(check):
        try:
            check()  # nothing is connected yet: no client to close on the way out
        except InsecureServerError:
            raise
        except ServerError:
            pass  # the name is not found now: said when the picture is sent (or falls back)
    notice = getattr(describer, "privacy_notice", None)
    if isinstance(notice, str):
        _notice(notice)
    return describer


def run_servers_command(args: argparse.Namespace) -> int:
    from describe_app.core.describe.remote.server_profiles import ServerProfiles

    store = ServerProfiles()
    if args.action == "add":
        return _add(args, store)
    if args.action == "list":
        return _list(store)
    if args.action == "test":
        return _test(args, store)
    return _remove(args, store)


def _add(args: argparse.Namespace, store: Any) -> int:
    from describe_app.core.describe.remote.api_keys import SystemKeyring
    from describe_app.core.describe.remote.remote_errors import InsecureServerError, ServerError
    from describe_app.core.describe.remote.server_address import (
        check_privacy,
        redact_address,
        split_password,
    )
    from describe_app.core.describe.remote.server_profiles import (
        MAX_SIDE,
        PASSWORD_KEPT,
        TIMEOUT_SECONDS,
        ServerProfile,
    )
    from describe_app.core.i18n import _

    profile = ServerProfile(
        name=args.name,
        url=args.url,
        model=args.model,
        timeout=TIMEOUT_SECONDS.default if args.timeout is None else args.timeout,
        max_side=MAX_SIDE.default if args.max_side is None else args.max_side,
        allow_insecure=args.allow_insecure,
        api_key=args.key,
    )
    try:
        check_privacy(profile.url, allow_insecure=profile.allow_insecure)
    except InsecureServerError:
        raise
    except ServerError:
        pass  # not reachable from here right now: it may be later
    if split_password(profile.url)[1] is not None:
        store.passwords.check()  # no keyring: refused now, never kept in servers.json
    keys = SystemKeyring()
    if args.key:
        keys.check()  # before asking for the key
        keys.set(profile.name, _read_key())
    elif profile.name in store.load() and store.get(profile.name).api_key:
        keys.delete(profile.name)
    moved = store.put(profile)
    extra = _(", model {model}").format(model=profile.model) if profile.model else ""
    extra += _(", API key in the system keyring") if profile.api_key else ""
    # The address is shown without a password typed into it (http://user:secret@host).
    _say(
        _("Added {name}: {address}{details}.").format(
            name=profile.name, address=redact_address(profile.url), details=extra
        )
    )
    for name in moved:
        _say(_(PASSWORD_KEPT).format(name=name))
    _say(
        _("Pictures are sent there only when you add --server {name}.").format(
            name=_quoted(profile.name)
        )
    )
    return 0


def _list(store: Any) -> int:
    from describe_app.core.describe.remote.server_address import redact_address

    profiles = store.load()
    if not profiles:
        _say(_("No servers yet. Add one with: describe-app servers add NAME URL"))
        return 0
    for profile in profiles.values():
        model = _("model {model}").format(model=profile.model) if profile.model else None
        notes = [model or _("the server's own model")]
        if profile.api_key:
            notes.append(_("API key in the system keyring"))
        if profile.password:
            notes.append(_("password in the system keyring"))
        if profile.allow_insecure:
            notes.append(_("plain http allowed"))
        _say(f"{profile.name}: {redact_address(profile.url)} ({', '.join(notes)})")
    return 0


def _test(args: argparse.Namespace, store: Any) -> int:
    from describe_app.core.describe.choice import ServerChoice, resolve_profile
    from describe_app.core.describe.remote.remote_describer import remote_describer_for

    profile = resolve_profile(ServerChoice(args.name), store)
    with remote_describer_for(profile, api_key=os.environ.get(API_KEY_ENV) or None) as remote:
        _say(remote.check_connection().sentence)
    return 0


def _remove(args: argparse.Namespace, store: Any) -> int:
    from describe_app.core.describe.remote.api_keys import SystemKeyring
    from describe_app.core.describe.remote.remote_errors import KeyringUnavailableError

    profile = store.remove(args.name)
    _say(_("Removed {name}.").format(name=profile.name))
    if profile.api_key:
        try:
            SystemKeyring().delete(profile.name)
        except KeyringUnavailableError as exc:
            _notice(
                _("Its API key may still be in the system keyring: {problem}").format(problem=exc)
            )
    if profile.password:
        try:
            store.forget_password(profile.name)
        except KeyringUnavailableError as exc:
            _notice(
                _("Its password may still be in the system keyring: {problem}").format(problem=exc)
            )
    return 0


def _read_key() -> str:
    from describe_app.core.describe.remote.remote_describer import usable_api_key
    from describe_app.core.describe.remote.remote_errors import ServerSetupError

    if sys.stdin.isatty():
        import getpass

        key = getpass.getpass(_("API key (not shown): "))
    else:
        key = sys.stdin.readline()
    key = key.strip()
    if not key:
        raise ServerSetupError(_("No API key was given."))
    usable_api_key(key)  # refused now, not at the first picture (and never echoed)
    return key


def _quoted(name: str) -> str:
    """``name`` as it is typed after ``--server`` in a shell: a name from ``servers.json``
    may hold ``$(...)``, backquotes or ";", which a pasted command must not run."""
    if os.name == "nt":
        return f'"{name}"' if any(c in name for c in ' &|<>^"%') else name
    import shlex

    return shlex.quote(name)


def _notice(message: str) -> None:
    _say(message, file=sys.stderr)


def _say(line: str, file: Any = None) -> None:
    """Print one line of this command. Server names and addresses come from the user or
    from ``servers.json`` (which anyone may have edited or synced), and a server's host
    name can hold any character: control characters and escape sequences are taken out."""
    from describe_app.core.untrusted_text import clean_text

    print(clean_text(line), file=file or sys.stdout, flush=True)

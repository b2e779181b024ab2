"""Which describer to build: the local model, or a server the user set up.

The one place that decides. The command line and the window pass what the user chose (a
server profile name or address, "" for the local model) and a factory for the local model;
they get back a factory for the model worker and never branch on the kind themselves.
Nothing leaves this computer unless ``server`` is set.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from describe_app.core.describe.describer import Describer, GenerationSettings
from describe_app.core.describe.fallback import FallbackDescriber, NoticeSink
from describe_app.core.describe.remote.remote_errors import ServerSetupError
from describe_app.core.describe.remote.server_profiles import (
    ServerProfile,
    ServerProfiles,
    adhoc_profile,
    looks_like_address,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerChoice:
    """The user's choice of server (empty ``server``: the local model)."""

    server: str = ""  # a profile name or an address
    model: str = ""  # overrides the profile's model
    timeout: int | None = None  # overrides the profile's time limit (seconds)
    allow_insecure: bool = False  # confirmed: plain http beyond the private network
    fallback_local: bool = False  # use the local model when the server cannot be reached
    api_key: str | None = None  # for an address without a profile (e.g. from the environment)
    generation: GenerationSettings = field(default_factory=GenerationSettings)  # answer limits


def check_server(name: str) -> str:
    """Connect to a server profile and say, in one sentence, what it offers (slow: call it
    off the GUI thread). Raises DescribeError with one sentence when it fails."""
    import os

    from describe_app.core.describe.remote.api_keys import API_KEY_ENV
    from describe_app.core.describe.remote.remote_describer import remote_describer_for

    profile = resolve_profile(ServerChoice(name))
    key = os.environ.get(API_KEY_ENV) or None
    with remote_describer_for(profile, api_key=key) as remote:
        return str(remote.check_connection().sentence)


def resolve_profile(choice: ServerChoice, profiles: ServerProfiles | None = None) -> ServerProfile:
    """The profile named by ``choice.server``, or one made for an address typed as is."""
    from dataclasses import replace

    store = profiles or ServerProfiles()
    name = choice.server.strip()
    if not looks_like_address(name):
        profile = store.get(name)
    else:
        try:
            saved = name in store.load()
        except ServerSetupError as exc:
            # an address typed as is needs no saved server: a damaged servers.json must
            # not stop it (it is said where a saved server is asked for by name)
            log.info("the saved servers could not be read: %s", exc)
            saved = False
        profile = store.get(name) if saved else adhoc_profile(name)
    return replace(
        profile,
        model=choice.model or profile.model,
        timeout=profile.timeout if choice.timeout is None else choice.timeout,
        allow_insecure=profile.allow_insecure or choice.allow_insecure,
    )


def describer_factory(
    choice: ServerChoice,
    local_factory: Callable[[], Describer],
    *,
    profiles: ServerProfiles | None = None,
    on_fallback: NoticeSink | None = None,
) -> Callable[[], Describer]:
    """A factory for the model worker: ``local_factory`` itself when no server is chosen."""
    if not choice.server.strip():
        return local_factory

    def make() -> Describer:
        from describe_app.core.describe.remote.remote_describer import remote_describer_for

        profile = resolve_profile(choice, profiles)
        remote = remote_describer_for(profile, api_key=choice.api_key, limits=choice.generation)
        if choice.fallback_local:
            return FallbackDescriber(remote, local_factory, on_fallback=on_fallback)
        return remote

    return make


def choice_from_options(options: argparse.Namespace) -> ServerChoice:
    """The ``--server`` command-line options as a ServerChoice (the command line and the
    window both take them); an address's API key may come from ``$DESCRIBE_SERVER_API_KEY``."""
    import os

    from describe_app.core.describe.remote.api_keys import API_KEY_ENV

    return ServerChoice(
        server=options.server,
        model=options.server_model or "",
        timeout=options.server_timeout,
        allow_insecure=options.allow_insecure,
        fallback_local=options.fallback_local,
        api_key=os.environ.get(API_KEY_ENV) or None,
    )

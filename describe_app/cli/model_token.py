"""``describe-app models token [--forget]``: the model hub's access token, for gated models.

The token is read without echo (or one line from standard input when that is not a
terminal, for scripts) and kept in the system keyring; ``--forget`` removes it. It is never
printed. ``HF_TOKEN`` in the environment, when set, is used instead of the stored one.
"""

from __future__ import annotations

import os
import sys

from describe_app.core.describe.local.hub_token import (
    TOKEN_ENV,
    TOKEN_PAGE,
    HubKeyringError,
    HubTokenStore,
)
from describe_app.core.i18n import _


def run_token(*, forget: bool) -> int:
    """Store (or with ``forget`` remove) the hub's token; the exit status."""
    store = HubTokenStore()
    if forget:
        store.delete()
        print(_("The hub token is removed from the system keyring."))
    else:
        store.check()  # no keyring: said before the token is asked for
        store.set(_read_token())
        print(_("The hub token is kept in the system keyring; gated models can be downloaded."))
    if os.environ.get(TOKEN_ENV):
        print(_("{env} is set, and it is used instead of the stored token.").format(env=TOKEN_ENV))
    return 0


def _read_token() -> str:
    if sys.stdin.isatty():
        import getpass

        print(_("Make an access token (read) at {page}.").format(page=TOKEN_PAGE))
        token = getpass.getpass(_("Access token (not shown): "))
    else:
        token = sys.stdin.readline()
    if not token.strip():
        raise HubKeyringError(_("No access token was given; nothing was stored."))
    return token.strip()

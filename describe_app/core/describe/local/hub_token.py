"""The model hub's access token, for gated models (Gemma and others whose terms must be
accepted on the hub first): entered once, kept in the system keyring and nowhere else.

It lives under the service ``Describe`` and the user name ``hub:HOST`` (``hub:huggingface.co``),
so a token goes only to the hub it was made for. ``HF_TOKEN`` in the environment wins over
the stored one, as in the hub's own tools. The token is never written to a file, printed or
logged; requests carry it as ``Authorization: Bearer TOKEN`` to the hub's host only (the
HTTP client drops it when the hub redirects a file to another host, such as its CDN).
"""

from __future__ import annotations

import logging
import os
from typing import Any
from urllib.parse import urlparse

from describe_app.core.errors import DescribeError
from describe_app.core.i18n import N_
from describe_app.core.system_keyring import KeyringSecrets, KeyringWords

log = logging.getLogger(__name__)

TOKEN_ENV = "HF_TOKEN"
TOKEN_PAGE = "https://huggingface.co/settings/tokens"


class HubKeyringError(DescribeError):
    """No system keyring can hold the hub token (or it failed); the text says what to do."""


NO_KEYRING = N_(
    "No system keyring is available to keep the hub token safe (on Linux, install and unlock "
    "GNOME Keyring or KWallet); Describe never writes tokens to a file."
)
_WORDS = KeyringWords(
    NO_KEYRING,
    {
        "read": N_("The system keyring could not read the hub token ({reason}); is it unlocked?"),
        "save": N_("The system keyring could not save the hub token ({reason}); is it unlocked?"),
        "remove": N_(
            "The system keyring could not remove the hub token ({reason}); is it unlocked?"
        ),
    },
    HubKeyringError,
)


def hub_host() -> str:
    """The host of the model hub that downloads go to (``huggingface.co``)."""
    from huggingface_hub import constants  # light: the library's heavy parts stay unloaded

    return urlparse(constants.ENDPOINT).hostname or constants.ENDPOINT


class HubTokenStore:
    """The hub's token in the system keyring. ``backend`` (a ``keyring`` backend) replaces
    the system's in tests."""

    def __init__(self, backend: Any | None = None) -> None:
        self._secrets = KeyringSecrets("hub", _WORDS, backend)

    def get(self) -> str | None:
        return self._secrets.get(hub_host())

    def set(self, token: str) -> None:
        self._secrets.set(hub_host(), token.strip())

    def delete(self) -> None:
        self._secrets.delete(hub_host())

    def check(self) -> None:
        """Raise :class:`HubKeyringError` now, before the user is asked for a token."""
        self._secrets.check()


def hub_token(store: HubTokenStore | None = None, *, ask_keyring: bool = True) -> str | None:
    """The token to send to the hub: ``HF_TOKEN`` if set, else the stored one, else none
    (a keyring that cannot be read counts as none: public models still download).
    ``ask_keyring=False`` (a public model) leaves the keyring alone: a locked one would
    otherwise ask for its password at every download."""
    from_env = os.environ.get(TOKEN_ENV, "").strip()
    if from_env:
        return from_env
    if not ask_keyring:
        return None
    try:
        return (store or HubTokenStore()).get()
    except HubKeyringError as exc:
        log.info("no hub token from the keyring: %s", exc)
        return None

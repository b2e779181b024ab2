"""API keys for inference servers, kept in the system keyring and nowhere else.

The settings file only says *that* a server profile has a key; the key itself goes to the
platform's secret store through the ``keyring`` package (Windows Credential Manager, macOS
Keychain, the Secret Service of GNOME Keyring or KWallet on Linux), under the service
``Describe`` and the user name ``server:PROFILE``. Where no such store is available (a bare
Linux session, a container) every operation raises :class:`KeyringUnavailableError` with a
sentence that says what to do; the key is never written to a plain file instead.

A password typed into a server's address (``http://me:secret@host``, sent as Basic
authorization) is kept the same way, under the user name ``server-password:PROFILE``
(:class:`ServerPasswords`), which no API key's ``server:...`` name can equal.
"""

from __future__ import annotations

from typing import Any, Protocol

from describe_app.core.describe.remote.remote_errors import KeyringUnavailableError
from describe_app.core.i18n import N_
from describe_app.core.system_keyring import SERVICE, KeyringSecrets, KeyringWords

__all__ = ["SERVICE", "KeyStore", "ServerPasswords", "SystemKeyring"]

#: An API key for a server given by address (no profile), e.g. in scripts.
API_KEY_ENV = "DESCRIBE_SERVER_API_KEY"

NO_KEYRING = N_(
    "No system keyring is available to keep the API key safe (on Linux, install and unlock "
    "GNOME Keyring or KWallet); Describe never writes keys to its settings file."
)
#: What the keyring failed to do, by the action named in the log.
_FAILED = {
    "read": N_("The system keyring could not read the API key ({reason}); is it unlocked?"),
    "save": N_("The system keyring could not save the API key ({reason}); is it unlocked?"),
    "remove": N_("The system keyring could not remove the API key ({reason}); is it unlocked?"),
}

NO_KEYRING_FOR_PASSWORD = N_(
    "No system keyring is available to keep the password in the address safe (on Linux, "
    "install and unlock GNOME Keyring or KWallet), and Describe never writes passwords to its "
    "settings file; if the server takes an API key, add it without the password and set "
    "DESCRIBE_SERVER_API_KEY instead."
)
_PASSWORD_FAILED = {
    "read": N_(
        "The system keyring could not read the server's password ({reason}); is it unlocked?"
    ),
    "save": N_(
        "The system keyring could not save the server's password ({reason}); is it unlocked?"
    ),
    "remove": N_(
        "The system keyring could not remove the server's password ({reason}); is it unlocked?"
    ),
}


class KeyStore(Protocol):
    """Where API keys live, by server profile name."""

    def get(self, profile: str) -> str | None: ...

    def set(self, profile: str, key: str) -> None: ...

    def delete(self, profile: str) -> None: ...


class SystemKeyring(KeyringSecrets):
    """The system keyring. ``backend`` (a ``keyring`` backend) replaces the system's in tests."""

    def __init__(self, backend: Any | None = None) -> None:
        words = KeyringWords(NO_KEYRING, _FAILED, KeyringUnavailableError)
        super().__init__("server", words, backend)


class ServerPasswords(KeyringSecrets):
    """Passwords typed into server addresses, by profile name, in the system keyring.
    ``backend`` (a ``keyring`` backend) replaces the system's in tests."""

    def __init__(self, backend: Any | None = None) -> None:
        words = KeyringWords(NO_KEYRING_FOR_PASSWORD, _PASSWORD_FAILED, KeyringUnavailableError)
        super().__init__("server-password", words, backend)

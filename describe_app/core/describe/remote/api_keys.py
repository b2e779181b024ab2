"""API keys for inference servers, kept in the system keyring and nowhere else.

The settings file only says *that* a server profile has a key; the key itself goes to the
platform's secret store through the ``keyring`` package (Windows Credential Manager, macOS
Keychain, the Secret Service of GNOME Keyring or KWallet on Linux), under the service
``Describe`` and the user name ``server:PROFILE``. Where no such store is available (a bare
Linux session, a container) every operation raises :class:`KeyringUnavailableError` with a
sentence that says what to do; the key is never written to a plain file instead.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from describe_app.core.describe.remote.remote_errors import KeyringUnavailableError
from describe_app.core.i18n import N_, _

log = logging.getLogger(__name__)

SERVICE = "Describe"
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


class KeyStore(Protocol):
    """Where API keys live, by server profile name."""

    def get(self, profile: str) -> str | None: ...

    def set(self, profile: str, key: str) -> None: ...

    def delete(self, profile: str) -> None: ...


class SystemKeyring:
    """The system keyring. ``backend`` (a ``keyring`` backend) replaces the system's in tests."""

    def __init__(self, backend: Any | None = None) -> None:
        self._backend = backend

    def get(self, profile: str) -> str | None:
        backend = self._ready()
        try:
            value = backend.get_password(SERVICE, _user(profile))
        except Exception as exc:  # locked, dbus gone, user refused the prompt
            raise _failure("read", exc) from exc
        return str(value) if value else None

    def set(self, profile: str, key: str) -> None:
        backend = self._ready()
        try:
            backend.set_password(SERVICE, _user(profile), key)
        except Exception as exc:
            raise _failure("save", exc) from exc

    def delete(self, profile: str) -> None:
        backend = self._ready()
        import keyring.errors

        try:
            backend.delete_password(SERVICE, _user(profile))
        except keyring.errors.PasswordDeleteError:
            pass  # there was none
        except Exception as exc:
            raise _failure("remove", exc) from exc

    def check(self) -> None:
        """Raise KeyringUnavailableError now, before the user is asked for a key."""
        self._ready()

    def _ready(self) -> Any:
        if self._backend is None:
            try:
                import keyring

                self._backend = keyring.get_keyring()
            except Exception as exc:  # a broken keyring configuration
                log.info("no keyring: %r", exc)
                raise KeyringUnavailableError(_(NO_KEYRING)) from exc
        module = type(self._backend).__module__
        if module in ("keyring.backends.fail", "keyring.backends.null"):
            raise KeyringUnavailableError(_(NO_KEYRING))
        return self._backend


def _user(profile: str) -> str:
    return f"server:{profile}"


def _failure(action: str, exc: Exception) -> KeyringUnavailableError:
    import keyring.errors

    log.info("keyring could not %s a key: %r", action, exc)
    if isinstance(exc, keyring.errors.NoKeyringError | keyring.errors.InitError):
        return KeyringUnavailableError(_(NO_KEYRING))
    return KeyringUnavailableError(_(_FAILED[action]).format(reason=exc))

"""Secrets kept in the system keyring and nowhere else: what server API keys and the model
hub's token share.

The secret goes to the platform's secret store through the ``keyring`` package (Windows
Credential Manager, macOS Keychain, the Secret Service of GNOME Keyring or KWallet on
Linux), under the service ``Describe`` and a user name ``KIND:NAME`` (``server:lab``,
``hub:huggingface.co``). Where no such store is available (a bare Linux session, a
container) every operation raises the caller's error with the caller's sentence; a secret
is never written to a plain file instead, and never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from describe_app.core.i18n import _

log = logging.getLogger(__name__)

SERVICE = "Describe"


@dataclass(frozen=True)
class KeyringWords:
    """What to say, untranslated (``N_``): no keyring at all, and what it failed to do by
    action ("read", "save", "remove", each with ``{reason}``); ``error``: what to raise."""

    no_keyring: str
    failed: Mapping[str, str]
    error: type[Exception]


class KeyringSecrets:
    """Secrets of one kind (``server``, ``hub``) in the system keyring. ``backend`` (a
    ``keyring`` backend) replaces the system's in tests."""

    def __init__(self, kind: str, words: KeyringWords, backend: Any | None = None) -> None:
        self._kind = kind
        self._words = words
        self._backend = backend

    def get(self, name: str) -> str | None:
        backend = self._ready()
        try:
            value = backend.get_password(SERVICE, self._user(name))
        except Exception as exc:  # locked, dbus gone, user refused the prompt
            raise self._failure("read", exc) from exc
        return str(value) if value else None

    def set(self, name: str, secret: str) -> None:
        backend = self._ready()
        try:
            backend.set_password(SERVICE, self._user(name), secret)
        except Exception as exc:
            raise self._failure("save", exc) from exc

    def delete(self, name: str) -> None:
        backend = self._ready()
        import keyring.errors

        try:
            backend.delete_password(SERVICE, self._user(name))
        except keyring.errors.PasswordDeleteError:
            pass  # there was none
        except Exception as exc:
            raise self._failure("remove", exc) from exc

    def check(self) -> None:
        """Raise the caller's error now, before the user is asked for a secret."""
        self._ready()

    def _user(self, name: str) -> str:
        return f"{self._kind}:{name}"

    def _ready(self) -> Any:
        if self._backend is None:
            try:
                import keyring

                self._backend = keyring.get_keyring()
            except Exception as exc:  # a broken keyring configuration
                log.info("no keyring: %r", exc)
                raise self._words.error(_(self._words.no_keyring)) from exc
        module = type(self._backend).__module__
        if module in ("keyring.backends.fail", "keyring.backends.null"):
            raise self._words.error(_(self._words.no_keyring))
        return self._backend

    def _failure(self, action: str, exc: Exception) -> Exception:
        import keyring.errors

        log.info("keyring could not %s a %s secret: %r", action, self._kind, exc)
        if isinstance(exc, keyring.errors.NoKeyringError | keyring.errors.InitError):
            return self._words.error(_(self._words.no_keyring))
        return self._words.error(_(self._words.failed[action]).format(reason=exc))

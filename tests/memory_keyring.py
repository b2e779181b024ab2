"""A real keyring backend (the keyring package's own interface) kept in memory, for tests.

Never the user's keyring: its priority is negative, so keyring never picks it as the
default; a test sets it where it needs it (``SystemKeyring(MemoryKeyring())``, or
``monkeypatch.setattr(keyring.core, "_keyring_backend", MemoryKeyring())``).
"""

from __future__ import annotations

import keyring.backend
import keyring.errors


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = -1.0

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:  # as real keyrings do
            raise keyring.errors.PasswordDeleteError("no such password")

"""Named inference servers the user has set up ("home-gpu", "work"), kept in ``servers.json``.

A profile holds the address, the model to ask for, the time limit and the user's answer to
"send pictures over plain http anyway?". The API key is not in it: ``api_key`` only says
that one is kept in the system keyring (:mod:`describe_app.core.describe.remote.api_keys`).
Nor is a password typed into the address (``http://me:secret@host``): saving moves it to the
keyring and keeps ``http://me@host`` with ``password`` set; where no keyring can take it,
nothing is saved. A file written before that, with the password in the address, still works
and loses the password to the keyring when the list is next saved.

The file sits beside ``settings.json`` in :func:`describe_app.core.folders.config_dir` and
is written atomically. Which profile is in use ("" = the local model) belongs in the
settings; until the settings schema has that field the command line names it (``--server``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from describe_app.core.atomic_file import write_atomically
from describe_app.core.describe.remote.api_keys import ServerPasswords
from describe_app.core.describe.remote.remote_errors import (
    KeyringUnavailableError,
    ServerSetupError,
)
from describe_app.core.describe.remote.server_address import (
    display_host,
    normalize_base_url,
    sending_notice,
    split_password,
)
from describe_app.core.folders import config_dir
from describe_app.core.i18n import N_, _
from describe_app.core.int_range import IntRange

log = logging.getLogger(__name__)

SERVERS_FILE = "servers.json"
SERVERS_VERSION = 1

#: Seconds to wait for the server's next piece of the answer (a cold server may first load
#: its model, which takes a while).
TIMEOUT_SECONDS = IntRange(min=1, max=3600, default=120)
#: Longest side, in pixels, of the pictures sent.
MAX_SIDE = IntRange(min=128, max=4096, default=1024)
MAX_NAME_CHARS = 64

#: Said once, when a password typed into an address has gone to the keyring.
PASSWORD_KEPT = N_(
    "The password in the address of {name} is kept in the system keyring, not in the server list."
)


@dataclass(frozen=True)
class ServerProfile:
    name: str
    url: str  # the base URL, e.g. http://gpu-box:8000/v1
    model: str = ""  # "" = whatever the server serves by default
    timeout: int = TIMEOUT_SECONDS.default
    allow_insecure: bool = False  # plain http beyond the private network, confirmed
    api_key: bool = False  # a key for this profile is in the system keyring
    max_side: int = MAX_SIDE.default
    password: bool = False  # the password for the user name in url is in the system keyring

    def __post_init__(self) -> None:
        name = " ".join(str(self.name).split())
        if not name or len(name) > MAX_NAME_CHARS:
            # A name of thousands of letters is not read back in full: its start is enough.
            shown = name if len(name) <= 2 * MAX_NAME_CHARS else name[:MAX_NAME_CHARS] + "..."
            raise ServerSetupError(
                _("A server name must have 1 to {most} characters; '{name}' has not.").format(
                    most=MAX_NAME_CHARS, name=shown
                )
            )
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "url", normalize_base_url(self.url))
        object.__setattr__(self, "model", str(self.model).strip())
        object.__setattr__(self, "timeout", TIMEOUT_SECONDS.clamp(int(self.timeout)))
        object.__setattr__(self, "max_side", MAX_SIDE.clamp(int(self.max_side)))

    @property
    def host(self) -> str:
        return display_host(self.url)

    @property
    def privacy_notice(self) -> str:
        """The sentence said once, before the first picture leaves this computer."""
        return sending_notice(self.name, self.host)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        del out["name"]
        return out

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> ServerProfile:
        known = {f.name for f in dataclasses.fields(cls)} - {"name"}
        values = {k: v for k, v in data.items() if k in known}
        for key, kind in (("allow_insecure", bool), ("api_key", bool), ("password", bool)):
            if key in values and not isinstance(values[key], kind):
                values[key] = False
        # servers.json may have been edited by hand: an address that is not text makes the
        # file unreadable (said in one sentence), a model that is not text is forgotten.
        if "url" in values and not isinstance(values["url"], str):
            raise TypeError("a server's 'url' is not text")
        if "model" in values and not isinstance(values["model"], str):
            del values["model"]
        return cls(name=name, **values)


def adhoc_profile(url: str, *, model: str = "", timeout: int | None = None) -> ServerProfile:
    """A profile for an address given on the command line (named after its host)."""
    base = normalize_base_url(url)
    return ServerProfile(
        name=display_host(base),
        url=base,
        model=model,
        timeout=TIMEOUT_SECONDS.default if timeout is None else timeout,
    )


def looks_like_address(text: str) -> bool:
    """``http://...``, ``host:port``, ``localhost`` or a dotted name, rather than a profile."""
    t = text.strip()
    return "://" in t or ":" in t or "." in t or t == "localhost"


def servers_path() -> Path:
    return config_dir() / SERVERS_FILE


class ServerProfiles:
    """The profiles file. Every method reads the file afresh (another window may change it)."""

    def __init__(self, path: Path | None = None, passwords: ServerPasswords | None = None) -> None:
        self.path = servers_path() if path is None else path
        #: Where passwords typed into addresses go (the system keyring).
        self.passwords = ServerPasswords() if passwords is None else passwords

    def load(self) -> dict[str, ServerProfile]:
        """All profiles by name. Raises ServerSetupError if the file cannot be used."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            raise self._unreadable(exc) from exc
        try:
            data = json.loads(raw)
            entries = data["servers"]
            if not isinstance(entries, dict):
                raise ValueError("'servers' is not an object")
            return {
                name: ServerProfile.from_dict(name, entry)
                for name, entry in entries.items()
                if isinstance(entry, dict)
            }
        # OverflowError: a time limit of 1e400 in the file cannot become a whole number.
        except (ValueError, KeyError, TypeError, OverflowError, ServerSetupError) as exc:
            raise self._unreadable(exc) from exc

    def get(self, name: str) -> ServerProfile:
        profiles = self.load()
        if name in profiles:
            return profiles[name]
        folded = {k.casefold(): v for k, v in profiles.items()}
        if name.casefold() in folded:
            return folded[name.casefold()]
        raise ServerSetupError(
            _(
                "There is no server named '{name}'; 'describe-app servers list' shows the "
                "servers you have added."
            ).format(name=name)
        )

    def put(self, profile: ServerProfile) -> list[str]:
        """Add or replace ``profile``. A password in its address goes to the keyring first
        (KeyringUnavailableError, and nothing saved, where it cannot); so do those of
        profiles saved before that rule. Returns the names whose password moved there."""
        profiles = self.load()
        old = profiles.get(profile.name)
        moved: list[str] = []
        new = self._keep_password(profile, moved, strict=True)
        for name, other in profiles.items():
            if name != new.name:
                profiles[name] = self._keep_password(other, moved, strict=False)
        profiles[new.name] = new
        self._save(profiles)
        if old is not None and old.password and not new.password:
            try:  # replaced by a profile without one: unused from now on
                self.forget_password(new.name)
            except KeyringUnavailableError as exc:
                log.info("the old password of %s may still be in the keyring: %s", new.name, exc)
        return moved

    def forget_password(self, name: str) -> None:
        """Take the password of profile ``name`` out of the keyring (raises
        KeyringUnavailableError with a sentence where the keyring cannot)."""
        self.passwords.delete(name)

    def _keep_password(
        self, profile: ServerProfile, moved: list[str], *, strict: bool
    ) -> ServerProfile:
        """``profile`` with the password in its address moved to the keyring. ``strict``:
        raise where the keyring cannot take it; else keep the address as it was saved."""
        bare, password = split_password(profile.url)
        if password is None:
            return profile
        try:
            self.passwords.set(profile.name, password)
        except KeyringUnavailableError as exc:
            if strict:
                raise
            log.info("the password of %s stays in its address: %s", profile.name, exc)
            return profile
        moved.append(profile.name)
        return dataclasses.replace(profile, url=bare, password=True)

    def remove(self, name: str) -> ServerProfile:
        profile = self.get(name)
        profiles = self.load()
        del profiles[profile.name]
        self._save(profiles)
        return profile

    def _save(self, profiles: dict[str, ServerProfile]) -> None:
        data = {
            "version": SERVERS_VERSION,
            "servers": {name: p.to_dict() for name, p in sorted(profiles.items())},
        }
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, text.encode("utf-8"))
        except OSError as exc:
            log.info("could not write %s: %r", self.path, exc)
            raise ServerSetupError(
                _("The server list could not be saved in {folder}: {reason}.").format(
                    folder=self.path.parent, reason=exc.strerror or exc
                )
            ) from exc
        log.debug("server profiles saved to %s", self.path)

    def _unreadable(self, exc: Exception) -> ServerSetupError:
        log.info("server profiles file %s is unusable: %r", self.path, exc)
        return ServerSetupError(
            _("The server list {file} could not be read ({reason}); fix or delete it.").format(
                file=self.path, reason=exc
            )
        )

"""What ``describe-app doctor`` looks for, without changing anything: what stops Describe
from keeping things (a damaged settings file or server list, a folder it cannot write in, a
nearly full disk, no keyring). Each finding is one sentence saying what to do.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from describe_app.core.i18n import N_, _

#: Less free space than this on the disk of Describe's folders is a problem (megabytes).
LOW_DISK_MB = 500

_NO_KEYRING = N_(
    "No system keyring is available, so Describe cannot keep server passwords, API keys or "
    "the model hub's access token (on Linux, install and unlock GNOME Keyring or KWallet)."
)
_CANNOT_KEEP_SETTINGS = N_(
    "Describe cannot write in {folder} ({reason}), so your settings are not kept. "
    "Make sure you may write in that folder and that the disk has room."
)
_CANNOT_KEEP_HISTORY = N_(
    "Describe cannot write in {folder} ({reason}), so your history is not kept. "
    "Make sure you may write in that folder and that the disk has room."
)
_CANNOT_KEEP_LOGS = N_(
    "Describe cannot write in {folder} ({reason}), so no log or crash report is kept. "
    "Make sure you may write in that folder and that the disk has room."
)


def find_problems() -> tuple[list[str], list[str]]:
    """The problems found (one sentence each, with what to do) and the notes (things that
    went wrong before and were dealt with)."""
    from describe_app.core.folders import config_dir, data_dir, log_dir

    problems: list[str] = []
    notes: list[str] = []
    for check in (_settings_problem, _servers_problem):
        found = check()
        if found:
            problems.append(found)
    backup = _settings_backup(config_dir())
    if backup:
        notes.append(
            _(
                "Earlier, your settings could not be read and went back to their defaults; "
                "the damaged file is kept as {path}. Check your settings in the window "
                "(Ctrl+,), then delete that file."
            ).format(path=backup)
        )
    no_keyring = _keyring_missing()
    if no_keyring:
        notes.append(no_keyring)
    for folder, sentence in (
        (config_dir(), _CANNOT_KEEP_SETTINGS),
        (data_dir(), _CANNOT_KEEP_HISTORY),
        (log_dir(), _CANNOT_KEEP_LOGS),
    ):
        reason = _cannot_write(folder)
        if reason:
            problems.append(_(sentence).format(folder=folder, reason=reason))
    low = _low_disk(config_dir(), data_dir(), log_dir())
    if low:
        problems.append(low)
    return problems, notes


def _settings_problem() -> str | None:
    """A settings file that is there but cannot be read (read only: the window moves it
    aside when it starts)."""
    from describe_app.core.settings.settings_file import settings_path

    path = settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        reason = exc.strerror or str(exc)
    else:
        try:
            data = json.loads(raw.decode("utf-8"))
            reason = "" if isinstance(data, dict) else _("it holds no settings")
        except (UnicodeDecodeError, ValueError, RecursionError):
            reason = _("it is damaged")
    if not reason:
        return None
    return _(
        "Your settings file {path} cannot be read ({reason}), so Describe uses its default "
        "settings; it keeps the damaged file aside. Check your settings in the window (Ctrl+,)."
    ).format(path=path, reason=reason)


def _servers_problem() -> str | None:
    """The server list's own sentence when it cannot be used (it says what to do)."""
    from describe_app.core.describe.remote.remote_errors import ServerSetupError
    from describe_app.core.describe.remote.server_profiles import ServerProfiles

    try:
        ServerProfiles().load()
    except ServerSetupError as exc:
        return str(exc)
    return None


def _settings_backup(folder: Path) -> Path | None:
    """The newest damaged settings file moved aside (``settings.json.bad-...``), if any."""
    from describe_app.core.folders import SETTINGS_FILE

    try:
        backups = [p for p in folder.glob(f"{SETTINGS_FILE}.bad-*") if p.is_file()]
        return max(backups, key=lambda p: p.stat().st_mtime, default=None)
    except OSError:
        return None


def _existing(folder: Path) -> Path:
    """``folder``, or the nearest folder above it that exists (where it would be made)."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate
    return folder


def _cannot_write(folder: Path) -> str | None:
    """Why nothing can be written in ``folder`` (or made there, when it does not exist
    yet), or None when a file can be. Nothing is left behind."""
    place = _existing(folder)
    if not place.is_dir():
        return _("{path} is not a folder").format(path=place)
    try:
        with tempfile.TemporaryFile(dir=place, prefix=".describe-doctor-"):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _low_disk(*folders: Path) -> str | None:
    """A sentence when the disk of one of ``folders`` has less than :data:`LOW_DISK_MB` free."""
    seen: set[int] = set()
    for folder in folders:
        place = _existing(folder)
        try:
            device = os.stat(place).st_dev
            if device in seen:
                continue
            seen.add(device)
            free_mb = shutil.disk_usage(place).free // (1024 * 1024)
        except OSError:
            continue
        if free_mb < LOW_DISK_MB:
            return _(
                "Only {free} MB are free on the disk that holds {folder}; Describe needs room "
                "for its settings, history, logs and models. Free some space on that disk."
            ).format(free=free_mb, folder=folder)
    return None


class _NoKeyringError(Exception):
    """Raised with :data:`_NO_KEYRING` when there is no system keyring."""


def _keyring_missing() -> str | None:
    """A sentence when no system keyring can keep secrets (nothing is read or written)."""
    from describe_app.core.system_keyring import KeyringSecrets, KeyringWords

    words = KeyringWords(_NO_KEYRING, {}, _NoKeyringError)
    try:
        KeyringSecrets("doctor", words).check()
    except _NoKeyringError as exc:
        return str(exc)
    return None

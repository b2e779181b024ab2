"""The settings file: ``settings.json`` in the config folder, versioned, written atomically.

:func:`save_settings` keeps what a newer Describe wrote that this one does not know
(sections, fields, actions' keys), so going back to an older version and forward again
loses nothing.

:func:`load_settings` never raises: a missing file gives defaults; an unreadable or corrupt
file gives defaults, and a file with some bad values keeps the others (see
:meth:`~describe_app.core.settings.schema.Settings.from_dict`). Either way the bad file is
moved aside as ``settings.json.bad-YYYYMMDD-HHMMSS`` and one sentence is returned for the
window to announce. :func:`save_settings` writes atomically, with the version first.

The folder is :func:`describe_app.core.folders.config_dir` (``$DESCRIBE_CONFIG_DIR`` in the
tests, so they never touch the user's files).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from describe_app.core.atomic_file import write_atomically
from describe_app.core.errors import DescribeError
from describe_app.core.folders import SETTINGS_FILE, config_dir
from describe_app.core.i18n import _
from describe_app.core.settings.schema import SECTIONS, Settings
from describe_app.core.settings.shortcut_table import ACTIONS_BY_ID

logger = logging.getLogger(__name__)

#: The version written to the file. Raise it when a change needs a migration.
SETTINGS_VERSION = 1
#: A settings file bigger than this is not searched for a newer version's values on saving.
KEEP_UNKNOWN_MAX_BYTES = 1 << 20

Migration = Callable[[dict[str, Any]], dict[str, Any]]

#: ``MIGRATIONS[n]`` turns the JSON form of version n into version n + 1. Add one each
#: time SETTINGS_VERSION goes up; keep the old ones.
MIGRATIONS: dict[int, Migration] = {}


def migrate(
    data: dict[str, Any],
    *,
    migrations: Mapping[int, Migration] | None = None,
    target: int | None = None,
) -> dict[str, Any]:
    """Bring the JSON form of settings up to ``target`` (default: SETTINGS_VERSION).

    A file without a version is taken as version 1. A file from a newer Describe is read
    as it is (what this version knows of it). Raises ValueError for a bad version or a
    missing migration step."""
    steps = MIGRATIONS if migrations is None else migrations
    goal = SETTINGS_VERSION if target is None else target
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"the settings version {version!r} is not a version number")
    if version > goal:
        logger.info(
            "settings file is version %s, newer than %s; reading what we know", version, goal
        )
        return data
    while version < goal:
        step = steps.get(version)
        if step is None:
            raise ValueError(f"there is no migration from settings version {version}")
        data = step(dict(data))
        version += 1
        data["version"] = version
        logger.info("settings migrated to version %s", version)
    return data


class SettingsSaveError(DescribeError):
    """The settings could not be written. The message is one sentence for the user."""


@dataclass(frozen=True)
class LoadResult:
    """What :func:`load_settings` found. ``message`` (to announce) is None when all is well;
    ``backup`` is where the bad file was moved, if it was."""

    settings: Settings
    message: str | None = None
    backup: Path | None = None


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load_settings(path: Path | None = None, *, read_only: bool = False) -> LoadResult:
    """Read the settings file (default :func:`settings_path`). Never raises.

    A damaged file is moved aside (the window says so); ``read_only`` (a command, which
    has nowhere to say it): it is left where it is for the window and ``doctor``, and the
    defaults are used for what cannot be read."""
    path = settings_path() if path is None else path
    if read_only:
        found = _read(path)
        return LoadResult(found if found is not None else Settings())
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        logger.debug("no settings file at %s; using defaults", path)
        return LoadResult(Settings())
    except OSError as exc:
        logger.info("settings file %s is unreadable: %r", path, exc)
        return _fall_back(path, whole_file=True)
    try:
        data = json.loads(raw.decode("utf-8-sig"))  # a BOM: Notepad saves one
        if not isinstance(data, dict):
            raise ValueError(f"the top level is a {type(data).__name__}, not an object")
        data = migrate(data)
        settings, problems = Settings.from_dict(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # JSONDecodeError too
        logger.info("settings file %s is corrupt: %s", path, exc)
        return _fall_back(path, whole_file=True)
    except Exception:  # a bug in a migration or the schema: still start, with defaults
        logger.exception("reading settings file %s failed", path)
        return _fall_back(path, whole_file=True)
    if problems:
        logger.info("settings reset to defaults in %s: %s", path, ", ".join(problems))
        return _fall_back(path, whole_file=False, settings=settings)
    logger.debug("settings read from %s", path)
    return LoadResult(settings)


def _read(path: Path) -> Settings | None:
    """The settings in ``path`` (what can be read of them), or None; nothing is moved."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
        if not isinstance(data, dict):
            return None
        settings, _problems = Settings.from_dict(migrate(data))
    except Exception:  # missing, unreadable, damaged, or a bug in a migration: defaults
        logger.debug("settings file %s not read", path, exc_info=True)
        return None
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically (temp file, fsync, rename). Returns the path.

    Raises :class:`SettingsSaveError` with one sentence for the user."""
    path = settings_path() if path is None else path
    data = _with_unknown_values(
        {"version": SETTINGS_VERSION, **settings.to_dict()}, _current_file(path)
    )
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text.encode("utf-8"))
    except OSError as exc:
        logger.error("could not save settings to %s: %r", path, exc)
        raise SettingsSaveError(
            _("Your settings could not be saved in {folder}: {reason}.").format(
                folder=path.parent, reason=exc.strerror or exc
            )
        ) from exc
    logger.debug("settings saved to %s", path)
    return path


def _current_file(path: Path) -> dict[str, Any]:
    """The JSON object in the settings file now, or ``{}`` (none, unreadable, too big)."""
    try:
        if path.stat().st_size > KEEP_UNKNOWN_MAX_BYTES:
            return {}
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _with_unknown_values(data: dict[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` plus the values of ``current`` this version does not know (written by a
    newer Describe: new sections, new fields in a section, new actions' keys), so that
    saving here does not lose them. A newer file's version number is kept too."""
    version = current.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > data["version"]:
        data["version"] = version
    for name, value in current.items():
        if name not in data:
            data[name] = value
            continue
        ours = data[name]
        if not isinstance(value, Mapping) or not isinstance(ours, dict):
            continue
        if name == "shortcuts":
            known: set[str] = set(ACTIONS_BY_ID)
        elif name in SECTIONS:
            known = {f.name for f in dataclasses.fields(SECTIONS[name])}
        else:
            continue
        for key, item in value.items():
            if key not in known and key not in ours:
                ours[key] = item
    return data


def _fall_back(path: Path, *, whole_file: bool, settings: Settings | None = None) -> LoadResult:
    backup = _move_aside(path)
    if whole_file:
        settings = Settings()
        if backup is not None:
            message = _(
                "Your settings could not be read, so Describe is using its default settings; "
                "the damaged file was kept as {name}."
            ).format(name=backup.name)
        else:
            message = _(
                "Your settings could not be read, so Describe is using its default settings."
            )
    else:
        if backup is not None:
            message = _(
                "Some of your settings could not be read and were reset to their defaults; "
                "the old file was kept as {name}."
            ).format(name=backup.name)
        else:
            message = _("Some of your settings could not be read and were reset to their defaults.")
    assert settings is not None
    return LoadResult(settings, message, backup)


def _move_aside(path: Path) -> Path | None:
    """Rename the bad file (or folder) to ``<name>.bad-YYYYMMDD-HHMMSS``; None if it can't."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.bad-{stamp}")
    n = 1
    while backup.exists() or backup.is_symlink():
        n += 1
        backup = path.with_name(f"{path.name}.bad-{stamp}-{n}")
    try:
        os.replace(path, backup)
    except OSError as exc:
        logger.info("could not move the bad settings file %s aside: %r", path, exc)
        return None
    logger.info("bad settings file moved to %s", backup)
    return backup

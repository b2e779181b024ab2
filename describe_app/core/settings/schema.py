"""The user's settings: one typed, versioned schema, stored as JSON in the config folder.

:class:`Settings` holds one frozen section per page of the settings dialog. Every numeric
field has a declared :class:`IntRange` and is clamped whenever a section is built, so a
``Settings`` value is always usable. Change values with :meth:`Settings.replace` or
``dataclasses.replace`` on a section.

:func:`load_settings` never raises: a missing file gives defaults; an unreadable or corrupt
file, or values of the wrong type, give defaults (for the bad values only, where the file
could be read), move the bad file aside as ``settings.json.bad-YYYYMMDD-HHMMSS`` and return a
one-sentence message for the window to announce. :func:`save_settings` writes atomically.

The folder is ``platformdirs.user_config_dir("Describe")``, or ``$DESCRIBE_CONFIG_DIR``
(the tests set it, so they never touch the user's files).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import logging
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from describe_app.core.atomic_file import write_atomically
from describe_app.core.describe.local.model_registry import DEFAULT_MODEL
from describe_app.core.describe.prompts import Detail
from describe_app.core.errors import DescribeError
from describe_app.core.i18n import _
from describe_app.core.settings.shortcuts import clean_overrides
from describe_app.core.speech.speech_settings import OutputRoute, SpeechSettings

logger = logging.getLogger(__name__)

#: The version written to the file. Raise it when a change needs a migration.
SETTINGS_VERSION = 1
SETTINGS_FILE = "settings.json"
CONFIG_DIR_ENV = "DESCRIBE_CONFIG_DIR"
APP_NAME = "Describe"


@dataclass(frozen=True)
class IntRange:
    """The allowed values of a whole-number setting, for clamping and for spin boxes."""

    min: int
    max: int
    default: int
    step: int = 1

    def clamp(self, value: int) -> int:
        return max(self.min, min(self.max, value))


CAMERA_INDEX = IntRange(min=0, max=63, default=0)
HISTORY_MAX_ENTRIES = IntRange(min=10, max=10_000, default=500, step=10)
#: Result text size in steps from the normal size (the Qt layer picks the step size).
TEXT_ZOOM = IntRange(min=-4, max=16, default=0)
#: Hands-free: how different the view must be to describe it again (grey levels 0..255).
HANDS_FREE_CHANGE = IntRange(min=3, max=60, default=12)
#: Hands-free: at least this many seconds between two descriptions.
HANDS_FREE_INTERVAL = IntRange(min=2, max=120, default=5)


class CameraKind(str, enum.Enum):
    """Where pictures come from."""

    INDEX = "index"  # a camera attached to this computer, by number
    URL = "url"  # an IP or phone camera: http://, https:// or rtsp://
    FILE = "file"  # a video file (demos, tests)


CAMERA_URL_SCHEMES = ("http://", "https://", "rtsp://")


@dataclass(frozen=True)
class CameraSettings:
    """All three sources are kept, so switching back needs no retyping."""

    kind: CameraKind = CameraKind.INDEX
    index: int = CAMERA_INDEX.default
    url: str = ""
    file: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", CameraKind(self.kind))
        object.__setattr__(self, "index", CAMERA_INDEX.clamp(int(self.index)))

    def source(self) -> int | str:
        """What to open: a camera index, a URL or a file path (index 0 if the chosen one is
        empty)."""
        if self.kind is CameraKind.URL and self.url.strip():
            return self.url.strip()
        if self.kind is CameraKind.FILE and self.file.strip():
            return self.file.strip()
        return self.index


@dataclass(frozen=True)
class DescribeSettings:
    """The model and how it answers."""

    model: str = DEFAULT_MODEL  # a registry name, or a local model folder
    detail: Detail = Detail.BRIEF
    answer_language: str = ""  # "" = the model's own (English)
    picture_check: bool = True  # warn about dark, blurred or blank pictures first
    server: str = ""  # a server profile (servers.json) that describes instead; "" = this computer
    fallback_local: bool = False  # use this computer's model when that server cannot be reached

    def __post_init__(self) -> None:
        object.__setattr__(self, "detail", Detail(self.detail))
        if not self.model.strip():
            object.__setattr__(self, "model", DEFAULT_MODEL)

    def language_or_none(self) -> str | None:
        """For :class:`~describe_app.core.describe.conversation.Conversation`: None for English."""
        return self.answer_language.strip() or None


@dataclass(frozen=True)
class HistorySettings:
    keep_history: bool = True  # keep results on disk across runs
    store_pictures: bool = True  # False: no picture is ever written to disk (privacy)
    max_entries: int = HISTORY_MAX_ENTRIES.default
    focus_new_result: bool = True  # select and focus each new result (for screen readers)

    def __post_init__(self) -> None:
        object.__setattr__(self, "max_entries", HISTORY_MAX_ENTRIES.clamp(int(self.max_entries)))


@dataclass(frozen=True)
class DisplaySettings:
    text_zoom: int = TEXT_ZOOM.default
    ui_language: str = ""  # interface language code ("fr"); "" = the system's

    def __post_init__(self) -> None:
        object.__setattr__(self, "text_zoom", TEXT_ZOOM.clamp(int(self.text_zoom)))


@dataclass(frozen=True)
class LiveSettings:
    """Hands-free mode, reading guidance and exploring a picture."""

    hands_free_change: int = HANDS_FREE_CHANGE.default
    hands_free_interval: int = HANDS_FREE_INTERVAL.default
    cue_tones: bool = False  # guidance cues as tones instead of words
    explore_in_background: bool = True  # describe the parts of each picture after it

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "hands_free_change", HANDS_FREE_CHANGE.clamp(int(self.hands_free_change))
        )
        object.__setattr__(
            self, "hands_free_interval", HANDS_FREE_INTERVAL.clamp(int(self.hands_free_interval))
        )


@dataclass(frozen=True)
class Settings:
    """Everything the user can set. ``shortcuts`` maps action id -> key ("" = no key)."""

    camera: CameraSettings = field(default_factory=CameraSettings)
    describe: DescribeSettings = field(default_factory=DescribeSettings)
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    history: HistorySettings = field(default_factory=HistorySettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    live: LiveSettings = field(default_factory=LiveSettings)
    shortcuts: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shortcuts", clean_overrides(self.shortcuts)[0])

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, with ``version`` first."""
        return {
            "version": SETTINGS_VERSION,
            "camera": _section_to_dict(self.camera),
            "describe": _section_to_dict(self.describe),
            "speech": self.speech.to_dict(),
            "history": _section_to_dict(self.history),
            "display": _section_to_dict(self.display),
            "live": _section_to_dict(self.live),
            "shortcuts": dict(sorted(self.shortcuts.items())),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> tuple[Settings, list[str]]:
        """Read the JSON form of the current version. Unknown keys are ignored, missing ones
        get defaults, a value of the wrong type gets its default. Returns the settings and
        the names of the values that were reset ("camera.index")."""
        problems: list[str] = []
        speech_data = data.get("speech", {})
        if not isinstance(speech_data, Mapping):
            problems.append("speech")
            speech_data = {}
        bad_speech = _speech_problems(speech_data)
        problems += [f"speech.{k}" for k in bad_speech]
        speech = SpeechSettings.from_dict(
            {k: v for k, v in speech_data.items() if k not in bad_speech}
        )
        raw_shortcuts = data.get("shortcuts", {})
        if not isinstance(raw_shortcuts, Mapping):
            problems.append("shortcuts")
            raw_shortcuts = {}
        shortcuts, dropped = clean_overrides(raw_shortcuts)
        problems += [f"shortcuts.{k}" for k in dropped]
        settings = cls(
            camera=_section_from(CameraSettings, data, "camera", problems),
            describe=_section_from(DescribeSettings, data, "describe", problems),
            speech=speech,
            history=_section_from(HistorySettings, data, "history", problems),
            display=_section_from(DisplaySettings, data, "display", problems),
            live=_section_from(LiveSettings, data, "live", problems),
            shortcuts=shortcuts,
        )
        return settings, problems


# -- versions -----------------------------------------------------------------------------

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


# -- files --------------------------------------------------------------------------------


class SettingsSaveError(DescribeError):
    """The settings could not be written. The message is one sentence for the user."""


@dataclass(frozen=True)
class LoadResult:
    """What :func:`load_settings` found. ``message`` (to announce) is None when all is well;
    ``backup`` is where the bad file was moved, if it was."""

    settings: Settings
    message: str | None = None
    backup: Path | None = None


def config_dir() -> Path:
    """``$DESCRIBE_CONFIG_DIR``, or the platform's per-user config folder for Describe."""
    override = os.environ.get(CONFIG_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load_settings(path: Path | None = None) -> LoadResult:
    """Read the settings file (default :func:`settings_path`). Never raises."""
    path = settings_path() if path is None else path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        logger.debug("no settings file at %s; using defaults", path)
        return LoadResult(Settings())
    except OSError as exc:
        logger.info("settings file %s is unreadable: %r", path, exc)
        return _fall_back(path, whole_file=True)
    try:
        data = json.loads(raw.decode("utf-8"))
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


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically (temp file, fsync, rename). Returns the path.

    Raises :class:`SettingsSaveError` with one sentence for the user."""
    path = settings_path() if path is None else path
    text = json.dumps(settings.to_dict(), indent=2, ensure_ascii=False) + "\n"
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


# -- sections -------------------------------------------------------------------------------

_Section = TypeVar(
    "_Section", CameraSettings, DescribeSettings, HistorySettings, DisplaySettings, LiveSettings
)


def _section_to_dict(
    section: CameraSettings | DescribeSettings | HistorySettings | DisplaySettings | LiveSettings,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(section):
        value = getattr(section, f.name)
        out[f.name] = value.value if isinstance(value, enum.Enum) else value
    return out


def _section_from(
    cls: type[_Section], data: Mapping[str, Any], name: str, problems: list[str]
) -> _Section:
    section_data = data.get(name, {})
    if not isinstance(section_data, Mapping):
        problems.append(name)
        return cls()
    default = cls()
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in section_data:
            continue
        value = _coerce(section_data[f.name], getattr(default, f.name))
        if value is _INVALID:
            problems.append(f"{name}.{f.name}")
        else:
            values[f.name] = value
    return cls(**values)


_INVALID = object()


def _coerce(value: Any, default: Any) -> Any:
    """``value`` if it has the type of ``default`` (ints from whole floats, enums from their
    values), else _INVALID."""
    if isinstance(default, enum.Enum):
        try:
            return type(default)(value)
        except ValueError:
            return _INVALID
    if isinstance(default, bool):
        return value if isinstance(value, bool) else _INVALID
    if isinstance(default, int):
        if isinstance(value, bool):
            return _INVALID
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return _INVALID
    if isinstance(default, str):
        return value if isinstance(value, str) else _INVALID
    return _INVALID


def _speech_problems(data: Mapping[str, Any]) -> list[str]:
    """The speech values SpeechSettings.from_dict silently replaced with defaults."""
    bad: list[str] = []
    for key in ("rate", "volume"):
        value = data.get(key, 0)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            bad.append(key)
    if (
        "voice_id" in data
        and data["voice_id"] is not None
        and not isinstance(data["voice_id"], str)
    ):
        bad.append("voice_id")
    if "route" in data:
        try:
            OutputRoute(data["route"])
        except (ValueError, TypeError):
            bad.append("route")
    earcons = data.get("earcons")
    if earcons is not None and (
        not isinstance(earcons, Mapping) or any(not isinstance(v, bool) for v in earcons.values())
    ):
        bad.append("earcons")
    return bad

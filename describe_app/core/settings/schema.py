"""The user's settings: one typed schema, a frozen section per page of the settings dialog.

The sections are pydantic dataclasses: every field has a type and a default and is checked
whenever a section is built, in code, from the file or by ``dataclasses.replace``. Whole
numbers are clamped into their declared :class:`~describe_app.core.int_range.IntRange`, so
a ``Settings`` value is always usable. Text is never read as a number or a switch, a whole
float (``2.0``) counts as a whole number, and enums are read from their values.

:meth:`Settings.from_dict` reads the JSON form forgivingly: a value that fails its check
gets its default, the rest is kept, and the names of the values reset are returned
("camera.index"). The file itself (versions, saving, backups of bad files) is
:mod:`describe_app.core.settings.settings_file`.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import field
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Strict,
    StrictBool,
    StrictStr,
    TypeAdapter,
    ValidationError,
)
from pydantic.dataclasses import dataclass

from describe_app.core.describe.describer import GenerationSettings
from describe_app.core.describe.local.model_registry import DEFAULT_MODEL
from describe_app.core.describe.prompts import Detail
from describe_app.core.int_range import IntRange
from describe_app.core.live.prepare_policy import PreparePolicy
from describe_app.core.screen.global_keys import parse_key
from describe_app.core.settings.shortcut_keys import normalize_key, reserved_reason
from describe_app.core.settings.shortcuts import clean_overrides
from describe_app.core.speech.speech_settings import SpeechSettings

CAMERA_INDEX = IntRange(min=0, max=63, default=0)
HISTORY_MAX_ENTRIES = IntRange(min=10, max=10_000, default=500, step=10)
#: Result text size in steps from the normal size (the Qt layer picks the step size).
TEXT_ZOOM = IntRange(min=-4, max=16, default=0)
#: Hands-free: how different the view must be to describe it again (grey levels 0..255).
HANDS_FREE_CHANGE = IntRange(min=3, max=60, default=12)
#: Hands-free: at least this many seconds between two descriptions.
HANDS_FREE_INTERVAL = IntRange(min=2, max=120, default=5)
#: The longest one answer may take (seconds); then what arrived is kept and it stops.
ANSWER_SECONDS = IntRange(min=10, max=600, default=60, step=10)
#: An answer stops at this many times its usual length (a server that ignores the limit).
ANSWER_LENGTH_FACTOR = IntRange(min=2, max=20, default=4)


def _whole_number(value: object) -> object:
    """``2.0`` -> ``2``; anything else is left for the strict whole-number check."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: A whole number: an int or a whole float, never text or a bool.
WholeNumber = Annotated[int, Strict(), BeforeValidator(_whole_number)]


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
    index: Annotated[WholeNumber, AfterValidator(CAMERA_INDEX.clamp)] = CAMERA_INDEX.default
    url: StrictStr = ""
    file: StrictStr = ""

    def source(self) -> int | str:
        """What to open: a camera index, a URL or a file path (index 0 if the chosen one is
        empty)."""
        if self.kind is CameraKind.URL and self.url.strip():
            return self.url.strip()
        if self.kind is CameraKind.FILE and self.file.strip():
            return self.file.strip()
        return self.index


def _model_or_default(model: str) -> str:
    return model if model.strip() else DEFAULT_MODEL


@dataclass(frozen=True)
class DescribeSettings:
    """The model and how it answers."""

    # a registry name, or a local model folder
    model: Annotated[StrictStr, AfterValidator(_model_or_default)] = DEFAULT_MODEL
    detail: Detail = Detail.BRIEF
    answer_language: StrictStr = ""  # "" = the model's own (English)
    picture_check: StrictBool = True  # warn about dark, blurred or blank pictures first
    # a sentence the model was unsure of is said and shown with "Possibly" (where the model
    # gives its tokens' probabilities)
    show_doubt: StrictBool = True
    server: StrictStr = ""  # a server profile (servers.json) that describes instead; "" = here
    fallback_local: StrictBool = False  # use this computer's model when that server is down
    # screen captures may go to that server (they hold mail and passwords); asked once
    send_screens: StrictBool = False
    answer_seconds: Annotated[WholeNumber, AfterValidator(ANSWER_SECONDS.clamp)] = (
        ANSWER_SECONDS.default
    )
    answer_length_factor: Annotated[WholeNumber, AfterValidator(ANSWER_LENGTH_FACTOR.clamp)] = (
        ANSWER_LENGTH_FACTOR.default
    )

    def language_or_none(self) -> str | None:
        """For :class:`~describe_app.core.describe.conversation.Conversation`: None for English."""
        return self.answer_language.strip() or None

    def generation_settings(self) -> GenerationSettings:
        """The limits for each answer, for the describers."""
        return GenerationSettings(
            answer_seconds=float(self.answer_seconds),
            length_factor=float(self.answer_length_factor),
        )


@dataclass(frozen=True)
class HistorySettings:
    keep_history: StrictBool = True  # keep results on disk across runs
    store_pictures: StrictBool = True  # False: no picture is ever written to disk (privacy)
    store_screen_pictures: StrictBool = False  # screen captures' pictures on disk too
    max_entries: Annotated[WholeNumber, AfterValidator(HISTORY_MAX_ENTRIES.clamp)] = (
        HISTORY_MAX_ENTRIES.default
    )
    focus_new_result: StrictBool = True  # select and focus each new result (for screen readers)


@dataclass(frozen=True)
class DisplaySettings:
    text_zoom: Annotated[WholeNumber, AfterValidator(TEXT_ZOOM.clamp)] = TEXT_ZOOM.default
    ui_language: StrictStr = ""  # interface language code ("fr"); "" = the system's


@dataclass(frozen=True)
class LiveSettings:
    """Hands-free mode, reading guidance and exploring a picture."""

    hands_free_change: Annotated[WholeNumber, AfterValidator(HANDS_FREE_CHANGE.clamp)] = (
        HANDS_FREE_CHANGE.default
    )
    hands_free_interval: Annotated[WholeNumber, AfterValidator(HANDS_FREE_INTERVAL.clamp)] = (
        HANDS_FREE_INTERVAL.default
    )
    cue_tones: StrictBool = False  # guidance cues as tones instead of words
    explore_in_background: StrictBool = True  # describe the parts of each picture after it
    # prepare answers in the background (a settled camera view, a photo just opened)
    prepare: PreparePolicy = PreparePolicy.MAINS


def _global_key(value: str) -> str:
    """A key for use from other programs, in the settings' spelling ("" = none); it needs
    Ctrl, Alt or Meta (a plain letter would be taken from every program), and may not be a
    key the desktop or a screen reader needs (Alt+Tab)."""
    key = normalize_key(value)
    if key:
        parse_key(key)
        if reserved_reason(key):  # Alt+Tab or Ctrl+Alt+N taken from every program: no
            raise ValueError(f"{key} is reserved")
    return key


#: A global key ("" = none); a bad one is reset to its default when the file is read.
GlobalKey = Annotated[StrictStr, AfterValidator(_global_key)]


@dataclass(frozen=True)
class ScreenSettings:
    """The screen: keys that work while another program has the focus (README, "Describe
    the screen", says why these defaults), the tray, and starting with the session."""

    focus_key: GlobalKey = "Ctrl+Alt+Shift+D"  # describe the focused object
    screen_key: GlobalKey = "Ctrl+Alt+Shift+W"  # describe the whole screen
    text_key: GlobalKey = "Ctrl+Alt+Shift+T"  # read the screen's text
    keep_in_tray: StrictBool = True  # closing the window leaves Describe in the tray
    start_with_session: StrictBool = False  # start (in the tray) when the user logs in


#: The sections of :class:`Settings`, by their name in the JSON form.
SECTIONS: dict[str, type[Any]] = {
    "camera": CameraSettings,
    "describe": DescribeSettings,
    "speech": SpeechSettings,
    "history": HistorySettings,
    "display": DisplaySettings,
    "live": LiveSettings,
    "screen": ScreenSettings,
}


def _usable_shortcuts(raw: object) -> object:
    """Keep the usable overrides, normalized (see :func:`clean_overrides`)."""
    return clean_overrides(raw)[0] if isinstance(raw, Mapping) else raw


@dataclass(frozen=True)
class Settings:
    """Everything the user can set. ``shortcuts`` maps action id -> key ("" = no key)."""

    camera: CameraSettings = field(default_factory=CameraSettings)
    describe: DescribeSettings = field(default_factory=DescribeSettings)
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    history: HistorySettings = field(default_factory=HistorySettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    live: LiveSettings = field(default_factory=LiveSettings)
    screen: ScreenSettings = field(default_factory=ScreenSettings)
    shortcuts: Annotated[Mapping[str, str], BeforeValidator(_usable_shortcuts)] = field(
        default_factory=dict
    )

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the sections (the settings file puts its version first)."""
        out: dict[str, Any] = {
            name: TypeAdapter(kind).dump_python(getattr(self, name), mode="json")
            for name, kind in SECTIONS.items()
        }
        out["shortcuts"] = dict(sorted(self.shortcuts.items()))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> tuple[Settings, list[str]]:
        """Read the JSON form of the current version. Unknown keys are ignored, missing ones
        get defaults, a value that fails its check gets its default. Returns the settings and
        the names of the values that were reset ("camera.index")."""
        problems: list[str] = []
        sections = {
            name: _read_section(kind, data.get(name, {}), name, problems)
            for name, kind in SECTIONS.items()
        }
        raw_shortcuts = data.get("shortcuts", {})
        if not isinstance(raw_shortcuts, Mapping):
            problems.append("shortcuts")
            raw_shortcuts = {}
        shortcuts, dropped = clean_overrides(raw_shortcuts)
        problems += [f"shortcuts.{k}" for k in dropped]
        return cls(**sections, shortcuts=shortcuts), problems


_Section = TypeVar("_Section")


def _read_section(kind: type[_Section], data: object, name: str, problems: list[str]) -> _Section:
    """One section from its JSON form. Each value that fails its check is named in
    ``problems`` once and gets its default; the others are kept."""
    adapter = TypeAdapter(kind)
    if not isinstance(data, Mapping):
        problems.append(name)
        return adapter.validate_python({})
    values = dict(data)
    try:
        return adapter.validate_python(values)
    except ValidationError as exc:
        bad = list(dict.fromkeys(str(error["loc"][0]) for error in exc.errors() if error["loc"]))
    if not bad:  # the section as a whole failed: all defaults
        problems.append(name)
        return adapter.validate_python({})
    problems += [f"{name}.{key}" for key in bad]
    return adapter.validate_python({k: v for k, v in values.items() if k not in bad})

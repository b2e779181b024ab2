"""Every action of the window, as data: id, default keys, menu text, help sentence, menu.

One table builds the menus, the F1 help and the shortcut settings page. Keys are written as
Qt's portable key-sequence text ("Space", "Ctrl+O", "Ctrl++", "Ctrl+Shift+D"), so the Qt layer
can pass them to ``QKeySequence`` unchanged. Labels carry an ``&`` mnemonic. Labels, help
sentences and menu titles are marked with ``N_()`` and translated where they are shown:
:meth:`Action.text`, :meth:`Action.help`, :func:`menu_title`.

The user's changes are a mapping ``action id -> key`` (``""`` removes the key), stored in the
settings; :func:`effective_keys` applies them and :func:`find_conflicts` finds two actions on
one key.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from describe_app.core.i18n import N_, _

logger = logging.getLogger(__name__)


class Menu(str, enum.Enum):
    """The menus, in menu-bar order."""

    FILE = "file"
    DESCRIBE = "describe"
    SPEECH = "speech"
    HISTORY = "history"
    VIEW = "view"
    HELP = "help"


_MENU_TITLES: dict[Menu, str] = {
    Menu.FILE: N_("&File"),
    Menu.DESCRIBE: N_("&Describe"),
    Menu.SPEECH: N_("S&peech"),
    Menu.HISTORY: N_("Hi&story"),
    Menu.VIEW: N_("&View"),
    Menu.HELP: N_("&Help"),
}


class Scope(str, enum.Enum):
    """Where a key works. WINDOW: anywhere in the main window (text fields still get the
    keys they type or edit with). HISTORY: only while the history list has focus, so that
    Ctrl+C and Delete keep their usual meaning in text fields."""

    WINDOW = "window"
    HISTORY = "history"


@dataclass(frozen=True)
class Action:
    """One thing the user can do. ``label`` and ``description`` are untranslated msgids."""

    id: str
    keys: tuple[str, ...]  # default keys, the first one is shown in the menu; may be empty
    label: str  # menu text with an & mnemonic
    description: str  # one sentence, for the F1 help and the settings page
    menu: Menu
    scope: Scope = Scope.WINDOW
    checkable: bool = False  # a mode that is on or off (the menu item shows a check mark)

    def text(self) -> str:
        """The menu text in the current language, with its ``&`` mnemonic."""
        return _(self.label)

    def plain_text(self) -> str:
        """The menu text in the current language, without mnemonic or trailing dots."""
        return strip_mnemonic(_(self.label))

    def help(self) -> str:
        """The one-sentence description in the current language."""
        return _(self.description)


ACTIONS: tuple[Action, ...] = (
    # File
    Action(
        "open_photo",
        ("Ctrl+O",),
        N_("&Open photo..."),
        N_("Choose a saved photo and hear it described."),
        Menu.FILE,
    ),
    Action(
        "paste_picture",
        ("Ctrl+V",),
        N_("&Paste picture"),
        N_("Describe a picture copied to the clipboard."),
        Menu.FILE,
    ),
    Action(
        "save_result",
        ("Ctrl+S",),
        N_("&Save result as text..."),
        N_("Save the selected result from the history as a text file."),
        Menu.FILE,
    ),
    Action(
        "settings",
        ("Ctrl+,",),
        N_("Se&ttings..."),
        N_("Change the camera, model, voice, history and keyboard shortcuts."),
        Menu.FILE,
    ),
    Action("quit", ("Ctrl+Q",), N_("&Quit"), N_("Close Describe."), Menu.FILE),
    # Describe
    Action(
        "describe",
        ("Space",),
        N_("&Describe"),
        N_("Take a picture with the camera and describe it briefly."),
        Menu.DESCRIBE,
    ),
    Action(
        "describe_detail",
        ("Ctrl+Shift+D",),
        N_("Describe in de&tail"),
        N_("Take a picture with the camera and describe it at length."),
        Menu.DESCRIBE,
    ),
    Action(
        "read_text",
        ("Ctrl+T",),
        N_("&Read text"),
        N_("Take a picture with the camera and read out the text in it."),
        Menu.DESCRIBE,
    ),
    Action(
        "ask",
        ("Ctrl+L",),
        N_("&Ask a question"),
        N_("Go to the question field to ask about the last picture; Enter asks."),
        Menu.DESCRIBE,
    ),
    Action(
        "what_changed",
        ("Ctrl+Shift+Space",),
        N_("&What changed"),
        N_("Take a new picture and describe what is different from the last one."),
        Menu.DESCRIBE,
    ),
    Action(
        "explore",
        ("Ctrl+E",),
        N_("&Explore picture"),
        N_(
            "Go to the parts of the last described picture: arrow keys move, Home, Page Up, "
            "End and Page Down go to the corners, Enter describes a part in detail."
        ),
        Menu.DESCRIBE,
    ),
    Action(
        "hands_free",
        ("Ctrl+H",),
        N_("&Hands-free mode"),
        N_("Switch hands-free mode on or off: describe by itself each time the view changes."),
        Menu.DESCRIBE,
        checkable=True,
    ),
    Action(
        "guidance",
        ("Ctrl+G",),
        N_("Reading &guidance"),
        N_("Switch reading guidance on or off: say how to aim the camera at a page, then read it."),
        Menu.DESCRIBE,
        checkable=True,
    ),
    Action(
        "choose_camera",
        ("Ctrl+Shift+C",),
        N_("Choose &camera..."),
        N_("Choose the camera, phone camera or video file to take pictures from."),
        Menu.DESCRIBE,
    ),
    # Speech
    Action("repeat", ("Ctrl+R",), N_("&Repeat"), N_("Say the last result again."), Menu.SPEECH),
    Action(
        "stop",
        ("Escape",),
        N_("&Stop"),
        N_("Stop speaking, and cancel a description that is in progress."),
        Menu.SPEECH,
    ),
    Action(
        "pause_resume",
        ("Ctrl+P",),
        N_("&Pause or resume"),
        N_("Pause speech, or go on from where it was paused."),
        Menu.SPEECH,
    ),
    Action(
        "speech_faster",
        ("Ctrl+Shift+Up",),
        N_("&Faster"),
        N_("Speak faster."),
        Menu.SPEECH,
    ),
    Action(
        "speech_slower",
        ("Ctrl+Shift+Down",),
        N_("S&lower"),
        N_("Speak more slowly."),
        Menu.SPEECH,
    ),
    # History
    Action(
        "copy_result",
        ("Ctrl+C",),
        N_("&Copy result"),
        N_("Copy the selected result to the clipboard."),
        Menu.HISTORY,
        Scope.HISTORY,
    ),
    Action(
        "ask_history",
        ("Ctrl+Shift+L",),
        N_("Ask about this &picture"),
        N_("Ask a follow-up question about the picture of the selected result."),
        Menu.HISTORY,
    ),
    Action(
        "delete_history_item",
        ("Delete",),
        N_("&Delete result"),
        N_("Delete the selected result, and its picture, from the history."),
        Menu.HISTORY,
        Scope.HISTORY,
    ),
    Action(
        "clear_history",
        ("Ctrl+Shift+Delete",),
        N_("C&lear history..."),
        N_("Delete every result and picture in the history."),
        Menu.HISTORY,
    ),
    # View
    Action(
        "text_bigger",
        ("Ctrl++", "Ctrl+="),
        N_("&Bigger text"),
        N_("Make the result text larger."),
        Menu.VIEW,
    ),
    Action(
        "text_smaller",
        ("Ctrl+-",),
        N_("&Smaller text"),
        N_("Make the result text smaller."),
        Menu.VIEW,
    ),
    Action(
        "text_normal",
        ("Ctrl+0",),
        N_("&Normal text size"),
        N_("Show the result text at its normal size."),
        Menu.VIEW,
    ),
    # Help
    Action(
        "help",
        ("F1",),
        N_("&Help and keys"),
        N_("List every action with its key, and explain how to use Describe."),
        Menu.HELP,
    ),
)

ACTIONS_BY_ID: Mapping[str, Action] = {a.id: a for a in ACTIONS}


def action(action_id: str) -> Action:
    """The action with this id (KeyError for an unknown id)."""
    return ACTIONS_BY_ID[action_id]


def menu_title(menu: Menu) -> str:
    """The menu's title in the current language, with its ``&`` mnemonic."""
    return _(_MENU_TITLES[menu])


def actions_in_menu(menu: Menu) -> list[Action]:
    """The actions of one menu, in menu order."""
    return [a for a in ACTIONS if a.menu is menu]


def strip_mnemonic(label: str) -> str:
    """``"&Open photo..."`` -> ``"Open photo"`` (``&&`` stays a literal ``&``)."""
    text = label.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.rstrip(".…").strip()


def mnemonic(label: str) -> str | None:
    """The mnemonic letter of a label, lower case, or None."""
    i = 0
    while i < len(label) - 1:
        if label[i] == "&":
            if label[i + 1] != "&":
                return label[i + 1].lower()
            i += 1
        i += 1
    return None


# -- keys -------------------------------------------------------------------------------

_MODIFIERS = {"ctrl": "Ctrl", "control": "Ctrl", "alt": "Alt", "shift": "Shift", "meta": "Meta"}
_MODIFIER_ORDER = ("Ctrl", "Alt", "Shift", "Meta")
_KEY_NAMES = {
    "esc": "Escape",
    "escape": "Escape",
    "space": "Space",
    "tab": "Tab",
    "backtab": "Backtab",
    "backspace": "Backspace",
    "return": "Return",
    "enter": "Enter",
    "ins": "Insert",
    "insert": "Insert",
    "del": "Delete",
    "delete": "Delete",
    "pause": "Pause",
    "print": "Print",
    "home": "Home",
    "end": "End",
    "left": "Left",
    "up": "Up",
    "right": "Right",
    "down": "Down",
    "pgup": "PgUp",
    "pageup": "PgUp",
    "pgdown": "PgDown",
    "pagedown": "PgDown",
    "menu": "Menu",
    "plus": "+",
    "minus": "-",
    "equal": "=",
    "comma": ",",
    "period": ".",
}

#: Keys that must keep their usual meaning for keyboard and screen reader users.
_RESERVED: dict[str, str] = {
    "Tab": N_("Tab moves between controls."),
    "Shift+Tab": N_("Shift+Tab moves between controls."),
    "Return": N_("Enter activates buttons and asks questions."),
    "Enter": N_("Enter activates buttons and asks questions."),
    "F10": N_("F10 opens the menu bar."),
    "Alt+F4": N_("Alt+F4 closes windows."),
    "Insert": N_("Insert is a screen reader key."),
    "CapsLock": N_("Caps Lock is a screen reader key."),
    "Up": N_("The arrow keys move within lists and text."),
    "Down": N_("The arrow keys move within lists and text."),
    "Left": N_("The arrow keys move within lists and text."),
    "Right": N_("The arrow keys move within lists and text."),
}


def normalize_key(key: str) -> str:
    """One spelling per key: ``"shift+ctrl+d"`` -> ``"Ctrl+Shift+D"``, ``"ctrl+plus"`` ->
    ``"Ctrl++"``. ``""`` stays ``""`` (no key). Raises ValueError for text that is not one
    key with optional modifiers (key chords such as ``"Ctrl+K, Ctrl+C"`` are not used)."""
    text = key.strip()
    if not text:
        return ""
    if text.endswith("+"):  # the "+" key itself: "+", "Ctrl++"
        name, mods_text = "+", text[:-1].rstrip("+")
    else:
        head, _sep, name = text.rpartition("+")
        mods_text = head
    mods: set[str] = set()
    for part in mods_text.split("+") if mods_text else []:
        mod = _MODIFIERS.get(part.strip().lower())
        if mod is None:
            raise ValueError(f"{key!r} is not a key: {part.strip()!r} is not a modifier")
        mods.add(mod)
    name = name.strip()
    if not name:
        raise ValueError(f"{key!r} has no key after its modifiers")
    if name.lower() in _MODIFIERS:
        raise ValueError(f"{key!r} is only modifiers")
    if len(name) == 1:
        name = name.upper()
    elif name.lower() in _KEY_NAMES:
        name = _KEY_NAMES[name.lower()]
    elif name[0] in "fF" and name[1:].isdigit() and 1 <= int(name[1:]) <= 35:
        name = f"F{int(name[1:])}"
    elif name.isalpha():
        name = name[0].upper() + name[1:]
    else:
        raise ValueError(f"{key!r} is not a key Describe knows")
    return "+".join([*(m for m in _MODIFIER_ORDER if m in mods), name])


def is_valid_key(key: str) -> bool:
    try:
        normalize_key(key)
    except ValueError:
        return False
    return True


def clean_overrides(raw: Mapping[str, object]) -> tuple[dict[str, str], list[str]]:
    """Keep the usable overrides (known action, a key or ``""``), with keys normalized.

    Returns them and the ids of known actions whose key was unusable (not text, or not a
    key). Unknown action ids (say, from a newer Describe) are dropped quietly."""
    kept: dict[str, str] = {}
    dropped: list[str] = []
    for action_id, key in raw.items():
        if action_id not in ACTIONS_BY_ID:
            logger.debug("ignored shortcut for unknown action %r", action_id)
            continue
        try:
            if not isinstance(key, str):
                raise ValueError(f"{key!r} is not text")
            kept[action_id] = normalize_key(key)
        except ValueError as exc:
            logger.info("ignored shortcut for %s: %s", action_id, exc)
            dropped.append(action_id)
    return kept, dropped


def effective_keys(overrides: Mapping[str, object] | None = None) -> dict[str, tuple[str, ...]]:
    """action id -> its keys (normalized) after the user's overrides; ``()`` for none.

    An override replaces all default keys of its action; ``""`` leaves it without a key.
    Unknown action ids and malformed keys in ``overrides`` are ignored."""
    cleaned, _dropped = clean_overrides(overrides or {})
    result: dict[str, tuple[str, ...]] = {}
    for act in ACTIONS:
        if act.id in cleaned:
            keys: tuple[str, ...] = (cleaned[act.id],) if cleaned[act.id] else ()
        else:
            keys = tuple(normalize_key(k) for k in act.keys)
        result[act.id] = tuple(dict.fromkeys(keys))
    return result


@dataclass(frozen=True)
class Conflict:
    """Two or more actions on one key: in Qt neither would fire."""

    key: str
    action_ids: tuple[str, ...]

    def message(self) -> str:
        names = ", ".join(action(a).plain_text() for a in self.action_ids)
        return _("{key} is the key for more than one action: {names}.").format(
            key=self.key, names=names
        )


def find_conflicts(overrides: Mapping[str, str] | None = None) -> list[Conflict]:
    """Every key used by more than one action, with the actions, in table order."""
    users: dict[str, list[str]] = {}
    for action_id, keys in effective_keys(overrides).items():
        for key in keys:
            users.setdefault(key, []).append(action_id)
    return [Conflict(key, tuple(ids)) for key, ids in users.items() if len(ids) > 1]


def reserved_reason(key: str) -> str | None:
    """Why a key must not be given to an action (translated sentence), or None."""
    try:
        normalized = normalize_key(key)
    except ValueError:
        return None
    reason = _RESERVED.get(normalized)
    return _(reason) if reason else None


def check_key(action_id: str, key: str, overrides: Mapping[str, str] | None = None) -> str | None:
    """For the settings page: why ``key`` cannot be given to ``action_id``, or None if it can.

    Checks the spelling, reserved keys and the other actions' keys (with ``overrides``)."""
    try:
        normalized = normalize_key(key)
    except ValueError:
        return _("{key} is not a key Describe understands.").format(key=key.strip())
    if not normalized:
        return None
    reason = reserved_reason(normalized)
    if reason:
        return reason
    for other, keys in effective_keys(overrides).items():
        if other != action_id and normalized in keys:
            return _("{key} is already the key for {name}.").format(
                key=normalized, name=action(other).plain_text()
            )
    return None


def help_text(overrides: Mapping[str, str] | None = None) -> str:
    """Plain text for F1: every action by menu, with its keys and description."""
    keys = effective_keys(overrides)
    lines = [_("Describe keys"), ""]
    for menu in Menu:
        lines.append(strip_mnemonic(menu_title(menu)))
        for act in actions_in_menu(menu):
            shown = _(" or ").join(keys[act.id]) if keys[act.id] else _("no key")
            lines.append(f"  {shown}: {act.plain_text()}. {act.help()}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

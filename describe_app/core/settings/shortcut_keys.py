"""Keys as text: one spelling per key, and the keys no action may take.

Keys are Qt's portable key-sequence text ("Ctrl+O", "Ctrl++", "Ctrl+Shift+D").
:func:`normalize_key` accepts the spellings people type ("shift+ctrl+d", "ctrl+plus", "esc")
and gives the one the table and the settings use; a word that names no key Qt knows
("Ctrl+Dot") is refused, so no action silently gets a key that does nothing.
:func:`reserved_reason` says why a key must keep its usual meaning for keyboard and screen
reader users, or why the desktop or a screen reader would take it first.
"""

from __future__ import annotations

from describe_app.core.i18n import N_, _

_MODIFIERS = {
    "ctrl": "Ctrl",
    "control": "Ctrl",
    "alt": "Alt",
    "shift": "Shift",
    "meta": "Meta",
    "super": "Meta",  # the Windows key, as Linux desktops call it
    "win": "Meta",
}
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
    "capslock": "CapsLock",
    "numlock": "NumLock",
    "scrolllock": "ScrollLock",
    "sysreq": "SysReq",
    "help": "Help",
    "clear": "Clear",
    "plus": "+",
    "minus": "-",
    "equal": "=",
    "comma": ",",
    "period": ".",
}

#: Keys held by a screen reader whatever the modifiers (NVDA's and Orca's own key).
_SCREEN_READER_KEYS = ("Insert", "CapsLock")

#: Keys that must keep their usual meaning for keyboard and screen reader users, or that
#: the desktop or a screen reader takes before Describe sees them.
_RESERVED: dict[str, str] = {
    "Tab": N_("Tab moves between controls."),
    "Shift+Tab": N_("Shift+Tab moves between controls."),
    "Return": N_("Enter activates buttons and asks questions."),
    "Enter": N_("Enter activates buttons and asks questions."),
    "F10": N_("F10 opens the menu bar."),
    "Alt+F4": N_("Alt+F4 closes windows."),
    "Insert": N_("Insert is a screen reader key."),
    "CapsLock": N_("Caps Lock is a screen reader key."),
    # Shift+Tab arrives as Backtab
    "Backtab": N_("Shift+Tab moves between controls."),
    "Shift+Backtab": N_("Shift+Tab moves between controls."),
    "Ctrl+Tab": N_("Ctrl+Tab moves between pages, and out of text boxes."),
    "Ctrl+Shift+Tab": N_("Ctrl+Tab moves between pages, and out of text boxes."),
    "Ctrl+Backtab": N_("Ctrl+Tab moves between pages, and out of text boxes."),
    "Ctrl+Shift+Backtab": N_("Ctrl+Tab moves between pages, and out of text boxes."),
    "Alt+Tab": N_("Alt+Tab switches between programs."),
    "Alt+Shift+Tab": N_("Alt+Tab switches between programs."),
    "Alt+Backtab": N_("Alt+Tab switches between programs."),
    "Alt+Shift+Backtab": N_("Alt+Tab switches between programs."),
    "Alt+Space": N_("Alt+Space opens the window menu."),
    "Shift+F10": N_("Shift+F10 and the Menu key open the context menu."),
    "Menu": N_("Shift+F10 and the Menu key open the context menu."),
    "Ctrl+Escape": N_("Ctrl+Escape opens the Start menu."),
    "Ctrl+Alt+Delete": N_("Ctrl+Alt+Delete belongs to the system."),
    "Ctrl+Shift+Escape": N_("Ctrl+Shift+Escape opens the Task Manager."),
    "Ctrl+Alt+N": N_("Ctrl+Alt+N starts the NVDA screen reader."),
    "Alt+Meta+S": N_("Alt+Super+S turns the Orca screen reader on or off."),
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
    else:
        raise ValueError(f"{key!r} is not a key Describe knows")
    return "+".join([*(m for m in _MODIFIER_ORDER if m in mods), name])


def reserved_reason(key: str) -> str | None:
    """Why a key must not be given to an action (translated sentence), or None."""
    try:
        normalized = normalize_key(key)
    except ValueError:
        return None
    reason = _RESERVED.get(normalized)
    name = normalized.rpartition("+")[2]
    if reason is None and name in _SCREEN_READER_KEYS:  # Ctrl+Insert is the reader's too
        reason = _RESERVED[name]
    return _(reason) if reason else None

"""macOS key codes: the settings' key names as macOS virtual key codes, and their modifiers
as Quartz event flags and Carbon modifier bits.

Virtual key codes name places on the keyboard (``kVK_ANSI_D`` is where D is on a US
keyboard), as in ``HIToolbox/Events.h``. Modifiers follow Qt, which writes the settings'
keys: on macOS Qt's "Ctrl" is the Command key and "Meta" the Control key, so a key typed as
"Ctrl+Alt+Shift+D" is Command+Option+Shift+D, as in the window's own shortcuts (and clear
of VoiceOver's Control+Option).
"""

from __future__ import annotations

from describe_app.core.screen.global_keys import KeyCombo

#: ``kVK_ANSI_*``: letters, digits and punctuation where they are on a US keyboard.
_ANSI = {
    "A": 0x00,
    "S": 0x01,
    "D": 0x02,
    "F": 0x03,
    "H": 0x04,
    "G": 0x05,
    "Z": 0x06,
    "X": 0x07,
    "C": 0x08,
    "V": 0x09,
    "B": 0x0B,
    "Q": 0x0C,
    "W": 0x0D,
    "E": 0x0E,
    "R": 0x0F,
    "Y": 0x10,
    "T": 0x11,
    "1": 0x12,
    "2": 0x13,
    "3": 0x14,
    "4": 0x15,
    "6": 0x16,
    "5": 0x17,
    "=": 0x18,
    "9": 0x19,
    "7": 0x1A,
    "-": 0x1B,
    "8": 0x1C,
    "0": 0x1D,
    "]": 0x1E,
    "O": 0x1F,
    "U": 0x20,
    "[": 0x21,
    "I": 0x22,
    "P": 0x23,
    "L": 0x25,
    "J": 0x26,
    "'": 0x27,
    "K": 0x28,
    ";": 0x29,
    "\\": 0x2A,
    ",": 0x2B,
    "/": 0x2C,
    "N": 0x2D,
    "M": 0x2E,
    ".": 0x2F,
    "`": 0x32,
    "+": 0x18,  # Qt's "Ctrl++": the key with = and +
}
#: Keys that are the same on every layout (``kVK_*``).
_NAMED = {
    "Return": 0x24,
    "Enter": 0x4C,  # the keypad's
    "Tab": 0x30,
    "Space": 0x31,
    "Backspace": 0x33,
    "Escape": 0x35,
    "Delete": 0x75,  # forward delete
    "Home": 0x73,
    "End": 0x77,
    "PgUp": 0x74,
    "PgDown": 0x79,
    "Left": 0x7B,
    "Right": 0x7C,
    "Down": 0x7D,
    "Up": 0x7E,
}
#: ``kVK_F1`` ... ``kVK_F20``.
_FUNCTION = (
    0x7A, 0x78, 0x63, 0x76, 0x60, 0x61, 0x62, 0x64, 0x65, 0x6D,
    0x67, 0x6F, 0x69, 0x6B, 0x71, 0x6A, 0x40, 0x4F, 0x50, 0x5A,
)  # fmt: skip

#: Quartz's ``kCGEventFlagMask*`` of each modifier (Qt's names: Ctrl is Command).
EVENT_FLAGS = {"Ctrl": 0x100000, "Alt": 0x80000, "Shift": 0x20000, "Meta": 0x40000}
#: The flags that make two presses of one key differ (Caps Lock, Fn and the keypad do not).
MODIFIER_FLAGS = sum(EVENT_FLAGS.values())
#: Carbon's ``cmdKey``, ``optionKey``, ``shiftKey``, ``controlKey`` (system shortcuts).
CARBON_MODIFIERS = {"Ctrl": 0x100, "Alt": 0x800, "Shift": 0x200, "Meta": 0x1000}


def mac_key_code(name: str) -> int | None:
    """The macOS virtual key code of a key name ("D", "5", "F7", "Space"), or None when a
    Mac keyboard has no such key (Insert, Print, Pause, Menu)."""
    if name in _NAMED:
        return _NAMED[name]
    if name[0] == "F" and name[1:].isdigit() and 1 <= int(name[1:]) <= len(_FUNCTION):
        return _FUNCTION[int(name[1:]) - 1]
    return _ANSI.get(name.upper() if len(name) == 1 else name)


def event_flags(combo: KeyCombo) -> int:
    """The Quartz event flags a press of ``combo`` carries (of :data:`MODIFIER_FLAGS`)."""
    return sum(EVENT_FLAGS[m] for m in combo.modifiers)


def carbon_modifiers(combo: KeyCombo) -> int:
    """``combo``'s modifiers as Carbon writes them in the system's own shortcuts."""
    return sum(CARBON_MODIFIERS[m] for m in combo.modifiers)

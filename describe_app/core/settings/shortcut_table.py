"""Every action of the window, as data: id, default keys, menu text, help sentence, menu.

One table (:data:`ACTIONS`) builds the menus, the F1 help and the shortcut settings page.
Keys are written as Qt's portable key-sequence text ("Space", "Ctrl+O", "Ctrl++",
"Ctrl+Shift+D"), so the Qt layer can pass them to ``QKeySequence`` unchanged. Labels carry an
``&`` mnemonic. Labels, help sentences and menu titles are marked with ``N_()`` and translated
where they are shown: :meth:`Action.text`, :meth:`Action.help`, :func:`menu_title`.

The user's own keys are applied on top of this table by
:mod:`describe_app.core.settings.shortcuts`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from describe_app.core.i18n import N_, _


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
        N_("Choose a saved photo and hear it described, or a PDF or scan to read."),
        Menu.FILE,
    ),
    Action(
        "show_document",
        ("Ctrl+Shift+M",),
        N_("Show &document"),
        N_("Show the reading view with the document read last."),
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
    Action(
        "download_model",
        ("Ctrl+Shift+N",),
        N_("Download a &model..."),
        N_(
            "Download the description model suggested for this computer, with its progress "
            "read out."
        ),
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
        "document_mode",
        ("Ctrl+M",),
        N_("Docume&nt mode"),
        N_(
            "Switch document mode on or off: say how to bring a whole page into view, then "
            "capture it, read it and show it in the reading view."
        ),
        Menu.DESCRIBE,
        checkable=True,
    ),
    Action(
        "read_codes",
        ("Ctrl+B",),
        N_("Read &barcodes and QR codes"),
        N_(
            "Switch reading codes on or off: each QR code or barcode the camera sees is read "
            "out once, with cues to aim at it (with no camera: the codes in the photo)."
        ),
        Menu.DESCRIBE,
        checkable=True,
    ),
    Action(
        "colour",
        ("Ctrl+K",),
        N_("C&olour of the middle"),
        N_(
            "Say the colour of what is in the middle of the camera's view or the photo; "
            "press again at once for a more precise name."
        ),
        Menu.DESCRIBE,
    ),
    Action(
        "light_meter",
        ("Ctrl+I",),
        N_("&Light meter"),
        N_(
            "Switch the light meter on or off: a tone that rises the more light the camera "
            "sees, for finding a lamp or a window."
        ),
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

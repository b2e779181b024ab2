"""The window's actions as data: id, default key, menu, label and description.

Menus, the F1 help and (later) the shortcuts settings page are all built from
:data:`ACTIONS`; nothing else in the window names a key. The strings are marked with
``N_()`` and translated where they are shown.

When the core's shortcut table (``describe_app.core.shortcuts``) lands, this module is the
one place that adapts it.
"""

from __future__ import annotations

from dataclasses import dataclass

from describe_app.core.i18n import N_


@dataclass(frozen=True)
class ActionSpec:
    id: str
    key: str  # a QKeySequence string in portable form, e.g. "Ctrl+O"
    menu: str  # the id of the menu it sits in (see MENUS)
    label: str  # the menu text, with an & before its mnemonic
    description: str  # one sentence for the help screen and the accessible description


#: Menus in order: id -> title (with mnemonic).
MENUS: dict[str, str] = {
    "picture": N_("&Picture"),
    "speech": N_("&Speech"),
    "view": N_("&View"),
    "help": N_("&Help"),
}

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "describe",
        "Space",
        "picture",
        N_("&Describe"),
        N_("Describe what the camera sees now, or the open photo when there is no camera."),
    ),
    ActionSpec(
        "describe_detailed",
        "Ctrl+D",
        "picture",
        N_("Describe in de&tail"),
        N_("A longer, more detailed description of the same kind of picture."),
    ),
    ActionSpec(
        "read_text",
        "Ctrl+T",
        "picture",
        N_("&Read text"),
        N_("Read the printed text in the picture aloud, in reading order."),
    ),
    ActionSpec(
        "ask",
        "Ctrl+K",
        "picture",
        N_("&Ask a question"),
        N_("Move to the question field; Enter asks about the last picture."),
    ),
    ActionSpec(
        "open_photo",
        "Ctrl+O",
        "picture",
        N_("&Open photo..."),
        N_("Choose a saved photo and hear it described."),
    ),
    ActionSpec(
        "paste_photo",
        "Ctrl+V",
        "picture",
        N_("&Paste picture"),
        N_("Describe a picture copied to the clipboard."),
    ),
    ActionSpec(
        "quit",
        "Ctrl+Q",
        "picture",
        N_("&Quit"),
        N_("Close Describe."),
    ),
    ActionSpec(
        "stop",
        "Escape",
        "speech",
        N_("&Stop"),
        N_("Stop the description in progress and stop speaking."),
    ),
    ActionSpec(
        "repeat",
        "Ctrl+R",
        "speech",
        N_("R&epeat"),
        N_("Say the last result again."),
    ),
    ActionSpec(
        "copy_result",
        "Ctrl+Shift+C",
        "view",
        N_("&Copy result"),
        N_("Copy the selected history item, or the last result, to the clipboard."),
    ),
    ActionSpec(
        "text_bigger",
        "Ctrl++",
        "view",
        N_("&Bigger text"),
        N_("Make the result text larger."),
    ),
    ActionSpec(
        "text_smaller",
        "Ctrl+-",
        "view",
        N_("&Smaller text"),
        N_("Make the result text smaller."),
    ),
    ActionSpec(
        "focus_history",
        "Ctrl+H",
        "view",
        N_("Go to &history"),
        N_("Move to the list of earlier results."),
    ),
    ActionSpec(
        "help",
        "F1",
        "help",
        N_("&Keyboard help"),
        N_("List every action and its key."),
    ),
)


def action_by_id(action_id: str) -> ActionSpec:
    for spec in ACTIONS:
        if spec.id == action_id:
            return spec
    raise KeyError(action_id)

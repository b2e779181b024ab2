"""The Qt side of the one shortcuts table (:mod:`describe_app.core.settings.shortcuts`).

The core table says which actions exist, their keys, labels, help sentences, menus and
scopes; this module only turns that into Qt terms: key sequences, shortcut contexts, and
keys written the way the user's platform writes them.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from describe_app.core.settings.shortcut_table import ACTIONS, Action, Scope
from describe_app.core.settings.shortcuts import effective_keys

__all__ = ["ACTIONS", "Action", "apply_keys", "key_sequences", "key_text", "shortcut_context"]


def key_sequences(keys: tuple[str, ...]) -> list[QKeySequence]:
    """Qt key sequences for keys in the table's portable form ("Ctrl+O", "Ctrl++")."""
    return [QKeySequence(key) for key in keys]


def key_text(key: str) -> str:
    """The key as the user's platform writes it (e.g. "Ctrl+O")."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) or key


def shortcut_context(action: Action) -> Qt.ShortcutContext:
    """WINDOW keys work anywhere in the window; HISTORY keys only while the history list (or
    a child of it) has focus, so Ctrl+C and Delete keep their meaning in text fields."""
    if action.scope is Scope.HISTORY:
        return Qt.ShortcutContext.WidgetWithChildrenShortcut
    return Qt.ShortcutContext.WindowShortcut


def apply_keys(actions: Mapping[str, QAction], overrides: Mapping[str, str] | None) -> None:
    """Give each QAction its keys from the table, after the user's overrides."""
    keys = effective_keys(overrides)
    for action_id, qaction in actions.items():
        qaction.setShortcuts(key_sequences(keys.get(action_id, ())))
        label = qaction.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        shown = keys.get(action_id, ())
        qaction.setToolTip(f"{label.rstrip('.…')} ({key_text(shown[0])})" if shown else label)

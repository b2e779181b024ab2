"""The F1 help, generated from the same action table as the menus."""

from __future__ import annotations

import html

from PySide6.QtGui import QKeySequence

from describe_app.qt.action_table import ACTIONS, MENUS
from describe_app.qt.labelled import plain
from describe_app.qt.translate import _


def key_text(key: str) -> str:
    """The key as the user's platform writes it (e.g. "Ctrl+O")."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) or key


def help_html() -> str:
    parts = [f"<h1>{html.escape(_('Keys in Describe'))}</h1>"]
    for menu_id, title in MENUS.items():
        specs = [s for s in ACTIONS if s.menu == menu_id]
        if not specs:
            continue
        parts.append(f"<h2>{html.escape(plain(_(title)))}</h2><ul>")
        for spec in specs:
            parts.append(
                f"<li><b>{html.escape(key_text(spec.key))}</b>: "
                f"{html.escape(plain(_(spec.label)))}. {html.escape(_(spec.description))}</li>"
            )
        parts.append("</ul>")
    return "".join(parts)

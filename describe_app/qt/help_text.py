"""The F1 help, generated from the one shortcuts table, with the user's own keys."""

from __future__ import annotations

import html
from collections.abc import Mapping

from describe_app.core.live.guidance_tones import tone_legend
from describe_app.core.settings.shortcut_table import Menu, actions_in_menu, menu_title
from describe_app.core.settings.shortcuts import effective_keys
from describe_app.qt.action_table import key_text
from describe_app.qt.labelled import plain
from describe_app.qt.reading_view import READING_VIEW_KEYS
from describe_app.qt.translate import _


def help_html(overrides: Mapping[str, str] | None = None) -> str:
    keys = effective_keys(overrides)
    parts = [f"<h1>{html.escape(_('Keys in Describe'))}</h1>"]
    for menu in Menu:
        parts.append(f"<h2>{html.escape(plain(menu_title(menu)))}</h2><ul>")
        for spec in actions_in_menu(menu):
            shown = _(" or ").join(key_text(k) for k in keys[spec.id]) or _("no key")
            parts.append(
                f"<li><b>{html.escape(shown)}</b>: "
                f"{html.escape(spec.plain_text())}. {html.escape(spec.help())}</li>"
            )
        parts.append("</ul>")
    parts.append(f"<h2>{html.escape(_('Reading guidance tones'))}</h2>")
    parts.append(
        "<p>"
        + html.escape(
            _("With cues as tones (Settings, Hands-free and guidance), each cue is a tone:")
        )
        + "</p><ul>"
    )
    parts += [f"<li>{html.escape(sentence)}</li>" for _cue, sentence in tone_legend()]
    parts.append("</ul>")
    parts.append(f"<h2>{html.escape(_('In the reading view'))}</h2>")
    parts.append(
        "<p>"
        + html.escape(
            _(
                "A PDF, a scan or a page from document mode opens in the reading view: arrow "
                "keys read it by line, with its headings, lists and tables. Its keys:"
            )
        )
        + "</p><ul>"
    )
    parts += [
        f"<li><b>{html.escape(key_text(key))}</b>: {html.escape(_(sentence))}</li>"
        for key, sentence in READING_VIEW_KEYS
    ]
    parts.append("</ul>")
    return "".join(parts)

"""The user's shortcut keys: their changes on top of the table of actions, and the checks.

The actions and their default keys are :mod:`describe_app.core.settings.shortcut_table`; how a
key is spelled is :mod:`describe_app.core.settings.shortcut_keys`. The user's changes are a
mapping ``action id -> key`` (``""`` removes the key), stored in the settings:
:func:`clean_overrides` keeps the usable ones, :func:`effective_keys` applies them,
:func:`find_conflicts` finds two actions on one key, :func:`check_key` says why the settings
page must refuse a key, and :func:`help_text` lists every action with its keys for F1.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from describe_app.core.i18n import _
from describe_app.core.settings.shortcut_keys import normalize_key, reserved_reason
from describe_app.core.settings.shortcut_table import (
    ACTIONS,
    ACTIONS_BY_ID,
    Menu,
    action,
    actions_in_menu,
    menu_title,
    mnemonic,
    strip_mnemonic,
)

logger = logging.getLogger(__name__)


def clean_overrides(raw: Mapping[str, object]) -> tuple[dict[str, str], list[str]]:
    """Keep the usable overrides (known action, a key or ``""``, not a reserved key), with
    keys normalized.

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
            normalized = normalize_key(key)
            if reserved_reason(normalized):  # the desktop or screen reader takes it first
                raise ValueError(f"{normalized} is reserved")
            kept[action_id] = normalized
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


def menu_key_reason(key: str) -> str | None:
    """Why ``key`` (normalized) must stay with the menu bar: Alt and a menu's mnemonic letter
    opens that menu (in the current language). None if it need not."""
    head, _sep, name = key.rpartition("+")
    if head != "Alt" or len(name) != 1:
        return None
    for menu in Menu:
        title = menu_title(menu)
        if mnemonic(title) == name.lower():
            return _("{key} opens the {menu} menu.").format(key=key, menu=strip_mnemonic(title))
    return None


def check_key(
    action_id: str,
    key: str,
    overrides: Mapping[str, str] | None = None,
    taken: Mapping[str, str] | None = None,
) -> str | None:
    """For the settings page: why ``key`` cannot be given to ``action_id``, or None if it can.

    Checks the spelling, reserved keys, the menus' Alt keys, the other actions' keys (with
    ``overrides``) and ``taken``: other keys of Describe's (normalized key -> what it does,
    such as the keys that work from any program)."""
    try:
        normalized = normalize_key(key)
    except ValueError:
        return _("{key} is not a key Describe understands.").format(key=key.strip())
    if not normalized:
        return None
    reason = reserved_reason(normalized) or menu_key_reason(normalized)
    if reason:
        return reason
    if taken and normalized in taken:
        return _("{key} is already the key for {name}.").format(
            key=normalized, name=taken[normalized]
        )
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

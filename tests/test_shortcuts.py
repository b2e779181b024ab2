"""Shortcuts as data: the table, overrides, conflicts and the generated help."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from describe_app.core.i18n import set_language
from describe_app.core.settings.shortcut_keys import normalize_key, reserved_reason
from describe_app.core.settings.shortcut_table import (
    ACTIONS,
    ACTIONS_BY_ID,
    Menu,
    Scope,
    action,
    actions_in_menu,
    mnemonic,
    strip_mnemonic,
)
from describe_app.core.settings.shortcuts import (
    Conflict,
    check_key,
    clean_overrides,
    effective_keys,
    find_conflicts,
    help_text,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


def test_the_table_is_well_formed() -> None:
    assert len(ACTIONS_BY_ID) == len(ACTIONS), "action ids are unique"
    for act in ACTIONS:
        assert act.keys, f"{act.id} has a default key"
        assert mnemonic(act.label), f"{act.id} label has an & mnemonic"
        assert act.description.endswith("."), act.id
        assert act.description.count(". ") == 0, f"{act.id}: one sentence"
        for key in act.keys:
            assert normalize_key(key) == key, f"{act.id}: write {key!r} the normal way"
    assert {a.menu for a in ACTIONS} == set(Menu), "no empty menu"


def test_the_keys_the_issue_asks_for() -> None:
    keys = effective_keys()
    assert keys["describe"] == ("Space",)
    assert keys["open_photo"] == ("Ctrl+O",)
    assert keys["paste_picture"] == ("Ctrl+V",)
    assert keys["copy_result"] == ("Ctrl+C",)
    assert action("copy_result").scope is Scope.HISTORY
    assert keys["stop"] == ("Escape",)
    assert keys["settings"] == ("Ctrl+,",)
    assert keys["help"] == ("F1",)
    assert keys["text_bigger"] == ("Ctrl++", "Ctrl+=")
    assert keys["text_smaller"] == ("Ctrl+-",)
    assert keys["quit"] == ("Ctrl+Q",)
    for needed in (
        "describe_detail",
        "read_text",
        "ask",
        "repeat",
        "pause_resume",
        "save_result",
        "delete_history_item",
        "clear_history",
        "choose_camera",
        "speech_faster",
        "speech_slower",
    ):
        assert keys[needed], needed


def test_the_default_table_has_no_conflicts_and_no_reserved_keys() -> None:
    assert find_conflicts() == []
    for act in ACTIONS:
        for key in act.keys:
            assert reserved_reason(key) is None, key


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("shift+ctrl+d", "Ctrl+Shift+D"),
        ("Control+o", "Ctrl+O"),
        ("ctrl+plus", "Ctrl++"),
        ("Ctrl++", "Ctrl++"),
        ("ctrl+minus", "Ctrl+-"),
        ("Ctrl+,", "Ctrl+,"),
        ("esc", "Escape"),
        ("f5", "F5"),
        ("Alt+Shift+pgdown", "Alt+Shift+PgDown"),
        ("del", "Delete"),
        ("  space ", "Space"),
        ("", ""),
    ],
)
def test_normalize_key(typed: str, normal: str) -> None:
    assert normalize_key(typed) == normal


@pytest.mark.parametrize("bad", ["Hyper+X", "Ctrl+Shift", "Ctrl+A+B", "Ctrl+?!", "F99"])
def test_normalize_key_refuses_non_keys(bad: str) -> None:
    with pytest.raises(ValueError, match=r"key|modifier"):
        normalize_key(bad)


def test_overrides_replace_the_defaults() -> None:
    keys = effective_keys({"describe": "ctrl+shift+space", "text_bigger": "Ctrl+Up"})
    assert keys["describe"] == ("Ctrl+Shift+Space",)
    assert keys["text_bigger"] == ("Ctrl+Up",)  # replaces both defaults
    assert keys["open_photo"] == ("Ctrl+O",)


def test_an_empty_override_removes_the_key() -> None:
    assert effective_keys({"quit": ""})["quit"] == ()
    assert "no key" in help_text({"quit": ""})


def test_unusable_overrides_are_ignored(caplog: pytest.LogCaptureFixture) -> None:
    raw: dict[str, object] = {"no_such_action": "Ctrl+J", "quit": 5, "repeat": "Hyper+R"}
    kept, dropped = clean_overrides(raw)
    assert kept == {}
    assert sorted(dropped) == ["quit", "repeat"]  # unknown ids are dropped quietly
    assert effective_keys(raw)["quit"] == ("Ctrl+Q",)


def test_conflicts_are_found() -> None:
    conflicts = find_conflicts({"describe": "ctrl+o", "repeat": "F1"})
    assert conflicts == [
        Conflict("Ctrl+O", ("open_photo", "describe")),
        Conflict("F1", ("repeat", "help")),
    ]
    assert conflicts[0].message() == (
        "Ctrl+O is the key for more than one action: Open photo, Describe."
    )


def test_moving_a_key_away_resolves_the_conflict() -> None:
    overrides = {"describe": "Ctrl+O", "open_photo": "Ctrl+Shift+O"}
    assert find_conflicts(overrides) == []


def test_check_key_for_the_settings_page() -> None:
    assert check_key("describe", "Ctrl+O") == "Ctrl+O is already the key for Open photo."
    assert check_key("describe", "Space") is None  # its own key
    assert check_key("describe", "Ctrl+J") is None
    assert check_key("describe", "") is None
    assert check_key("describe", "Tab") == "Tab moves between controls."
    assert check_key("describe", "Hyper+J") == "Hyper+J is not a key Describe understands."
    # once open_photo has moved, Ctrl+O is free
    assert check_key("describe", "Ctrl+O", {"open_photo": "Ctrl+Shift+O"}) is None


def test_help_lists_every_action_with_its_keys() -> None:
    text = help_text()
    for act in ACTIONS:
        line = next(line for line in text.splitlines() if act.plain_text() + ". " in line)
        assert act.help() in line
        for key in act.keys:
            assert key in line
    assert "  Ctrl++ or Ctrl+=: Bigger text. Make the result text larger." in text
    # grouped under the menus, in menu order
    headings = [strip_mnemonic(m) for m in ("&File", "&Describe", "S&peech", "Hi&story")]
    positions = [text.index(f"\n{h}\n") for h in headings]
    assert positions == sorted(positions)


def test_help_follows_overrides_and_language() -> None:
    assert "Ctrl+J: Describe." in help_text({"describe": "Ctrl+J"})
    set_language("fr")
    text = help_text()
    assert text.startswith("Touches de Describe\n")
    assert "  Ctrl+Q: Quitter. Fermer Describe." in text
    assert "Ctrl++ ou Ctrl+=" in text


def test_menus_keep_table_order() -> None:
    assert [a.id for a in actions_in_menu(Menu.VIEW)] == [
        "text_bigger",
        "text_smaller",
        "text_normal",
    ]


def test_mnemonic_helpers() -> None:
    assert mnemonic("Save && &quit") == "q"
    assert mnemonic("No mnemonic") is None
    assert strip_mnemonic("Save && &quit...") == "Save & quit"

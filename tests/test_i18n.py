"""Translations: the French catalog works, is complete for the core, and its .mo is current."""

from __future__ import annotations

import gettext
import io
import logging
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from describe_app.core import i18n
from describe_app.core.i18n import _, available_languages, set_language
from describe_app.core.settings.shortcut_table import (
    ACTIONS,
    Menu,
    actions_in_menu,
    menu_title,
    mnemonic,
)
from describe_app.devtools import translations as tr

FRENCH_PO = i18n.locale_dir() / "fr" / "LC_MESSAGES" / "describe.po"
#: Every string under these folders must be translated in every catalog.
FULLY_TRANSLATED = (tr.PACKAGE_DIR / "core",)


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    yield
    set_language("en")


def test_french_after_set_language_and_english_after_en() -> None:
    assert set_language("fr") == "fr"
    assert i18n.current_language() == "fr"
    assert _("&Quit") == "&Quitter"
    assert _("Close Describe.") == "Fermer Describe."
    assert set_language("en") == "en"
    assert _("&Quit") == "&Quit"


@pytest.mark.parametrize("code", ["fr_FR", "fr-CA", "fr_BE.UTF-8", "fr_FR@euro"])
def test_regional_codes_fall_back_to_the_language(code: str) -> None:
    assert set_language(code) == "fr"
    assert _("&Quit") == "&Quitter"


def test_a_language_without_catalog_gives_english(caplog: pytest.LogCaptureFixture) -> None:
    set_language("fr")
    with caplog.at_level(logging.INFO, logger="describe_app"):
        assert set_language("xx") == "en"
        assert set_language("../../fr") == "en"
    assert _("&Quit") == "&Quit"
    assert "no translation for xx" in caplog.text


def test_system_language_is_used_when_none_is_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert set_language(None) == "fr"
    assert set_language("") == "fr"


def test_the_c_locale_names_no_language(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """LANG=C.UTF-8 (containers, servers) is no language: the system's locale decides, and
    no "no translation for C" is logged at each command."""
    from describe_app.core.i18n import system_language

    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert system_language() != "C"
    caplog.set_level("INFO", logger="describe_app.core.i18n")
    set_language(None)
    assert "no translation for C " not in caplog.text


def test_empty_and_unknown_strings() -> None:
    set_language("fr")
    assert _("") == ""  # not the catalog header
    assert _("A sentence nobody translated.") == "A sentence nobody translated."


def test_available_languages() -> None:
    langs = available_languages()
    assert langs[0] == "en"
    assert "fr" in langs


def test_every_action_and_menu_has_a_french_label_and_description() -> None:
    english_titles = [menu_title(m) for m in Menu]
    set_language("fr")
    for act in ACTIONS:
        assert act.text() != act.label, act.id
        assert act.help() != act.description, act.id
        assert mnemonic(act.text()), f"{act.id}: {act.text()!r} has no mnemonic"
    french_titles = [menu_title(m) for m in Menu]
    assert all(fr != en for fr, en in zip(french_titles, english_titles, strict=True))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_mnemonics_are_unique_within_each_menu(language: str) -> None:
    set_language(language)
    titles = [mnemonic(menu_title(m)) for m in Menu]
    assert None not in titles
    assert len(set(titles)) == len(titles), titles
    for menu in Menu:
        letters = [mnemonic(a.text()) for a in actions_in_menu(menu)]
        assert len(set(letters)) == len(letters), f"{language} {menu.value}: {letters}"


def test_compiled_catalogs_are_up_to_date_with_the_po_files() -> None:
    assert tr.po_files(), "no .po files found"
    stale = tr.stale_mo_files()
    assert stale == [], "run: python -m describe_app.devtools.translations compile"


def test_every_core_string_is_translated_in_every_catalog() -> None:
    for po in tr.po_files():
        catalog = tr.parse_po(po.read_text(encoding="utf-8"))
        for folder in FULLY_TRANSLATED:
            messages = tr.extract_messages(folder, base=tr.PACKAGE_DIR.parent)
            assert len(messages) > 50, "the extraction found the strings"
            missing = [m for m in messages if m not in catalog.translations()]
            assert missing == [], f"{po}: translate these (after `translations update`)"


def test_translations_keep_the_placeholders() -> None:
    for po in tr.po_files():
        for msgid, msgstr in tr.parse_po(po.read_text(encoding="utf-8")).translations().items():
            assert set(re.findall(r"\{\w*\}", msgstr)) == set(re.findall(r"\{\w*\}", msgid)), msgid
            assert msgstr.startswith(" ") == msgid.startswith(" "), msgid
            assert msgstr.endswith((".", "...")) == msgid.endswith((".", "...")), msgid


def test_mo_compiler_round_trips_through_python_gettext() -> None:
    po_text = "\n".join(
        [
            'msgid ""',
            'msgstr ""',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"',
            "",
            "#, fuzzy",
            'msgid "Maybe"',
            'msgstr "Peut-être"',
            "",
            'msgid "Two\\nlines \\"quoted\\""',
            'msgstr ""',
            '"Deux\\n"',
            '"lignes « citées »"',
            "",
            'msgid "{n} picture"',
            'msgid_plural "{n} pictures"',
            'msgstr[0] "{n} image"',
            'msgstr[1] "{n} images"',
            "",
            'msgid "Untranslated"',
            'msgstr ""',
            "",
        ]
    )
    catalog = tr.parse_po(po_text)
    assert tr.parse_po(tr.format_po(catalog)) == catalog
    mo = tr.compile_mo(catalog)
    assert tr.compile_mo(catalog) == mo  # the same bytes every time
    t = gettext.GNUTranslations(io.BytesIO(mo))
    assert t.gettext('Two\nlines "quoted"') == "Deux\nlignes « citées »"
    assert t.ngettext("{n} picture", "{n} pictures", 1) == "{n} image"
    assert t.ngettext("{n} picture", "{n} pictures", 2) == "{n} images"
    assert t.gettext("Maybe") == "Maybe"  # fuzzy entries are left out, as msgfmt does
    assert t.gettext("Untranslated") == "Untranslated"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt not installed")
def test_our_mo_matches_gnu_msgfmt(tmp_path: Path) -> None:
    gnu = tmp_path / "gnu.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(gnu), str(FRENCH_PO)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    ours = gettext.GNUTranslations(io.BytesIO(FRENCH_PO.with_suffix(".mo").read_bytes()))
    theirs = gettext.GNUTranslations(io.BytesIO(gnu.read_bytes()))
    assert ours._catalog == theirs._catalog  # type: ignore[attr-defined]


def test_update_adds_new_strings_and_keeps_translations(tmp_path: Path) -> None:
    code = tmp_path / "pkg"
    code.mkdir()
    (code / "a.py").write_text(
        'from x import _, N_, ngettext\nA = N_("Kept")\nB = _("New {x}")\n'
        'C = ngettext("{n} file", "{n} files", 2)\nD = _(variable)\n',
        encoding="utf-8",
    )
    old = tr.parse_po('msgid "Kept"\nmsgstr "Gardé"\n\nmsgid "Gone"\nmsgstr "Parti"\n')
    merged, obsolete = tr.merge(old, tr.extract_messages(code))
    assert list(merged.entries) == ["Kept", "New {x}", "{n} file"]
    assert merged.entries["Kept"].msgstr == ["Gardé"]
    assert merged.entries["New {x}"].msgstr == [""]
    assert "python-brace-format" in merged.entries["New {x}"].flags
    assert merged.entries["{n} file"].msgstr == ["", ""]
    assert [e.msgid for e in obsolete] == ["Gone"]
    text = tr.format_po(merged, obsolete)
    assert '#~ msgid "Gone"' in text
    assert "Gone" not in tr.parse_po(text).entries


def test_the_picture_check_speaks_the_windows_language() -> None:
    import numpy as np

    from describe_app.core.pictures.picture_check import check_picture

    black = np.zeros((480, 640, 3), np.uint8)
    assert check_picture(black).message.startswith("The picture is almost black.")
    set_language("fr")
    assert check_picture(black).message.startswith("L'image est presque noire.")


def test_a_picture_that_cannot_be_opened_is_said_in_the_windows_language(tmp_path: Path) -> None:
    from describe_app.core.errors import ImageError
    from describe_app.core.pictures.images import load_picture

    set_language("fr")
    with pytest.raises(ImageError, match="Il n’y a pas de fichier nommé"):
        load_picture(tmp_path / "absent.jpg")
    with pytest.raises(ImageError, match="est un dossier, pas une image"):
        load_picture(tmp_path)

"""Translated words: ``_()`` for every user-visible string, ``N_()`` for tables.

We use GNU gettext: domain ``describe``, catalogs in
``resources/locale/<lang>/LC_MESSAGES/describe.po``, compiled to the ``.mo`` file next to it
(both are committed; ``python -m describe_app.devtools.translations check`` and a test keep
them in step). The Qt layer wraps its widget strings with the same ``_()``.

Strings in module-level tables are marked with ``N_()`` (which returns them unchanged) and
translated where they are shown, with ``_(entry.label)``, so a language change takes effect
without re-importing anything. English is the source language and needs no catalog.
"""

from __future__ import annotations

import gettext
import locale
import logging
import os
import re
from pathlib import Path

from describe_app.core.resources import resource_path

logger = logging.getLogger(__name__)

DOMAIN = "describe"
SOURCE_LANGUAGE = "en"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def locale_dir() -> Path:
    """The folder holding ``<lang>/LC_MESSAGES/describe.mo``."""
    return resource_path("locale")


def available_languages() -> list[str]:
    """Language codes with a compiled catalog, English first (e.g. ``["en", "fr"]``)."""
    found = sorted(
        p.parent.parent.name for p in locale_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.mo") if p.is_file()
    )
    return [SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE)]


def system_language() -> str:
    """The user's interface language from the environment or the OS, e.g. ``"fr_CA"``."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").split(":")[0].strip()
        code = value.split(".")[0].split("@")[0]
        if code and code not in ("C", "POSIX"):  # "C.UTF-8" names no language either
            return code
    try:
        found = locale.getlocale()[0]
    except ValueError:
        found = None
    return found or SOURCE_LANGUAGE


def set_language(language: str | None) -> str:
    """Translate into ``language`` ("fr", "fr_CA", "fr-CA"); None or "" means the system's.

    Returns the language now in use: the code of the catalog found, or ``"en"`` when there
    is none for that language (English is then used, and the reason is logged).
    """
    global _translations, _language
    wanted = (language or "").strip() or system_language()
    code = wanted.split(".")[0].split("@")[0].replace("-", "_")
    if not re.fullmatch(r"[A-Za-z]{2,3}(_[A-Za-z0-9]+)?", code):
        code = "invalid"
    candidates = [code]
    if "_" in code:
        candidates.append(code.split("_")[0])
    if code.split("_")[0].lower() == SOURCE_LANGUAGE:
        _translations, _language = gettext.NullTranslations(), SOURCE_LANGUAGE
        return _language
    for candidate in dict.fromkeys(candidates):
        mo = locale_dir() / candidate / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if not mo.is_file():
            continue
        try:
            with open(mo, "rb") as f:
                found = gettext.GNUTranslations(f)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            logger.warning("the %s translation in %s is unusable: %r", candidate, mo, exc)
            break
        _translations, _language = found, candidate
        logger.debug("interface language: %s", candidate)
        return candidate
    else:
        logger.info("no translation for %s in %s; using English", wanted, locale_dir())
    _translations, _language = gettext.NullTranslations(), SOURCE_LANGUAGE
    return _language


def current_language() -> str:
    """The language ``_()`` translates into now, e.g. ``"en"`` or ``"fr"``."""
    return _language


def _(message: str) -> str:
    """``message`` in the current language (unchanged when it has no translation)."""
    if not message:
        return message  # gettext("") would return the catalog header
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it now (for tables)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current language."""
    return _translations.ngettext(singular, plural, n)

"""Words that show doubt, in the language of the answer.

A sentence the model was unsure of (:mod:`.confidence`) is said and shown as
"Possibly: <the model's sentence>": a prefix only, so the model's own words reach the user
unchanged. The prefix is in the language the answer was asked in (the answer-language
setting, "French" or "fr"), which need not be the interface's: an interface in French may
ask for answers in English, and then the hedge is English too.
"""

from __future__ import annotations

import functools
import gettext
import locale
import re

from describe_app.core.i18n import DOMAIN, N_, locale_dir

#: How a sentence the model was unsure of is said; ``{sentence}`` is the model's words.
HEDGE = N_("Possibly: {sentence}")

_CODE = re.compile(r"[a-z]{2,3}(?:_[a-z0-9]+)?")


def language_code(language: str | None) -> str | None:
    """The catalog code for an answer language given as a code ("fr", "fr-CA") or a name
    ("French", "français"); None for English, the model's own, or a name we do not know."""
    text = (language or "").strip().lower().replace("-", "_")
    if not text:
        return None
    code = text if _CODE.fullmatch(text) else None
    if code is None:
        alias = locale.locale_alias.get(text)
        code = alias.split(".")[0] if alias else None
    if code is None or code.split("_")[0] == "en":
        return None
    return code


@functools.lru_cache(maxsize=8)
def _translations(code: str | None) -> gettext.NullTranslations:
    if code is None:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, locale_dir(), languages=[code], fallback=True)


def hedged(sentence: str, language: str | None) -> str:
    """``sentence`` with the words of doubt before it, in ``language`` (the answer's)."""
    template = _translations(language_code(language)).gettext(HEDGE)
    if "{sentence}" not in template:  # a broken translation must not lose the sentence
        template = HEDGE
    return template.replace("{sentence}", sentence)

"""``_()`` for every user-visible string of the window.

Uses the core's gettext catalogue (``describe_app.core.i18n``) when it is there; until
then the text is returned unchanged, so wrapping strings now costs nothing later.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable

_translate: Callable[[str], str] | None = None


def _(text: str) -> str:
    global _translate
    if _translate is None:
        _translate = _find_translator()
    return _translate(text)


def _find_translator() -> Callable[[str], str]:
    if importlib.util.find_spec("describe_app.core.i18n") is not None:
        module = importlib.import_module("describe_app.core.i18n")
        found = getattr(module, "_", None) or getattr(module, "gettext", None)
        if callable(found):
            return found
    return _unchanged


def _unchanged(text: str) -> str:
    return text

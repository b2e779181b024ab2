"""``_()`` for every user-visible string of the window: the core's gettext catalogue
(:mod:`describe_app.core.i18n`), so the window and the core share one language."""

from __future__ import annotations

from describe_app.core.i18n import N_, _, ngettext

__all__ = ["N_", "_", "ngettext"]

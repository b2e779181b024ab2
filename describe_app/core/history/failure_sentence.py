"""What to tell the user when the history could not be written, in one plain sentence.

The window says it when its history writer reports a failure
(:mod:`describe_app.qt.describe_results`); the command line when :meth:`History.add`
counted one (:mod:`describe_app.cli.history_keeper`).
"""

from __future__ import annotations

from describe_app.core.history.store import PictureNotStored
from describe_app.core.i18n import _


def failure_sentence(error: Exception | None, *, adding: bool) -> str:
    """Why a write failed, as a sentence; ``adding``: the write was a new result."""
    if isinstance(error, PictureNotStored):
        return _("The picture of this result could not be saved: {reason}.").format(
            reason=_reason(error.cause)
        )
    reason = _reason(error)
    if adding:
        return _("This result could not be saved in the history: {reason}.").format(reason=reason)
    return _("The history could not be changed on disk: {reason}.").format(reason=reason)


def _reason(error: Exception | None) -> str:
    """Why a write failed, as the system says it ("No space left on device")."""
    return (error.strerror if isinstance(error, OSError) else None) or str(error)

"""Results of the command line into the history the window shows, unless the user turned
history off (the settings' "keep history").

:class:`CommandLineHistory` opens the history once per run and adds each result with
:meth:`History.add` (the picture only where the settings keep pictures). A write that
fails (a full disk) is said once on standard error, in the window's words
(:func:`~describe_app.core.history.failure_sentence.failure_sentence`), and the program
goes on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from describe_app.cli.output import error

if TYPE_CHECKING:
    from describe_app.core.history.entry import EntryKind
    from describe_app.core.history.store import History
    from describe_app.core.pictures.images import Picture


class CommandLineHistory:
    """The history for one run of the command line, or nothing when history is off."""

    def __init__(self) -> None:
        from describe_app.core.settings.settings_file import load_settings

        settings = load_settings(read_only=True).settings.history
        self._history: History | None = None
        if settings.keep_history:
            from describe_app.core.history.store import History

            self._history = History(
                max_entries=settings.max_entries, store_pictures=settings.store_pictures
            )
        self._failing = False  # a failed write was said; say the next after a success

    def add(self, source: str, kind: EntryKind, text: str, picture: Picture | None) -> None:
        """Keep one result from ``source`` (a file's name is kept, not its folder)."""
        history = self._history
        if history is None or not text:
            return
        from describe_app.core.history.entry import history_source
        from describe_app.core.history.failure_sentence import failure_sentence

        failures = history.write_failures
        history.add(source=history_source(source), kind=kind, text=text, picture=picture)
        if history.write_failures == failures:
            self._failing = False
        elif not self._failing:
            self._failing = True
            error(failure_sentence(history.last_write_error, adding=True))

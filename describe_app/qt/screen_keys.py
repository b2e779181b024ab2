"""The window's global keys: the keys the Screen settings name, registered with the core's
:class:`~describe_app.core.screen.global_keys.GlobalKeys`, each pressed key handed to the
GUI thread.

A key that cannot be had (another program holds it, or this desktop has no global keys)
is kept in :attr:`ScreenKeys.problems` with its sentence, which the window says and the
Screen settings page shows: a key is never lost silently.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject

from describe_app.core.screen.global_keys import GlobalKeys
from describe_app.core.settings.schema import ScreenSettings
from describe_app.qt.gui_thread import GuiThread

log = logging.getLogger(__name__)


class ScreenKeys(QObject):
    """``handlers`` maps a :class:`ScreenSettings` key field ("focus_key") to what its key
    does (run on the GUI thread)."""

    def __init__(
        self,
        keys: GlobalKeys,
        handlers: Mapping[str, Callable[[], object]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._keys = keys
        self._handlers = dict(handlers)
        self._gui = GuiThread(self)
        self._held: dict[str, str] = {}  # field -> the key registered for it
        self.problems: dict[str, str] = {}  # field -> why its key does not work
        self._closed = False

    def apply(self, screen: ScreenSettings) -> list[str]:
        """Register the keys ``screen`` names (a changed key gives its old one back); the
        sentences of the keys that do not work, each once."""
        if self._closed:
            return []
        for field, handler in self._handlers.items():
            key = getattr(screen, field)
            if self._held.get(field) == key and field not in self.problems:
                continue
            old = self._held.pop(field, None)
            if old:
                self._keys.unregister(old)
            self.problems.pop(field, None)
            if not key:
                continue
            result = self._keys.register(key, self._on_key(handler))
            if result.ok:
                self._held[field] = key
            else:
                self.problems[field] = result.problem
        return list(dict.fromkeys(self.problems.values()))

    def _on_key(self, handler: Callable[[], object]) -> Callable[[], None]:
        def pressed() -> None:  # on the keys thread
            self._gui.call(handler)

        return pressed

    def close(self) -> None:
        """Give every key back (at shutdown)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._keys.close()
        except (OSError, RuntimeError) as exc:
            log.info("the global keys did not close cleanly: %s", exc)

"""Global keys on macOS: not there yet, and said so.

Hearing keys pressed in other programs needs a Quartz event tap, which macOS allows only to
apps the user has given the Accessibility permission (System Settings, Privacy & Security,
Accessibility), with a sentence that says why: "Describe needs the Accessibility permission
to hear its keys while you work in other programs." Until that tap is written, every key is
refused with a sentence that says so.
"""

from __future__ import annotations

from collections.abc import Callable

from describe_app.core.i18n import _
from describe_app.core.screen.global_keys import KeyState, Registration


class MacGlobalKeys:
    """Refuses every key, saying why (:class:`~describe_app.core.screen.global_keys.GlobalKeys`)."""

    def register(self, key: str, callback: Callable[[], None]) -> Registration:
        return Registration(
            key,
            KeyState.UNAVAILABLE,
            _("Global keys do not work on macOS yet. Use the keys in the Describe window."),
        )

    def unregister(self, key: str) -> None:
        pass

    def close(self) -> None:
        pass

"""X11: the active window's rectangle and the pointer, with ``python-xlib`` (pure Python).

The active window is the window manager's ``_NET_ACTIVE_WINDOW`` (with its frame, from
``_NET_FRAME_EXTENTS``); without a window manager (a bare X server), the top-level window
that holds the keyboard focus.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from describe_app.core.screen.geometry import Rect

log = logging.getLogger(__name__)


class X11Windows:
    """Asks the X server (``DISPLAY``) on a connection opened for each question and closed
    after it, so a long-running app keeps no connection between captures."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._name = environ.get("DISPLAY")

    @contextlib.contextmanager
    def _display(self) -> Iterator[Any]:
        from Xlib import display

        d = display.Display(self._name)
        try:
            yield d
        finally:
            d.close()

    def active_window(self) -> Rect | None:
        with self._display() as d:
            root = d.screen().root
            window = _net_active_window(d, root) or _focused_top_level(d, root)
            if window is None:
                return None
            geometry = window.get_geometry()
            origin = root.translate_coords(window, 0, 0)
            left, right, top, bottom = _frame_extents(d, window)
        return Rect(
            origin.x - left,
            origin.y - top,
            geometry.width + left + right,
            geometry.height + top + bottom,
        )

    def pointer(self) -> tuple[int, int] | None:
        with self._display() as d:
            reply = d.screen().root.query_pointer()
        return int(reply.root_x), int(reply.root_y)


def _net_active_window(d: Any, root: Any) -> Any:
    from Xlib import X

    atom = d.intern_atom("_NET_ACTIVE_WINDOW", only_if_exists=True)
    prop = root.get_full_property(atom, X.AnyPropertyType) if atom else None
    if prop is None or not len(prop.value) or not prop.value[0]:
        return None
    return d.create_resource_object("window", int(prop.value[0]))


def _focused_top_level(d: Any, root: Any) -> Any:
    """The child of the root window that holds the keyboard focus (no window manager)."""
    window = d.get_input_focus().focus
    if isinstance(window, int) or window is None or window == root:
        return None  # PointerRoot or None: nothing has the focus
    while True:
        parent = window.query_tree().parent
        if parent is None or parent == root or isinstance(parent, int):
            return window
        window = parent


def _frame_extents(d: Any, window: Any) -> tuple[int, int, int, int]:
    """The window manager's frame around ``window``: left, right, top, bottom."""
    from Xlib import X

    atom = d.intern_atom("_NET_FRAME_EXTENTS", only_if_exists=True)
    prop = window.get_full_property(atom, X.AnyPropertyType) if atom else None
    if prop is None or len(prop.value) != 4:
        return 0, 0, 0, 0
    left, right, top, bottom = (int(v) for v in prop.value)
    return left, right, top, bottom

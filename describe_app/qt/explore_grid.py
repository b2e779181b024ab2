"""The "Explore picture" control: one focusable grid of the last picture's parts.

The arrow keys move over the parts, Home, Page Up, End and Page Down go to the corners
(as on a numeric keypad: 7, 9, 1, 3), Enter describes the focused part in detail. On each
move the part's position and its short description are said through the one speech path
(own voice or the screen reader, never both), and the same text becomes the control's
accessible description, so a screen reader's "say focus" reads it too.

Sighted helpers and low-vision users see the same grid: nine labels in the palette's
colours, the focused part in the highlight colours (no colour is the only sign: the
focused part is also marked with a frame and its text is said).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QWidget

from describe_app.core.describe.explore import ExploreSession, Move
from describe_app.core.pictures.picture_regions import Cell, Corner
from describe_app.qt.translate import _

_MOVES = {
    Qt.Key.Key_Left: Move.LEFT,
    Qt.Key.Key_Right: Move.RIGHT,
    Qt.Key.Key_Up: Move.UP,
    Qt.Key.Key_Down: Move.DOWN,
}
_CORNERS = {
    Qt.Key.Key_Home: Corner.TOP_LEFT,
    Qt.Key.Key_PageUp: Corner.TOP_RIGHT,
    Qt.Key.Key_End: Corner.BOTTOM_LEFT,
    Qt.Key.Key_PageDown: Corner.BOTTOM_RIGHT,
}


class ExploreGrid(QFrame):
    """``say(text)`` speaks one line (cutting off the one before: arrows are pressed fast)."""

    detail_requested = Signal(object)  # Cell

    def __init__(self, say: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._say = say
        self.session: ExploreSession | None = None
        self._edge_said = False  # a key held down against the edge says it once
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(2, 2, 2, 2)
        self._layout.setSpacing(2)
        self._cells: dict[Cell, QLabel] = {}
        self._empty = QLabel(self)
        self._empty.setWordWrap(True)
        self._layout.addWidget(self._empty, 0, 0)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.retranslate()

    def retranslate(self) -> None:
        """The words, in the current language."""
        self._empty.setText(_("Describe a picture, then explore its parts here."))
        if self.session is None:
            self.setAccessibleDescription(_("No picture to explore yet."))
        else:
            self._refresh()

    # --- the session ------------------------------------------------------------------------------

    def show_session(self, session: ExploreSession | None) -> None:
        """A new picture to explore (None: nothing to explore)."""
        self.session = session
        self._edge_said = False
        for label in self._cells.values():
            label.deleteLater()
        self._cells.clear()
        self._empty.setVisible(session is None)
        if session is None:
            self.setAccessibleDescription(_("No picture to explore yet."))
            return
        for cell in session.grid.cells():
            label = QLabel(self)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.setFrameShape(QFrame.Shape.NoFrame)
            label.setMinimumWidth(40)
            self._layout.addWidget(label, cell.row, cell.column)
            self._cells[cell] = label
        self._refresh()

    def region_ready(self, cell: Cell) -> None:
        """A part's description arrived: show it, and say it if the user is on that part."""
        self._refresh()
        session = self.session
        if session is not None and self.hasFocus() and session.current() == cell:
            self._say(session.spoken(cell))

    def clear(self) -> None:
        self.show_session(None)

    # --- keys -------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        handled = key in _MOVES or key in _CORNERS or key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if not handled or mods != Qt.KeyboardModifier.NoModifier:
            super().keyPressEvent(event)
            return
        event.accept()
        session = self.session
        if session is None:
            self._say(_("There is no picture to explore yet. Describe one first."))
            return
        if key in _MOVES:
            if not session.move(_MOVES[key]):
                if not (event.isAutoRepeat() and self._edge_said):
                    self._say(_("Edge. {text}").format(text=session.spoken()))
                self._edge_said = True
                self._refresh()
                return
            self._edge_said = False
        elif key in _CORNERS:
            session.jump(_CORNERS[key])
        else:
            self.detail_requested.emit(session.current())
            return
        self._refresh()
        self._say(session.spoken())

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.say_where()

    def say_where(self) -> None:
        """Say the grid's size and the part under the cursor (on arriving here)."""
        if self.session is not None:
            self._say(session_intro(self.session))

    # --- drawing ----------------------------------------------------------------------------------

    def _refresh(self) -> None:
        session = self.session
        if session is None:
            return
        here = session.current()
        for cell, label in self._cells.items():
            label.setText(f"{session.position(cell)}: {session.text_of(cell) or '…'}")
            focused = cell == here
            label.setAutoFillBackground(focused)
            label.setBackgroundRole(
                QPalette.ColorRole.Highlight if focused else QPalette.ColorRole.Window
            )
            label.setForegroundRole(
                QPalette.ColorRole.HighlightedText if focused else QPalette.ColorRole.WindowText
            )
            label.setFrameShape(QFrame.Shape.Box if focused else QFrame.Shape.NoFrame)
        self.setAccessibleDescription(session.spoken())


def session_intro(session: ExploreSession) -> str:
    """What is said on entering the grid: how big it is, then the part under the cursor."""
    return _("{rows} by {columns} parts. {here}").format(
        rows=session.grid.rows, columns=session.grid.columns, here=session.spoken()
    )

"""The window's history list follows what another Describe (the command line beside the
window) does to the shared history: shown when the window gets the focus again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from describe_app.core.history.entry import EntryKind
from describe_app.core.history.store import History
from tests import qt_fixtures

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


def _activate(window) -> None:  # type: ignore[no-untyped-def]
    """What Qt does when the window gets the focus back (offscreen has no window manager)."""
    window.activateWindow()
    QApplication.sendEvent(window, QEvent(QEvent.Type.ActivationChange))


def test_a_delete_by_the_command_line_leaves_the_list_when_the_window_is_back(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "history"
    first = History(folder)
    kept = first.add(source="camera", kind=EntryKind.DESCRIBE, text="A kitchen.")
    private = first.add(source="letter.jpg", kind=EntryKind.READ, text="Account 1234.")
    window, _speech = make_window(speaking_model_dir, load=False, history=History(folder))
    window.show()
    assert set(window.history.entry_ids()) == {kept.id, private.id}

    command_line = History(folder)  # `describe-app` in a terminal, another process
    assert command_line.delete(private.id)
    added = command_line.add(source="note.png", kind=EntryKind.READ, text="Milk, eggs.")
    _activate(window)
    qtbot.waitUntil(lambda: set(window.history.entry_ids()) == {kept.id, added.id})
    assert window.history.entry_ids()[0] == added.id  # newest first, as on disk
    window.shutdown()

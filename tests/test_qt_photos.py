"""Photos from outside the camera: paste, drop, several files in turn, bad files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage

from describe_app.core.resources import resource_path
from tests import qt_fixtures

TIMEOUT_MS = 20_000
COFFEE = resource_path("samples", "coffee.jpg")

# The shared window fixtures (tests/qt_fixtures.py), made visible to pytest here.
make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


def test_paste_an_image_describes_it(qtbot, make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir)
    QGuiApplication.clipboard().setImage(QImage(str(COFFEE)))
    qtbot.keyClick(window.result, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    assert "pasted picture" in window.history.item(0).text()
    assert speech.said


def test_paste_without_a_picture_says_so(qtbot, make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, _speech = make_window(speaking_model_dir, load=False)
    QGuiApplication.clipboard().setText("just words")
    window.actions_by_id["paste_picture"].trigger()
    assert window.announcer.history[-1] == "The clipboard holds no picture. It holds text."
    QGuiApplication.clipboard().clear()  # a later window pastes nothing left here
    window.actions_by_id["paste_picture"].trigger()
    assert window.announcer.history[-1] == "The clipboard holds no picture."


def test_dropping_files_describes_each_in_turn(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _speech = make_window(speaking_model_dir)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture")
    notice = resource_path("samples", "notice.jpg")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in (COFFEE, broken, notice)])
    where = QPoint(10, 10)
    drop = QDropEvent(
        QPointF(where),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)  # offscreen Qt has no real drag: call the handler it would
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    assert any("broken.jpg" in s for s in window.announcer.history)
    assert "notice.jpg" in window.history.item(0).text()
    assert "coffee.jpg" in window.history.item(1).text()


def test_files_from_the_command_line(qtbot, make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, _speech = make_window(speaking_model_dir)
    window.describe_files([str(COFFEE)])
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=TIMEOUT_MS)
    window.actions_by_id["copy_result"].trigger()
    assert "coffee.jpg" in QGuiApplication.clipboard().text()

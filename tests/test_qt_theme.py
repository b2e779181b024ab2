"""The system's theme wins: a dark or high-contrast palette and a big font reach every
widget, and nothing of ours paints over them (low-vision users rely on both)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from describe_app.qt.main_window import MainWindow
from describe_app.qt.window_settings import ZOOM_STEP_POINTS
from tests import qt_fixtures

# The shared window fixtures (tests/qt_fixtures.py), made visible to pytest here.
make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

#: Window and text colours of a dark theme.
DARK = {
    Role.Window: "#202124",
    Role.WindowText: "#e8eaed",
    Role.Base: "#121212",
    Role.AlternateBase: "#2a2a2a",
    Role.Text: "#f1f1f1",
    Role.Button: "#303134",
    Role.ButtonText: "#e8eaed",
    Role.Highlight: "#8ab4f8",
    Role.HighlightedText: "#000000",
    Role.ToolTipBase: "#303134",
    Role.ToolTipText: "#e8eaed",
}
#: A high-contrast theme: black backgrounds, white and yellow text.
HIGH_CONTRAST = {
    Role.Window: "#000000",
    Role.WindowText: "#ffffff",
    Role.Base: "#000000",
    Role.AlternateBase: "#000000",
    Role.Text: "#ffff00",
    Role.Button: "#000000",
    Role.ButtonText: "#ffff00",
    Role.Highlight: "#00ffff",
    Role.HighlightedText: "#000000",
    Role.ToolTipBase: "#000000",
    Role.ToolTipText: "#ffffff",
}


@pytest.fixture
def app_theme(qapp: QApplication) -> Iterator[QApplication]:
    """The application's palette and font, as they were, again after the test."""
    palette, font = QPalette(qapp.palette()), QFont(qapp.font())
    yield qapp
    qapp.setPalette(palette)
    qapp.setFont(font)
    QApplication.processEvents()


def _palette(colours: dict[QPalette.ColorRole, str]) -> QPalette:
    palette = QPalette()
    for role, name in colours.items():
        palette.setColor(role, QColor(name))  # every group
    return palette


def _widgets(root: QWidget) -> list[QWidget]:
    return [root, *root.findChildren(QWidget)]


def _overrides(root: QWidget, colours: dict[QPalette.ColorRole, str]) -> list[str]:
    """Widgets whose palette differs from the application's in one of ``colours``'
    roles, or that carry a style sheet of their own."""
    wrong = []
    for widget in _widgets(root):
        where = f"{type(widget).__name__} {widget.accessibleName() or widget.objectName()!r}"
        if widget.styleSheet():
            wrong.append(f"{where}: style sheet {widget.styleSheet()!r}")
        for role, name in colours.items():
            for group in (Group.Active, Group.Inactive):
                got = widget.palette().color(group, role)
                if got != QApplication.palette(widget).color(group, role) or got != QColor(name):
                    wrong.append(f"{where}: {role.name} is {got.name()}, not {name}")
    return wrong


@pytest.mark.parametrize("colours", [DARK, HIGH_CONTRAST], ids=["dark", "high-contrast"])
def test_the_system_palette_reaches_every_widget(
    qtbot,  # type: ignore[no-untyped-def]
    app_theme: QApplication,
    make_window,
    speaking_model_dir: Path,
    colours: dict[QPalette.ColorRole, str],
) -> None:
    QApplication.setPalette(_palette(colours))
    window, _ = make_window(speaking_model_dir, load=False)
    assert window.styleSheet() == "" and QApplication.instance().styleSheet() == ""  # type: ignore[union-attr]
    assert _overrides(window, colours) == []
    window.actions_by_id["settings"].trigger()
    dialog = window.settings_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert _overrides(dialog, colours) == []
    dialog.reject()


def test_a_palette_changed_while_running_reaches_every_widget(
    app_theme: QApplication, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    QApplication.setPalette(_palette(HIGH_CONTRAST))
    QApplication.processEvents()
    assert _overrides(window, HIGH_CONTRAST) == []


def _zoom(qtbot, window: MainWindow, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.result, key, Qt.KeyboardModifier.ControlModifier)


def test_result_text_follows_the_system_font_size(
    qtbot,  # type: ignore[no-untyped-def]
    app_theme: QApplication,
    make_window,
    speaking_model_dir: Path,
) -> None:
    font = QFont(QApplication.font())
    font.setPointSize(18)
    QApplication.setFont(font)
    window, _ = make_window(speaking_model_dir, load=False)
    assert window.settings.display.text_zoom == 0
    assert window.result.font().pointSize() == 18
    assert window.history.font().pointSize() == 18
    assert window.question.font().pointSize() == 18
    _zoom(qtbot, window, Qt.Key.Key_Plus)
    assert window.settings.display.text_zoom == 1
    assert window.result.font().pointSize() == 18 + ZOOM_STEP_POINTS
    assert window.history.font().pointSize() == 18 + ZOOM_STEP_POINTS
    _zoom(qtbot, window, Qt.Key.Key_0)
    assert window.result.font().pointSize() == 18


def test_result_text_follows_a_font_changed_while_running(
    qtbot,  # type: ignore[no-untyped-def]
    app_theme: QApplication,
    make_window,
    speaking_model_dir: Path,
) -> None:
    window, _ = make_window(speaking_model_dir, load=False)
    _zoom(qtbot, window, Qt.Key.Key_Plus)
    font = QFont(QApplication.font())
    font.setPointSize(16)
    font.setFamily("DejaVu Serif")
    QApplication.setFont(font)
    QApplication.processEvents()
    assert window.result.font().pointSize() == 16 + ZOOM_STEP_POINTS
    assert window.result.font().family() == window.question.font().family()
    _zoom(qtbot, window, Qt.Key.Key_Minus)
    assert window.result.font().pointSize() == 16
    assert window.question.font().pointSize() == 16

"""The window's history beside other writers of the same file, and with history turned off:
another Describe's results appear in the list, results kept from before history was turned
off can be cleared, and a past picture from another day is named by its day."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from describe_app.core.history.files import HISTORY_FILE
from describe_app.core.history.store import History
from describe_app.core.pictures.images import load_picture
from describe_app.core.resources import resource_path
from describe_app.core.settings.schema import HistorySettings, Settings
from tests import qt_fixtures

COFFEE = str(resource_path("samples", "coffee.jpg"))

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


def test_results_another_describe_kept_are_listed_after_a_rewrite(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "h"
    History(folder).add(source="camera", kind="describe", text="A red door.")
    window, _ = make_window(speaking_model_dir, load=False, history=History(folder))
    window.history.show_entries(window._history_store.entries)
    window._history_store.add(source="camera", kind="describe", text="A blue car.")
    window.history.show_entries(window._history_store.entries)
    # the command line, beside the window, keeps a result in the same history
    History(folder).add(source="letter.jpg", kind="read", text="Dear Sam.")
    window.history.setFocus()
    window.history.setCurrentRow(0)  # "A blue car."
    window.actions_by_id["delete_history_item"].trigger()
    qtbot.waitUntil(lambda: window.history.count() == 2)
    texts = [window.history.item(row).text() for row in range(window.history.count())]
    assert "Dear Sam." in texts[0] and "A red door." in texts[1]
    assert window.history.currentItem() is not None


def _press_yes_in_next_box(qtbot) -> list[str]:  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        asked.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Y)

    QTimer.singleShot(50, press)
    return asked


def test_with_history_off_the_results_kept_from_before_can_be_cleared(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "h"
    before = History(folder)
    for n in range(3):
        before.add(source="camera", kind="describe", text=f"Scene {n}.", picture=None)
    window, _ = make_window(
        speaking_model_dir,
        load=False,
        history=History(folder, persist=False),
        settings=Settings(history=HistorySettings(keep_history=False)),
    )
    assert len(window._history_store) == 0  # not read: history is off
    asked = _press_yes_in_next_box(qtbot)
    window.actions_by_id["clear_history"].trigger()
    assert asked and "3 results" in asked[0]
    qtbot.waitUntil(lambda: History(folder).entries == [])
    assert window.announcer.history[-1] == "History cleared."
    window.actions_by_id["clear_history"].trigger()  # nothing is left: no question this time
    assert window.announcer.history[-1] == "The history is already empty."


def test_a_past_picture_from_yesterday_is_named_by_its_day(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "h"
    entry = History(folder).add(
        source="coffee.jpg", kind="describe", text="A mug.", picture=load_picture(COFFEE)
    )
    yesterday = (datetime.now().astimezone() - timedelta(days=1)).replace(hour=9, minute=5)
    old = dataclasses.replace(entry, time=yesterday.isoformat(timespec="seconds"))
    (folder / HISTORY_FILE).write_text(json.dumps(old.to_dict()) + "\n", encoding="utf-8")
    window, _ = make_window(speaking_model_dir, load=False, history=History(folder))
    window.history.setFocus()
    window.history.setCurrentRow(0)
    qtbot.keyClick(
        window.history,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.announcer.history[-1] == (
        "Ask your question about the picture from yesterday at 09:05."
    )

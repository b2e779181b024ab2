"""The window in another language: the interface language setting chooses the catalog."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from describe_app.core.i18n import current_language, set_language
from describe_app.core.settings.schema import Settings
from describe_app.core.settings.shortcut_table import mnemonic
from describe_app.qt.settings_dialog import SettingsPage
from tests import qt_fixtures
from tests.test_qt_accessibility import _mnemonics

# The shared window fixtures (tests/qt_fixtures.py), made visible to pytest here.
qt_strict = qt_fixtures.qt_strict


@pytest.fixture
def english_after() -> Iterator[None]:
    yield
    set_language("en")


def test_the_window_starts_in_french_from_the_settings(
    qtbot, qt_strict, monkeypatch, tmp_path: Path, english_after: None
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.cli import build_parser
    from describe_app.qt import app

    stored = Settings().to_dict()
    stored["display"]["ui_language"] = "fr"
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text(json.dumps(stored), encoding="utf-8")
    monkeypatch.setenv("DESCRIBE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DESCRIBE_DATA_DIR", str(tmp_path / "data"))
    loaded = app.load_settings()
    set_language(loaded.settings.display.ui_language)  # what run_window does first
    assert current_language() == "fr"
    window = app.build_window(build_parser().parse_args(["window", "--camera", "none"]), loaded)
    qtbot.addWidget(window)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&Fichier", "&Décrire", "&Parole", "&Historique", "Affi&chage", "&Aide"]
    assert window.describe_button.text() == "Décrire"
    window.actions_by_id["settings"].trigger()
    dialog = window.settings_dialog
    assert dialog is not None
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs[0] == "&Caméra" and tabs[-1] == "&Touches"
    tab_letters = [mnemonic(t) for t in tabs]
    assert len(set(tab_letters)) == len(tab_letters)
    for page in SettingsPage:  # French mnemonics are unique on each page too
        dialog.show_page(page)
        QApplication.processEvents()
        visible = [w for w in dialog.findChildren(QWidget) if w.isVisible()]
        letters = _mnemonics(visible) + [t for t in tab_letters if t]
        assert len(letters) == len(set(letters)), f"{page.name}: {sorted(letters)}"
    dialog.reject()
    window.close()


def test_the_language_changes_at_once_from_the_settings(
    qtbot, make_window, tmp_path: Path, english_after: None, tiny_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    """No restart: OK in the settings rebuilds menus, labels, keys and the history's words."""
    import dataclasses

    from PySide6.QtCore import Qt

    from describe_app.core.history.entry import EntryKind
    from describe_app.core.history.store import History

    history = History(tmp_path / "history")
    history.add(source="camera", kind=EntryKind.DESCRIBE, text="A mug.")
    window, _speech = make_window(tiny_model_dir, load=False, history=history)
    english_line = window.history.item(0).text()
    display = dataclasses.replace(window.settings.display, ui_language="fr")
    window.apply_settings(window.settings.replace(display=display))
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&Fichier", "&Décrire", "&Parole", "&Historique", "Affi&chage", "&Aide"]
    assert window.describe_button.text() == "Décrire"
    assert window.result.accessibleName() == "Résultat"
    assert window.explore.accessibleName() == "Explorer l’image"
    assert window.announcer.history[-1] == "Paramètres enregistrés."
    french_line = window.history.item(0).text()
    assert french_line != english_line and french_line.endswith("A mug.")
    # the rebuilt actions replace the old ones: each key works once
    assert window.actions_by_id["describe"].text() == "&Décrire"
    assert len([a for a in window.actions() if "Ctrl+E" in a.shortcut().toString()]) == 1
    qtbot.keyClick(window.result, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert (
        window.announcer.history[-1]
        == "Faites d’abord décrire une image, puis explorez ses parties."
    )
    english = dataclasses.replace(window.settings.display, ui_language="en")
    window.apply_settings(window.settings.replace(display=english))
    assert window.describe_button.text() == "Describe"
    assert window.history.item(0).text() == english_line
    assert window.announcer.history[-1] == "Settings saved."


make_window = qt_fixtures.make_window

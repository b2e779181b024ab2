"""Settings > Models: every model said in full, the suggested one marked, choosing by keys."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidgetItem

from describe_app.core.describe.local import model_recommend, model_registry
from describe_app.core.describe.local.model_ladder import ModelSpec
from describe_app.core.describe.local.model_recommend import MachineFacts
from describe_app.core.settings.schema import DescribeSettings, Settings
from describe_app.qt.settings_dialog import SettingsDialog, SettingsPage
from describe_app.qt.settings_pages.models_page import ModelsPage
from tests import qt_fixtures
from tests.test_qt_accessibility import unnamed

qt_strict = qt_fixtures.qt_strict

GB = 1024
LAPTOP_4GB = MachineFacts(4 * GB, int(2.6 * GB), 2, frozenset({"avx2"}))


def _only_500m(spec: ModelSpec) -> bool:
    return spec.name == "SmolVLM-500M-Instruct"


def _said(item: QListWidgetItem) -> str:
    return str(item.data(Qt.ItemDataRole.AccessibleTextRole))


def _page(qtbot, model: str = "SmolVLM-256M-Instruct") -> ModelsPage:  # type: ignore[no-untyped-def]
    page = ModelsPage(model, machine=LAPTOP_4GB, installed=_only_500m)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_every_model_is_said_in_full_and_the_suggested_one_is_marked(
    qtbot, qt_strict: None, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    # LFM2-VL-450M does not run in this build (whatever the families table says now)
    off = dataclasses.replace(model_registry.MODELS["LFM2-VL-450M"], runnable=False)
    monkeypatch.setitem(model_registry.MODELS, off.name, off)
    page = _page(qtbot)
    assert unnamed(page) == []
    assert page.list.accessibleName() == "Models:"
    assert "Recommended for this computer: SmolVLM-256M-Instruct fits" in (
        page.list.accessibleDescription()
    )
    said = [_said(page.list.item(row)) for row in range(page.list.count())]
    assert said[0] == (
        "SmolVLM-256M-Instruct, recommended: Fastest. Short, plain descriptions; runs on any "
        "laptop. 520 MB download, about 1.0 GB of memory, license Apache-2.0, not downloaded, "
        "first word in about 1.1 seconds here (an estimate)."
    )
    assert "recommended" not in " ".join(said[1:])
    assert "1.0 GB download, about 1.4 GB of memory" in said[1] and "on this computer" in said[1]
    assert said[2].startswith(
        "SmolVLM-Instruct: cannot be chosen. SmolVLM-Instruct needs about 7.4 GB of memory"
    )
    lfm = next(text for text in said if text.startswith("LFM2-VL-450M"))
    assert "cannot be chosen. LFM2-VL-450M does not run in this version of Describe yet" in lfm
    fast = next(text for text in said if text.startswith("FastVLM-0.5B"))
    assert "for research only" in fast
    for text in said:
        assert "download" in text and "memory" in text and "license" in text
        assert "first word in about" in text and "(an estimate)" in text
    assert [page.list.item(r).text() for r in range(page.list.count())] == said


def test_choosing_by_arrow_keys_skips_what_cannot_be_chosen(qtbot, qt_strict: None) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot)
    chosen: list[str] = []
    page.chosen.connect(chosen.append)
    assert page.chosen_model() == "SmolVLM-256M-Instruct"
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_Down)
    assert chosen == ["SmolVLM-500M-Instruct"]
    assert page.chosen_model() == "SmolVLM-500M-Instruct"
    # onto the 2.2B, too big for 4 GB: it is read out, the choice stays
    qtbot.keyClick(page.list, Qt.Key.Key_Down)
    current = page.list.currentItem()
    assert current is not None and "cannot be chosen" in current.text()
    assert chosen == ["SmolVLM-500M-Instruct"]
    assert page.chosen_model() == "SmolVLM-500M-Instruct"
    assert [item.text()[:21] for item in page.list.selectedItems()] == ["SmolVLM-500M-Instruct"]
    qtbot.keyClick(page.list, Qt.Key.Key_Up)
    qtbot.keyClick(page.list, Qt.Key.Key_Up)
    assert chosen == ["SmolVLM-500M-Instruct", "SmolVLM-256M-Instruct"]
    assert [item.text()[:21] for item in page.list.selectedItems()] == ["SmolVLM-256M-Instruct"]


def test_a_folder_of_the_users_chooses_nothing_in_the_list(qtbot, qt_strict: None) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, model="/home/me/my-model")
    assert page.chosen_model() == ""
    assert page.list.selectedItems() == []


def test_the_dialog_saves_the_model_chosen_on_the_models_page(
    qtbot, qt_strict: None, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(model_recommend, "machine_facts", lambda: LAPTOP_4GB)
    dialog = SettingsDialog(Settings(describe=DescribeSettings()), voices=lambda: [])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_page(SettingsPage.MODELS)
    assert dialog.tabs.currentWidget() is dialog.models_page
    dialog.models_page.list.setFocus()
    qtbot.keyClick(dialog.models_page.list, Qt.Key.Key_Down)
    assert dialog.settings().describe.model == "SmolVLM-500M-Instruct"
    assert dialog.describe_page.model.currentText() == "SmolVLM-500M-Instruct"
    # and the other way: the Description page's field moves the list's choice
    dialog.describe_page.model.setCurrentIndex(
        dialog.describe_page.model.findData("SmolVLM-256M-Instruct")
    )
    assert dialog.models_page.chosen_model() == "SmolVLM-256M-Instruct"
    assert dialog.settings().describe.model == "SmolVLM-256M-Instruct"
    dialog.reject()

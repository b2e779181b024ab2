"""Documents in the window: the reading view's structure for a screen reader, saving and
copying, reading aloud from the caret, and PDFs opened with Open (the speech is a
recording fake; the PDFs are made at test time)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication

from describe_app.core.reading.document import Block, Document, Line, Page
from describe_app.core.reading.document_export import document_text
from describe_app.core.reading.document_reader import read_document
from describe_app.core.reading.ocr_reader import OcrResult, OcrSettings
from describe_app.core.settings.shortcut_table import Menu, action, actions_in_menu
from describe_app.qt import window_actions
from describe_app.qt.document_worker import DocumentWorker
from describe_app.qt.help_text import help_html
from describe_app.qt.reading_view import ReadingView
from tests import qt_fixtures
from tests.document_scenes import (
    multipage_tiff,
    page_lines,
    printed_page,
    scanned_pdf,
    text_pdf,
    with_damaged_page,
)

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict

UNTRUSTED = 'Total <b>due</b> & "paid" <script>x</script>'


def laid_out_letter() -> Document:
    words = ["Garden Club News", "Spring planting", "Sow the beans in May."]
    words += ["Bring your own gloves", "Water the beds at dusk", "Day Task", "Monday Digging"]
    first = Page(
        1,
        [Line(text) for text in [*words, UNTRUSTED]],
        (1000.0, 1300.0),
        blocks=[
            Block("heading", "Garden Club News", 1),
            Block("heading", "Spring planting", 2),
            Block("paragraph", "Sow the beans in May."),
            Block("list_item", "Bring your own gloves"),
            Block("list_item", "Water the beds at dusk"),
            Block("table", "Day | Task\nMonday | Digging"),
            Block("paragraph", UNTRUSTED),
        ],
    )
    second = Page(2, [Line("The office closes early."), Line("Thank you.")], (612.0, 792.0))
    return Document(source="/tmp/letter.pdf", pages=[first, second], page_count=2)


def blocks_of(document: QTextDocument) -> list[tuple[str, int, bool]]:
    """Each block: its text, heading level and whether it is in a list."""
    out = []
    block = document.begin()
    while block.isValid():
        out.append((block.text(), block.blockFormat().headingLevel(), block.textList() is not None))
        block = block.next()
    return out


def shown(window, document: Document) -> ReadingView:  # type: ignore[no-untyped-def]
    window.documents.show(document)
    view = window.documents.view
    assert view is not None and view.isVisible()
    return view


def test_the_reading_view_is_a_real_document(qtbot, make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    view = shown(window, laid_out_letter())
    blocks = blocks_of(view.text.document())
    assert ("Garden Club News", 1, False) in blocks
    assert ("Spring planting", 2, False) in blocks
    assert ("Sow the beans in May.", 0, False) in blocks
    assert ("Bring your own gloves", 0, True) in blocks
    assert ("Water the beds at dusk", 0, True) in blocks
    texts = [text for text, _level, _listed in blocks]
    assert texts.index("Page 1") < texts.index("Garden Club News") < texts.index("Page 2")
    assert texts.index("Page 2") < texts.index("The office closes early.")
    assert UNTRUSTED in texts  # shown as text, never as markup
    cursor = view.text.document().find("Monday")
    table = cursor.currentTable()
    assert table is not None and (table.rows(), table.columns()) == (2, 2)
    assert table.cellAt(1, 1).firstCursorPosition().block().text() == "Digging"
    flags = view.text.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert view.text.isReadOnly()
    assert view.text.accessibleName() == "Document text"
    assert view.windowTitle() == "Document: letter.pdf"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.text)  # the caret is there
    for button in (view.save_button, view.copy_button, view.read_button, view.next_button):
        assert button.accessibleName() and button.toolTip()


@pytest.mark.parametrize("suffix", [".txt", ".md", ".pdf"])
def test_save_as_each_kind_and_read_it_back(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path, suffix: str
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    view = shown(window, laid_out_letter())
    target = tmp_path / f"letter{suffix}"
    asked: list[str] = []
    view.choose_save_path = lambda stem: asked.append(stem) or target
    view.save_button.click()
    assert asked == ["letter"]
    if suffix == ".pdf":  # written off the GUI thread (seconds for many pages), said first
        assert window.announcer.history[-1] == "Saving letter.pdf…"
        view.save_button.click()
        assert window.announcer.history[-1] == "Still saving letter.pdf."
    qtbot.waitUntil(lambda: window.announcer.history[-1] == f"Saved as letter{suffix}.")
    if suffix == ".pdf":
        back = read_document(target, _NoOcr())
        text = back.text
    else:
        text = target.read_text(encoding="utf-8")
    assert "Sow the beans in May." in text and "The office closes early." in text
    if suffix == ".md":
        assert "# Garden Club News" in text and "- Bring your own gloves" in text


def test_a_cancelled_save_writes_nothing_and_a_bad_kind_is_said(
    make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    view = shown(window, laid_out_letter())
    said = len(window.announcer.history)
    view.choose_save_path = lambda stem: None
    view.save()
    assert len(window.announcer.history) == said
    view.choose_save_path = lambda stem: tmp_path / "letter.docx"
    view.save()
    assert window.announcer.history[-1] == (
        "Describe can save a document as .txt, .md or .pdf, not as letter.docx."
    )
    assert not (tmp_path / "letter.docx").exists()


def test_copy_all_and_read_from_the_caret(make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir, load=False)
    document = laid_out_letter()
    view = shown(window, document)
    view.copy_button.click()
    assert QGuiApplication.clipboard().text() == document_text(document)
    assert window.announcer.history[-1] == "Copied."

    cursor = view.text.document().find("Page 2")
    cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
    view.text.setTextCursor(cursor)
    speech.said.clear()
    view.read_button.click()
    assert speech.said == [
        ("Page 2", True),
        ("The office closes early.", False),
        ("Thank you.", False),
    ]
    stops = speech.stops
    view.reject()  # Escape: the voice stops, the view stays, and that is heard
    assert speech.stops >= stops + 1 and view.isVisible()
    assert window.announcer.history[-1] == "Stopped."
    view.reject()  # Escape again: the view closes
    assert not view.isVisible()
    window.actions_by_id["show_document"].trigger()  # and comes back by its key
    assert view.isVisible()


def test_the_actions_have_labels_keys_menus_and_help(make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    text = help_html()
    for action_id, key, menu in (
        ("document_mode", "Ctrl+M", Menu.DESCRIBE),
        ("show_document", "Ctrl+Shift+M", Menu.FILE),
    ):
        qaction = window.actions_by_id[action_id]
        assert qaction.text() and qaction.statusTip()
        assert [k.toString() for k in qaction.shortcuts()] == [key]
        assert action_id in [spec.id for spec in actions_in_menu(menu)]
        assert action(action_id).plain_text() in text
    assert window.actions_by_id["document_mode"].isCheckable()
    assert "In the reading view" in text and "Read aloud from the caret" in text
    window.actions_by_id["show_document"].trigger()
    assert window.announcer.history[-1] == "No document yet. Open a PDF or use document mode."
    window.actions_by_id["document_mode"].trigger()  # no camera
    assert window.announcer.history[-1] == "This needs a camera. Choose one with Control+Shift+C."
    assert not window.actions_by_id["document_mode"].isChecked()


def test_open_reads_a_pdf_page_by_page_into_the_reading_view(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    pages = [page_lines(1), page_lines(2), page_lines(3)]
    path = tmp_path / "notice.pdf"
    path.write_bytes(text_pdf(pages))
    window, speech = make_window(speaking_model_dir, load=False)
    monkeypatch.setattr(window_actions, "choose_photos", lambda parent: [str(path)])
    window.actions_by_id["open_photo"].trigger()
    qtbot.waitUntil(lambda: "Document read: 3 pages." in window.announcer.history, timeout=10_000)
    history = window.announcer.history
    assert history.index("Opening notice.pdf.") < history.index("Page 1 of 3.")
    assert history.index("Page 1 of 3.") < history.index("Page 3 of 3.")
    assert ("Page 1 of 3.", True) in speech.said
    view = window.documents.view
    assert view is not None and view.isVisible()
    text = view.text.toPlainText()
    for lines in pages:
        for line in lines:
            assert line in text
    assert text.index(pages[0][1]) < text.index(pages[2][1])
    headings = [t for t, level, _listed in blocks_of(view.text.document()) if level]
    assert headings == []  # one size of print: no headings made up


def test_a_damaged_pdf_is_one_sentence(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\nthis is not a PDF at all")
    window, _ = make_window(speaking_model_dir, load=False)
    window.describe_files([str(path)])
    qtbot.waitUntil(lambda: "broken.pdf" in window.announcer.history[-1], timeout=10_000)
    qtbot.wait(200)
    last = window.announcer.history[-1]
    assert last != "Opening broken.pdf." and last.endswith(".") and "\n" not in last
    assert window.documents.view is None


def test_a_one_page_tiff_stays_a_picture_and_a_multipage_tiff_is_a_document(
    tmp_path: Path,
) -> None:
    from describe_app.qt.documents import is_window_document

    pages = [Image.new("RGB", (40, 50), "white"), Image.new("RGB", (40, 50), "grey")]
    assert is_window_document(multipage_tiff(pages, tmp_path / "two.tiff"))
    assert not is_window_document(multipage_tiff(pages[:1], tmp_path / "one.tif"))
    assert is_window_document(tmp_path / "any.PDF")
    assert not is_window_document(tmp_path / "photo.jpg")


class _NoOcr:
    """A text reader for text PDFs: reading a picture is a test failure."""

    def load(self) -> None:
        pass

    def read(self, image: Image.Image) -> OcrResult:
        raise AssertionError("a text PDF needs no OCR")


class _SlowReader:
    """Reads every picture as one line, slowly, counting its reads."""

    def __init__(self) -> None:
        self.reads = 0

    def load(self) -> None:
        pass

    def read(self, image: Image.Image) -> OcrResult:
        self.reads += 1
        threading.Event().wait(0.3)
        return OcrResult(lines=["scanned words"])


def test_the_latest_file_wins_and_the_old_one_stops(qtbot, qt_strict, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf([printed_page(["x"], dpi=30)] * 6))
    text = tmp_path / "text.pdf"
    text.write_bytes(text_pdf([page_lines(1)]))
    reader = _SlowReader()
    factories: list[OcrSettings] = []

    def factory(settings: OcrSettings) -> _SlowReader:
        factories.append(settings)
        return reader

    worker = DocumentWorker(factory)
    pages: list[tuple[int, Page]] = []
    done: list[tuple[int, bool]] = []
    worker.page_read.connect(lambda request, page: pages.append((request, page)))
    worker.finished.connect(lambda request, stopped: done.append((request, stopped)))
    try:
        first = worker.read_file(scan)
        qtbot.waitUntil(lambda: reader.reads >= 1, timeout=5_000)
        second = worker.read_file(text)
        qtbot.waitUntil(lambda: bool(done), timeout=5_000)
        qtbot.wait(400)
        assert done == [(second, False)]
        assert [request for request, _page in pages] == [second]
        assert pages[0][1].text.startswith("Page 1 notice")
        assert reader.reads <= 2  # the scan stopped after the page it was reading
        assert len(factories) == 1 and first != second
    finally:
        assert worker.close(2.0)


def test_pages_added_later_read_as_if_built_at_once(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    letter = laid_out_letter()
    ends_in_a_list = Page(
        3,
        [Line("Dear reader"), Line("First point")],
        (612.0, 792.0),
        blocks=[Block("heading", "Dear reader", 1), Block("list_item", "First point")],
    )
    starts_with_a_heading = Page(
        4,
        [Line("Next steps"), Line("Call us.")],
        (612.0, 792.0),
        blocks=[Block("heading", "Next steps", 2), Block("paragraph", "Call us.")],
    )
    pages = [*letter.pages, ends_in_a_list, starts_with_a_heading]
    growing = Document(source="letter.pdf", page_count=4)
    growing.pages.append(pages[0])
    window.documents.show(growing)
    view = window.documents.view
    assert view is not None
    cursor = view.text.textCursor()
    cursor.setPosition(5)
    view.text.setTextCursor(cursor)
    for page in pages[1:]:
        growing.pages.append(page)
        window.documents.show(growing)
    added = blocks_of(view.text.document())
    whole = QTextDocument()
    from describe_app.qt.document_html import document_html

    whole.setHtml(document_html(growing))
    assert added == blocks_of(whole)
    assert ("Next steps", 2, False) in added and ("Page 4", 0, False) in added
    assert view.text.textCursor().position() == 5


def test_escape_stops_a_long_scan_and_keeps_the_pages_read(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.qt import document_worker

    monkeypatch.setattr(document_worker, "_child_reader", lambda settings: _SlowReader())
    path = tmp_path / "long scan.pdf"
    path.write_bytes(scanned_pdf([printed_page(["x"], dpi=30)] * 40))
    window, _ = make_window(speaking_model_dir, load=False)
    window.describe_files([str(path)])
    qtbot.waitUntil(lambda: "Page 3 of 40." in window.announcer.history, timeout=10_000)
    window.actions_by_id["stop"].trigger()
    last = window.announcer.history[-1]
    assert last.startswith("Reading stopped after ") and last.endswith(" pages.")
    view = window.documents.view
    assert view is not None
    kept = len(view.document.pages)
    assert 2 <= kept <= 3 and last == f"Reading stopped after {kept} pages."
    qtbot.wait(800)  # nothing more comes
    assert len(view.document.pages) == kept
    assert "Page 5 of 40." not in window.announcer.history
    assert view.text.toPlainText().count("scanned words") == kept


class _QuickReader(_SlowReader):
    def read(self, image: Image.Image) -> OcrResult:
        self.reads += 1
        return OcrResult(lines=[f"scanned page {self.reads}"])


def test_a_damaged_page_is_said_once_at_the_end_and_the_pages_after_it_are_read(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from describe_app.qt import document_worker

    monkeypatch.setattr(document_worker, "_child_reader", lambda settings: _QuickReader())
    pages = [printed_page([f"Page {n}"], dpi=30) for n in (1, 2, 3)]
    whole = multipage_tiff(pages, tmp_path / "whole.tif")
    path = with_damaged_page(whole, 1, tmp_path / "fax.tif")  # page 2's print is garbage
    window, _ = make_window(speaking_model_dir, load=False)
    window.describe_files([str(path)])
    done = "Document read: 2 pages. Page 2 of fax.tif is damaged, so it cannot be read."
    qtbot.waitUntil(lambda: done in window.announcer.history, timeout=10_000)
    view = window.documents.view
    assert view is not None and len(view.document.pages) == 2
    assert [page.number for page in view.document.pages] == [1, 3]

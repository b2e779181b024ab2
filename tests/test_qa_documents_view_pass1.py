"""QA pass 1 on the reading view and on saving documents: Markdown that never turns a page's
text into markup, blank pages said in the saved text, the searchable PDF's words where
they are seen (stretched to their boxes, right-to-left text in reading order, letters the
first font lacks), and the view's keys for headings and paragraphs. Every input is made
here (no file of the other tests is used)."""

from __future__ import annotations

import errno
import html
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from describe_app.core.errors import ImageError
from describe_app.core.reading import document_export, searchable_pdf
from describe_app.core.reading.document import Block, Document, Line, Page, TextPiece
from describe_app.core.reading.document_export import (
    document_markdown,
    document_pdf,
    document_text,
    page_markdown,
    save_document,
)
from describe_app.qt.help_text import help_html
from describe_app.qt.reading_view import ReadingView
from tests import qt_fixtures

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
needs_dejavu = pytest.mark.skipif(
    not (DEJAVU / "DejaVuSans.ttf").is_file(), reason="needs the DejaVu fonts"
)

#: Texts a page may hold that Markdown would read as markup.
MARKED = [
    "Total <b>due</b> & <script>alert(1)</script>",
    "Use *stars*, **bold**, _under_ and `code` here",
    "See [the site](http://example.com) and ![a](b.png)",
    "&amp; &#169; &copy; stay as printed",
    "~~struck~~ and C:\\*x*",
    "Chapter 2 ##",
    "---",
    "***",
    "> quoted",
    "+ plus",
    "| a | b |",
    "snake_case_name stays",
]


def _rendered(markdown: str) -> str:
    markdown_it = pytest.importorskip("markdown_it")
    return str(
        markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    )


def _plain(rendered: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


@pytest.mark.parametrize("kind", ["paragraph", "heading", "list_item"])
@pytest.mark.parametrize("text", MARKED)
def test_markdown_shows_marks_as_text_never_as_markup(kind: str, text: str) -> None:
    page = Page(1, [], (600, 800), blocks=[Block(kind, text, level=2)])
    rendered = _rendered(page_markdown(page)[0])
    tag = {"paragraph": "<p>", "heading": "<h2>", "list_item": "<li>"}[kind]
    assert rendered.count("<") - rendered.count("</") == (2 if kind == "list_item" else 1), rendered
    assert rendered.startswith("<ul>" if kind == "list_item" else tag), rendered
    assert _plain(rendered) == text


def test_markdown_lines_and_headings_of_each_level() -> None:
    lines = ["First line", "---", "| x | y |", "|---|---|", "* star", "    indented"]
    page = Page(1, [Line(text) for text in lines], (600, 800))
    rendered = _rendered(page_markdown(page)[0])
    assert rendered.count("<p>") == 1 and "<hr" not in rendered and "<table" not in rendered
    assert _plain(rendered).split("\n") == [line.strip() for line in lines]
    blocks = [Block("heading", f"Level {n}", n) for n in (1, 2, 3)]
    assert page_markdown(Page(1, [], (600, 800), blocks=blocks)) == [
        "# Level 1",
        "## Level 2",
        "### Level 3",
    ]


def test_a_markdown_table_keeps_pipes_empty_cells_and_every_column() -> None:
    table = Block("table", "Item | Note\nSoap | a|b\nTowel |  \n | 3 | extra")
    rendered = _rendered(page_markdown(Page(1, [], (600, 800), blocks=[table]))[0])
    cells = [_plain(cell) for cell in re.findall(r"<t[hd]>(.*?)</t[hd]>", rendered)]
    assert cells == ["Item", "Note", "", "Soap", "a|b", "", "Towel", "", "", "", "3", "extra"]


def test_a_page_without_text_is_said_in_the_saved_text() -> None:
    pages = [Page(1, [Line("Dear Ana,")], (600, 800)), Page(2, [], (600, 800))]
    document = Document("letter.pdf", pages, page_count=2)
    assert document_text(document) == "Page 1\nDear Ana,\n\nPage 2\nNo text on page 2.\n"
    assert document_markdown(document).endswith("## Page 2\n\nNo text on page 2.\n")
    alone = Document("blank.png", [Page(1, [], (600, 800))], page_count=1)
    assert document_text(alone) == "No text on page 1.\n"


def _word_boxes(data: bytes, words: list[str]) -> tuple[tuple[float, float], list[tuple]]:
    """Each word's box as PDFium finds it, in points from the top left."""
    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[0]
        width, height = page.get_size()
        textpage = page.get_textpage()
        boxes = []
        for word in words:
            hit = textpage.search(word, match_case=True).get_next()
            assert hit is not None, (word, textpage.get_text_range())
            chars = [textpage.get_charbox(index) for index in range(hit[0], hit[0] + hit[1])]
            left, right = min(c[0] for c in chars), max(c[2] for c in chars)
            top, bottom = height - max(c[3] for c in chars), height - min(c[1] for c in chars)
            boxes.append((left, top, right, bottom))
        textpage.close()
        return (width, height), boxes
    finally:
        pdf.close()


def test_searchable_pdf_words_fill_their_own_boxes() -> None:
    # words of very different natural widths: each must be stretched to its own box, not
    # to a width measured with the stretching of the word before it
    words = {
        "Oak": (120, 90, 600, 150),
        "Maplewoodstreet": (150, 400, 450, 440),
        "Elm": (900, 700, 1500, 780),
        "Pinecone": (300, 1000, 1100, 1060),
    }
    lines = [Line(w, (TextPiece(w, box),)) for w, box in words.items()]
    picture = Image.new("RGB", (1700, 1200), "white")
    document = Document("scan.tiff", [Page(1, lines, (1700.0, 1200.0), image=picture)])
    size, found = _word_boxes(document_pdf(document), list(words))
    scale = 72.0 / searchable_pdf.PICTURE_DPI
    assert size == pytest.approx((1700 * scale, 1200 * scale), abs=0.5)
    for (word, box), (left, top, right, bottom) in zip(words.items(), found, strict=True):
        width = (box[2] - box[0]) * scale
        assert left == pytest.approx(box[0] * scale, abs=0.06 * width), word
        assert right == pytest.approx(box[2] * scale, abs=0.06 * width), word
        assert box[1] * scale - 2 <= top and bottom <= box[3] * scale + 2, word


@needs_dejavu
def test_right_to_left_words_are_found_in_reading_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(searchable_pdf, "UNICODE_FONTS", (str(DEJAVU / "DejaVuSans.ttf"),))
    texts = ["مرحبا بالعالم", "שלום עולם", "Total 25 שקל today"]
    lines = [
        Line(text, (TextPiece(text, (100, 100 + 120 * i, 900, 160 + 120 * i)),))
        for i, text in enumerate(texts)
    ]
    picture = Image.new("RGB", (1000, 600), "white")
    data = document_pdf(Document("x", [Page(1, lines, (1000.0, 600.0), image=picture)]))
    _size, boxes = _word_boxes(data, texts)  # every one found as it is read
    assert len(boxes) == 3


@needs_dejavu
def test_letters_the_first_font_lacks_come_from_another(monkeypatch: pytest.MonkeyPatch) -> None:
    # DejaVu Serif has no Hebrew, DejaVu Sans has; no font here has Chinese
    monkeypatch.setattr(searchable_pdf, "UNICODE_FONTS", (str(DEJAVU / "DejaVuSerif.ttf"),))
    fallbacks = ("/no/such/font.ttf", str(DEJAVU / "DejaVuSans.ttf"))
    monkeypatch.setattr(searchable_pdf, "FALLBACK_FONTS", fallbacks)
    lines = [
        Line("Shalom שלום friend", (TextPiece("Shalom שלום friend", (100, 100, 1300, 160)),)),
        Line("Tea 茶 cup", (TextPiece("Tea 茶 cup", (100, 300, 700, 360)),)),
    ]
    picture = Image.new("RGB", (1400, 500), "white")
    data = document_pdf(Document("x", [Page(1, lines, (1400.0, 500.0), image=picture)]))
    _size, boxes = _word_boxes(data, ["שלום", "friend", "Tea", "cup"])
    scale = 72.0 / searchable_pdf.PICTURE_DPI
    assert boxes[1][2] == pytest.approx(1300 * scale, abs=20)  # the line still fills its box


class _Announcer:
    """Says a status once, as the window's announcer does, until clear_status()."""

    def __init__(self) -> None:
        self.history: list[str] = []
        self._current = ""

    def announce(self, text: str, *, interrupt: bool = False, speak: bool = True) -> bool:
        if text == self._current:
            return False
        self._current = text
        self.history.append(text)
        return True

    def clear_status(self) -> None:
        self._current = ""

    def say_result(self, sentence: str, *, first: bool) -> None:
        self.history.append(sentence)

    def stop_speaking(self) -> None:
        pass


def _booklet() -> Document:
    def page(number: int) -> Page:
        blocks = [
            Block("heading", f"Part {number}", 1),
            Block("paragraph", f"Opening words of part {number}, long enough to wrap a line."),
            Block("heading", f"Detail {number}", 3),
            Block("paragraph", f"Closing words of part {number}."),
        ]
        return Page(number, [Line(b.text) for b in blocks], (600, 800), blocks=blocks)

    return Document("booklet.pdf", [page(1), page(2)], page_count=2)


def _view(qtbot) -> tuple[ReadingView, _Announcer]:  # type: ignore[no-untyped-def]
    announcer = _Announcer()
    view = ReadingView(announcer, lambda: None)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.show_document(_booklet())
    view.activateWindow()
    view.text.setFocus()
    return view, announcer


def _caret_block(view: ReadingView) -> str:
    return view.text.textCursor().block().text()


def test_keys_move_by_heading_and_paragraph_and_are_in_the_help(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    view, announcer = _view(qtbot)
    qtbot.waitUntil(view.text.hasFocus)
    QTest.keyClick(view.text, Qt.Key.Key_H)
    assert _caret_block(view) == "Part 1" and announcer.history[-1] == "Heading 1: Part 1"
    QTest.keyClick(view.text, Qt.Key.Key_H)
    assert announcer.history[-1] == "Heading 3: Detail 1"
    QTest.keyClick(view.text, Qt.Key.Key_H)
    assert _caret_block(view) == "Part 2"
    QTest.keyClick(view.text, Qt.Key.Key_H, Qt.KeyboardModifier.ShiftModifier)
    assert _caret_block(view) == "Detail 1"
    QTest.keyClick(view.text, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert _caret_block(view) == "Closing words of part 1."
    QTest.keyClick(view.text, Qt.Key.Key_Right)
    QTest.keyClick(view.text, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert _caret_block(view) == "Closing words of part 1."  # its own start first
    assert view.text.textCursor().atBlockStart()
    QTest.keyClick(view.text, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert _caret_block(view) == "Detail 1"
    said = len(announcer.history)
    view.read_from_here()  # reads from where the keys put the caret
    assert announcer.history[said : said + 3] == ["Detail 1", "Closing words of part 1.", "Page 2"]
    QTest.keyClick(view.text, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    said = len(announcer.history)
    QTest.keyClick(view.text, Qt.Key.Key_H)
    QTest.keyClick(view.text, Qt.Key.Key_H)  # each press is said, not only the first
    assert announcer.history[said:] == ["No next heading.", "No next heading."]
    view.read_from_here()
    view.read_from_here()
    assert announcer.history[-2:] == ["Nothing more to read.", "Nothing more to read."]
    QTest.keyClick(view.text, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(view.text, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert announcer.history[-1] == "Start of the document."
    text = help_html()
    for words in ("Next heading.", "Previous heading.", "Next paragraph.", "Previous paragraph."):
        assert words in text


def test_an_ending_added_to_the_name_does_not_replace_a_file_unasked(
    qtbot, qt_strict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    view, announcer = _view(qtbot)
    existing = tmp_path / "notes.pdf"
    existing.write_bytes(b"keep me")
    chosen = (str(tmp_path / "notes"), "Searchable PDF (*.pdf)")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: chosen)
    asked: list[str] = []

    def question(parent, title, text, *args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    view.save()
    assert asked == ["notes.pdf already exists. Replace it?"]
    assert existing.read_bytes() == b"keep me"
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    view.save()
    qtbot.waitUntil(lambda: announcer.history[-1] == "Saved as notes.pdf.")  # off the GUI thread
    assert existing.read_bytes().startswith(b"%PDF")


def test_a_full_disk_or_a_missing_folder_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _booklet()
    with pytest.raises(ImageError, match=r"^notes\.txt could not be saved: No such file"):
        save_document(document, tmp_path / "gone" / "notes.txt")

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(document_export, "write_atomically", full)
    with pytest.raises(
        ImageError, match=r"^notes\.md could not be saved: No space left on device\.$"
    ):
        save_document(document, tmp_path / "notes.md")


def test_odd_text_is_shown_as_text_in_the_view(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    texts = ["<b>not bold</b> &amp; <img src=x>", "مرحبا بالعالم", "שלום", "你好世界", "a | b"]
    page = Page(1, [Line(text) for text in texts], (600, 800))
    announcer = _Announcer()
    view = ReadingView(announcer, lambda: None)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.show_document(Document("odd.png", [page], page_count=1))
    block = view.text.document().begin()
    shown = []
    while block.isValid():
        shown.append(block.text())
        block = block.next()
    assert [text for text in shown if text] == texts


@pytest.mark.parametrize(("dpi", "points"), [(300, (612.0, 792.0)), (72, (1224.0, 1584.0))])
def test_a_picture_that_says_its_resolution_keeps_its_paper_size(
    dpi: int, points: tuple[float, float]
) -> None:
    # a letter page scanned at 300 dpi; 72 dpi is what a picture without a real one says
    picture = Image.new("RGB", (2550, 3300), "white")
    picture.info["dpi"] = (dpi, dpi)
    line = Line("Invoice", (TextPiece("Invoice", (300, 300, 900, 360)),))
    data = document_pdf(Document("scan.tiff", [Page(1, [line], (2550.0, 3300.0), image=picture)]))
    size, boxes = _word_boxes(data, ["Invoice"])
    assert size == pytest.approx(points, abs=1)
    scale = points[0] / 2550
    assert boxes[0][0] == pytest.approx(300 * scale, abs=0.06 * 600 * scale)


@pytest.mark.parametrize("fonts", [(), (str(DEJAVU / "DejaVuSans.ttf"),)])
def test_control_characters_are_no_letters_in_the_pdf(
    fonts: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    # with no Unicode font (Helvetica) DEL was written as a bullet
    monkeypatch.setattr(searchable_pdf, "UNICODE_FONTS", fonts)
    text = "Bus\x00 12\x07\x7f leaves\tat 9"
    line = Line(text, (TextPiece(text, (100, 100, 900, 150)),))
    pages = [Page(1, [line], (1000.0, 400.0), image=Image.new("RGB", (1000, 400), "white"))]
    pdf = pdfium.PdfDocument(document_pdf(Document("x", pages)))
    try:
        found = pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()
    assert found.split() == ["Bus", "12", "leaves", "at", "9"]


def test_a_captured_page_with_a_page_footer_puts_the_caret_at_its_top(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    documents = window.documents
    camera = Document(source="camera")
    for number, lines in (
        (1, ["Notice to tenants", "Water is off on Monday.", "Page 1"]),
        (2, ["Page 1", "Thank you.", "Page 2"]),
    ):
        documents._reading = camera
        documents._capturing = True
        documents._on_page(0, Page(number, [Line(text) for text in lines], (600.0, 800.0)))
        view = documents.view
        assert view is not None
        cursor = view.text.textCursor()
        assert cursor.position() == cursor.block().position()
        # the first page alone has no marker: its top; then the second page's marker
        expected = "Notice to tenants" if number == 1 else "Page 2"
        assert cursor.block().text() == expected
        if number == 2:
            assert cursor.block().next().text() == "Page 1"  # its own first line after it


def test_plain_text_keeps_a_laid_out_page_s_lists_and_table_cells_apart() -> None:
    rows = [("Stop", "Arrives"), ("New York", "9 10"), ("Old Town", "")]
    blocks = [
        Block("heading", "Bus times", 1),
        Block("list_item", "Buy a ticket first"),
        Block("list_item", "3. Keep it"),
        Block("table", "\n".join(" | ".join(row) for row in rows)),
    ]
    lines = [Line(b.text) for b in blocks[:3]] + [Line(" ".join(r).strip()) for r in rows]
    page = Page(1, lines, (600.0, 800.0), blocks=blocks)
    assert document_text(Document("times.png", [page], page_count=1)).splitlines() == [
        "Bus times",
        "- Buy a ticket first",
        "3. Keep it",
        "Stop | Arrives",
        "New York | 9 10",
        "Old Town |",
    ]


def test_copy_with_nothing_to_copy_is_said_at_each_press(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    announcer = _Announcer()
    view = ReadingView(announcer, lambda: None)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.show_document(Document("blank.png", [Page(1, [], (600.0, 800.0))], page_count=1))
    view.copy_all()
    view.copy_all()
    assert announcer.history == ["Nothing to copy yet.", "Nothing to copy yet."]

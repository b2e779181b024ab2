"""A :class:`~describe_app.core.reading.document.Document` as HTML for the reading view.

The reading view's ``QTextDocument`` is built from this HTML, so a screen reader and the
keyboard meet real structure: the page layout's headings as ``<h1>`` to ``<h3>``, list
items as one ``<ul>``, tables as ``<table>`` rows and cells, paragraphs as ``<p>``; a page
without a known layout gives one paragraph a line. With more than one page, each page
starts with its marker ("Page 2"), a paragraph of its own. Every text comes from OCR or a
PDF, so every text is escaped: nothing in a page can become markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator

from describe_app.core.reading.document import Block, Document, Page
from describe_app.qt.translate import _

#: The deepest heading level used (the layout gives 1 to 3).
MAX_HEADING = 3


def document_html(document: Document, start: int = 0) -> str:
    """The document from its page ``start`` (0 for all): page markers when there is more
    than one page (:func:`is_numbered`)."""
    numbered = is_numbered(document)
    parts: list[str] = []
    for page in document.pages[start:]:
        if numbered:
            parts.append(f"<p>{_escape(page_marker(page.number))}</p>")
        parts.extend(page_html(page))
    return "".join(parts)


def is_numbered(document: Document) -> bool:
    """True when each page starts with its marker: a document of several pages."""
    return len(document.pages) > 1 or document.page_count > 1


def page_marker(number: int) -> str:
    """The words before a page: "Page 2"."""
    return _("Page {number}").format(number=number)


def page_html(page: Page) -> list[str]:
    """One page's blocks (or lines) and the descriptions of its pictures."""
    if page.blocks:
        parts = list(_blocks_html(page.blocks))
    else:
        parts = [f"<p>{_escape(line.text)}</p>" for line in page.lines if line.text.strip()]
    if not parts:
        parts.append(f"<p>{_escape(_('No text on page {number}.').format(number=page.number))}</p>")
    parts += [
        f"<p>{_escape(_('Picture: {text}').format(text=text))}</p>"
        for text in page.picture_descriptions
    ]
    return parts


def _blocks_html(blocks: Iterable[Block]) -> Iterator[str]:
    in_list = False
    for block in blocks:
        if block.kind == "list_item":
            if not in_list:
                yield "<ul>"
                in_list = True
            yield f"<li>{_escape(block.text)}</li>"
            continue
        if in_list:
            yield "</ul>"
            in_list = False
        if block.kind == "heading":
            level = max(1, min(MAX_HEADING, block.level))
            yield f"<h{level}>{_escape(block.text)}</h{level}>"
        elif block.kind == "table":
            yield _table_html(block.text)
        else:
            yield f"<p>{_escape(block.text)}</p>"
    if in_list:
        yield "</ul>"


def _table_html(text: str) -> str:
    rows = []
    for row in text.splitlines():
        cells = "".join(f"<td>{_escape(cell.strip())}</td>" for cell in row.split(" | "))
        rows.append(f"<tr>{cells}</tr>")
    return '<table border="1" cellpadding="4">' + "".join(rows) + "</table>"


def _escape(text: str) -> str:
    return html.escape(text, quote=True)

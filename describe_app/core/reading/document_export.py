"""Save a :class:`Document` as plain text, Markdown or a searchable PDF.

The searchable PDF is written by :mod:`~describe_app.core.reading.searchable_pdf`.

Markdown escapes what in a page's text would be read as markup (a heading, list, rule,
emphasis, code, link, HTML tag or entity): the page's text is shown as it was printed.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from describe_app.core.atomic_file import write_atomically
from describe_app.core.errors import ImageError
from describe_app.core.i18n import _
from describe_app.core.reading.searchable_pdf import document_pdf

if TYPE_CHECKING:
    from describe_app.core.reading.document import Document, Page

logger = logging.getLogger(__name__)

#: File name endings :func:`save_document` writes.
EXPORT_SUFFIXES = (".txt", ".md", ".pdf")
#: What starts a heading, quote or list in Markdown: "4.50" or "-5 degrees" do not.
_MARKDOWN_START = re.compile(r"^(\s*)(>|(?:#{1,6}|[+*-]|\d{1,9}[.)])(?=\s|$))")
#: A list item that keeps its number ("2. Turn the key") is an ordered list item as it is.
_NUMBERED_ITEM = re.compile(r"^\d{1,9}[.)]\s")
#: A line of only rules' marks ("---", "===", "| --- |"): a rule, a heading's underline
#: or a table's head in Markdown, so its first mark is escaped.
_RULE_LINE = re.compile(r"^(\s*)([-=_|:+*~]+[-=_|:+*~ \t]*)$")
#: What Markdown would read as emphasis, code, a link, raw HTML or an entity inside a line:
#: a backslash before punctuation, ``*``, backticks, ``~``, ``[``, ``_`` not inside a word,
#: ``<`` before a tag or address, ``&`` before an entity's name.
_INLINE_MARK = re.compile(
    r"\\(?=[!-/:-@\[-`{-~])|[*`~\[]|(?<![^\W_])_|_(?![^\W_])|<(?=[A-Za-z/!?])"
    r"|&(?=#?\w+;)"
)
#: A heading's own closing marks ("Chapter 2 ##") would be dropped from its text.
_CLOSING_HASHES = re.compile(r"(\s)(#+\s*)$")


def save_document(document: Document, path: str | Path) -> None:
    """Write ``document`` to ``path``, its kind chosen by the name's ending (.txt, .md,
    .pdf). Raises :class:`ImageError` with one sentence if it cannot be written."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ImageError(
            _("Describe can save a document as .txt, .md or .pdf, not as {name}.").format(
                name=target.name
            )
        )
    data = (
        document_pdf(document)
        if suffix == ".pdf"
        else (document_markdown(document) if suffix == ".md" else document_text(document)).encode(
            "utf-8"
        )
    )
    try:
        write_atomically(target, data)
    except OSError as exc:
        raise ImageError(
            _("{name} could not be saved: {reason}.").format(
                name=target.name, reason=exc.strerror or exc
            )
        ) from exc


def document_text(document: Document) -> str:
    """Plain text: each page's lines (its blocks when its layout is known), a "Page N"
    line before each page when there are several, the descriptions of its pictures after
    its text, "No text on page N." for a page without any."""
    parts = []
    for page in document.pages:
        lines = [_("Page {number}").format(number=page.number)] if _numbered(document) else []
        lines += _page_text(page) or [_no_text(page)]
        lines += [_("Picture: {text}").format(text=text) for text in page.picture_descriptions]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _page_text(page: Page) -> list[str]:
    """A page's lines, or, when its layout is known, its blocks: a list item after a
    dash (unless it keeps its number), a table's rows with their cells between " | ", so
    the columns stay apart."""
    if not page.blocks:
        return [line.text for line in page.lines]
    out = []
    for block in page.blocks:
        listed = block.kind == "list_item" and not _NUMBERED_ITEM.match(block.text)
        text = "\n".join(row.rstrip() for row in block.text.splitlines())
        out.append("- " + text if listed else text)
    return out


def document_markdown(document: Document) -> str:
    """Markdown: the page layout's headings, lists and tables when known, else the lines;
    a "## Page N" heading before each page when there are several."""
    parts = []
    for page in document.pages:
        if _numbered(document):
            parts.append("## " + _("Page {number}").format(number=page.number))
        parts.extend(page_markdown(page) or [_escaped(_no_text(page))])
        parts.extend(
            "> " + _("Picture: {text}").format(text=_escaped(text))
            for text in page.picture_descriptions
        )
    return "\n\n".join(parts) + "\n"


def page_markdown(page: Page) -> list[str]:
    """One page as Markdown paragraphs (from its blocks, or its lines)."""
    if not page.blocks:
        return ["  \n".join(_escaped(line.text) for line in page.lines)] if page.lines else []
    out = []
    for block in page.blocks:
        if block.kind == "heading":
            text = _CLOSING_HASHES.sub(r"\1\\\2", _escaped(block.text))
            out.append("#" * max(1, min(6, block.level)) + " " + text)
        elif block.kind == "list_item":
            numbered = _NUMBERED_ITEM.match(block.text)
            out.append(_inline(block.text) if numbered else "- " + _escaped(block.text))
        elif block.kind == "table":
            out.append(_table_markdown(block.text))
        else:
            out.append(_escaped(block.text))
    return out


def _table_markdown(text: str) -> str:
    """A table block's rows (cells split at " | ") as a Markdown table: every row as wide
    as the widest (Markdown drops the cells past its head's), a "|" or a mark in a cell
    escaped, an empty cell left empty."""
    rows = [
        [_inline(cell.strip()).replace("|", "\\|") for cell in row.split(" | ")]
        for row in text.splitlines()
    ]
    columns = max((len(row) for row in rows), default=1)
    lines = ["| " + " | ".join(row + [""] * (columns - len(row))) + " |" for row in rows]
    return "\n".join([*lines[:1], "|" + " --- |" * columns, *lines[1:]])


def _numbered(document: Document) -> bool:
    return len(document.pages) > 1 or document.page_count > 1


def _no_text(page: Page) -> str:
    return _("No text on page {number}.").format(number=page.number)


def _escaped(text: str) -> str:
    """A line as Markdown text: what would start a heading, quote, list, rule or table
    escaped, and the marks of emphasis, code, links and HTML inside it."""
    lines = []
    for line in _inline(text).split("\n"):
        line = line.lstrip()  # four spaces in front would start a code block
        line = _MARKDOWN_START.sub(lambda m: m.group(1) + _escape_mark(m.group(2)), line)
        lines.append(_RULE_LINE.sub(lambda m: m.group(1) + "\\" + m.group(2), line))
    return "\n".join(lines)


def _inline(text: str) -> str:
    """The marks inside a line that Markdown would read as markup, escaped."""
    return _INLINE_MARK.sub(lambda m: "\\" + m.group(0), text)


def _escape_mark(mark: str) -> str:
    return mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark

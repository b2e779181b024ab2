"""Which pages to read: "2-5", "1,3,7-9", "4-" (to the end), checked against the page count."""

from __future__ import annotations

from describe_app.core.errors import ImageError
from describe_app.core.i18n import _, ngettext


def parse_pages(text: str | None, page_count: int) -> list[int]:
    """The 0-based indexes of the pages named in ``text`` (1-based, as people count), in
    the order given, each once; all pages for None or "". Raises :class:`ImageError` with
    one sentence for a range that is not understood or goes past the last page."""
    if not text or not text.strip():
        return list(range(page_count))
    chosen: list[int] = []
    parts = [part for part in text.replace(" ", "").split(",") if part]  # "3," is page 3
    if not parts:
        raise ImageError(
            _('"{pages}" is not a page range. Write it like 2-5 or 1,3,7-9.').format(pages=text)
        )
    for part in parts:
        start, end = _bounds(part, page_count)
        if start is None or end is None or start < 1 or end < start:
            raise ImageError(
                _('"{pages}" is not a page range. Write it like 2-5 or 1,3,7-9.').format(pages=text)
            )
        if end > page_count:
            raise ImageError(
                ngettext(
                    "There is no page {number}: the document has {count} page.",
                    "There is no page {number}: the document has {count} pages.",
                    page_count,
                ).format(number=end, count=page_count)
            )
        chosen.extend(i for i in range(start - 1, end) if i not in chosen)
    return chosen


def _bounds(part: str, page_count: int) -> tuple[int | None, int | None]:
    first, dash, last = part.partition("-")
    try:
        start = int(first) if first else 1
        end = (int(last) if last else page_count) if dash else start
    except ValueError:
        return None, None
    return start, end

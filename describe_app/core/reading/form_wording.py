"""A form's blanks and tick boxes said in words: "Name: blank", "Yes, ticked", "No, not ticked".

A page's text holds a form's marks as characters: a blank to write on as a run of "_"
(a PDF's text layer, or a line drawn on a scan, which
:mod:`~describe_app.core.reading.form_marks` puts in as :data:`BLANK_MARK`), a box to tick
as ☐ (empty) or ☑ / ☒ (ticked; "[ ]" and "[x]" too). :func:`word_form` turns one line's
marks into short words, the same for the reading view, Markdown, plain text and speech:

* a blank, or blanks parted only by "/", "." or "-" (a date's "__ / __ / ____"), is one
  "blank"; dots at the end of a line ("Name ..........") are a blank too;
* a box is said after its label: "☑ Yes ☐ No" and "Yes ☑ No ☐" both read "Yes, ticked;
  No, not ticked", after any question before them. A line that ends with a box has its
  boxes after their labels, any other line before them. A "□" is a box where the line has
  two, or one not at its start; one at a line's start alone is a bullet ("□ Milk").

A line without marks is left as it is, and worded text has no marks left, so wording twice
changes nothing.
"""

from __future__ import annotations

import re

from describe_app.core.i18n import _
from describe_app.core.reading.document import Line

#: The text put in for a blank line drawn on a page (see form_marks).
BLANK_MARK = "___"
#: The texts put in for a box drawn on a page, empty and ticked (see form_marks).
EMPTY_BOX = "☐"
TICKED_BOX = "☑"

#: A blank: two or more "_" (blanks parted by spaces, "/", "." or "-" are one: a date's parts),
#: not touching a letter or digit (a name on a screen, "__init__", is no blank).
_BLANK = re.compile(r"(?<![^\W_])_{2,}(?:\s*[/.\-]?\s*_{2,})*(?![^\W_])")
#: Dots or ellipses to the end of a line: a blank to write on (not a table of contents'
#: leader, which has a page number after it).
_DOTTED = re.compile(r"(?:\.\s?|…){5,}\s*$")
_EMPTY = r"☐|\[\s?\]"
_TICKED = r"[☑☒✅]|\[[xX✓✔]\]"
_BOX = re.compile(rf"({_EMPTY}|{_TICKED})")
_IS_TICKED = re.compile(rf"^(?:{_TICKED})$")


def has_form_marks(text: str) -> bool:
    """True for a line holding a blank or a box (a form's field, never a heading)."""
    text = _white_squares_as_boxes(text)
    return bool(_BLANK.search(text) or _DOTTED.search(text) or _BOX.search(text))


def _white_squares_as_boxes(text: str) -> str:
    """ "□" as a box to tick where it is one: more than one on the line, or one not at
    its start ("Yes □"); one at a line's start alone is a list's bullet ("□ Milk")."""
    count = text.count("□")
    if count > 1 or (count == 1 and not text.lstrip().startswith("□")):
        return text.replace("□", EMPTY_BOX)
    return text


def word_line(line: Line) -> Line:
    """``line`` with its text worded (:func:`word_form`); its pieces as they were."""
    text = word_form(line.text)
    return line if text == line.text else Line(text, line.pieces)


def word_form(text: str) -> str:
    """One line's blanks and boxes in words (see the module docstring)."""
    if not has_form_marks(text):
        return text
    text = _words_for_blanks(_white_squares_as_boxes(text))
    parts = _BOX.split(text)
    if len(parts) == 1:
        return text
    # parts: text, box, text, box, ..., text
    boxes = parts[1::2]
    texts = [part.strip() for part in parts[0::2]]
    if not texts[-1] and texts[0]:  # "Yes ☐ No ☐": each box after its label
        labels, lead = texts[:-1], ""
    else:  # "☐ Yes ☐ No", "Do you drive? ☐ Yes ☐ No": each box before its label
        labels, lead = texts[1:], texts[0]
    said = [_box_words(box, label) for box, label in zip(boxes, labels, strict=True)]
    joined = said[0]
    for next_box in said[1:]:  # "Yes, ticked; No, not ticked" (French: " ; ")
        joined = _("{before}; {after}").format(before=joined, after=next_box)
    return " ".join(part for part in (lead, joined) if part)


def _words_for_blanks(text: str) -> str:
    blank = _("blank")
    text = _DOTTED.sub(" " + blank, text)
    text = _BLANK.sub(blank, text)
    # "Signature ____" (a label with no colon, or one set under its line): "Signature: blank"
    said = _("{label}: {blank}")  # French puts a space before the colon
    text = re.sub(
        rf"(\w)\s+{re.escape(blank)}$",
        lambda found: said.format(label=found.group(1), blank=blank),
        text.rstrip(),
    )
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _box_words(box: str, label: str) -> str:
    ticked = bool(_IS_TICKED.match(box.strip()))
    if not label:
        return _("ticked") if ticked else _("not ticked")
    if ticked:
        return _("{label}, ticked").format(label=label)
    return _("{label}, not ticked").format(label=label)

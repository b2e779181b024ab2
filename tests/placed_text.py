"""Text boxes placed by hand, and a text reader that "reads" them: the reading-order rules
tested without OCR."""

from __future__ import annotations

from typing import Any


def placed_box(text: str, x: float, y: float, height: float, char_width: float = 9.0) -> Any:
    """A :class:`TextBox` of ``text`` at ``x``, ``y``: ``char_width`` pixels a character."""
    from describe_app.core.reading.reading_order import TextBox

    width = char_width * len(text)
    return TextBox.from_points(
        text, [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
    )


class PlacedText:
    """A text reader that "reads" boxes placed by hand, in the order given."""

    def __init__(self, boxes: list[Any]) -> None:
        self.boxes = boxes

    def load(self) -> None:
        pass

    def read(self, image: Any) -> Any:
        from describe_app.core.reading.ocr_reader import OcrResult

        return OcrResult(lines=[b.text for b in self.boxes], line_boxes=[[b] for b in self.boxes])

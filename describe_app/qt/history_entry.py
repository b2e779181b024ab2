"""One result in the history list: when, from what, what kind, the text (and the picture,
so a follow-up question can be asked about it later)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from describe_app.core.images import Picture
from describe_app.qt.translate import _


@dataclass(frozen=True)
class HistoryEntry:
    source: str  # "camera", "pasted picture" or a file path
    kind: str  # "description", "detailed description", "text", "answer"
    text: str
    picture: Picture | None = None
    when: datetime = field(default_factory=datetime.now)

    @property
    def source_label(self) -> str:
        if self.source == "camera":
            return _("Camera")
        if self.source == "pasted picture":
            return _("Pasted picture")
        return Path(self.source).name or self.source

    def line(self) -> str:
        """The list item's text: the full result, readable item by item."""
        return f"{self.when:%H:%M} {self.source_label}, {_(self.kind)}: {self.text}"

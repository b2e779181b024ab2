"""One result in the history (:class:`HistoryEntry`), its kind and source, and its JSON form.

An entry is one line of ``history.jsonl``: :meth:`HistoryEntry.to_dict` writes it and
:meth:`HistoryEntry.from_dict` reads it back, refusing a damaged one. :meth:`HistoryEntry.as_text`
is the entry as the user exports or copies it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from describe_app.core.describe.confidence import AnswerConfidence
from describe_app.core.i18n import N_, _

#: The file name of an entry's picture in ``pictures/``: its id, then ``.jpg``.
PICTURE_NAME = re.compile(r"^[0-9a-f]{32}\.jpg$")


class EntryKind(str, enum.Enum):
    DESCRIBE = "describe"
    ASK = "ask"
    READ = "read"
    CODE = "code"  # a QR code or barcode read: its text is the sentence heard


_KIND_LABELS = {
    EntryKind.DESCRIBE: N_("Description"),
    EntryKind.ASK: N_("Answer"),
    EntryKind.READ: N_("Text read"),
    EntryKind.CODE: N_("Code read"),
}


def kind_label(kind: EntryKind) -> str:
    """ "Description", "Answer", "Text read" or "Code read", in the current language."""
    return _(_KIND_LABELS[kind])


SOURCE_CAMERA = "camera"
SOURCE_PASTED = "pasted picture"
_SOURCE_LABELS = {SOURCE_CAMERA: N_("camera"), SOURCE_PASTED: N_("pasted picture")}


def history_source(source: str) -> str:
    """What the history keeps as the source: "camera", "pasted picture" or a file name
    (a name, not a full path)."""
    if source in (SOURCE_CAMERA, SOURCE_PASTED):
        return source
    return Path(source).name or source


def readable(text: str) -> str:
    """``text`` that can be written as UTF-8: a lone surrogate (a file name in another
    encoding, as Python decodes it) becomes the replacement character, so a result from
    such a file is kept rather than failing to be saved."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def is_from_newer_version(data: Any) -> bool:
    """Whether ``data`` is a whole entry of a kind this version does not know (written by a
    newer Describe): kept on disk as it is, not thrown away as damaged."""
    if not isinstance(data, dict):
        return False
    if not all(isinstance(data.get(key), str) for key in ("id", "time", "source", "text")):
        return False
    kind = data.get("kind")
    return isinstance(kind, str) and kind not in {k.value for k in EntryKind}


def source_label(source: str) -> str:
    """The source for display: "camera" and "pasted picture" translated, file names as they
    are."""
    label = _SOURCE_LABELS.get(source)
    return _(label) if label else source


@dataclass(frozen=True)
class HistoryEntry:
    """One result. ``time`` is ISO 8601 local time with its offset; ``source`` is
    SOURCE_CAMERA, SOURCE_PASTED or a file name (a name, not a full path: it shows in
    exports); ``picture`` is a file name in ``pictures/``."""

    id: str
    time: str
    source: str
    kind: EntryKind
    text: str
    model: str = ""
    question: str | None = None
    picture: str | None = None
    #: how sure the model was (its figures; ``text`` is its words, without hedges); None:
    #: not known (a server without log-probabilities, text read, an entry from before)
    confidence: AnswerConfidence | None = None

    def when(self) -> datetime:
        return datetime.fromisoformat(self.time)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["confidence"] = self.confidence.to_json() if self.confidence else None
        return data

    @classmethod
    def from_dict(cls, data: Any) -> HistoryEntry:
        """Raises ValueError if a required field is missing or of the wrong type."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        for key in ("id", "time", "source", "text"):
            if not isinstance(data.get(key), str):
                raise ValueError(f"{key} is missing or not text")
        datetime.fromisoformat(data["time"])  # raises ValueError
        optional = {k: data.get(k) for k in ("question", "picture")}
        for key, value in optional.items():
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{key} is not text")
        picture = optional["picture"]
        if picture is not None and not PICTURE_NAME.match(picture):
            raise ValueError("picture is not a picture name")
        model = data.get("model", "")
        question = optional["question"]
        return cls(
            id=data["id"],
            time=data["time"],
            source=readable(data["source"]),
            kind=EntryKind(data.get("kind")),
            text=readable(data["text"]),
            model=readable(model) if isinstance(model, str) else "",
            question=None if question is None else readable(question),
            picture=picture,
            confidence=AnswerConfidence.from_json(data.get("confidence")),
        )

    def as_text(self) -> str:
        """The entry as plain text: a heading line, the question if any, the text."""
        when = self.when().strftime("%Y-%m-%d %H:%M")
        lines = [f"{when}, {source_label(self.source)}: {kind_label(self.kind)}"]
        if self.question:
            lines.append(_("Question: {question}").format(question=self.question))
        lines.append(self.text.strip())
        overall = self.confidence.overall if self.confidence else None
        if overall is not None:
            sure = _("The model was {percent}% sure of this answer.")
            lines.append(sure.format(percent=round(overall * 100)))
        return "\n".join(lines) + "\n"

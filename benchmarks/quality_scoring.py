"""Scores for one description of a labelled picture, and the totals of a run.

The labels (``quality_set/labels.toml``) give, per picture, facts that must be mentioned
(synonyms), numbers that must be right ("three circles"), things that are NOT there
(a mention is an invented object) and, on text cards, the exact words.

Matching is by whole word, in any case, with simple plurals on the last word of a phrase
("cup" finds "cups", "puppy" finds "puppies"; irregular plurals are listed as synonyms).
A mention that is negated does not count, neither as a fact nor as an invention:
"there is no dog", "I can't see a dog", "no people, cars or dogs", "a dog is not visible".
A negation reaches back at most :data:`NEGATION_REACH` words and never across a sentence
end, a semicolon, a colon or a turn such as "but" ("not a dog but a cat": the cat counts).
"""

from __future__ import annotations

import re
import statistics
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

NEGATION_REACH = 8
_NEGATORS = frozenset(
    "no not without nor neither never none nothing cannot absence lack lacks lacking".split()
)
_CLAUSE_END = re.compile(
    r"[.!?;:]|\b(?:but|however|although|though|whereas|while|yet|instead)\b", re.IGNORECASE
)
_AFTER_NEGATION = re.compile(
    r"^[\s,]*(?:[\w'-]+\s+){0,2}?(?:"
    r"(?:is|are|was|were|can|ca)\s*(?:not|n't)\s+(?:be\s+)?"
    r"(?:visible|present|shown|seen|there|included|in\b|anywhere)"
    r"|(?:absent|missing)\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w'-]+")
_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen \
fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


@dataclass(frozen=True)
class Fact:
    """Something to find: any of ``synonyms``; with ``number``, that many of them."""

    synonyms: tuple[str, ...]
    number: int | None = None

    @property
    def name(self) -> str:
        return f"{self.number} {self.synonyms[0]}" if self.number is not None else self.synonyms[0]


@dataclass(frozen=True)
class Item:
    id: str
    file: str
    kind: str  # "photo" or "card"
    source: str
    license: str
    facts: tuple[Fact, ...]
    absent: tuple[Fact, ...]
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class QualitySet:
    folder: Path
    name: str
    labelled: str
    items: tuple[Item, ...]


def load_set(labels: Path) -> QualitySet:
    """The items of a labels file (TOML); raises ValueError naming a bad item."""
    data = tomllib.loads(labels.read_text(encoding="utf-8"))
    items = []
    for raw in data.get("item", []):
        ident = raw.get("id", "?")
        try:
            facts = [Fact(tuple(s)) for s in raw.get("mentions", [])]
            facts += [Fact(tuple(c["of"]), int(c["number"])) for c in raw.get("counts", [])]
            item = Item(
                id=ident,
                file=raw["file"],
                kind=raw["kind"],
                source=raw["source"],
                license=raw["license"],
                facts=tuple(facts),
                absent=tuple(Fact(tuple(s)) for s in raw.get("absent", [])),
                words=tuple(raw.get("words", [])),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"item {ident} in {labels}: {exc!r}") from exc
        if not all(fact.synonyms for fact in (*item.facts, *item.absent)):
            raise ValueError(f"item {ident} in {labels}: a fact without words")
        items.append(item)
    meta = data.get("set", {})
    return QualitySet(labels.parent, meta.get("name", ""), meta.get("labelled", ""), tuple(items))


# --- matching ---------------------------------------------------------------------------


def _plural(word: str) -> str:
    stem = re.escape(word)
    if re.search(r"[^aeiou]y$", word, re.IGNORECASE):
        return re.escape(word[:-1]) + "(?:y|ies)"
    if re.search(r"(?:s|x|z|ch|sh)$", word, re.IGNORECASE):
        return stem + "(?:es)?"
    return stem + "(?:s|es)?"


def phrase_pattern(phrase: str, *, plural: bool = True) -> str:
    """A regular expression for ``phrase``: its words apart by spaces or hyphens, the last
    one in singular or plural (unless ``plural`` is false)."""
    words = phrase.split()
    parts = [re.escape(w) for w in words[:-1]]
    parts.append(_plural(words[-1]) if plural else re.escape(words[-1]))
    return r"(?<!\w)" + r"[\s-]+".join(parts) + r"(?!\w)"


def number_pattern(number: int) -> str:
    """The ways to write ``number`` (digits, words; "a", "an", "single" for one)."""
    spelled = [str(number)]
    if number < 20:
        spelled.append(_UNITS[number])
    elif number < 100:
        tens, units = divmod(number, 10)
        spelled.append(_TENS[tens - 2] + (f"[\\s-]{_UNITS[units]}" if units else ""))
    if number == 1:
        spelled += ["a", "an", "single", "one single"]
    return r"(?<!\w)(?:" + "|".join(spelled) + r")"


def is_negated(text: str, start: int, end: int) -> bool:
    """Whether the mention at ``text[start:end]`` is denied ("no dog", "a dog is not there")."""
    before = text[:start]
    boundaries = list(_CLAUSE_END.finditer(before))
    clause = before[boundaries[-1].end() :] if boundaries else before
    for word in _WORD.findall(clause)[-NEGATION_REACH:]:
        lowered = word.lower()
        if lowered in _NEGATORS or lowered.endswith("n't"):
            return True
    return bool(_AFTER_NEGATION.match(text[end : end + 60]))


def _affirmed(text: str, pattern: str) -> list[str]:
    found = []
    for match in re.finditer(pattern, text, re.IGNORECASE):
        if not is_negated(text, match.start(), match.end()):
            found.append(match.group(0))
    return found


def mentions(text: str, fact: Fact) -> list[str]:
    """The places where ``text`` affirms ``fact`` (as written there)."""
    things = "|".join(phrase_pattern(s) for s in fact.synonyms)
    if fact.number is None:
        return _affirmed(text, f"(?:{things})")
    # up to three words between, none of them a number ("a row of two circles" is not one)
    number_word = r"(?:\d+|" + "|".join(_UNITS + _TENS) + r")(?!\w)"
    between = rf"(?:[\s,]+(?!{number_word})[\w'-]+){{0,3}}?"
    return _affirmed(text, rf"{number_pattern(fact.number)}{between}[\s,]+(?:{things})")


def invents(item: Item, sentence: str) -> bool:
    """Whether ``sentence`` mentions something that is not in ``item``'s picture."""
    return any(mentions(sentence, fact) for fact in item.absent)


def word_read(text: str, word: str) -> bool:
    """Whether the exact ``word`` of a card appears in ``text`` as a whole word."""
    return re.search(phrase_pattern(word, plural=False), text, re.IGNORECASE) is not None


# --- scores -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemScore:
    facts_found: tuple[str, ...]
    facts_missed: tuple[str, ...]
    counts_found: tuple[str, ...]
    counts_total: int
    invented: tuple[str, ...]  # the absent things the answer mentions
    words_read: tuple[str, ...]
    words_missed: tuple[str, ...]
    length_words: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def score_answer(item: Item, text: str) -> ItemScore:
    """How well ``text`` describes ``item``."""
    found = [f for f in item.facts if mentions(text, f)]
    counts = [f for f in item.facts if f.number is not None]
    return ItemScore(
        facts_found=tuple(f.name for f in found),
        facts_missed=tuple(f.name for f in item.facts if f not in found),
        counts_found=tuple(f.name for f in counts if f in found),
        counts_total=len(counts),
        invented=tuple(f.name for f in item.absent if mentions(text, f)),
        words_read=tuple(w for w in item.words if word_read(text, w)),
        words_missed=tuple(w for w in item.words if not word_read(text, w)),
        length_words=len(_WORD.findall(text)),
    )


@dataclass
class Totals:
    items: int = 0
    facts_found: int = 0
    facts_total: int = 0
    counts_found: int = 0
    counts_total: int = 0
    invented: int = 0
    items_with_invented: int = 0
    words_read: int = 0
    words_total: int = 0
    mean_length_words: float = 0.0
    median_first_word_s: float | None = None
    median_total_s: float | None = None
    errors: int = 0
    #: the model's mean confidence (0-1) in sentences with an invented object, and in the
    #: others; None where the describer gave no token probabilities
    confidence_invented: float | None = None
    confidence_other: float | None = None
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def summarize(rows: Sequence[Mapping[str, Any]]) -> Totals:
    """Totals of a run's rows (each with ``kind``, ``score`` as :meth:`ItemScore.to_json`,
    ``first_word_s``, ``total_s``; maybe ``error``, and ``confidence`` with a figure per
    sentence beside ``sentence_invents``, a flag per sentence)."""
    totals = Totals(items=len(rows))
    for row in rows:
        s = row["score"]
        totals.facts_found += len(s["facts_found"])
        totals.facts_total += len(s["facts_found"]) + len(s["facts_missed"])
        totals.counts_found += len(s["counts_found"])
        totals.counts_total += s["counts_total"]
        totals.invented += len(s["invented"])
        totals.items_with_invented += bool(s["invented"])
        totals.words_read += len(s["words_read"])
        totals.words_total += len(s["words_read"]) + len(s["words_missed"])
        totals.errors += bool(row.get("error"))
        kind = totals.by_kind.setdefault(
            row["kind"], {"items": 0, "facts_found": 0, "facts_total": 0, "invented": 0}
        )
        kind["items"] += 1
        kind["facts_found"] += len(s["facts_found"])
        kind["facts_total"] += len(s["facts_found"]) + len(s["facts_missed"])
        kind["invented"] += len(s["invented"])
    if rows:
        totals.mean_length_words = statistics.fmean(r["score"]["length_words"] for r in rows)
    invented: list[float] = []
    other: list[float] = []
    for row in rows:  # each sentence's confidence, beside whether it invents something
        figures = (row.get("confidence") or {}).get("sentences") or []
        flags = row.get("sentence_invents") or []
        if len(figures) == len(flags):
            for figure, invents_one in zip(figures, flags, strict=True):
                if figure is not None:
                    (invented if invents_one else other).append(figure)
    totals.confidence_invented = statistics.fmean(invented) if invented else None
    totals.confidence_other = statistics.fmean(other) if other else None
    totals.median_first_word_s = _median(r.get("first_word_s") for r in rows)
    totals.median_total_s = _median(r.get("total_s") for r in rows)
    return totals

"""How sure the model was of each sentence of its answer, from its token probabilities.

A describer that knows the probability of each token it chose (the local model; a server
that returns ``logprobs``) hands their logarithms to :attr:`DescribeRequest.on_confidence
<describe_app.core.describe.describer.DescribeRequest.on_confidence>` just before the text
of those tokens goes to its text sink. :class:`ConfidenceMeter` lines them up with the
sentences the pipeline cuts from that text, and :class:`AnswerConfidence` is what is kept:
a figure per sentence and one for the whole answer, each between 0 and 1.

The figure is the **geometric mean of the chosen tokens' probabilities over the content
tokens** (the exponential of their mean log-probability), for these reasons:

* Only content tokens count: a token whose text has no letter or digit (a space, a full
  stop, a comma, the end-of-answer token, which writes no text) is left out. After
  "There is a red car" the full stop is nearly certain, and counting it would make every
  sentence look surer than its words were. (A sentence with no word at all, only marks,
  is measured on all its tokens.)
* The mean does not depend on the sentence's length, so a long sentence is not judged
  more doubtful than a short one for having more tokens: its figure can be compared with
  any other's and with one threshold (:data:`DOUBT_BELOW`).
* The minimum was the other candidate: it catches one invented word in a sure sentence
  better, but it also fires on every choice between two equally good words ("a"/"the",
  "sofa"/"couch"), which is doubt about wording, not about the picture; a small model
  makes such a choice in nearly every sentence, and "possibly" on every sentence would
  tell the user nothing. Which figure separates invented objects better is for the
  quality harness to measure (see the README).

A sentence below the threshold is said with a hedge (:mod:`.doubt_wording`); the model's
words themselves are never changed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

#: Receives the natural-log probabilities of the tokens whose text comes next.
ConfidenceSink = Callable[[Sequence[float]], None]

#: A sentence whose figure is below this is said with a hedge ("Possibly: ...").
DOUBT_BELOW = 0.5


def geometric_mean(logprobs: Sequence[float]) -> float | None:
    """The geometric mean of the probabilities whose logarithms are given (None: none)."""
    if not logprobs:
        return None
    return min(1.0, math.exp(sum(logprobs) / len(logprobs)))


def _has_content(text: str) -> bool:
    return any(char.isalnum() for char in text)


def _figure_of(tokens: Sequence[tuple[float, bool]]) -> float | None:
    """The geometric mean over the content tokens, or over all when none is content."""
    content = [value for value, is_content in tokens if is_content]
    return geometric_mean(content or [value for value, _is_content in tokens])


@dataclass(frozen=True)
class AnswerConfidence:
    """How sure the model was: of the whole answer and of each sentence (None: a sentence
    that was not the model's, such as "The answer was cut short", or had no word)."""

    overall: float | None
    sentences: tuple[float | None, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "overall": _rounded(self.overall),
            "sentences": [_rounded(value) for value in self.sentences],
        }

    @classmethod
    def from_json(cls, data: Any) -> AnswerConfidence | None:
        """Read back what :meth:`to_json` wrote; None for anything else (never raises)."""
        if not isinstance(data, dict):
            return None
        overall = _figure(data.get("overall"))
        raw = data.get("sentences")
        sentences = tuple(_figure(value) for value in raw) if isinstance(raw, list) else ()
        if overall is None and not any(value is not None for value in sentences):
            return None
        return cls(overall, sentences)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _figure(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if 0.0 <= value <= 1.0 else None


class ConfidenceMeter:
    """Lines up token log-probabilities with the sentences cut from the same text.

    Feed it, in the order they arrive, :meth:`logprobs` (the tokens of the next piece of
    text) and :meth:`text` (that piece, cleaned, as the sentence splitter gets it); then ask
    :meth:`sentence` for each sentence the splitter handed out, in order."""

    def __init__(self) -> None:
        self._pending: list[float] = []
        self._text = ""
        #: (where their text ends, log p, whether that text has a letter or digit)
        self._tokens: list[tuple[int, float, bool]] = []
        self._cursor = 0  # the text up to here belongs to sentences already measured
        self._taken = 0  # tokens already given to sentences
        self.sentences: list[float | None] = []

    def logprobs(self, values: Sequence[float]) -> None:
        self._pending.extend(float(value) for value in values if math.isfinite(value))

    def text(self, piece: str) -> None:
        if not piece:
            return  # held back (half a character): its tokens go with the next piece
        self._text += piece
        end, content = len(self._text), _has_content(piece)
        self._tokens.extend((end, value, content) for value in self._pending)
        self._pending.clear()

    def sentence(self, sentence: str) -> float | None:
        """The figure of the next sentence (its text exactly as the splitter gave it)."""
        found = self._text.find(sentence, self._cursor) if sentence else -1
        end = found + len(sentence) if found >= 0 else len(self._text)
        values: list[tuple[float, bool]] = []
        while self._taken < len(self._tokens) and self._tokens[self._taken][0] <= end:
            values.append(self._tokens[self._taken][1:])
            self._taken += 1
        self._cursor = max(self._cursor, end)
        figure = _figure_of(values)
        self.sentences.append(figure)
        return figure

    def not_the_models(self) -> None:
        """The next sentence was not written by the model (a limit's sentence)."""
        self.sentences.append(None)

    def result(self) -> AnswerConfidence | None:
        """The answer's figures; None when the describer gave no probabilities at all."""
        if not self._tokens:
            return None
        overall = _figure_of([(value, content) for _end, value, content in self._tokens])
        return AnswerConfidence(overall, tuple(self.sentences))

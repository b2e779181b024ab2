"""One request, start to end: check the picture, run the describer, hand out sentences.

This is where "fast first words" and "honest answers" meet: a frame that is black, white,
blank or blurred gets a short sentence about the picture instead of a model call that
would invent a scene; a good frame streams, and each sentence leaves as soon as it ends.
Every step is timed from the moment the request was made. Where the describer gives its
tokens' probabilities, each sentence's figure is measured (:mod:`.confidence`), a doubtful
sentence is said with a hedge ("Possibly: ..."), and the result keeps the figures.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from describe_app.core.describe.answer_limits import AnswerCutOffError, stopped_sentence
from describe_app.core.describe.confidence import DOUBT_BELOW, AnswerConfidence, ConfidenceMeter
from describe_app.core.describe.describer import Describer, DescribeRequest
from describe_app.core.describe.doubt_wording import hedged
from describe_app.core.describe.prompts import tidy_sentence
from describe_app.core.errors import Cancelled
from describe_app.core.i18n import N_, _
from describe_app.core.pictures.picture_check import PictureCheck, check_picture
from describe_app.core.sentences import SentenceSplitter
from describe_app.core.untrusted_text import TextCleaner

log = logging.getLogger(__name__)

#: Receives each complete sentence and its index (0 = first).
SentenceSink = Callable[[str, int], None]

EMPTY_ANSWER = N_("The model gave no answer. Please try again.")


@dataclass
class DescriptionResult:
    text: str
    sentences: list[str]
    model: str
    source: str
    picture_problem: str | None = None  # set when the check answered instead of the model
    cancelled: bool = False
    new_tokens: int = 0
    stopped: str | None = None  # the sentence said when a limit cut the answer short
    #: seconds since the request, by step: check, preprocess, first_token, first_sentence, total
    timings: dict[str, float] = field(default_factory=dict)
    #: how sure the model was (None: the describer gave no token probabilities); ``text``
    #: and ``sentences`` are the model's words, without the hedges that were said
    confidence: AnswerConfidence | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "sentences": self.sentences,
            "model": self.model,
            "source": self.source,
            "picture_problem": self.picture_problem,
            "cancelled": self.cancelled,
            "new_tokens": self.new_tokens,
            "stopped": self.stopped,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "confidence": self.confidence.to_json() if self.confidence else None,
        }


def run_request(
    describer: Describer,
    request: DescribeRequest,
    *,
    on_sentence: SentenceSink | None = None,
    cancel: threading.Event | None = None,
    check: bool = True,
    requested_at: float | None = None,
    doubt_below: float | None = DOUBT_BELOW,
) -> DescriptionResult:
    """Describe one picture. Raises :class:`Cancelled` if ``cancel`` was set before the end.

    A sentence the model was less sure of than ``doubt_below`` is handed to ``on_sentence``
    with a hedge before it (None: never)."""
    t0 = requested_at if requested_at is not None else time.perf_counter()
    cancel = cancel or threading.Event()
    timings: dict[str, float] = {}
    sentences: list[str] = []
    meter = ConfidenceMeter()

    def emit(sentence: str, figure: float | None = None) -> None:
        sentence = tidy_sentence(sentence) if not sentences else sentence
        if not sentences:
            timings["first_sentence"] = time.perf_counter() - t0
        sentences.append(sentence)
        if doubt_below is not None and figure is not None and figure < doubt_below:
            sentence = hedged(sentence, request.prompt.language)
        if on_sentence is not None:
            on_sentence(sentence, len(sentences) - 1)

    if check:
        # a saved, pasted or captured picture gets no advice about a camera
        verdict: PictureCheck = check_picture(
            request.picture.image, camera=request.picture.from_camera
        )
        timings["check"] = verdict.seconds
        if not verdict.ok:
            log.info("picture check: %s", verdict.problem.value)
            emit(verdict.message)
            timings["total"] = time.perf_counter() - t0
            return DescriptionResult(
                text=verdict.message,
                sentences=sentences,
                model="picture check",
                source=request.picture.source,
                picture_problem=verdict.problem.value,
                timings=timings,
            )

    # the answer is untrusted text; a long run-on sentence is spoken a clause at a time
    splitter, cleaner = SentenceSplitter(cut_long=True), TextCleaner()

    def on_text(delta: str) -> None:
        if "first_text" not in timings:
            timings["first_text"] = time.perf_counter() - t0
        cleaned = cleaner.feed(delta)
        meter.text(cleaned)
        for sentence in splitter.feed(cleaned):
            emit(sentence, meter.sentence(sentence))

    def flush() -> None:
        rest = cleaner.flush()
        meter.text(rest)
        for sentence in [*splitter.feed(rest), *splitter.flush()]:
            emit(sentence, meter.sentence(sentence))

    call_start = time.perf_counter() - t0
    try:
        stats = describer.describe(replace(request, on_confidence=meter.logprobs), on_text, cancel)
    except Exception as exc:
        if isinstance(exc, Cancelled) or cancel.is_set() or "first_text" not in timings:
            raise
        flush()  # every word that arrived is said, then why the rest is missing
        raise AnswerCutOffError.after(exc) from exc
    if cancel.is_set():
        raise Cancelled
    flush()
    stopped = None
    if stats.stopped is not None:  # a limit ended it: what arrived stays, one line says why
        stopped = stopped_sentence(stats.stopped, stats.total_seconds)
        log.info("answer stopped by its %s limit", stats.stopped.value)
        if sentences and on_sentence is not None:
            on_sentence(stopped, len(sentences))
    if not sentences:
        meter.not_the_models()
        emit(stopped or _(EMPTY_ANSWER))
    timings["preprocess"] = call_start + stats.preprocess_seconds
    if stats.first_token_seconds is not None:
        timings["first_token"] = call_start + stats.first_token_seconds
    if stats.vision_seconds is not None:  # the vision encoder ran (not a prepared picture)
        timings["vision"] = stats.vision_seconds
    timings["total"] = time.perf_counter() - t0
    return DescriptionResult(
        text=" ".join(sentences),
        sentences=sentences,
        model=describer.model_name,
        source=request.picture.source,
        new_tokens=stats.new_tokens,
        timings=timings,
        stopped=stopped,
        confidence=meter.result(),
    )

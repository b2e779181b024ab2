"""How ``describe-app watch`` gets its descriptions: at once, or from a view prepared while
it settled.

``watch`` describes each view that changed, once it has stayed still for ``--settle``
seconds. With ``--prepare always`` (or ``mains``, on mains power) the model starts on the
view as soon as it stops moving (:class:`PreparedAnswers`: the model worker's background
``prepare``), so when the view has settled, only the rest of the work is left. A view
that moved again in between is described from the newest frame. With ``--prepare never``,
or a server describing (pictures are never sent in the background), each settled view is
described from the start (:class:`DirectAnswers`), in this thread.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from describe_app.core.describe.pipeline import run_request
from describe_app.core.errors import DescribeError, ModelLoadError
from describe_app.core.live.hands_free import WatchSettings
from describe_app.core.live.prepare_policy import PreparePolicy, may_prepare
from describe_app.core.live.view_settle import SettledViewCheck, same_view
from describe_app.core.pictures.grey_copies import small_grey
from describe_app.core.pictures.images import Picture, picture_from_frame

if TYPE_CHECKING:
    import numpy as np

    from describe_app.core.describe.describer import Describer, DescribeRequest
    from describe_app.core.describe.pipeline import DescriptionResult
    from describe_app.core.describe.prompts import PromptSpec
    from describe_app.core.describe.worker import WorkerEvent

log = logging.getLogger(__name__)

OnSentence = Callable[[str, int], None]


class WatchAnswers(Protocol):
    def look(self, frame: Any) -> None:
        """Every frame: prepare a view that just stopped moving (if this prepares)."""
        ...

    def picture_for(self, frame: Any) -> Picture:
        """The picture to describe for this settled frame."""
        ...

    def describe(
        self, request: DescribeRequest, on_sentence: OnSentence, *, check: bool
    ) -> DescriptionResult | None:
        """Describe, calling ``on_sentence`` for each sentence; returns the result when
        done (None if it was cancelled)."""
        ...

    def close(self) -> None: ...


class DirectAnswers:
    """Each settled view described from the start, in this thread."""

    def __init__(self, describer: Describer, source: str) -> None:
        self._describer = describer
        self._source = source

    def look(self, frame: Any) -> None:
        pass

    def picture_for(self, frame: Any) -> Picture:
        return picture_from_frame(frame, source=self._source)

    def describe(
        self, request: DescribeRequest, on_sentence: OnSentence, *, check: bool
    ) -> DescriptionResult | None:
        return run_request(self._describer, request, on_sentence=on_sentence, check=check)

    def close(self) -> None:
        pass


class PreparedAnswers:
    """The model worker prepares each view that stops moving; the settled view is then
    described from that work when it still matches (``policy`` asked at each view)."""

    def __init__(
        self,
        describer: Describer,
        source: str,
        *,
        policy: PreparePolicy,
        settings: WatchSettings,
        prompt: PromptSpec,
        clock: Callable[[], float],
    ) -> None:
        from describe_app.core.describe.worker import ModelWorker

        self._source = source
        self._policy = policy
        self._settings = settings
        self._prompt = prompt
        # "stopped moving": still from one frame to the next, not yet for --settle seconds
        self._stopped = SettledViewCheck(dataclasses.replace(settings, settle_s=0.0), clock=clock)
        self._started = False
        self._prepared: tuple[Picture, np.ndarray] | None = None
        self._events: queue.Queue[WorkerEvent] = queue.Queue()
        self._worker = ModelWorker(lambda: describer, self._events.put)
        self._worker.start_loading()  # the describer is loaded: this warms it up
        self.prepared = 0  # views handed to the worker to prepare

    def look(self, frame: Any) -> None:
        from describe_app.core.describe.worker import PrepareJob

        if not self._started:  # the first view is not described, so not prepared either
            self._started = True
            self._stopped.set_reference(small_grey(frame))
        view = self._stopped.check(frame)
        if view is None or not may_prepare(self._policy):
            return
        picture = picture_from_frame(frame, source=self._source)
        self._worker.prepare(PrepareJob(picture, self._prompt))
        self._prepared = (picture, view.small)
        self.prepared += 1
        log.info("the view stopped moving: preparing it")

    def picture_for(self, frame: Any) -> Picture:
        small = small_grey(frame)
        self._stopped.set_reference(small)
        prepared, self._prepared = self._prepared, None
        if prepared is not None and same_view(prepared[1], small, self._settings):
            log.info("the settled view is the one prepared: describing that")
            return prepared[0]
        return picture_from_frame(frame, source=self._source)

    def describe(
        self, request: DescribeRequest, on_sentence: OnSentence, *, check: bool
    ) -> DescriptionResult | None:
        from describe_app.core.describe.worker import (
            Cancelled_,
            DescribeJob,
            Failed,
            Finished,
            LoadFailed,
            SentenceReady,
        )

        job_id = self._worker.submit(DescribeJob(request, check=check))
        while True:
            event = self._events.get()
            if isinstance(event, SentenceReady) and event.job_id == job_id:
                on_sentence(event.sentence, event.index)
            elif isinstance(event, Finished) and event.job_id == job_id:
                return event.result
            elif isinstance(event, Cancelled_) and event.job_id == job_id:
                return None
            elif isinstance(event, LoadFailed):  # no model: nothing more can be described
                raise ModelLoadError(event.message)
            elif isinstance(event, Failed) and event.job_id == job_id:
                raise DescribeError(event.message)

    def close(self) -> None:
        if not self._worker.close(1.0):
            log.info("the model worker did not stop within 1 s")


def watch_answers(
    describer: Describer,
    source: str,
    *,
    policy: PreparePolicy,
    remote: bool,
    settings: WatchSettings,
    prompt: PromptSpec,
    clock: Callable[[], float],
) -> WatchAnswers:
    """Prepared answers, unless ``policy`` is never or a server describes."""
    if policy is PreparePolicy.NEVER or remote:
        return DirectAnswers(describer, source)
    return PreparedAnswers(
        describer, source, policy=policy, settings=settings, prompt=prompt, clock=clock
    )

"""Which preparation the model worker runs in the background, and when it gives way.

A preparation (:class:`~describe_app.core.describe.worker.PrepareJob`) is work the user has
not asked for yet: encoding the settled camera view, writing the first sentence ahead. The
rules, kept here so the worker's loop stays simple:

* at most one waits; a newer one replaces it, and stops a running one for another
  picture (that view is gone);
* a request of the user's stops a running preparation within one layer of the model, and
  the preparation waits to go on afterwards - unless the request is about the very picture
  being prepared: then the preparation finishes encoding it (the request needs that too)
  and gives way right after. "The very picture" is the same object, or (in the model
  process, where each job arrives as a copy) the same pixels from the same source;
* :meth:`PreparationQueue.stop` drops all of it (the camera is off, the app is hidden).

Not thread-safe: the worker calls it under its lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from describe_app.core.describe.worker import PrepareJob
    from describe_app.core.pictures.images import Picture


@dataclass
class Preparation:
    """One preparation, with the cost of every attempt at it added up."""

    job: PrepareJob
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    cancel: threading.Event = field(default_factory=threading.Event)  # stop within a layer
    after_vision: threading.Event = field(default_factory=threading.Event)  # stop once encoded
    dropped: bool = False  # replaced or stopped: never put back


def _same(a: PrepareJob, b: PrepareJob) -> bool:
    return (
        same_picture(a.picture, b.picture)
        and a.prompt == b.prompt
        and a.first_sentence == b.first_sentence
    )


def same_picture(a: Picture, b: Picture) -> bool:
    """``a`` and ``b`` are one picture: the same object, or copies of it (a job sent to the
    model process arrives as a copy, so the user's request and the preparation of the
    same view are two objects there)."""
    if a is b:
        return True
    return (
        a.source == b.source
        and a.original_size == b.original_size
        and a.image.size == b.image.size
        and a.image.mode == b.image.mode
        and a.image.tobytes() == b.image.tobytes()
    )


class PreparationQueue:
    def __init__(self) -> None:
        self.waiting: Preparation | None = None
        self.running: Preparation | None = None

    def offer(self, job: PrepareJob) -> None:
        """A newer preparation: it replaces the one waiting, and stops one running for
        another picture."""
        running = self.running
        if running is not None and not running.dropped and _same(running.job, job):
            self.waiting = None  # the one running is the newest wish
            return
        if self.waiting is not None and _same(self.waiting.job, job):
            return
        self.waiting = Preparation(job)
        if running is not None:
            running.dropped = True
            running.cancel.set()

    def user_request(self, picture: Picture | None) -> None:
        """The user asked for something (about ``picture``, if a picture is described)."""
        running = self.running
        if running is None:
            return
        if picture is not None and same_picture(picture, running.job.picture):
            running.after_vision.set()
        else:
            running.cancel.set()

    def stop(self) -> None:
        self.waiting = None
        if self.running is not None:
            self.running.dropped = True
            self.running.cancel.set()

    def take(self) -> Preparation | None:
        """The preparation to run now (it counts as running until :meth:`ended`)."""
        preparation, self.waiting = self.waiting, None
        if preparation is not None:
            preparation.cancel = threading.Event()
            preparation.after_vision = threading.Event()
        self.running = preparation
        return preparation

    def ended(self, preparation: Preparation, *, gave_way: bool) -> None:
        """``gave_way``: it stopped for a request; it goes on later unless replaced."""
        self.running = None
        if gave_way and not preparation.dropped and self.waiting is None:
            self.waiting = preparation

"""Prepared pictures: the model works on a settled camera view (or a photo just opened)
before the user asks, and the describe keys use that work when the view still matches.

:class:`PictureKeeper` is the controller's memory of the camera picture the model worker
already has: the one it was asked to prepare (:meth:`prepare`) or last asked about
(:meth:`remember`). :meth:`picture_for` answers "which picture does Space describe": that
same :class:`Picture` object when the camera's newest frame still shows the same view
(small grey copies compared as hands-free mode compares them), so the worker finds its
work; else None, and the fresh frame is described at full speed.

Preparing follows the user's policy (always / on mains power / never), asked again at
each preparation. What was prepared is counted and each ``Prepared`` event kept, never
spoken (tests and the benchmark read them).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

# Imported with the window, not at the first battery reading: that first import took 19-35 ms
# of the GUI thread, a stall at the first settled view (bench_window --stall-stacks).
import psutil  # noqa: F401

from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.describe.worker import Prepared, PrepareJob
from describe_app.core.errors import ImageError
from describe_app.core.history.entry import SOURCE_CAMERA
from describe_app.core.live.hands_free import WatchSettings
from describe_app.core.live.prepare_policy import (
    BatteryReader,
    PreparePolicy,
    may_prepare,
    read_battery,
)
from describe_app.core.live.view_settle import same_view
from describe_app.core.pictures.grey_copies import small_grey
from describe_app.core.pictures.images import Picture, picture_from_frame

if TYPE_CHECKING:
    import numpy as np

    from describe_app.qt.model_bridge import ModelBridge

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnownView:
    """A camera picture the worker has (prepared or asked about), and its small grey copy."""

    picture: Picture
    small: np.ndarray


class PictureKeeper:
    """The prepared (or last asked-about) camera picture, and the preparing policy."""

    def __init__(self, bridge: ModelBridge, *, battery: BatteryReader = read_battery) -> None:
        self._bridge = bridge
        self._battery = battery
        self.policy = PreparePolicy.MAINS  # the settings' choice
        self.override: PreparePolicy | None = None  # the command line's, for this session
        self.watch = WatchSettings()  # the change level that makes a view another one
        self.known: KnownView | None = None
        self.prepared_count = 0  # preparations handed to the worker
        self.prepared_events: list[Prepared] = []  # what the worker finished (never spoken)

    @property
    def effective_policy(self) -> PreparePolicy:
        return self.override or self.policy

    def allowed(self) -> bool:
        """Background preparation may run now (the policy and, for "mains", the battery)."""
        return may_prepare(self.effective_policy, self._battery)

    def prepare(
        self, picture: Picture, prompt: PromptSpec, small: np.ndarray | None = None
    ) -> bool:
        """Hand ``picture`` to the worker to prepare for ``prompt``, if the policy allows
        (``small``: its grey copy, for a camera view). True if it was handed over."""
        if not self.allowed():
            log.debug("not preparing: the policy is %s", self.effective_policy.value)
            return False
        try:
            self._bridge.prepare(PrepareJob(picture, prompt))
        except RuntimeError:  # the worker is closed: the window is shutting down
            return False
        self.prepared_count += 1
        if small is not None:
            self.known = KnownView(picture, small)
        log.info("preparing %s in the background", picture.source)
        return True

    def prepare_view(self, frame: object, small: np.ndarray, prompt: PromptSpec) -> bool:
        """A settled camera ``frame`` (``small``: its grey copy): :meth:`prepare` it."""
        try:
            picture = picture_from_frame(frame, source=SOURCE_CAMERA)  # type: ignore[arg-type]
        except ImageError:
            return False
        return self.prepare(picture, prompt, small)

    def remember(self, picture: Picture, frame: object) -> None:
        """A camera ``frame`` was just asked about as ``picture``: the worker has it now."""
        self.known = KnownView(picture, small_grey(frame))

    def picture_for(self, frame: object) -> Picture | None:
        """The known picture if ``frame`` still shows its view, else None (the view
        changed: describe the fresh frame)."""
        known = self.known
        if known is None:
            return None
        if same_view(known.small, small_grey(frame), self.watch):
            return known.picture
        return None

    def stop(self) -> None:
        """Nothing is to be prepared now (the camera is off, the window hidden): the
        worker drops what it was preparing."""
        with contextlib.suppress(RuntimeError):  # the worker is closed
            self._bridge.stop_preparing()

    def forget(self) -> None:
        """Another camera or model: what the worker had is gone."""
        self.known = None

    def on_prepared(self, event: Prepared) -> None:
        """The worker finished preparing (kept for tests and the benchmark, not said)."""
        self.prepared_events.append(event)
        log.info(
            "prepared %s in %.2f s (%.2f s of CPU)", event.source, event.seconds, event.cpu_seconds
        )

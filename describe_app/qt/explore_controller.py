"""Exploring the last described picture: short descriptions of its regions, in the background.

After a description the user asked for, :class:`ExploreController` starts an
:class:`~describe_app.core.describe.explore.ExploreSession` on that picture and asks the model
worker for one region at a time, the region under the cursor first, and only while the
:class:`DescribeController` has nothing in flight. Anything the user asks for wins: the
worker cancels the region in progress (latest request wins) and the region is asked for
again once the user's job is over. A job about another picture ends the session.

Regions described before the user explores are background work: they follow the
preparing policy (``background_allowed``: "never" runs nothing in the background, "on
mains power" nothing on battery), they wait for the preparation of a newly settled camera
view, and they keep nothing in the model's memory of pictures, so a follow-up question
about the picture itself still finds its encoded picture and conversation.

The controller owns no widget: ``region_ready`` tells the grid a region's text arrived.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.explore import REGION_TOKENS, ExploreSession, region_prompt
from describe_app.core.describe.worker import (
    Cancelled_,
    DescribeJob,
    Failed,
    Finished,
    Ready,
    TextRead,
    WorkerEvent,
)
from describe_app.core.pictures.images import Picture
from describe_app.core.pictures.picture_regions import Cell, cell_name, crop_cell, grid_for
from describe_app.qt.describe_controller import DescribeController
from describe_app.qt.model_bridge import ModelBridge
from describe_app.qt.translate import _

log = logging.getLogger(__name__)


class ExploreController(QObject):
    session_started = Signal(object)  # ExploreSession
    session_ended = Signal()
    region_ready = Signal(object)  # Cell

    def __init__(
        self,
        bridge: ModelBridge,
        controller: DescribeController,
        *,
        language: str | None = None,
        in_background: bool = True,
        background_allowed: Callable[[], bool] = lambda: True,
        parent: QObject | None = None,
    ) -> None:
        """``in_background``: describe the regions as soon as a description finished, when
        ``background_allowed()`` (the preparing policy) says so; False: only once the user
        starts exploring (:meth:`wanted`)."""
        super().__init__(parent)
        self._bridge = bridge
        self._controller = controller
        self.language = language
        self.in_background = in_background
        self._background_allowed = background_allowed
        self.session: ExploreSession | None = None
        self._wanted = False
        self._asked = False  # the user explores this session: its regions are not background
        self._job_id: int | None = None
        self._job_cell: Cell | None = None
        self._closed = False
        bridge.worker_event.connect(self._on_worker_event)
        controller.picture_submitted.connect(self._on_picture_submitted)
        controller.picture_described.connect(self._on_picture_described)

    # --- from the window --------------------------------------------------------------------------

    def wanted(self) -> None:
        """The user is exploring: describe the regions now (if not already)."""
        self._wanted = self._asked = True
        self._pump()

    def close(self) -> None:
        self._closed = True
        self.session = None

    # --- from the describe controller -------------------------------------------------------------

    @Slot(object)
    def _on_picture_submitted(self, picture: Picture) -> None:
        if self.session is not None and picture is not self.session.picture:
            log.debug("a new picture: exploring ends")
            self.session = None
            self._job_id = self._job_cell = None  # the worker cancelled it (latest wins)
            self.session_ended.emit()

    @Slot(object)
    def _on_picture_described(self, picture: Picture) -> None:
        if self.session is not None and self.session.picture is picture:
            return
        self.session = ExploreSession(picture, grid_for(picture.size))
        self._asked = False
        self._wanted = self.in_background and self._background_allowed()
        self._job_id = self._job_cell = None
        self.session_started.emit(self.session)
        self._pump()

    # --- the worker -------------------------------------------------------------------------------

    def _pump(self) -> None:
        """Ask for the next region, if there is one and nothing else is in flight."""
        session = self.session
        if (
            self._closed
            or session is None
            or not self._wanted
            or self._job_id is not None
            or self._controller.busy
            or not self._bridge.is_ready
        ):
            return
        cell = session.next_to_describe()
        if cell is None:
            return
        part = crop_cell(session.picture, session.grid, cell)
        english = cell_name(session.grid, cell, translated=False)
        request = DescribeRequest(
            part,
            region_prompt(
                english, self.language, whole=session.grid.rows * session.grid.columns == 1
            ),
            max_new_tokens=REGION_TOKENS,
            remember=False,  # the picture itself stays the one kept for follow-ups
        )
        job = DescribeJob(request, check=False, background=not self._asked)
        try:
            self._job_id = self._bridge.submit(job)
        except RuntimeError:  # shutting down
            return
        self._job_cell = cell
        log.debug("describing region %s", cell)

    @Slot(object)
    def _on_worker_event(self, event: WorkerEvent) -> None:
        job_id = getattr(event, "job_id", None)
        if job_id is not None and job_id == self._job_id:
            self._on_region_event(event)
        elif isinstance(event, Ready | Finished | TextRead | Cancelled_ | Failed):
            self._pump()  # the model is free again (the controller handled its event first)

    def _on_region_event(self, event: WorkerEvent) -> None:
        session, cell = self.session, self._job_cell
        if isinstance(event, Finished):
            self._job_id = self._job_cell = None
            if session is not None and cell is not None:
                session.record(cell, event.result.text)
                self.region_ready.emit(cell)
        elif isinstance(event, Failed):
            self._job_id = self._job_cell = None
            if session is not None and cell is not None:
                session.record_failure(cell, _("could not be described."))
                log.info("region %s failed: %s", cell, event.message)
                self.region_ready.emit(cell)
        elif isinstance(event, Cancelled_):
            self._job_id = self._job_cell = None  # asked for again when the model is free
        else:
            return
        self._pump()

"""What to do when the model's process dies: the jobs it had, what the user hears, restart.

:class:`~describe_app.core.describe.local.model_process.ProcessModelWorker` keeps the model
in a child process, which the out-of-memory killer or a crash in a native library may end
at any moment. :class:`Supervision` is its bookkeeping, without processes (so it is tested
with a fake clock): the jobs sent and not ended yet, and on a crash the events that tell
the listener what happened:

* ``ModelStopped`` ("The describer stopped; starting it again.") and a restart after a
  growing wait (:class:`~describe_app.core.diagnostics.restarts.RestartBudget`); the newest
  open job is sent again to the new process, older ones end with ``Cancelled_`` (latest
  request wins);
* a job that was being worked on (the model loaded) when the process died twice ends with
  ``Failed``: that picture could not be described, and the process starts again all the
  same;
* a fourth crash within a minute: the process stays stopped, the job in hand and every
  later one end at once with ``Failed`` saying so and where the log is, until a minute
  without crashes has passed.
"""

from __future__ import annotations

from describe_app.core.describe.worker import (
    Cancelled_,
    Failed,
    Job,
    ModelStopped,
    ReadTextJob,
    WorkerEvent,
)
from describe_app.core.diagnostics.restarts import RestartBudget, log_folder
from describe_app.core.i18n import _

#: A job in hand this many times when the process died is not sent again.
CRASHES_PER_JOB = 2


def restarting_sentence() -> str:
    return _("The describer stopped; starting it again.")


def keeps_stopping_sentence() -> str:
    return _(
        "The describer keeps stopping, so it was not started again. "
        "The log in {folder} may say why."
    ).format(folder=log_folder())


def job_failed_sentence(job: Job) -> str:
    if isinstance(job, ReadTextJob):
        return _("The text in this picture could not be read: the describer stopped each time.")
    return _("This picture could not be described: the describer stopped each time.")


class Supervision:
    """The open jobs of a model process, and what its crashes mean. Not thread-safe: the
    worker calls it under its lock."""

    def __init__(self, budget: RestartBudget | None = None) -> None:
        self._budget = budget or RestartBudget()
        self._open: dict[int, Job] = {}  # sent, not ended yet; the newest last
        self._cancelled: set[int] = set()
        self._crashes_on: dict[int, int] = {}  # job id: crashes while it was worked on
        self.gave_up = False

    # --- the jobs -----------------------------------------------------------------------------

    def opened(self, job_id: int, job: Job) -> None:
        self._open[job_id] = job

    def job(self, job_id: int) -> Job | None:
        return self._open.get(job_id)

    def ended(self, job_id: int) -> None:
        self._open.pop(job_id, None)
        self._cancelled.discard(job_id)
        self._crashes_on.pop(job_id, None)

    def cancel_all(self) -> None:
        """Escape: the open jobs end with ``Cancelled_`` (from the process, or :meth:`drop`)."""
        self._cancelled.update(self._open)

    def drop(self, keep: int | None = None) -> list[WorkerEvent]:
        """With no process to say so: end every open job but ``keep`` with ``Cancelled_``."""
        dropped = [job_id for job_id in self._open if job_id != keep]
        for job_id in dropped:
            self.ended(job_id)
        return [Cancelled_(job_id) for job_id in dropped]

    def newest(self) -> tuple[int, Job] | None:
        """The job to send to a new process: the newest open one, unless cancelled."""
        if not self._open:
            return None
        job_id = next(reversed(self._open))
        return None if job_id in self._cancelled else (job_id, self._open[job_id])

    # --- crashes ------------------------------------------------------------------------------

    def crashed(self, *, was_loaded: bool) -> tuple[list[WorkerEvent], float | None]:
        """The process died (``was_loaded``: after its model was ready, so the job in hand
        was being worked on). The events to emit, in order, and the seconds to wait before
        starting it again (None: it stays stopped)."""
        delay = self._budget.crashed()
        if delay is None:
            self.gave_up = True
        newest = self.newest()
        failed: Failed | None = None
        if newest is not None:
            job_id, job = newest
            if was_loaded:
                self._crashes_on[job_id] = self._crashes_on.get(job_id, 0) + 1
            parts = []
            if self._crashes_on.get(job_id, 0) >= CRASHES_PER_JOB:
                parts.append(job_failed_sentence(job))
            if delay is None:
                parts.append(keeps_stopping_sentence())
            elif parts:
                parts.append(restarting_sentence())
            if parts:
                failed = Failed(job_id, " ".join(parts))
                self.ended(job_id)
        cancelled = self.drop(keep=newest[0] if newest is not None else None)
        if failed is not None:
            said = ""  # the job's failure says it
        else:
            said = restarting_sentence() if delay is not None else keeps_stopping_sentence()
        stopped = ModelStopped(said, restarting=delay is not None)
        return [stopped, *cancelled, *([failed] if failed else [])], delay

    def refusal(self, job_id: int) -> Failed | None:
        """A job asked for while the process stays stopped: its ``Failed``, or None when a
        minute has passed without crashes and the process may be started again."""
        if not self.gave_up:
            return None
        if self._budget.may_try_again():
            self.gave_up = False
            return None
        return Failed(job_id, keeps_stopping_sentence())

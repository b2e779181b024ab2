"""What the model worker is asked to do, and everything it says back.

The jobs are the user's requests (:class:`DescribeJob`, :class:`ReadTextJob`) and work
ahead of the user (:class:`PrepareJob`); the events arrive through one callback
(:data:`EventSink`) and are small, picklable values, so they cross from the model's
process unchanged. :mod:`~describe_app.core.describe.worker` re-exports all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.pipeline import DescriptionResult
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.pictures.images import Picture

# --- requests -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DescribeJob:
    request: DescribeRequest
    check: bool = True
    show_doubt: bool = True  # a sentence the model was unsure of is said with "Possibly"
    #: Asked for by the app, not by the user just now (a region of the picture explored
    #: ahead): it waits for a preparation of a new view instead of stopping it, and gives
    #: way to one that arrives while it runs (it is run again afterwards).
    background: bool = False


@dataclass(frozen=True)
class ReadTextJob:
    picture: Picture
    #: The lines, read already (a screen's text, read pane by pane with the screen's OCR
    #: settings by the screen capture worker): said as they are, not read again.
    lines: tuple[str, ...] | None = None


Job = DescribeJob | ReadTextJob


def in_background(job: Job) -> bool:
    """``job`` was asked for by the app on its own (see ``DescribeJob.background``)."""
    return isinstance(job, DescribeJob) and job.background


@dataclass(frozen=True)
class PrepareJob:
    """Work ahead of the user: encode ``picture`` (and write the first sentence of the
    answer to ``prompt``, the request Space will make) before it is asked for."""

    picture: Picture
    prompt: PromptSpec = field(default_factory=PromptSpec)
    first_sentence: bool = True


# --- events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loading:
    message: str


@dataclass(frozen=True)
class LoadProgress:
    """First use: the model is downloading (``fraction`` 0.0 to 1.0, None: just started)."""

    message: str
    fraction: float | None = None


@dataclass(frozen=True)
class Ready:
    model_name: str
    load_seconds: float


@dataclass(frozen=True)
class LoadFailed:
    message: str


@dataclass(frozen=True)
class ModelStopped:
    """The model's process ended unexpectedly (the out-of-memory killer, a crash).

    ``message`` says what happens now (empty when a job's ``Failed`` says it instead);
    ``restarting``: the process is being started again, else it stays stopped."""

    message: str
    restarting: bool


@dataclass(frozen=True)
class Started:
    job_id: int
    job: Job


@dataclass(frozen=True)
class SentenceReady:
    job_id: int
    sentence: str
    index: int


@dataclass(frozen=True)
class Finished:
    job_id: int
    result: DescriptionResult


@dataclass(frozen=True)
class TextRead:
    job_id: int
    lines: tuple[str, ...]
    seconds: float


@dataclass(frozen=True)
class Cancelled_:
    job_id: int


@dataclass(frozen=True)
class Failed:
    job_id: int
    message: str


@dataclass(frozen=True)
class Prepared:
    """A preparation finished (never spoken). ``seconds``/``cpu_seconds``: the wall time
    and the process's CPU time it took, every attempt added up; ``first_sentence``: the
    answer's first sentence written ahead (cleaned), if any; ``reused``: it was all ready
    already, nothing was done."""

    source: str
    seconds: float
    cpu_seconds: float
    first_sentence: str | None
    reused: bool = False


WorkerEvent = (
    Loading
    | LoadProgress
    | Ready
    | LoadFailed
    | ModelStopped
    | Started
    | SentenceReady
    | Finished
    | TextRead
    | Cancelled_
    | Failed
    | Prepared
)
EventSink = Callable[[WorkerEvent], None]

"""Time to the first word as measured on this computer, per model and device.

The Models page and ``models list`` first show an estimate scaled from the benchmark table
(:func:`~describe_app.core.describe.local.model_recommend.estimated_first_word_s`). Once a
model has described a few fresh pictures here (the vision encoder ran: not a prepared or
remembered picture, not the warm-up), the median of the latest of them replaces it,
labelled as measured. Kept in ``first_words.json`` in the data folder, written atomically;
a file that cannot be read or written costs only the figure, never a description.
"""

from __future__ import annotations

import json
import logging
import math
import statistics
import threading
from pathlib import Path

from describe_app.core.atomic_file import write_atomically
from describe_app.core.folders import data_dir

log = logging.getLogger(__name__)

FILE_NAME = "first_words.json"
#: The latest this many fresh first words are kept per model and device.
KEPT = 9
#: A median of fewer than this many is not shown.
NEEDED = 3
#: Longer than this is no first word but a machine that was asleep or swapping.
LONGEST_S = 600.0


class FirstWordTimes:
    """The measured first words, in ``path`` (the data folder's file when None)."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path or data_dir() / FILE_NAME
        self._lock = threading.Lock()

    def record(self, model: str, device: str, seconds: float) -> None:
        """Add one fresh first word (seconds from the request) for ``model`` on ``device``."""
        if not math.isfinite(seconds) or not 0 < seconds < LONGEST_S:
            return
        with self._lock:
            times = self._read()
            key = _key(model, device)
            times[key] = [*times.get(key, []), round(seconds, 3)][-KEPT:]
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(self._path, json.dumps(times, indent=1).encode("utf-8"))
            except OSError as exc:
                log.info("first-word times not saved: %s", exc)

    def measured(self, model: str, device: str) -> float | None:
        """The median of the latest fresh first words, or None with fewer than ``NEEDED``."""
        return self.all_measured(device).get(model)

    def all_measured(self, device: str) -> dict[str, float]:
        """:meth:`measured` for every model with enough first words on ``device``, from one
        reading of the file (the Models page asks for every model at once)."""
        suffix = _key("", device)
        with self._lock:
            times = self._read()
        return {
            key.removesuffix(suffix): statistics.median(seconds)
            for key, seconds in times.items()
            if key.endswith(suffix) and len(seconds) >= NEEDED
        }

    def _read(self) -> dict[str, list[float]]:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:  # damaged: start again, it is only a figure
            log.info("first-word times not read: %s", exc)
            return {}
        if not isinstance(data, dict):
            return {}
        return {
            str(key): [float(s) for s in value if _is_seconds(s)]
            for key, value in data.items()
            if isinstance(value, list)
        }


def _key(model: str, device: str) -> str:
    return f"{model} on {device.split(':')[0]}"


def _is_seconds(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 < value < LONGEST_S
    )

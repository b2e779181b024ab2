"""The model's process runs at a lower CPU priority than the user's programs.

The model keeps every core busy while it answers (1 to 2 s on a 2-core laptop), and the
user's own programs need a core at once, often in the same second: the window's event
loop, the speech player, and above all the screen reader, whose voice must never wait for
our model. At normal priority the model's threads and those programs share the cores
evenly, and a program that wakes up may wait for its turn. At a lower priority (``nice``
5 on Linux and macOS, "below normal" on Windows) a program that wakes up runs first; the
model loses only the moments the others actually use, and nothing when the computer is
otherwise idle. (When another program keeps a core busy for long, the model gets less of
it than at normal priority: the user's own programs come first.)

Called first thing in the model's process: on Linux a thread's priority is inherited by
the threads it starts (torch's and OpenMP's included), not changed in threads that exist.
"""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger(__name__)

#: The model process's ``nice`` value on Linux and macOS (0 is normal, 19 the lowest).
MODEL_NICE = 5


def run_below_the_desktop() -> None:
    """Lower this process's CPU priority (and that of the threads it starts from now)."""
    try:
        if sys.platform == "win32":
            import psutil

            psutil.Process().nice(psutil.BELOW_NORMAL_PRIORITY_CLASS)
        else:
            current = os.getpriority(os.PRIO_PROCESS, 0)
            if current < MODEL_NICE:
                os.setpriority(os.PRIO_PROCESS, 0, MODEL_NICE)
    except (OSError, ImportError) as exc:  # not allowed here: only the window's smoothness
        log.info("the model's process keeps its priority: %s", exc)

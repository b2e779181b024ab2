"""A one-child process pool ended at once: the OCR reader's and the picture decoder's.

``ProcessPoolExecutor.shutdown`` waits for, or leaves running, the work already in the
child; a page of OCR or a big picture takes seconds, and the window's close (or a restart
after the child died) must not wait for it.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor


def end_pool(pool: ProcessPoolExecutor) -> None:
    """Shut ``pool`` down without waiting, its children ended at once."""
    # (Python 3.14 has pool.terminate_workers(); before it, the pool's own processes)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()

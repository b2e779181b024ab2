"""Keeping the model process's resident memory low on a CPU (Linux and glibc mostly).

The peak of SmolVLM-256M's model process was 1.24 GB (``benchmarks/bench_engine.py``), for a
model whose int8 layers and float32 rest take about 360 MB. It came from three places, each
answered here:

* **The stored file, still mapped.** The weights are read from the safetensors file through
  a memory map; every page read stays resident in the process until the mapping goes, which
  is only after the whole model is converted. :class:`MappedWeights` hands back the pages of
  each layer as soon as its int8 copy exists (``madvise(MADV_DONTNEED)``: a file page dropped
  this way is read again from the file if it is ever touched, so no data can be lost) and
  only pages that lie wholly inside one tensor of a mapped ``.safetensors`` file.
* **Freed memory the C allocator keeps.** glibc serves large blocks from ``mmap`` only up to
  a threshold that grows after each large free (up to 32 MB), and keeps what is freed below
  it. While loading, :func:`return_large_blocks` fixes the threshold at 1 MiB, so each
  freed float32 slice goes back to the system; :func:`release_free_memory` trims what is
  left; then :func:`keep_working_blocks` sets what glibc's own adjustment would reach, so
  describing reuses its memory instead of faulting in fresh pages.
* **Float32 copies of stored bfloat16 tables.** The token embedding table (SmolVLM-256M:
  49152 x 576) is only looked up, never multiplied: :func:`keep_embeddings_stored` leaves it
  in its stored bfloat16 and turns each looked-up row into float32, which is exact.
"""

from __future__ import annotations

import ctypes
import logging
import mmap
import sys
from collections.abc import Iterable
from typing import Any

log = logging.getLogger(__name__)

#: glibc's mallopt parameters, and the thresholds chosen while loading and afterwards.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
LARGE_BLOCK_BYTES = 1 << 20
WORKING_BLOCK_BYTES = 32 << 20
MADV_DONTNEED = 4


def _libc() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:  # musl and others
        return None


def release_free_memory() -> bool:
    """Give the memory that the C allocator keeps after the conversion back to the system.

    Converting layer by layer on worker threads leaves freed float32 copies in each thread's
    glibc arena, counted in the process's resident memory until ``malloc_trim`` returns it.
    Returns whether it could ask (glibc only)."""
    libc = _libc()
    if libc is None:
        return False
    try:
        libc.malloc_trim(0)  # 1 if it freed something, else 0
    except AttributeError:  # a C library without malloc_trim
        return False
    return True


def return_large_blocks() -> bool:
    """While loading: blocks of 1 MiB and more come from ``mmap``, so every freed float32
    slice goes back to the system at once (glibc only; the whole process). Returns whether
    it was set."""
    return _mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES)


def keep_working_blocks() -> bool:
    """After loading: blocks under 32 MiB are kept for reuse and up to 64 MiB of free heap
    is not trimmed - what glibc's own adjustment reaches after a few large frees. With the
    1 MiB threshold of loading left in place, every description paid about 0.3 s of system
    time faulting in fresh pages (measured on SmolVLM-256M, 2 cores)."""
    return _mallopt(M_MMAP_THRESHOLD, WORKING_BLOCK_BYTES) and _mallopt(
        M_TRIM_THRESHOLD, 2 * WORKING_BLOCK_BYTES
    )


def _mallopt(parameter: int, value: int) -> bool:
    libc = _libc()
    if libc is None:
        return False
    try:
        return bool(libc.mallopt(parameter, value))
    except AttributeError:  # a C library without mallopt
        return False


class MappedWeights:
    """The memory maps of safetensors files in this process, to hand back weight pages."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        self._ranges = sorted(ranges)
        self._libc = _libc() if self._ranges else None

    @classmethod
    def of_this_process(cls, maps_file: str = "/proc/self/maps") -> MappedWeights:
        """The mapped ``.safetensors`` files, from ``/proc/self/maps`` (none off Linux)."""
        if not sys.platform.startswith("linux"):
            return cls(())
        try:
            with open(maps_file, encoding="utf-8", errors="replace") as lines:
                return cls(_safetensors_ranges(lines))
        except OSError:
            return cls(())

    def __bool__(self) -> bool:
        return bool(self._ranges)

    def drop(self, tensor: Any) -> int:
        """Hand back the pages wholly inside ``tensor``'s storage when it lies in a mapped
        safetensors file; returns the bytes handed back (0 otherwise)."""
        if self._libc is None:
            return 0
        storage = tensor.untyped_storage()
        start = storage.data_ptr()
        end = start + storage.nbytes()
        first, last = _whole_pages(start, end)
        if last <= first or not any(lo <= start and end <= hi for lo, hi in self._ranges):
            return 0
        if self._libc.madvise(ctypes.c_void_p(first), ctypes.c_size_t(last - first), MADV_DONTNEED):
            log.debug("madvise failed: errno %d", ctypes.get_errno())
            return 0
        return last - first


def _safetensors_ranges(lines: Iterable[str]) -> list[tuple[int, int]]:
    ranges = []
    for line in lines:
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5].rstrip("\n").endswith(".safetensors"):
            low, _sep, high = fields[0].partition("-")
            ranges.append((int(low, 16), int(high, 16)))
    return ranges


def _whole_pages(start: int, end: int) -> tuple[int, int]:
    page = mmap.PAGESIZE
    return -(-start // page) * page, end // page * page


def keep_embeddings_stored(model: Any, owner_reads_weight: Any) -> set[Any]:
    """Leave each plain ``nn.Embedding`` in its stored half-precision type (copied out of the
    file's memory map) and give float32 rows from it. ``owner_reads_weight(parent, name)``
    says whether the owner's code reads the table itself (then it is left to become float32
    as before). Returns the embeddings kept, for :func:`make_float32`."""
    import torch

    kept: set[Any] = set()
    shared = {
        id(param)
        for module in model.modules()
        if type(module) is not torch.nn.Embedding
        for param in module.parameters(recurse=False)
    }
    for parent in model.modules():
        for name, child in parent.named_children():
            weight = getattr(child, "weight", None)
            if (
                type(child) is not torch.nn.Embedding
                or weight is None
                or weight.dtype not in (torch.bfloat16, torch.float16)
                or owner_reads_weight(parent, name)
                or id(weight) in shared  # tied to a layer that stays: keep the tie
                or child in kept
            ):
                continue
            child.weight = torch.nn.Parameter(weight.detach().clone(), requires_grad=False)
            child.register_forward_hook(_rows_as_float)
            kept.add(child)
    return kept


def make_float32(model: Any, keep: set[Any]) -> None:
    """``model.float()`` for every module but those in ``keep``: each module's own floating
    parameters and buffers become float32 (a parameter keeps its identity, so weights tied
    between two modules stay tied)."""
    import torch

    for module in model.modules():
        if module in keep:
            continue
        for param in module.parameters(recurse=False):
            if param.is_floating_point() and param.dtype != torch.float32:
                param.data = param.data.float()
        for name, buffer in module.named_buffers(recurse=False):
            if buffer.is_floating_point() and buffer.dtype != torch.float32:
                setattr(module, name, buffer.float())


def _rows_as_float(_module: Any, _args: Any, output: Any) -> Any:
    return output.float()

"""A model's int8 layers kept on disk, so later starts skip the conversion.

Turning each stored bfloat16 layer into int8 (:mod:`.int8_layers`) is about half of a
model's load on a laptop CPU: 0.85 s of 2.0 s for SmolVLM-256M on 2 AVX2 cores, and it
grows with the model (2.2B parameters: about 4 s more). The int8 values and per-row scales
depend only on the stored weights, so the first load writes them to one safetensors file
in Describe's data folder (``converted/``) and later loads read them from there. Packing
them for the CPU's int8 kernels (fbgemm) still happens at each load: the packed form
belongs to the kernel library and the CPU, not to the model.

A stored file belongs to one model folder and to the exact weight files it was made from
(name, size and modification time of each ``.safetensors`` file: a model downloaded again
gets a new one, and the old file of that folder is deleted). A file that does not match the
model's layers, is damaged or cannot be read is ignored and made again; a folder that cannot
be written (a full disk, no permission) only means the next start converts again. The
files of model folders that are gone are deleted when the next file is written. Writing
never holds more than the layers being converted: each layer's bytes go to their place in
the file as soon as its int8 copy exists.

safetensors holds no code (unlike pickle): a file placed there by someone else can at worst
give wrong numbers, as a changed model file could.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import shutil
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from describe_app.core.folders import data_dir

log = logging.getLogger(__name__)

#: Written into each file; a file of another format is ignored.
FORMAT = "describe-int8-per-row-1"
#: Space left free on the disk after writing a file.
DISK_MARGIN_BYTES = 512 << 20


@dataclass(frozen=True)
class LayerShape:
    """One Linear layer to store: its dotted name in the model, rows (outputs), columns."""

    name: str
    rows: int
    columns: int


def store_folder() -> Path:
    return data_dir() / "converted"


def stored_file(model_path: Path) -> Path | None:
    """Where the int8 layers of the model in ``model_path`` are kept (None: it has no
    weight files to tell versions apart)."""
    weights = sorted(Path(model_path).glob("*.safetensors"))
    if not weights:
        return None
    folder = hashlib.blake2b(str(Path(model_path).resolve()).encode(), digest_size=8)
    version = hashlib.blake2b(FORMAT.encode(), digest_size=8)
    for weight in weights:
        info = weight.stat()
        version.update(f"{weight.name}:{info.st_size}:{info.st_mtime_ns};".encode())
    return store_folder() / f"{folder.hexdigest()}-{version.hexdigest()}.safetensors"


class StoredLayers:
    """The int8 layers read back from a stored file, a layer when asked for. Read with
    plain file reads, not a memory map: mapped pages stay counted in the process's memory
    until unmapped (a map raised the peak of SmolVLM-256M's load from 0.83 to 0.94 GB)."""

    def __init__(self, file: Any, path: Path, places: dict[str, _Place]) -> None:
        self._file = file
        self._places = places
        self._lock = threading.Lock()
        self.path = path

    @classmethod
    def open(cls, path: Path | None, layers: list[LayerShape]) -> StoredLayers | None:
        """The stored file at ``path`` when it holds exactly ``layers``; None otherwise (a
        file that does not match is deleted)."""
        if path is None or not path.is_file():
            return None
        try:
            file = open(path, "rb")  # noqa: SIM115 - closed by close()
        except OSError:
            log.info("cannot read the int8 file %s", path, exc_info=True)
            return None
        places = _places(file, layers, path.stat().st_size)
        if places is None:
            file.close()
            log.info("ignoring the int8 file %s: it does not match the model", path)
            _remove(path)
            return None
        return cls(file, path, places)

    def values_and_scales(self, name: str) -> tuple[Any, Any]:
        """A layer's int8 values (rows x columns) and float64 scales (one per row)."""
        return self._read(f"{name}.values"), self._read(f"{name}.scales")

    def _read(self, key: str) -> Any:
        import torch

        start, size, dtype, shape = self._places[key]
        tensor = torch.empty(shape, dtype=torch.int8 if dtype == "I8" else torch.float64)
        with self._lock:
            self._file.seek(start)
            if self._file.readinto(tensor.numpy().data.cast("B")) != size:
                raise OSError(f"{self.path} ends early")
        return tensor

    def close(self) -> None:
        self._file.close()


#: Where one tensor lies in a stored file: start, bytes, safetensors dtype, shape.
_Place = tuple[int, int, str, tuple[int, ...]]


def _places(file: Any, layers: list[LayerShape], file_size: int) -> dict[str, _Place] | None:
    """Where each tensor of ``layers`` lies in the stored ``file``, when its header is of
    this format and holds exactly those tensors, back to back to its end."""
    read = _header(file, file_size)
    if read is None:
        return None
    header, data_start = read
    metadata = header.pop("__metadata__", None)
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        return None
    expected = _expected_shapes(layers)
    if set(header) != set(expected):
        return None
    places, end = {}, 0
    for key, (dtype, shape) in expected.items():
        entry = header[key]
        size = _element_bytes(dtype) * math.prod(shape)
        if (
            not isinstance(entry, dict)
            or entry.get("dtype") != dtype
            or entry.get("shape") != list(shape)
            or entry.get("data_offsets") != [end, end + size]
        ):
            return None
        places[key] = (data_start + end, size, dtype, shape)
        end += size
    return places if data_start + end == file_size else None


def _header(file: Any, file_size: int) -> tuple[dict[str, Any], int] | None:
    """A safetensors file's header (read from its start) and where its data begins; None
    when it is not one."""
    try:
        (length,) = struct.unpack("<Q", file.read(8))
        if length > min(file_size, 64 << 20):
            return None
        header = json.loads(file.read(length))
    except (OSError, ValueError, struct.error):
        return None
    return (header, 8 + length) if isinstance(header, dict) else None


def _expected_shapes(layers: list[LayerShape]) -> dict[str, tuple[str, tuple[int, ...]]]:
    shapes: dict[str, tuple[str, tuple[int, ...]]] = {}
    for layer in layers:
        shapes[f"{layer.name}.values"] = ("I8", (layer.rows, layer.columns))
        shapes[f"{layer.name}.scales"] = ("F64", (layer.rows,))
    return shapes


class LayerWriter:
    """Writes the int8 layers of one model to a new stored file, a layer at a time from
    any thread, in the safetensors format (its header is known before the first layer)."""

    def __init__(self, path: Path, layers: list[LayerShape], model_path: Path) -> None:
        self.path = path
        self._offsets: dict[str, tuple[int, int]] = {}
        metadata = {"format": FORMAT, "model": str(model_path)}
        header: dict[str, Any] = {"__metadata__": metadata}
        offset = 0
        for key, (dtype, shape) in _expected_shapes(layers).items():
            size = _element_bytes(dtype) * math.prod(shape)
            header[key] = {"dtype": dtype, "shape": list(shape)}
            header[key]["data_offsets"] = [offset, offset + size]
            self._offsets[key] = (offset, size)
            offset += size
        encoded = json.dumps(header, separators=(",", ":")).encode()
        encoded += b" " * (-len(encoded) % 8)  # the data starts 8-byte aligned
        self._data_start = 8 + len(encoded)
        self._size = self._data_start + offset
        self._lock = threading.Lock()
        self._written: set[str] = set()
        self._partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        self._file: Any = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if shutil.disk_usage(path.parent).free < self._size + DISK_MARGIN_BYTES:
                log.info("not keeping the int8 layers: too little free disk space")
                return
            self._file = open(self._partial, "wb")  # noqa: SIM115 - closed by finish()
            self._file.write(struct.pack("<Q", len(encoded)) + encoded)
        except OSError:
            log.info("cannot write the int8 layers to %s", path, exc_info=True)
            self._drop()

    def write(self, name: str, values: Any, scales: Any) -> None:
        """Store one layer's weights: int8 values and float64 per-row scales."""
        if self._file is None:
            return
        values, scales = values.contiguous(), scales.double().contiguous()
        try:
            with self._lock:
                for key, tensor in ((f"{name}.values", values), (f"{name}.scales", scales)):
                    offset, size = self._offsets[key]
                    data = tensor.numpy().data.cast("B")
                    if len(data) != size:
                        raise OSError(f"{key}: {len(data)} bytes, expected {size}")
                    self._file.seek(self._data_start + offset)
                    self._file.write(data)
                    self._written.add(key)
        except (OSError, AttributeError):
            log.info("cannot write the int8 layers to %s", self.path, exc_info=True)
            with self._lock:
                self._drop()

    def finish(self) -> Path | None:
        """Close the file and put it in place when every layer was written; older files of
        the same model folder are deleted. Returns the file's path, or None."""
        if self._file is None:
            return None
        try:
            if self._written != set(self._offsets):
                raise OSError("not every layer was written")
            self._file.close()
            self._file = None
            os.replace(self._partial, self.path)
        except OSError:
            log.info("cannot keep the int8 layers in %s", self.path, exc_info=True)
            self._drop()
            return None
        folder_key = self.path.name.split("-")[0]
        for old in self.path.parent.glob("*.safetensors"):
            if old != self.path and (
                old.name.startswith(f"{folder_key}-") or not _model_exists(old)
            ):
                _remove(old)
        return self.path

    def _drop(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
        _remove(self._partial)


def _model_exists(stored: Path) -> bool:
    """Whether the model folder a stored file was made from is still there (a file that
    cannot be read counts as there: it is left alone)."""
    try:
        with open(stored, "rb") as file:
            read = _header(file, stored.stat().st_size)
    except OSError:
        return True
    metadata = read[0].get("__metadata__") if read is not None else None
    model = metadata.get("model") if isinstance(metadata, dict) else None
    return not isinstance(model, str) or Path(model).is_dir()


def _element_bytes(dtype: str) -> int:
    return {"I8": 1, "F64": 8}[dtype]


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.info("cannot delete %s", path, exc_info=True)

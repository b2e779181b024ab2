"""A model's files on the hub and in the cache: which there are, fetching one (continuing
where an earlier try stopped), checking it against the hub's checksum, and making the
model visible in the cache only once every file is there.

The cache is the standard Hugging Face layout (``HF_HUB_CACHE``), so other tools share it::

    models--ORG--NAME/blobs/ETAG               a finished, checked file
    models--ORG--NAME/blobs/ETAG.incomplete    a file part-way (the next try continues it)
    models--ORG--NAME/snapshots/COMMIT/FILE    a link to its blob, made at the very end
    models--ORG--NAME/refs/REVISION            the commit, written last of all

Finding a model (:func:`~describe_app.core.describe.local.model_store.cached_path`) goes
through ``refs`` and ``snapshots``, so a download that stopped half-way is never taken
for a model: its pieces are only blobs.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from describe_app.core.describe.local.model_registry import MODEL_FILE_PATTERNS, ModelSpec
from describe_app.core.errors import Cancelled

if TYPE_CHECKING:
    import httpx2

log = logging.getLogger(__name__)

_COMMIT = re.compile(r"[0-9a-f]{40}")
CHUNK_BYTES = 64 * 1024
READ_TIMEOUT_S = 30.0  # a connection silent this long counts as lost
CHECKSUM_BLOCK = 1024 * 1024  # read at a time when checking a file (a cancel is seen between)


@dataclass(frozen=True)
class HubFile:
    """One file of a model at a commit, with the checksum the hub gives for it."""

    path: str
    size: int
    blob_id: str  # git's id of the file (sha1 of "blob SIZE\0" + content)
    sha256: str | None  # files kept in LFS (the weights): their sha256

    @property
    def etag(self) -> str:
        """The name of its blob in the cache (as huggingface_hub names it)."""
        return self.sha256 or self.blob_id


class CancelFlag(threading.Event):
    """Set from any thread to stop a fetch. Setting it also cuts the connection a fetch is
    reading from: a read waiting on a silent network cannot look at a flag, and would only
    notice it after :data:`READ_TIMEOUT_S`; a connection shut under it ends the wait at once.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._hang_up: Callable[[], None] | None = None

    def set(self) -> None:
        super().set()
        with self._lock:
            if self._hang_up is not None:
                self._hang_up()

    @contextmanager
    def cutting(self, hang_up: Callable[[], None]) -> Iterator[None]:
        """While inside, setting the flag calls ``hang_up`` (at once if it is set already);
        never after: the connection may be back in the pool then."""
        with self._lock:
            self._hang_up = hang_up
            if self.is_set():
                hang_up()
        try:
            yield
        finally:
            with self._lock:
                self._hang_up = None


def _cut_on_cancel(cancelled: threading.Event, response: httpx2.Response) -> ContextManager[None]:
    """While inside, ``cancelled`` (a :class:`CancelFlag`) cuts ``response``'s connection."""
    if isinstance(cancelled, CancelFlag):
        return cancelled.cutting(_hang_up(response))
    return nullcontext()  # a plain flag is seen between pieces only


def _hang_up(response: httpx2.Response) -> Callable[[], None]:
    """What shuts the connection ``response`` comes on (from another thread); a no-op when
    the transport does not say which socket that is."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None

    def hang_up() -> None:
        if isinstance(sock, socket.socket):
            # socket.socket's own shutdown, not SSLSocket's: that one also drops the TLS
            # state under the reading thread's feet; this one only wakes its read
            with suppress(OSError):  # closed already
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    return hang_up


def list_files(spec: ModelSpec, token: str | None = None) -> tuple[str, list[HubFile]]:
    """The commit ``spec.revision`` points at, and the model's files there (network);
    ``token``: the hub's access token, for gated models."""
    from huggingface_hub import HfApi
    from huggingface_hub.hf_api import RepoFile
    from huggingface_hub.utils import filter_repo_objects

    api = HfApi(token=token)
    commit = api.model_info(spec.repo_id, revision=spec.revision, timeout=READ_TIMEOUT_S).sha
    if not commit:
        raise ValueError(f"the hub named no commit for {spec.repo_id}@{spec.revision}")
    listed = _repo_tree(f"{api.endpoint}/api/models/{spec.repo_id}/tree/{commit}", token)
    entries = {info["path"]: RepoFile(**info) for info in listed if info.get("type") == "file"}
    wanted = filter_repo_objects(list(entries), allow_patterns=list(MODEL_FILE_PATTERNS))
    files = []
    for name in wanted:
        entry = entries[name]
        lfs = entry.lfs
        files.append(HubFile(name, entry.size, entry.blob_id, lfs.sha256 if lfs else None))
    return commit, files


def _repo_tree(url: str, token: str | None) -> list[dict[str, Any]]:
    """Every entry of the hub's file tree at ``url``, page after page. Asked here, not with
    ``HfApi.list_repo_tree``, which takes no timeout: a hub that stalls on the list would
    be waited for until the user cancels."""
    from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

    headers = build_hf_headers(token=token)
    params: dict[str, Any] | None = {"recursive": True}
    entries: list[dict[str, Any]] = []
    next_page: str | None = url
    while next_page:
        response = get_session().get(
            next_page, params=params, headers=headers, timeout=READ_TIMEOUT_S
        )
        hf_raise_for_status(response)
        page = response.json()
        if not isinstance(page, list):
            raise ValueError(f"the hub's file list is not a list: {type(page).__name__}")
        entries.extend(page)
        next_page, params = response.links.get("next", {}).get("url"), None
    return entries


def repo_folder(spec: ModelSpec) -> Path:
    """The model's folder in the cache (it may not exist yet)."""
    from huggingface_hub import constants  # light: the library's heavy parts stay unloaded

    name = "--".join(["models", *spec.repo_id.split("/")])
    return Path(constants.HF_HUB_CACHE) / name


def snapshot_folder(spec: ModelSpec) -> Path | None:
    """The folder the cache's ``refs`` point at for ``spec.revision`` (offline), if any;
    a download still under way has none."""
    root = repo_folder(spec)
    commit = spec.revision
    if not _COMMIT.fullmatch(commit):
        try:
            commit = (root / "refs" / spec.revision).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
    folder = root / "snapshots" / commit
    return folder if commit and folder.is_dir() else None


def blob_path(spec: ModelSpec, file: HubFile) -> Path:
    return repo_folder(spec) / "blobs" / file.etag


def partial_path(spec: ModelSpec, file: HubFile) -> Path:
    return repo_folder(spec) / "blobs" / f"{file.etag}.incomplete"


def bytes_on_disk(spec: ModelSpec, file: HubFile) -> int:
    """How much of ``file`` is here already (finished or part-way)."""
    for path in (blob_path(spec, file), partial_path(spec, file)):
        if path.is_file():
            return min(path.stat().st_size, file.size)
    return 0


def fetch_file(
    spec: ModelSpec,
    commit: str,
    file: HubFile,
    on_bytes: Callable[[int], None],
    cancelled: threading.Event,
    token: str | None = None,
) -> Path:
    """Bring ``file`` into its ``.incomplete`` blob, continuing what is there; returns
    that path once it holds ``file.size`` bytes. ``on_bytes`` is told each piece received
    (a negative count when the hub sent the file from its start again). Raises
    :class:`Cancelled` when ``cancelled`` is set; a :class:`CancelFlag` also cuts the
    connection, so that a stalled one stops at once. Network errors are the caller's.
    ``token`` goes to the hub's host only: the client drops it on a redirect elsewhere."""
    from huggingface_hub import hf_hub_url
    from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

    partial = partial_path(spec, file)
    partial.parent.mkdir(parents=True, exist_ok=True)
    have = partial.stat().st_size if partial.is_file() else 0
    if have > file.size:  # not this file: start again
        on_bytes(-have)
        partial.unlink()
        have = 0
    if have == file.size:
        return partial
    headers = build_hf_headers(token=token)
    if have:
        headers["Range"] = f"bytes={have}-"
    url = hf_hub_url(spec.repo_id, file.path, revision=commit)
    log.info("fetching %s from byte %d of %d", file.path, have, file.size)
    with get_session().stream(
        "GET", url, headers=headers, timeout=READ_TIMEOUT_S, follow_redirects=True
    ) as response:
        hf_raise_for_status(response)
        if cancelled.is_set():  # before the part is touched: a later try may be writing it
            raise Cancelled()
        if have and response.status_code != 206:  # the hub sends it whole again
            on_bytes(-have)
            have = 0
        with _cut_on_cancel(cancelled, response), partial.open("ab" if have else "wb") as out:
            for chunk in response.iter_bytes(CHUNK_BYTES):
                if cancelled.is_set():
                    raise Cancelled()
                out.write(chunk)
                on_bytes(len(chunk))
    if cancelled.is_set():
        raise Cancelled()
    return partial


def checksum_matches(path: Path, file: HubFile, cancelled: threading.Event | None = None) -> bool:
    """Whether ``path`` holds exactly the file the hub described (sha256 for LFS files,
    git's blob id for the others). Raises :class:`Cancelled` as soon as ``cancelled`` is
    set (checking gigabytes takes seconds)."""
    if file.sha256:
        digest = hashlib.sha256()
    else:
        digest = hashlib.sha1(usedforsecurity=False)
        digest.update(b"blob %d\0" % path.stat().st_size)
    with path.open("rb") as f:
        while block := f.read(CHECKSUM_BLOCK):
            if cancelled is not None and cancelled.is_set():
                raise Cancelled()
            digest.update(block)
    return digest.hexdigest() == (file.sha256 or file.blob_id)


def publish(
    spec: ModelSpec, commit: str, files: list[HubFile], check: Callable[[Path], object]
) -> Path:
    """Make the model visible in the cache: link each finished blob into the commit's
    snapshot folder (built aside, then moved in), after ``check`` accepted the folder, then
    point ``refs`` at the commit. Returns the snapshot folder."""
    root = repo_folder(spec)
    staging = root / "snapshots" / f".{commit}.{uuid.uuid4().hex[:8]}"
    final = root / "snapshots" / commit
    try:
        for file in files:
            _link(blob_path(spec, file), staging / file.path)
        check(staging)
        for file in files:
            target = final / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / file.path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if spec.revision != commit:
        ref = root / "refs" / spec.revision
        ref.parent.mkdir(parents=True, exist_ok=True)
        tmp = ref.with_name(f"{ref.name}.{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_text(commit, encoding="ascii")
        os.replace(tmp, ref)
    return final


def _link(blob: Path, link: Path) -> None:
    """A relative symbolic link to the blob; a hard link or a copy where there are none."""
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.symlink(os.path.relpath(blob, link.parent), link)
        return
    except (OSError, NotImplementedError):
        pass
    try:
        os.link(blob, link)
    except OSError:
        shutil.copyfile(blob, link)

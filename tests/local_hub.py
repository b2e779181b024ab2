"""A small local stand-in for the model hub, serving a model folder over HTTP on loopback.

It answers the few requests the app's download makes (revision info, the file tree with
each file's git blob id and, for ``*.safetensors``, its LFS sha256, and the files
themselves, whole or from a byte offset with ``Range``), as the real hub does, so the real
download path - progress, resuming, checksums, cache layout, later offline use - runs in
tests without the internet. It counts the bytes it sends, can hold a file part-way
(``hold_after``) or the file list (``hold_tree``) until ``release`` is set, and can send
damaged bytes (``damaged``).
A gated repository (``token``) answers 401 to any request without ``Authorization: Bearer
TOKEN``; ``cdn`` redirects each file to a second server, as the hub sends files to its CDN;
``authorizations`` records the Authorization header (or None) of every request.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest

from describe_app.core.describe.local import model_registry
from describe_app.core.describe.local.model_registry import ModelSpec
from tests.server_fixtures import LocalServer, QuietHandler

COMMIT = "0123456789abcdef0123456789abcdef01234567"

#: A registry entry for the tiny test models (``hub_env`` puts it in the registry).
TINY_SPEC = ModelSpec(
    name="Tiny-Test",
    repo_id="describe-tests/tiny-smolvlm",
    revision="main",
    architecture="Idefics3ForConditionalGeneration",
    download_mb=1,
    summary="A tiny random-weight model for tests.",
    expected_config={"architectures": ["Idefics3ForConditionalGeneration"], "scale_factor": 2},
)
_PIECE = 16 * 1024  # bytes written at a time, so a download can be held or cut part-way


class Hub:
    def __init__(self, repo_id: str, folder: Path) -> None:
        self.repo_id = repo_id
        self.files = {
            p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()
        }
        self.requests: list[str] = []
        self.bytes_sent: Counter[str] = Counter()  # file name -> bytes of it sent
        self.ranges: list[str] = []  # the Range headers of the file requests, in order
        self.damaged: set[str] = set()  # these files are sent with one byte changed
        #: (file name, offset): sending that file stops at that offset until ``release``
        self.hold_after: tuple[str, int] | None = None
        self.holding = threading.Event()  # set while a file is held
        self.hold_tree = False  # True: the file list is not sent until ``release``
        self.release = threading.Event()
        self.token: str | None = None  # set: a gated repository that needs this token
        self.cdn: str | None = None  # set: files are redirected to this server
        self.authorizations: list[tuple[str, str | None]] = []  # (path, Authorization)

    def data(self, name: str) -> bytes:
        return self.files[name].read_bytes()

    def blob_id(self, name: str) -> str:
        """The file's git blob id, as the hub lists it (the ETag of a file kept in git)."""
        data = self.data(name)
        return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()

    @staticmethod
    def is_lfs(name: str) -> bool:
        return name.endswith(".safetensors")

    def etag(self, name: str) -> str:
        """The hub's ETag: the sha256 for a file kept in LFS, else the git blob id."""
        return (
            hashlib.sha256(self.data(name)).hexdigest() if self.is_lfs(name) else self.blob_id(name)
        )

    def tree_entry(self, name: str) -> dict[str, Any]:
        size = self.files[name].stat().st_size
        entry: dict[str, Any] = {
            "type": "file",
            "path": name,
            "size": size,
            "oid": self.blob_id(name),
        }
        if self.is_lfs(name):
            entry["lfs"] = {"oid": self.etag(name), "size": size, "pointerSize": 134}
        return entry


def wait_until_written(cache: Path, hub: Hub, name: str, timeout: float = 30.0) -> None:
    """Wait until the download has written what ``hub`` sent of ``name`` (all but the piece
    its reader may still be gathering) to its ``.incomplete`` file in ``cache``."""
    from describe_app.core.describe.local.hub_files import CHUNK_BYTES

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        written = sum(p.stat().st_size for p in cache.rglob("*.incomplete"))
        if written > 0 and written >= hub.bytes_sent[name] - CHUNK_BYTES:
            return
        time.sleep(0.01)
    raise AssertionError(f"the download did not write what it received of {name}")


def _handler(hub: Hub) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def _json(self, obj: Any) -> None:
            self.send_body(200, json.dumps(obj).encode())

        def _not_found(self) -> None:
            self.send_response(404)
            self.send_header("X-Error-Code", "RepoNotFound")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _gated(self) -> None:
            self.send_response(401)
            self.send_header("X-Error-Code", "GatedRepo")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _redirect(self, url: str) -> None:
            self.send_response(302)
            self.send_header("Location", url)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _route(self, head: bool) -> None:
            path = unquote(urlparse(self.path).path)
            hub.requests.append(f"{self.command} {path}")
            hub.authorizations.append((path, self.headers.get("Authorization")))
            if path.startswith("/cdn/"):
                return self._file(path.removeprefix("/cdn/"), head)
            if hub.token and self.headers.get("Authorization") != f"Bearer {hub.token}":
                return self._gated()
            repo = re.escape(hub.repo_id)
            if re.fullmatch(rf"/api/models/{repo}/revision/([^/]+)", path):
                siblings = [{"rfilename": n} for n in hub.files]
                return self._json({"id": hub.repo_id, "sha": COMMIT, "siblings": siblings})
            if re.fullmatch(rf"/api/models/{repo}/tree/{COMMIT}(/.*)?", path):
                if hub.hold_tree:
                    hub.release.wait(30)
                    self.close_connection = True
                    return None
                return self._json([hub.tree_entry(n) for n in hub.files])
            if m := re.fullmatch(rf"/{repo}/resolve/([^/]+)/(.+)", path):
                if m.group(2) not in hub.files:
                    return self._not_found()
                if hub.cdn:
                    return self._redirect(f"{hub.cdn}/cdn/{m.group(2)}")
                return self._file(m.group(2), head)
            return self._not_found()

        def _file(self, name: str, head: bool) -> None:
            data = hub.data(name)
            if name in hub.damaged:
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
            start = 0
            if "Range" in self.headers and not head:
                hub.ranges.append(self.headers["Range"])
            if m := re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", "")):
                start = min(int(m.group(1)), len(data))
            self.send_response(206 if start else 200)
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("ETag", f'"{hub.etag(name)}"')
            self.send_header("Content-Length", str(len(data) - start))
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            if head:
                return
            held = hub.hold_after
            for offset in range(start, len(data), _PIECE):
                if held is not None and held[0] == name and offset >= held[1]:
                    hub.holding.set()
                    hub.release.wait(30)
                    hub.holding.clear()
                    self.connection.shutdown(socket.SHUT_WR)  # after what was sent
                    return  # the connection drops part-way, as a lost network would
                piece = data[offset : offset + _PIECE]
                self.wfile.write(piece)
                hub.bytes_sent[name] += len(piece)

        def do_GET(self) -> None:
            self._route(head=False)

        def do_HEAD(self) -> None:
            self._route(head=True)

    return Handler


@contextmanager
def serve_model(
    repo_id: str, folder: Path, *, token: str | None = None, cdn: bool = False
) -> Iterator[tuple[str, Hub]]:
    """Serve ``folder`` as ``repo_id``; yields (endpoint URL, hub with its request log).
    ``token``: gated, only this token gets it; ``cdn``: files come from a second server."""
    hub = Hub(repo_id, folder)
    hub.token = token
    server = LocalServer(_handler(hub))
    cdn_server = LocalServer(_handler(hub)) if cdn else None
    hub.cdn = cdn_server.url if cdn_server else None
    try:
        yield server.url, hub
    finally:
        hub.release.set()
        server.close()
        if cdn_server is not None:
            cdn_server.close()


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty model cache, the tiny model in the registry, no hub token (``HF_TOKEN``
    unset, an empty keyring in memory, never the user's: ``hub_keyring`` gives it) (import
    it into a test module to use it)."""
    import keyring.core
    from huggingface_hub import constants

    from tests.memory_keyring import MemoryKeyring

    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(keyring.core, "_keyring_backend", MemoryKeyring())
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-hf-token"))
    cache = tmp_path / "hub-cache"
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setitem(model_registry.MODELS, TINY_SPEC.name, TINY_SPEC)
    return cache


def hub_keyring() -> Any:
    """The keyring backend in memory that ``hub_env`` put in place (its ``secrets``)."""
    import keyring

    return keyring.get_keyring()


def point_at(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    """Send the hub library's requests to ``endpoint``."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "ENDPOINT", endpoint)
    monkeypatch.setattr(
        constants,
        "HUGGINGFACE_CO_URL_TEMPLATE",
        endpoint + "/{repo_id}/resolve/{revision}/{filename}",
    )

"""A small local stand-in for the model hub, serving a model folder over HTTP on loopback.

It answers the few requests ``huggingface_hub.snapshot_download`` makes (revision info,
file tree, file metadata and contents), so the app's real download path - progress bar,
cache layout, later offline use - runs in tests without the internet.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class _Hub:
    def __init__(self, repo_id: str, folder: Path) -> None:
        self.repo_id = repo_id
        self.files = {
            p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()
        }
        self.requests: list[str] = []

    def blob_id(self, name: str) -> str:
        return hashlib.sha1(self.files[name].read_bytes()).hexdigest()


def _handler(hub: _Hub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def _json(self, obj: Any) -> None:
            body = json.dumps(obj).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _not_found(self) -> None:
            self.send_response(404)
            self.send_header("X-Error-Code", "RepoNotFound")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _route(self, head: bool) -> None:
            path = unquote(urlparse(self.path).path)
            hub.requests.append(f"{self.command} {path}")
            repo = re.escape(hub.repo_id)
            if m := re.fullmatch(rf"/api/models/{repo}/revision/([^/]+)", path):
                return self._json(
                    {
                        "id": hub.repo_id,
                        "sha": COMMIT,
                        "siblings": [{"rfilename": n} for n in hub.files],
                    }
                )
            if re.fullmatch(rf"/api/models/{repo}/tree/{COMMIT}(/.*)?", path):
                return self._json(
                    [
                        {"type": "file", "path": n, "size": p.stat().st_size, "oid": hub.blob_id(n)}
                        for n, p in hub.files.items()
                    ]
                )
            if m := re.fullmatch(rf"/{repo}/resolve/([^/]+)/(.+)", path):
                name = m.group(2)
                if name not in hub.files:
                    return self._not_found()
                data = hub.files[name].read_bytes()
                self.send_response(200)
                self.send_header("X-Repo-Commit", COMMIT)
                self.send_header("ETag", f'"{hub.blob_id(name)}"')
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Content-Type", "application/octet-stream")
                self.end_headers()
                if not head:
                    self.wfile.write(data)
                return None
            return self._not_found()

        def do_GET(self) -> None:
            self._route(head=False)

        def do_HEAD(self) -> None:
            self._route(head=True)

    return Handler


@contextmanager
def serve_model(repo_id: str, folder: Path) -> Iterator[tuple[str, _Hub]]:
    """Serve ``folder`` as ``repo_id``; yields (endpoint URL, hub with its request log)."""
    hub = _Hub(repo_id, folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub))
    thread = threading.Thread(target=server.serve_forever, name="local-hub", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

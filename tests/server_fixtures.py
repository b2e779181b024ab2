"""Servers for the remote-describer tests: the real ``transformers serve``, and a small stub.

:func:`transformers_server` starts transformers' own OpenAI-compatible server on 127.0.0.1
(a free port, offline, pinned to a local model folder) as a subprocess, waits until
``/v1/models`` answers, and stops it afterwards. :class:`StubServer` is a tiny HTTP server
on a thread that misbehaves on purpose (errors, broken streams, silence) for the fault tests;
other tests build their own on :class:`LocalServer` and :class:`QuietHandler`.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import ssl
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from describe_app.devtools.transformers_serve import serve_command, serve_environment

SERVER_START_SECONDS = 120.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    url: str  # http://127.0.0.1:PORT
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def kill(self) -> None:
        """Stop the server at once (SIGKILL), as a crash or a power cut would."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@contextlib.contextmanager
def transformers_server(model_dir: Path, log_dir: Path) -> Iterator[ServerProcess]:
    """``transformers serve MODEL_DIR`` on 127.0.0.1, ready to answer."""
    port = free_port()
    log_path = log_dir / f"transformers-serve-{port}.log"
    env = serve_environment(TOKENIZERS_PARALLELISM="false", PYTHONWARNINGS="ignore")
    command = serve_command(model_dir, port)
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            command, stdout=log_file, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    server = ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
    try:
        _wait_until_ready(server)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def server(
    speaking_model_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """A ``transformers serve`` of the speaking tiny model, one for each test module that
    uses it (import it into the module: ``server = server_fixtures.server``)."""
    with transformers_server(speaking_model_dir, tmp_path_factory.mktemp("serve-logs")) as s:
        yield s


def _wait_until_ready(server: ServerProcess) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"transformers serve exited early:\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{server.url}/v1/models", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"transformers serve did not start in time:\n{server.log()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


# --- the stub -------------------------------------------------------------------------------


def sse(obj: Any) -> bytes:
    return f"data: {json.dumps(obj)}\n\n".encode()


def content_chunk(text: str, finish: str | None = None) -> bytes:
    choice: dict[str, Any] = {"index": 0, "delta": {"content": text} if text else {}}
    if finish:
        choice["finish_reason"] = finish
    return sse({"object": "chat.completion.chunk", "model": "stub", "choices": [choice]})


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler for the test servers: HTTP/1.1, no log lines, small helpers."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def read_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def send_body(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def start_stream(self) -> None:
        """A 200 event stream that ends when the connection closes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()


class LocalServer:
    """A threaded HTTP server on a free port of 127.0.0.1, in this process; ``release`` ends
    answers that wait on it, and :meth:`close` sets it before stopping the server."""

    def __init__(
        self, handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None = None
    ) -> None:
        self.release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        scheme = "http"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@dataclass
class StubServer:
    """An HTTP server whose answer to ``POST /v1/chat/completions`` is set by ``mode``.

    Modes: ``ok`` (a three-sentence stream), ``status`` (``status`` with ``error_body``),
    ``malformed`` (an event that is not JSON), ``html`` (a 200 web page), ``silent`` (reads
    the request, then says nothing), ``stall`` (one sentence, then nothing), ``stream-error``
    (one sentence, then an error event), ``drop`` (one sentence, then the connection closes
    mid-chunk). ``GET /v1/models`` lists ``models``.
    """

    mode: str = "ok"
    status: int = 500
    error_body: bytes = b'{"error": {"message": "Something broke.", "type": "server_error"}}'
    models: list[str] = field(default_factory=lambda: ["stub-vision"])
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    tls: ssl.SSLContext | None = None  # serve https with this context

    def __post_init__(self) -> None:
        self._http = LocalServer(self._handler_class(), self.tls)
        self.release = self._http.release  # ends 'silent' and 'stall' answers
        self.port = self._http.port
        self.url = self._http.url

    def close(self) -> None:
        self._http.close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                stub.headers.append(dict(self.headers.items()))
                if stub.mode == "status":
                    self.send_body(stub.status, stub.error_body)
                    return
                data = {"object": "list", "data": [{"id": m} for m in stub.models]}
                self.send_body(200, json.dumps(data).encode())

            def do_POST(self) -> None:
                stub.requests.append(json.loads(self.read_body()))
                stub.headers.append(dict(self.headers.items()))
                mode = stub.mode
                if mode == "status":
                    self.send_body(stub.status, stub.error_body)
                elif mode == "html":
                    self.send_body(200, b"<html><body>Welcome to nginx!</body></html>", "text/html")
                elif mode == "silent":
                    stub.release.wait(30)
                else:
                    self._stream(mode)

            def _stream(self, mode: str) -> None:
                self.start_stream()
                write = self.wfile.write
                if mode == "malformed":
                    write(b"data: {this is not json\n\n")
                    return
                write(content_chunk("A stub answer."))
                self.wfile.flush()
                if mode == "stall":
                    stub.release.wait(30)
                elif mode == "stream-error":
                    write(sse({"error": "CUDA out of memory"}))
                elif mode == "drop":
                    write(b'data: {"choices": [{"delta": {"content": " Cut')
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                else:
                    write(content_chunk(" It has two more sentences."))
                    write(b": a comment line\r\n\r\n")
                    write(content_chunk(" This is the last one!", finish="stop"))
                    write(b"data: [DONE]\n\n")

        return Handler


def self_signed_tls(folder: Path) -> ssl.SSLContext:
    """A server context with a fresh self-signed certificate for 127.0.0.1 (trusted by no one)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path = folder / "cert.pem"
    key_path = folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context

"""Cancelling a model download is answered at once, whatever the network is doing.

A blind user who presses Cancel (or Escape, or Ctrl+C) hears nothing until the download
stops; on a stalled connection that used to be the whole read timeout (30 s). These tests
stall the fake hub in each phase (no answer at all, a name lookup that hangs, a file whose
bytes stop coming, the checksum of a big file) and require the stop within a second, the
part already down kept for the next try, and that next try to work. A silent connection
that nobody cancels still fails after the read timeout, with the same sentence.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from describe_app.core.describe.local import hub_files
from describe_app.core.describe.local.model_download import ModelDownload
from describe_app.core.describe.local.model_registry import ModelSpec
from describe_app.core.describe.local.model_store import cached_path
from describe_app.core.errors import Cancelled, ModelNotAvailableError
from tests import local_hub
from tests.local_hub import TINY_SPEC, point_at, serve_model
from tests.server_fixtures import LocalServer, QuietHandler

hub_env = local_hub.hub_env

WEIGHTS = "model.safetensors"
MB = 1024 * 1024
#: The most a stop may take once asked for (the user hears it well within this).
PROMPT_S = 1.0
#: How long a test waits for a stop that does not come before it fails (not the 30 s).
GIVE_UP_S = 5.0


@pytest.fixture
def model_folder(tmp_path: Path) -> Path:
    """A model as the hub would serve it: a config the registry entry accepts and 6 MB of
    weights (random bytes: nothing loads them here)."""
    folder = tmp_path / "served"
    folder.mkdir()
    config = {"architectures": ["Idefics3ForConditionalGeneration"], "scale_factor": 2}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (folder / WEIGHTS).write_bytes(os.urandom(6 * MB))
    return folder


class Job:
    """A download on a thread of its own, as the window runs it; remembers how it ended."""

    def __init__(self, spec: ModelSpec = TINY_SPEC) -> None:
        self.started = threading.Event()  # the hub answered: "Downloading" would be said
        self.job = ModelDownload(spec, on_start=lambda _spec: self.started.set())
        self.raised: BaseException | None = None
        self.result: Path | None = None
        self._threads_before = set(threading.enumerate())
        self.thread = threading.Thread(target=self._run, name="test-download", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.result = self.job.run()
        except BaseException as exc:
            self.raised = exc

    def cancel(self) -> float:
        """Cancel from this thread; the seconds until ``run`` ended (GIVE_UP_S if not)."""
        asked = time.monotonic()
        self.job.cancel()
        self.thread.join(GIVE_UP_S)
        return time.monotonic() - asked

    def started_threads(self) -> list[threading.Thread]:
        """The threads the download started that are still running (not the fake hub's)."""
        return [
            t
            for t in set(threading.enumerate()) - self._threads_before
            if t.is_alive() and t is not self.thread and "process_request" not in t.name
        ]

    def wait_for_its_threads(self, timeout: float) -> list[threading.Thread]:
        deadline = time.monotonic() + timeout
        while (left := self.started_threads()) and time.monotonic() < deadline:
            time.sleep(0.01)
        return left


def test_cancel_while_the_file_stalls_stops_at_once_and_resume_continues(
    hub_env: Path, model_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hub sends 2 MB of the weights, then nothing (READ_TIMEOUT_S left at 30 s)."""
    size = (model_folder / WEIGHTS).stat().st_size
    with serve_model(TINY_SPEC.repo_id, model_folder) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.hold_after = (WEIGHTS, 2 * MB)
        download = Job()
        assert hub.holding.wait(30), "the download never reached the weights"
        local_hub.wait_until_written(hub_env, hub, WEIGHTS)
        took = download.cancel()
        assert took < PROMPT_S, f"the stop took {took:.1f} s"
        assert isinstance(download.raised, Cancelled)
        # nothing keeps reading from the dead connection or holds the part open
        assert download.wait_for_its_threads(PROMPT_S) == []
        assert cached_path(TINY_SPEC) is None
        (partial,) = hub_env.rglob("*.incomplete")
        kept = partial.stat().st_size
        assert 0 < kept < size

        hub.hold_after = None
        hub.release.set()
        folder = ModelDownload(TINY_SPEC).run()  # a second download after the cancel
    assert hub.ranges[-1] == f"bytes={kept}-"  # only the rest came down
    assert (folder / WEIGHTS).read_bytes() == (model_folder / WEIGHTS).read_bytes()
    assert not list(hub_env.rglob("*.incomplete"))


def test_a_silent_connection_nobody_cancels_still_fails_after_the_read_timeout(
    hub_env: Path, model_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert hub_files.READ_TIMEOUT_S == 30.0  # what the user's download waits
    monkeypatch.setattr(hub_files, "READ_TIMEOUT_S", 0.6)
    with serve_model(TINY_SPEC.repo_id, model_folder) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.hold_after = (WEIGHTS, 1 * MB)
        began = time.monotonic()
        with pytest.raises(ModelNotAvailableError) as failed:
            ModelDownload(TINY_SPEC).run()
        took = time.monotonic() - began
    assert str(failed.value) == (
        "Tiny-Test could not be downloaded: the connection to the model hub stopped in the "
        "middle. Try again later; the download continues where it stopped."
    )
    assert 0.6 <= took < 10
    (partial,) = hub_env.rglob("*.incomplete")
    assert partial.stat().st_size >= 1 * MB  # kept for the next try


def _silent_handler(answered: threading.Event, release: threading.Event) -> type[QuietHandler]:
    class Silent(QuietHandler):
        """Reads the request, then says nothing (a network that swallows the answer)."""

        def do_GET(self) -> None:
            answered.set()
            release.wait(30)
            self.close_connection = True  # then hangs up without a word

    return Silent


def test_cancel_while_the_hub_does_not_answer_stops_at_once(
    hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked, release = threading.Event(), threading.Event()
    server = LocalServer(_silent_handler(asked, release))
    try:
        point_at(monkeypatch, server.url)
        download = Job()
        assert asked.wait(30), "the download never asked the hub"
        took = download.cancel()
        assert took < PROMPT_S, f"the stop took {took:.1f} s"
        assert isinstance(download.raised, Cancelled)
        assert not download.started.is_set()  # "Downloading" is never said
    finally:
        release.set()
        server.close()
    assert download.wait_for_its_threads(GIVE_UP_S) == []


def test_a_hub_that_never_answers_fails_after_the_read_timeout(
    hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody cancels: the first question to the hub is not left waiting for ever."""
    monkeypatch.setattr(hub_files, "READ_TIMEOUT_S", 0.6)
    asked, release = threading.Event(), threading.Event()
    server = LocalServer(_silent_handler(asked, release))
    try:
        point_at(monkeypatch, server.url)
        download = Job()
        download.thread.join(GIVE_UP_S)
        assert not download.thread.is_alive(), "still waiting for the hub's answer"
    finally:
        release.set()
        server.close()
    assert isinstance(download.raised, ModelNotAvailableError)
    assert str(download.raised) == (  # not "stopped in the middle": nothing had started
        "Tiny-Test could not be downloaded: the model hub did not answer. Try again later; "
        "the download continues where it stopped."
    )
    assert not download.started.is_set()


def test_a_hub_that_stalls_on_the_file_list_fails_after_the_read_timeout(
    hub_env: Path, model_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hub names the commit, then never sends the list of files: not waited for ever
    (the hub library's list takes no timeout)."""
    monkeypatch.setattr(hub_files, "READ_TIMEOUT_S", 0.6)
    with serve_model(TINY_SPEC.repo_id, model_folder) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.hold_tree = True
        download = Job()
        download.thread.join(GIVE_UP_S)
        alive = download.thread.is_alive()
        hub.release.set()
    assert not alive, "still waiting for the hub's file list"
    assert any("/tree/" in request for request in hub.requests)
    assert isinstance(download.raised, ModelNotAvailableError)
    assert "the model hub did not answer" in str(download.raised)
    assert not download.started.is_set()


def test_cancel_while_the_name_lookup_hangs_stops_at_once(
    hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resolver that never answers (no timeout can end it): Cancel still does."""
    looking_up, release = threading.Event(), threading.Event()
    real_lookup = socket.getaddrinfo

    def hanging_lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "hub.invalid":
            looking_up.set()
            release.wait(30)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real_lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hanging_lookup)
    point_at(monkeypatch, "http://hub.invalid:8080")
    download = Job()
    try:
        assert looking_up.wait(30), "the download never looked the hub up"
        took = download.cancel()
        assert took < PROMPT_S, f"the stop took {took:.1f} s"
        assert isinstance(download.raised, Cancelled)
    finally:
        release.set()
    assert download.wait_for_its_threads(GIVE_UP_S) == []  # it ends once the lookup does
    assert not download.started.is_set()
    assert not list(hub_env.rglob("*.incomplete"))


_REAL_SHA256 = hashlib.sha256


class SlowSha256:
    """sha256 that takes 40 ms a megabyte when fed piece by piece (a slow disk with a big
    file); whole at once (the fake hub's ETag) it is as fast as ever."""

    fed = 0
    feeding = threading.Event()

    def __init__(self, data: bytes = b"") -> None:
        self._digest = _REAL_SHA256(data)

    def update(self, block: bytes) -> None:
        SlowSha256.fed += len(block)
        SlowSha256.feeding.set()
        time.sleep(0.04 * len(block) / MB)
        self._digest.update(block)

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def test_cancel_during_the_checksum_stops_it_and_the_next_try_finishes(
    hub_env: Path, model_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (model_folder / WEIGHTS).write_bytes(os.urandom(48 * MB))  # about 2 s to check here
    monkeypatch.setattr(SlowSha256, "feeding", threading.Event())
    monkeypatch.setattr(hub_files.hashlib, "sha256", SlowSha256)
    with serve_model(TINY_SPEC.repo_id, model_folder) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        download = Job()
        assert SlowSha256.feeding.wait(30), "the weights were never checked"
        took = download.cancel()
        assert took < PROMPT_S, f"the stop took {took:.1f} s"
        assert isinstance(download.raised, Cancelled)
        assert download.wait_for_its_threads(PROMPT_S) == []  # the checking stopped too
        fed = SlowSha256.fed
        time.sleep(0.2)
        assert SlowSha256.fed == fed
        assert cached_path(TINY_SPEC) is None
        (partial,) = hub_env.rglob("*.incomplete")  # whole, and kept: not called damaged
        assert partial.stat().st_size == 48 * MB

        sent = hub.bytes_sent[WEIGHTS]
        folder = ModelDownload(TINY_SPEC).run()
        assert hub.bytes_sent[WEIGHTS] == sent  # nothing fetched again: it was all here
    assert (folder / WEIGHTS).read_bytes() == (model_folder / WEIGHTS).read_bytes()


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="Ctrl+C is sent with pthread_kill")
def test_ctrl_c_in_the_command_stops_a_stalled_download_at_once(
    hub_env: Path,
    model_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from describe_app.cli import interrupts, main

    monkeypatch.setattr(interrupts, "GRACE_S", 30.0)  # this test process must not end
    pressed: list[float] = []
    with serve_model(TINY_SPEC.repo_id, model_folder) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.hold_after = (WEIGHTS, 2 * MB)

        def press_ctrl_c() -> None:
            assert hub.holding.wait(30)
            local_hub.wait_until_written(hub_env, hub, WEIGHTS)
            pressed.append(time.monotonic())
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
            hub.release.wait(GIVE_UP_S)  # a test that fails does not wait 30 s
            hub.release.set()

        presser = threading.Thread(target=press_ctrl_c, name="ctrl-c", daemon=True)
        presser.start()
        code = main(["models", "download", "Tiny-Test"])
        stopped = time.monotonic()
        hub.release.set()
        presser.join(10)
    assert code == 130
    took = stopped - pressed[0]
    assert took < PROMPT_S, f"the stop took {took:.1f} s"
    assert (
        capsys.readouterr()
        .err.rstrip()
        .endswith(
            "describe-app: Download stopped; run the same command again to continue where it "
            "stopped."
        )
    )
    assert len(list(hub_env.rglob("*.incomplete"))) == 1  # kept for the next run


def test_escape_in_the_dialog_stops_a_stalled_download_at_once(  # type: ignore[no-untyped-def]
    qtbot, hub_env: Path, model_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import Qt

    from describe_app.qt.model_download_dialog import ModelDownloadDialog

    with serve_model(TINY_SPEC.repo_id, model_folder) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.hold_after = (WEIGHTS, 2 * MB)
        dialog = ModelDownloadDialog(TINY_SPEC)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.start()
        qtbot.waitUntil(hub.holding.is_set, timeout=30_000)
        local_hub.wait_until_written(hub_env, hub, WEIGHTS)
        pressed = time.monotonic()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        stopped = "Download stopped. Choose Resume to continue where it stopped."
        try:
            qtbot.waitUntil(lambda: dialog.status.text() == stopped, timeout=int(GIVE_UP_S * 1000))
        finally:
            took = time.monotonic() - pressed
            hub.release.set()
        assert took < PROMPT_S, f"the stop took {took:.1f} s"
        assert dialog.isVisible()  # Escape stops; the dialog stays with Resume
        assert dialog.download_button.isEnabled()
        assert dialog.stop(5.0)

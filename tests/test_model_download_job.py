"""The download job against the local fake hub: progress said by tenths, cancel from
another thread leaves nothing loadable, a second start continues, checksums and disk space
are checked first."""

from __future__ import annotations

import threading
from collections import namedtuple
from pathlib import Path

import pytest

from describe_app.core.describe.local import model_download
from describe_app.core.describe.local.download_progress import (
    DownloadProgress,
    SpeedMeter,
    SpokenTenths,
    amount_sentence,
    progress_sentence,
)
from describe_app.core.describe.local.model_download import ModelDownload
from describe_app.core.describe.local.model_store import cached_path, locate_model
from describe_app.core.errors import Cancelled, ModelNotAvailableError
from tests import local_hub
from tests.local_hub import TINY_SPEC, point_at, serve_model

hub_env = local_hub.hub_env
WEIGHTS = "model.safetensors"


def _spoken(progress: list[DownloadProgress]) -> list[str]:
    tenths = SpokenTenths()
    return [s for s in (tenths.sentence(p) for p in progress) if s]


def test_progress_reaches_100_percent_said_by_tenths(
    hub_env: Path, speaking_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[DownloadProgress] = []
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        monkeypatch.setattr(model_download, "REPORT_EVERY_S", 0.0)  # every piece reported
        folder = ModelDownload(TINY_SPEC, seen.append).run()
    assert cached_path(TINY_SPEC) == folder
    assert (folder / WEIGHTS).read_bytes() == (speaking_model_dir / WEIGHTS).read_bytes()
    assert seen[0].done_bytes == 0
    assert seen[-1].fraction == 1.0
    assert seen[-1].total_bytes == sum(p.stat().st_size for p in hub.files.values())
    assert [p.done_bytes for p in seen] == sorted(p.done_bytes for p in seen)
    said = _spoken(seen)
    assert 5 <= len(said) <= 11  # the tiny model comes in about 15 pieces
    assert said[-1] == "100 percent."
    percents = [int(s.split()[0]) for s in said]
    assert percents == sorted(set(percents))
    assert all(p % 10 == 0 for p in percents)


def test_the_sentences_say_the_time_left() -> None:
    assert progress_sentence(DownloadProgress(40, 100, 125.0)) == (
        "40 percent, about 2 minutes left."
    )
    assert progress_sentence(DownloadProgress(95, 100, 4.0)) == (
        "90 percent, about 10 seconds left."
    )
    assert progress_sentence(DownloadProgress(100, 100, 0.0)) == "100 percent."
    assert progress_sentence(DownloadProgress(10, 100, None)) == "10 percent."
    mb = 1024 * 1024
    assert amount_sentence(DownloadProgress(120 * mb, 520 * mb, 3 * 3600)) == (
        "120 of 520 MB, about 3 hours left."
    )
    clock = iter([0.0, 4.0]).__next__
    meter = SpeedMeter(clock)
    meter.received(400)
    assert meter.seconds_left(1000) == pytest.approx(10.0)  # 100 bytes a second
    assert amount_sentence(DownloadProgress(520 * mb, 520 * mb, 5.0)) == "520 of 520 MB."


def test_no_time_left_is_guessed_from_the_first_slow_second() -> None:
    """16 KB in the first second of 5 GB said "about 89 hours left": the time left waits
    for 3 s and a megabyte (or a hundredth of a small file)."""
    gb = 1024**3
    times = iter([0.0, 1.0, 2.5, 4.0])
    meter = SpeedMeter(lambda: next(times))
    meter.received(16 * 1024)
    assert meter.seconds_left(5 * gb) is None  # 1 s in
    assert meter.seconds_left(5 * gb) is None  # 2.5 s in
    meter.received(8 * 1024 * 1024)
    assert meter.seconds_left(5 * gb) is not None  # 4 s in, 8 MB received


def test_spoken_tenths_never_more_than_eleven() -> None:
    tenths = SpokenTenths()
    said = [tenths.sentence(DownloadProgress(done, 1000, None)) for done in range(0, 1001)]
    assert len([s for s in said if s]) == 10  # 10% ... 100%; the start is not said
    resumed = SpokenTenths()
    assert resumed.sentence(DownloadProgress(450, 1000, None)) is None  # starts at 40%
    assert resumed.sentence(DownloadProgress(460, 1000, None)) is None
    assert resumed.sentence(DownloadProgress(500, 1000, 60.0)) == (
        "50 percent, about 1 minute left."
    )


def _held_download(
    cache: Path, hub: local_hub.Hub, offset: int
) -> tuple[ModelDownload, list[BaseException]]:
    """A download on its own thread, held by the hub at ``offset`` bytes of the weights."""
    hub.hold_after = (WEIGHTS, offset)
    job = ModelDownload(TINY_SPEC)
    raised: list[BaseException] = []

    def run() -> None:
        try:
            job.run()
        except BaseException as exc:
            raised.append(exc)

    thread = threading.Thread(target=run, name="test-download", daemon=True)
    thread.start()
    assert hub.holding.wait(30), "the download never reached the weights"
    local_hub.wait_until_written(cache, hub, WEIGHTS)
    job.cancel()  # from this thread, not the download's
    hub.release.set()
    thread.join(30)
    assert not thread.is_alive()
    return job, raised


def test_cancel_leaves_no_model_and_resume_fetches_only_the_rest(
    hub_env: Path, speaking_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = (speaking_model_dir / WEIGHTS).stat().st_size
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        _job, raised = _held_download(hub_env, hub, size // 2)
        assert len(raised) == 1 and isinstance(raised[0], Cancelled)
        # nothing the app would load: not found, and locating it says it is missing
        assert cached_path(TINY_SPEC) is None
        with pytest.raises(ModelNotAvailableError, match="not on this computer yet"):
            locate_model(TINY_SPEC.name, allow_download=False)
        partials = list(hub_env.rglob("*.incomplete"))
        assert len(partials) == 1
        kept = partials[0].stat().st_size
        assert 0 < kept < size

        hub.hold_after = None
        hub.release.clear()
        first_run = hub.bytes_sent[WEIGHTS]
        folder = ModelDownload(TINY_SPEC).run()
        second_run = hub.bytes_sent[WEIGHTS] - first_run
    assert second_run == size - kept  # only the rest came down
    assert any(r.startswith("GET") and WEIGHTS in r for r in hub.requests)
    assert hub.ranges == [f"bytes={kept}-"]
    assert (folder / WEIGHTS).read_bytes() == (speaking_model_dir / WEIGHTS).read_bytes()
    assert cached_path(TINY_SPEC) == folder
    assert not list(hub_env.rglob("*.incomplete"))


def test_a_damaged_file_is_refused_and_deleted(
    hub_env: Path, speaking_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.damaged.add(WEIGHTS)
        with pytest.raises(ModelNotAvailableError) as refused:
            ModelDownload(TINY_SPEC).run()
        assert str(refused.value) == (
            "The file model.safetensors of Tiny-Test came down damaged (it does not match the "
            "hub's checksum), so it was deleted; try the download again."
        )
        assert cached_path(TINY_SPEC) is None
        assert not list(hub_env.rglob(f"*{hub.etag(WEIGHTS)}*"))  # neither blob nor part
        hub.damaged.clear()
        folder = ModelDownload(TINY_SPEC).run()  # the next try gets the right file
    assert (folder / WEIGHTS).read_bytes() == (speaking_model_dir / WEIGHTS).read_bytes()


def test_a_damaged_small_file_is_refused_too(
    hub_env: Path, speaking_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files kept in git (not LFS) are checked against their git blob id."""
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        hub.damaged.add("config.json")
        with pytest.raises(ModelNotAvailableError, match=r"config\.json of Tiny-Test came down"):
            ModelDownload(TINY_SPEC).run()
    assert cached_path(TINY_SPEC) is None


def test_too_little_disk_space_is_refused_before_downloading(
    hub_env: Path, speaking_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(
        model_download.shutil,
        "disk_usage",
        lambda path: usage(10**9, 10**9 - 50 * 2**20, 50 * 2**20),
    )
    with serve_model(TINY_SPEC.repo_id, speaking_model_dir) as (endpoint, hub):
        point_at(monkeypatch, endpoint)
        with pytest.raises(ModelNotAvailableError) as refused:
            ModelDownload(TINY_SPEC).run()
    sentence = str(refused.value)
    assert sentence.startswith("There is not enough free disk space for Tiny-Test: it needs 101 MB")
    assert sentence.endswith("has 50 MB free.")
    assert sum(hub.bytes_sent.values()) == 0
    assert cached_path(TINY_SPEC) is None


def test_no_connection_is_one_sentence(hub_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.server_fixtures import free_port

    point_at(monkeypatch, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    with pytest.raises(ModelNotAvailableError) as refused:
        ModelDownload(TINY_SPEC).run()
    assert str(refused.value) == (
        "Tiny-Test could not be downloaded: no connection to the model hub. Connect to the "
        "internet and try again; the download continues where it stopped."
    )

"""The window with ``--server``: pictures go to the user's own server, and it says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from describe_app.cli import build_parser
from describe_app.core.resources import resource_path
from tests import qt_fixtures
from tests.server_fixtures import ServerProcess, transformers_server

qt_strict = qt_fixtures.qt_strict


@pytest.fixture(scope="module")
def server(
    speaking_model_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    with transformers_server(speaking_model_dir, tmp_path_factory.mktemp("serve-logs")) as s:
        yield s


def test_window_describes_through_the_server(qtbot, server: ServerProcess) -> None:  # type: ignore[no-untyped-def]
    from describe_app.core.model_worker import ModelWorker
    from describe_app.qt.app import build_window

    args = build_parser().parse_args(["window", "--camera", "none", "--server", server.url])
    window = build_window(args)
    qtbot.addWidget(window)
    try:
        # no local model process: nothing is loaded, the picture goes to the server
        assert isinstance(window._bridge._worker, ModelWorker)
        assert any("127.0.0.1" in said for said in window.announcer.history)
        window._bridge.start_loading()
        window.describe_files([str(resource_path("samples", "coffee.jpg"))])
        qtbot.waitUntil(lambda: window.history.count() == 1, timeout=60_000)
        assert "A red mug stands on the wooden table." in window.history.item(0).text()
    finally:
        window.shutdown()

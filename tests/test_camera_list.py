"""Cameras are listed by readable name from what the system says, without opening them."""

from __future__ import annotations

from pathlib import Path

import pytest

from describe_app.core.camera.camera_list import CameraDevice, camera_name, list_cameras
from describe_app.core.settings.schema import CameraKind, CameraSettings
from describe_app.qt.camera_source import CameraSource, camera_from_settings, parse_camera_source


def _node(root: Path, node: str, name: str | None, index: int | None) -> None:
    folder = root / node
    folder.mkdir(parents=True)
    if name is not None:
        (folder / "name").write_text(name + "\n", encoding="utf-8")
    if index is not None:
        (folder / "index").write_text(f"{index}\n", encoding="utf-8")


@pytest.fixture
def sysfs(tmp_path: Path) -> Path:
    """Like /sys/class/video4linux on a laptop with a USB camera plugged in."""
    root = tmp_path / "video4linux"
    _node(root, "video0", "Integrated Camera: Integrated C", 0)
    _node(root, "video1", "Integrated Camera: Integrated C", 1)  # its metadata node
    _node(root, "video2", "USB Camera", 0)
    _node(root, "video3", "USB Camera", 1)
    _node(root, "v4l-subdev0", "a sensor", 0)  # not a camera OpenCV opens by number
    return root


def test_linux_cameras_are_listed_by_name_without_metadata_nodes(sysfs: Path) -> None:
    assert list_cameras(sysfs_root=sysfs, platform="linux") == [
        CameraDevice(0, "Integrated Camera"),
        CameraDevice(2, "USB Camera"),
    ]


def test_numbers_sort_as_numbers_and_a_node_without_files_still_counts(tmp_path: Path) -> None:
    _node(tmp_path, "video10", "Ten", 0)
    _node(tmp_path, "video9", None, None)
    assert list_cameras(sysfs_root=tmp_path, platform="linux") == [
        CameraDevice(9, "video9"),
        CameraDevice(10, "Ten"),
    ]


def test_a_missing_or_unreadable_root_gives_no_cameras(tmp_path: Path) -> None:
    assert list_cameras(sysfs_root=tmp_path / "absent", platform="linux") == []
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("", encoding="utf-8")
    assert list_cameras(sysfs_root=a_file, platform="linux") == []


def test_a_listing_that_fails_gives_no_cameras(
    monkeypatch: pytest.MonkeyPatch, sysfs: Path
) -> None:
    def refuse(self: Path) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", refuse)
    assert list_cameras(sysfs_root=sysfs, platform="linux") == []


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_other_systems_are_not_listed(sysfs: Path, platform: str) -> None:
    assert list_cameras(sysfs_root=sysfs, platform=platform) == []


def test_camera_name_looks_up_an_index() -> None:
    cameras = [CameraDevice(0, "Integrated Camera"), CameraDevice(2, "USB Camera")]
    assert camera_name(2, cameras) == "USB Camera"
    assert camera_name(1, cameras) is None
    assert camera_name(0, []) is None


def test_a_camera_source_is_labelled_by_its_name(sysfs: Path) -> None:
    def found() -> list[CameraDevice]:
        return list_cameras(sysfs_root=sysfs, platform="linux")

    settings = CameraSettings(kind=CameraKind.INDEX, index=2)
    assert camera_from_settings(settings, cameras=found) == CameraSource(2, label="USB Camera")
    assert camera_from_settings(CameraSettings(index=1), cameras=found).label == "camera 2"
    assert parse_camera_source(None, cameras=found) == CameraSource(0, label="Integrated Camera")
    assert parse_camera_source("2", cameras=found) == CameraSource(2, label="USB Camera")
    assert parse_camera_source("5", cameras=found) == CameraSource(5, label="camera 6")


def test_two_cameras_of_one_name_keep_their_numbers() -> None:
    def twins() -> list[CameraDevice]:
        return [CameraDevice(0, "USB Camera"), CameraDevice(2, "USB Camera")]

    source = parse_camera_source("2", cameras=twins)
    assert source is not None and source.label == "USB Camera (camera 3)"


def test_a_failing_lister_leaves_the_number() -> None:
    def broken() -> list[CameraDevice]:
        raise OSError("no sysfs")

    assert camera_from_settings(CameraSettings(index=0), cameras=broken).label == "camera 1"
    url = CameraSettings(kind=CameraKind.URL, url="rtsp://10.0.0.5/live")
    assert camera_from_settings(url, cameras=broken).label == "rtsp camera"

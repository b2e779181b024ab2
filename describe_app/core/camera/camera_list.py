"""Which cameras this computer has, by readable name, found without opening any of them.

Opening a camera to see whether it is there is slow (seconds per index) and can take the
device from another program, so this module only reads what the operating system already
says about its devices:

* **Linux**: ``/sys/class/video4linux/videoN/name``. OpenCV's camera number N opens
  ``/dev/videoN``. A USB camera usually has two nodes (a picture node, ``index`` 0, and a
  metadata node, ``index`` 1); only the node with ``index`` 0 is a camera to offer.
* **Windows and macOS**: not listed (an empty list). Their camera names come only through
  DirectShow/Media Foundation or AVFoundation, which need a package Describe does not
  depend on (e.g. ``cv2-enumerate-cameras``, ``pygrabber``), and the names that command-line
  tools print (PnP devices, ``system_profiler``) are not in OpenCV's order. The settings
  dialog then offers camera numbers instead.

Nothing here raises: a listing that fails is logged and gives an empty list.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

#: Where Linux lists its video devices.
SYSFS_VIDEO = Path("/sys/class/video4linux")

_NODE = re.compile(r"video(\d+)")


@dataclass(frozen=True)
class CameraDevice:
    """A camera OpenCV opens with ``cv2.VideoCapture(index)``, and the name its driver gives."""

    index: int
    name: str


def list_cameras(
    *, sysfs_root: Path = SYSFS_VIDEO, platform: str | None = None
) -> list[CameraDevice]:
    """The cameras found, in index order; ``[]`` where none are found or cannot be listed."""
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        log.debug("camera names are not listed on %s; cameras are chosen by number", platform)
        return []
    try:
        return _linux_cameras(sysfs_root)
    except Exception as exc:  # never let a listing stop the settings or the camera
        log.info("cameras could not be listed from %s: %r", sysfs_root, exc)
        return []


def camera_name(index: int, cameras: list[CameraDevice]) -> str | None:
    """The readable name of camera ``index`` among ``cameras``, or ``None`` if not there."""
    for camera in cameras:
        if camera.index == index:
            return camera.name
    return None


def _linux_cameras(root: Path) -> list[CameraDevice]:
    if not root.is_dir():
        log.debug("no video devices listed at %s", root)
        return []
    found = []
    for node in root.iterdir():
        match = _NODE.fullmatch(node.name)
        if match is None:  # radio, vbi, v4l-subdev nodes are not cameras
            continue
        index = int(match.group(1))
        if _node_number(node) != 0:
            log.debug("skipping %s: a second (metadata) node of a device", node.name)
            continue
        name = _read(node / "name")
        found.append(CameraDevice(index, _tidy(name) if name else f"video{index}"))
    return sorted(found, key=lambda camera: camera.index)


def _node_number(node: Path) -> int:
    """The node's ``index`` within its device (0 when the kernel does not say)."""
    text = _read(node / "index")
    try:
        return int(text) if text else 0
    except ValueError:
        return 0


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError as exc:
        log.debug("could not read %s: %r", path, exc)
        return ""


def _tidy(name: str) -> str:
    """Drop the repeat some drivers add ("Integrated Camera: Integrated C" -> the first)."""
    head, sep, tail = name.partition(": ")
    if sep and tail and head.startswith(tail):
        return head
    return name

"""Which picture a request is about: the camera's newest frame, else the photo in hand.

Taking a picture plays the "picture taken" earcon; a frame that is not a picture, or no
picture at all, is said instead.
"""

from __future__ import annotations

import logging

from describe_app.core.errors import ImageError
from describe_app.core.history.entry import SOURCE_CAMERA
from describe_app.core.pictures.images import Picture, picture_from_frame
from describe_app.core.speech import Earcon
from describe_app.qt.announcer import Announcer
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.translate import _

log = logging.getLogger(__name__)


def frame_picture(frame: object, source: str, announcer: Announcer) -> Picture | None:
    """``frame`` (a camera frame) as a picture from ``source``; None (and said) if it is not one."""
    try:
        picture = picture_from_frame(frame, source=source)  # type: ignore[arg-type]
    except ImageError as exc:
        announcer.announce(str(exc))
        return None
    announcer.earcon(Earcon.PICTURE_TAKEN)
    return picture


def take_picture(
    camera: CameraWorker | None, photo: Picture | None, announcer: Announcer
) -> Picture | None:
    """The camera's newest frame when the camera is live, else ``photo``; None (and said)
    when there is neither."""
    frame = camera.latest_frame() if camera is not None else None
    if frame is not None:
        return frame_picture(frame, SOURCE_CAMERA, announcer)
    if photo is not None:
        return photo
    announcer.announce(
        _("There is no picture yet. Open a photo with Control+O, or connect a camera.")
    )
    return None

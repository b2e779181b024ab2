"""Which picture a request is about: the camera's newest frame, else the photo in hand.

Taking a picture plays the "picture taken" earcon; a frame that is not a picture, or no
picture at all, is said instead. With a :class:`~describe_app.qt.describe_prepare.PictureKeeper`,
a frame that still shows the prepared view is that prepared picture (the model worker
finds its work); a fresh frame is remembered as the picture the worker has next.
"""

from __future__ import annotations

import logging

from describe_app.core.errors import ImageError
from describe_app.core.history.entry import SOURCE_CAMERA
from describe_app.core.pictures.images import Picture, picture_from_frame
from describe_app.core.speech import Earcon
from describe_app.qt.announcer import Announcer
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.describe_prepare import PictureKeeper
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


def camera_picture(
    frame: object, source: str, announcer: Announcer, keeper: PictureKeeper
) -> Picture | None:
    """The prepared picture while ``frame`` shows the same view, else ``frame`` itself
    (then remembered as the picture the worker has)."""
    known = keeper.picture_for(frame)
    if known is not None:
        log.info("the view still matches the prepared picture: describing that")
        announcer.earcon(Earcon.PICTURE_TAKEN)
        return known
    picture = frame_picture(frame, source, announcer)
    if picture is not None:
        keeper.remember(picture, frame)
    return picture


def take_picture(
    camera: CameraWorker | None,
    photo: Picture | None,
    announcer: Announcer,
    keeper: PictureKeeper | None = None,
) -> Picture | None:
    """The camera's newest frame when the camera is live (the prepared picture where
    ``keeper`` has a matching one), else ``photo``; None (and said) when there is neither."""
    frame = camera.latest_frame() if camera is not None else None
    if frame is not None:
        if keeper is not None:
            return camera_picture(frame, SOURCE_CAMERA, announcer, keeper)
        return frame_picture(frame, SOURCE_CAMERA, announcer)
    if photo is not None:
        return photo
    announcer.announce(
        _("There is no picture yet. Open a photo with Control+O, or connect a camera.")
    )
    return None

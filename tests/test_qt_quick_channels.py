"""Codes, colour and the light meter in the window: actions with labels and keys, and every
outcome through the one announce path (the speech is a recording fake)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from describe_app.core.live.frame_checks import HANDS_FREE
from describe_app.core.pictures.images import Picture
from describe_app.core.settings.shortcut_table import Menu, action, actions_in_menu
from describe_app.qt.camera_source import CameraSource
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.help_text import help_html
from describe_app.qt.quick_channels import LIGHT_METER, READ_CODES
from tests import qt_fixtures
from tests.camera_scenes import SceneCapture, background
from tests.code_scenes import qr_code, scene_with

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict

NEW_ACTIONS = {"read_codes": "Ctrl+B", "colour": "Ctrl+K", "light_meter": "Ctrl+I"}


def _photo(rgb_frame: np.ndarray) -> Picture:
    image = Image.fromarray(np.ascontiguousarray(rgb_frame), "RGB")
    return Picture(image=image, source="photo.png", original_size=image.size)


def test_the_actions_have_labels_keys_menus_and_help(make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    describe_menu = [spec.id for spec in actions_in_menu(Menu.DESCRIBE)]
    text = help_html()
    for action_id, key in NEW_ACTIONS.items():
        qaction = window.actions_by_id[action_id]
        assert qaction.text() and qaction.statusTip()
        assert [k.toString() for k in qaction.shortcuts()] == [key]
        assert action_id in describe_menu
        assert action(action_id).plain_text() in text
    assert window.actions_by_id["read_codes"].isCheckable()
    assert window.actions_by_id["light_meter"].isCheckable()
    assert not window.actions_by_id["colour"].isCheckable()


def test_colour_and_codes_work_on_the_photo_in_hand(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window, speech = make_window(speaking_model_dir, load=False)
    window.actions_by_id["colour"].trigger()
    assert window.announcer.history[-1].startswith("There is no picture yet.")

    def said_last(words: str) -> None:  # a photo is looked at off the GUI thread
        qtbot.waitUntil(lambda: window.announcer.history[-1] == words, timeout=10_000)

    window.controller.photo = _photo(np.full((200, 200, 3), (100, 149, 237), np.uint8))
    window.actions_by_id["colour"].trigger()
    said_last("Sky blue.")
    window.actions_by_id["colour"].trigger()  # again at once: the precise name
    said_last("Cornflower blue.")
    assert ("Cornflower blue.", True) in speech.said

    window.controller.photo = _photo(scene_with(qr_code("https://example.org/"))[:, :, ::-1])
    window.actions_by_id["read_codes"].trigger()
    said_last("QR code with a web address: https://example.org/")
    assert not window.quick_channels.is_on(READ_CODES)  # no camera: read once, no mode
    window.controller.photo = _photo(background()[:, :, ::-1])
    window.actions_by_id["read_codes"].trigger()
    said_last("No QR code or barcode found.")


def test_the_light_meter_needs_a_camera(make_window, speaking_model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window, _ = make_window(speaking_model_dir, load=False)
    window.actions_by_id["light_meter"].trigger()
    assert window.announcer.history[-1] == "This needs a camera. Choose one with Control+Shift+C."
    assert not window.actions_by_id["light_meter"].isChecked()
    assert not window.quick_channels.is_on(LIGHT_METER)


def test_live_codes_and_light_meter_with_a_camera(
    qtbot, make_window, speaking_model_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    capture = SceneCapture(scene_with(qr_code("TABLE 7")))
    camera = CameraWorker(
        CameraSource("test camera", label="test camera"), opener=lambda _s: capture
    )
    window, speech = make_window(speaking_model_dir, load=False, camera=camera)
    qtbot.waitUntil(lambda: camera.latest_frame() is not None)

    window.actions_by_id["read_codes"].trigger()
    assert window.actions_by_id["read_codes"].isChecked()
    assert window.announcer.history[-1] == "Reading codes on. Point the camera at a code."
    qtbot.waitUntil(lambda: "QR code: TABLE 7" in speech.texts(), timeout=10_000)
    qtbot.wait(1000)  # the code stays in view: not said again
    assert speech.texts().count("QR code: TABLE 7") == 1

    window.actions_by_id["light_meter"].trigger()  # one mode at a time
    assert not window.actions_by_id["read_codes"].isChecked()
    assert window.quick_channels.is_on(LIGHT_METER)
    qtbot.wait(1000)  # "Light meter on" is said whole: no tone yet
    assert not any(s.startswith("tone:light:") for s in speech.sounds)
    qtbot.waitUntil(lambda: any(s.startswith("tone:light:") for s in speech.sounds))
    assert window.announcer.history[-1].startswith("Light: ")

    window.actions_by_id["hands_free"].trigger()  # another live mode switches it off
    assert window.live_modes.is_on(HANDS_FREE)
    assert not window.quick_channels.is_on(LIGHT_METER)
    assert not window.actions_by_id["light_meter"].isChecked()
    window.actions_by_id["hands_free"].trigger()

"""The screen without a screen: which capture and focus finder each platform gets, what is
captured when the focus is or is not found, the Wayland portal's answers and failures
(with a fake D-Bus connection), and the screen's prompts."""

from __future__ import annotations

import re
import sys
from collections import deque
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from describe_app.core.describe.prompts import (
    READ_TEXT_INTRO,
    SCREEN_IMAGE_PROMPT,
    SCREEN_PROMPT,
    build_messages,
)
from describe_app.core.describe.screen_conversation import ScreenConversation
from describe_app.core.pictures.images import Picture
from describe_app.core.screen.capture import (
    FOCUSED_PICTURE,
    Focused,
    ScreenCaptureError,
    ScreenTarget,
    capture,
    is_focused_picture,
)
from describe_app.core.screen.focus import NoLocator, X11Locator, open_locator
from describe_app.core.screen.geometry import Rect, parse_region
from describe_app.core.screen.grabbers import open_grabber
from describe_app.core.screen.session import DisplayKind, display_kind
from describe_app.core.screen.wayland_portal import PortalGrabber

LEFT = Rect(0, 0, 1920, 1080)
RIGHT = Rect(1920, 0, 2560, 1440)  # a second, high-DPI monitor to the right


class FakeScreen:
    """Two monitors; each pixel's red value is its x % 256, green its y % 256."""

    def __init__(self, monitors: list[Rect] | None = None) -> None:
        self._monitors = monitors or [LEFT, RIGHT]
        self.grabbed: list[Rect] = []
        self.closed = False

    def monitors(self) -> list[Rect]:
        return list(self._monitors)

    def grab(self, rect: Rect) -> Image.Image:
        self.grabbed.append(rect)
        return Image.new("RGB", (rect.width, rect.height), (rect.x % 256, rect.y % 256, 0))

    def close(self) -> None:
        self.closed = True


class FakeLocator:
    def __init__(
        self,
        focused: Focused | None = None,
        window: Rect | None = None,
        pointer: tuple[int, int] | None = None,
    ) -> None:
        self._focused, self._window, self._pointer = focused, window, pointer

    def focused_object(self) -> Focused | None:
        return self._focused

    def active_window(self) -> Rect | None:
        return self._window

    def pointer(self) -> tuple[int, int] | None:
        return self._pointer


def _capture(target: ScreenTarget, locator: FakeLocator, **kw: Any) -> tuple[Picture, Rect]:
    screen = FakeScreen()
    picture = capture(target, grabber=screen, locator=locator, **kw)
    return picture, screen.grabbed[-1]


# -- which platform gets what ------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "platform", "kind"),
    [
        ({"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, "linux", DisplayKind.WAYLAND),
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux", DisplayKind.WAYLAND),
        (
            {"XDG_SESSION_TYPE": "x11", "WAYLAND_DISPLAY": "w", "DISPLAY": ":0"},
            "linux",
            DisplayKind.X11,
        ),
        ({"DISPLAY": ":1"}, "linux", DisplayKind.X11),
        ({}, "linux", DisplayKind.NONE),
        ({}, "win32", DisplayKind.WINDOWS),
        ({"DISPLAY": ":0"}, "darwin", DisplayKind.MACOS),
    ],
)
def test_the_session_kind(environ: dict[str, str], platform: str, kind: DisplayKind) -> None:
    assert display_kind(environ, platform) is kind


def test_each_platform_gets_its_focus_finder() -> None:
    assert isinstance(open_locator({"DISPLAY": ":5"}, "linux"), X11Locator)
    for environ, platform, why in [
        ({"XDG_SESSION_TYPE": "wayland"}, "linux", "Wayland"),
        ({}, "darwin", "AX API"),
        ({}, "linux", "no desktop session"),
    ]:
        locator = open_locator(environ, platform)
        assert isinstance(locator, NoLocator) and why in locator.reason
        assert locator.focused_object() is None and locator.pointer() is None


def test_wayland_uses_the_portal_and_no_session_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert isinstance(open_grabber({"XDG_SESSION_TYPE": "wayland"}), PortalGrabber)
    with pytest.raises(ScreenCaptureError, match="no desktop session"):
        capture(ScreenTarget.SCREEN, environ={}, locator=FakeLocator())


# -- what is captured --------------------------------------------------------------------


def test_the_focused_object_is_captured_at_its_own_pixels() -> None:
    field = Rect(2000, 100, 300, 40)
    picture, grabbed = _capture(ScreenTarget.FOCUS, FakeLocator(Focused(field), LEFT))
    assert grabbed == field and picture.size == (300, 40)
    assert picture.source == "screen: focused object"
    assert not is_focused_picture(picture)


def test_a_focused_image_is_marked_as_a_picture() -> None:
    picture, _ = _capture(ScreenTarget.FOCUS, FakeLocator(Focused(Rect(5, 5, 50, 50), True)))
    assert picture.source == FOCUSED_PICTURE and is_focused_picture(picture)


def test_without_a_focused_object_the_active_window_is_taken_and_said() -> None:
    window = Rect(100, 100, 800, 600)
    picture, grabbed = _capture(ScreenTarget.FOCUS, FakeLocator(None, window))
    assert grabbed == window
    assert picture.source == "screen: active window (no focused object found)"


def test_with_nothing_known_the_monitor_under_the_pointer_is_taken() -> None:
    picture, grabbed = _capture(ScreenTarget.FOCUS, FakeLocator(pointer=(2500, 700)))
    assert grabbed == RIGHT and picture.size == (2560, 1440)  # native pixels, not squeezed
    assert picture.source == "screen: whole screen, monitor 2 of 2 (no active window found)"


def test_the_whole_screen_is_the_monitor_with_the_focus() -> None:
    locator = FakeLocator(Focused(Rect(3000, 500, 10, 10)), pointer=(10, 10))
    picture, grabbed = _capture(ScreenTarget.SCREEN, locator)
    assert grabbed == RIGHT
    assert picture.source == "screen: whole screen, monitor 2 of 2"


def test_a_window_across_two_monitors_is_taken_whole() -> None:
    screen = FakeScreen()
    locator = FakeLocator(None, Rect(1800, 0, 600, 400))
    picture = capture(ScreenTarget.WINDOW, grabber=screen, locator=locator)
    assert screen.grabbed == [Rect(1920, 0, 480, 400), Rect(1800, 0, 120, 400)]
    assert picture.source == "screen: active window" and picture.size == (600, 400)
    assert picture.image.getpixel((0, 0)) == (1800 % 256, 0, 0)  # the left monitor's part
    assert picture.image.getpixel((599, 399)) == (1920 % 256, 0, 0)  # the right one's


def test_a_region_across_monitors_of_different_pixels_keeps_the_finer_ones() -> None:
    class RetinaOnTheRight(FakeScreen):
        def grab(self, rect: Rect) -> Image.Image:  # the right monitor: 2 pixels a point
            image = super().grab(rect)
            return image.resize((rect.width * 2, rect.height * 2)) if rect.x >= 1920 else image

    screen = RetinaOnTheRight()
    region = Rect(1800, 1000, 400, 200)  # below the left monitor's bottom edge on the left
    picture = capture(ScreenTarget.REGION, region=region, grabber=screen)
    assert picture.size == (800, 400) and picture.source == "screen: region 1800,1000 400x200"
    assert picture.image.getpixel((10, 10)) == (1800 % 256, 1000 % 256, 0)
    assert picture.image.getpixel((10, 300)) == (0, 0, 0)  # on no monitor: black
    assert picture.image.getpixel((700, 300)) == (1920 % 256, 1000 % 256, 0)


def test_a_region_and_its_errors() -> None:
    picture, grabbed = _capture(ScreenTarget.REGION, FakeLocator(), region=Rect(10, 20, 30, 40))
    assert grabbed == Rect(10, 20, 30, 40) and picture.source == "screen: region 10,20 30x40"
    with pytest.raises(ScreenCaptureError, match="outside every screen"):
        _capture(ScreenTarget.REGION, FakeLocator(), region=Rect(9000, 0, 10, 10))
    with pytest.raises(ScreenCaptureError, match="X,Y,WIDTH,HEIGHT"):
        _capture(ScreenTarget.REGION, FakeLocator())


@pytest.mark.parametrize("text", ["1,2,3", "a,b,c,d", "0,0,0,10", "1,2,3,4,5", ""])
def test_a_region_must_be_four_whole_numbers(text: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(text)}$"):
        parse_region(text)
    assert parse_region(" -5, 10,20 ,30") == Rect(-5, 10, 20, 30)


def test_the_clipboard() -> None:
    with pytest.raises(ScreenCaptureError, match=r"^There is no picture on the clipboard\.$"):
        capture(ScreenTarget.CLIPBOARD, clipboard=lambda: None)
    image = Image.new("RGB", (64, 32), "red")
    pasted = Picture(image=image, source="pasted picture", original_size=(64, 32))
    picture = capture(ScreenTarget.CLIPBOARD, clipboard=lambda: pasted)
    assert picture.source == "screen: clipboard" and picture.size == (64, 32)


# -- the Wayland portal, with a fake session bus ----------------------------------------


class FakeBus:
    """Answers the portal's calls as xdg-desktop-portal does: the request's path, then
    the Response signal on it (``code`` 0: done, 1: the user said no)."""

    unique_name = ":1.42"

    def __init__(self, code: int, uri: str) -> None:
        self.code, self.uri = code, uri
        self.calls: list[str] = []

    def __enter__(self) -> FakeBus:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass

    def send_and_get_reply(self, message: Any, timeout: float) -> Any:
        from jeepney import new_method_return

        self.calls.append(message.header.fields[3])  # the member
        return new_method_return(message, "o", ("/org/freedesktop/portal/desktop/request/x",))

    def filter(self, rule: Any) -> Any:
        import contextlib

        return contextlib.nullcontext(deque())

    def recv_until_filtered(self, queue: Any, timeout: float) -> Any:
        from jeepney import DBusAddress, new_signal

        request = DBusAddress("/r", interface="org.freedesktop.portal.Request")
        results = {"uri": ("s", self.uri)}
        return new_signal(request, "Response", "ua{sv}", (self.code, results))


def test_the_portal_screenshot_is_read_then_deleted(tmp_path: Path) -> None:
    pytest.importorskip("jeepney")  # Linux only
    shot = tmp_path / "Screenshot.png"
    Image.new("RGB", (1280, 800), (0, 0, 255)).save(shot)
    bus = FakeBus(0, shot.as_uri())
    picture = capture(
        ScreenTarget.FOCUS,
        grabber=PortalGrabber({}, connect=lambda _address: bus),
        locator=NoLocator("Wayland"),
    )
    assert picture.size == (1280, 800) and picture.image.getpixel((5, 5)) == (0, 0, 255)
    assert picture.source == "screen: whole screen (no active window found)"
    assert bus.calls == ["AddMatch", "Screenshot"]
    assert not shot.exists(), "a screen must not stay in the Pictures folder"


def test_the_portal_refused_or_missing_is_one_sentence() -> None:
    pytest.importorskip("jeepney")  # Linux only
    refusing = PortalGrabber({}, connect=lambda _address: FakeBus(1, ""))
    with pytest.raises(ScreenCaptureError, match="did not allow Describe"):
        capture(ScreenTarget.SCREEN, grabber=refusing, locator=NoLocator("Wayland"))

    def no_bus(_address: str) -> Any:
        raise OSError("no such file")

    with pytest.raises(ScreenCaptureError, match="no screenshot portal"):
        PortalGrabber({}, connect=no_bus).monitors()


# -- prompts -----------------------------------------------------------------------------


def _picture() -> Picture:
    return Picture(
        image=Image.new("RGB", (8, 8)), source="screen: whole screen", original_size=(8, 8)
    )


def test_a_screen_is_described_with_its_text_given_once() -> None:
    conversation = ScreenConversation(_picture(), read_text="Invoice 4821\nTotal 73.90")
    first = conversation.describe_request()
    messages = build_messages(first.prompt)
    opening = messages[0]["content"]
    assert opening[0] == {"type": "image"}
    assert opening[-1]["text"].startswith(READ_TEXT_INTRO + "Invoice 4821\nTotal 73.90")
    assert SCREEN_PROMPT in opening[-1]["text"]

    conversation.record(first, "A mail program shows an invoice.")
    follow_up = build_messages(conversation.question_request("What is the total?").prompt)
    texts = [part["text"] for m in follow_up for part in m["content"] if "text" in part]
    assert sum("Total 73.90" in t for t in texts) == 1, "the screen's text goes in once"
    assert texts[-1].startswith("What is the total?")


def test_a_focused_picture_gets_the_picture_prompt_and_no_empty_text() -> None:
    conversation = ScreenConversation(_picture(), picture_only=True)
    text = build_messages(conversation.describe_request().prompt)[0]["content"][-1]["text"]
    assert text == SCREEN_IMAGE_PROMPT


def test_a_retina_mac_is_grabbed_at_its_native_pixels(monkeypatch: pytest.MonkeyPatch) -> None:
    from mss import darwin

    from describe_app.core.screen.grabbers import MssGrabber

    monkeypatch.setattr(darwin, "IMAGE_OPTIONS", darwin.IMAGE_OPTIONS)  # restored afterwards
    monkeypatch.setattr(sys, "platform", "darwin")
    assert darwin.IMAGE_OPTIONS & darwin.kCGWindowImageNominalResolution  # mss's default
    MssGrabber(factory=lambda: object())
    # Quartz then gives the real pixels; the frame and opacity options stay as mss sets them
    assert (
        darwin.kCGWindowImageBoundsIgnoreFraming | darwin.kCGWindowImageShouldBeOpaque
    ) == darwin.IMAGE_OPTIONS

"""QA pass 4 on the camera's quick channels: glare on a page in document mode, and lines of
print that OpenCV's barcode detector outlines as if they were a barcode.

Glare: a page drawn with lines of print, photographed on a desk (perspective, camera
noise), with a lamp's reflection added on top (an elliptical bump of light, blurred, that
the camera clips to white in its core, with a halo round it). It must be said ("Glare on
the page") and the page must not be captured while it is there; white paper that is merely
bright, a blank margin in strong light and a small specular dot (on the desk or the page)
must not stop a capture.

Codes: pages of print (OpenCV's Hershey fonts and Pillow's default font, several sizes,
a column of small print, a newspaper's columns, a table of numbers), blurred a little as a
camera sees them, must give no code-like pattern (no aiming cue); EAN-13 and Code 128
codes too small or too blurred to read must still give one.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from describe_app.core.live import document_check
from describe_app.core.live.code_watch import CodeCheck, CodeCueFound, CodeWatcher
from describe_app.core.live.document_check import (
    PAGE_CUE_WORDS,
    DocumentCheck,
    PageLook,
    choose_page_cue,
    glare_on_page,
    look_at_page,
)
from describe_app.core.live.guidance import LOOK_WIDTH, Cue, grey_copy
from describe_app.core.reading import codes
from describe_app.core.reading.codes import ZxingCodeReader
from describe_app.core.reading.page_finder import find_page
from tests.code_scenes import Placement, bar_code, scene_with

W, H = 640, 480
WORDS = (
    "rent due on the first of each month please call the office before noon with any "
    "questions about your account balance"
).split()

# --- glare on a page ------------------------------------------------------------------------


def desk(seed: int = 0) -> np.ndarray:
    """A brown desk with a soft grain (float BGR)."""
    rng = np.random.default_rng(seed)
    grain = cv2.GaussianBlur(rng.normal(0, 18, (H, W)).astype(np.float32), (0, 0), 3)
    return np.array((60, 85, 110), np.float32) + grain[..., None]


def printed(
    paper: float = 222.0,
    *,
    line_px: int = 30,
    top_margin: float = 0.1,
    font: int = cv2.FONT_HERSHEY_SIMPLEX,
    seed: int = 1,
) -> np.ndarray:
    """A letter page (850 x 1100) of lines of words, paper at ``paper`` (above 255: burnt
    out, the print stays dark), as float grey."""
    rng = np.random.default_rng(seed)
    pw, ph = 850, 1100
    img = np.full((ph, pw), 255, np.uint8)
    side = 85
    y = int(ph * top_margin) + line_px
    while y < ph - side:
        x = side
        while True:
            word = str(rng.choice(WORDS))
            (tw, _th), _base = cv2.getTextSize(word, font, line_px / 30, 2)
            if x + tw > pw - side:
                break
            cv2.putText(img, word, (x, y), font, line_px / 30, 0, 2, cv2.LINE_AA)
            x += tw + line_px // 2
        y += int(line_px * 1.6)
    ink = 1.0 - img.astype(np.float32) / 255.0
    return paper - (paper - 30.0) * ink


def corners_of(
    cx: float, cy: float, pw: float, ph: float, angle: float
) -> list[tuple[float, float]]:
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    points = [(-pw / 2, -ph / 2), (pw / 2, -ph / 2), (pw / 2, ph / 2), (-pw / 2, ph / 2)]
    return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in points]


PAGE = corners_of(320, 240, 300, 390, 4)


def photographed(
    page: np.ndarray, corners: list[tuple[float, float]] = PAGE, *, noise: float = 2.0
) -> np.ndarray:
    """The page laid on the desk at ``corners``, with camera noise (float BGR)."""
    ph, pw = page.shape
    source = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    matrix = cv2.getPerspectiveTransform(source, np.float32(corners))
    warped = cv2.warpPerspective(page, matrix, (W, H), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones_like(page), matrix, (W, H))[..., None]
    frame = desk() * (1 - mask) + warped[..., None] * mask
    return frame + np.random.default_rng(7).normal(0, noise, frame.shape)


def reflection(
    frame: np.ndarray,
    centre: tuple[float, float],
    axes: tuple[float, float],
    *,
    angle: float = 0.0,
    peak: float = 270.0,
) -> np.ndarray:
    """A lamp's reflection: an elliptical bump of light, blurred, ``peak`` grey levels at
    its middle (over 255 - paper: burnt out in the core, with a halo round it)."""
    spot = np.zeros((H, W), np.float32)
    cv2.ellipse(spot, (round(centre[0]), round(centre[1])), (round(axes[0]), round(axes[1])),
                angle, 0, 360, 1.0, -1)  # fmt: skip
    spot = cv2.GaussianBlur(spot, (0, 0), 0.35 * max(axes))
    return frame + peak * (spot / spot.max())[..., None]


def camera(frame: np.ndarray) -> np.ndarray:
    return np.clip(frame, 0, 255).astype(np.uint8)


GLARE_SCENES = {
    "a round reflection over the middle": lambda: reflection(
        photographed(printed()), (330, 230), (60, 40)
    ),
    "a reflection over the top right print, turned": lambda: reflection(
        photographed(printed()), (380, 150), (50, 35), angle=30
    ),
    "a plastic sleeve's streak": lambda: reflection(
        photographed(printed()), (300, 280), (110, 25), angle=-20
    ),
    "small print, a darker page": lambda: reflection(
        photographed(printed(200, line_px=20, font=cv2.FONT_HERSHEY_DUPLEX)), (290, 260), (60, 45)
    ),
    "bright paper, a large page turned the other way": lambda: reflection(
        photographed(printed(236, seed=4), corners_of(310, 240, 330, 420, -7)), (250, 300), (70, 50)
    ),
}

NO_GLARE_SCENES = {
    "a plain page": lambda: photographed(printed()),
    "bright white paper": lambda: photographed(printed(252), noise=3),
    "white paper burnt out all over": lambda: photographed(printed(270)),
    "a white sheet under even, strong light": lambda: photographed(printed(246), noise=3),
    "a wide blank margin, the light from above": lambda: reflection(
        photographed(printed(225, top_margin=0.33)), (322, 95), (120, 28), peak=110
    ),
    "a specular dot on the desk": lambda: reflection(
        photographed(printed()), (90, 400), (18, 12), peak=300
    ),
    "a specular dot on the page": lambda: reflection(
        photographed(printed()), (330, 230), (7, 5), peak=300
    ),
}


@pytest.mark.parametrize("name", list(GLARE_SCENES))
def test_glare_over_the_print_is_said(name: str) -> None:
    frame = camera(GLARE_SCENES[name]())
    look, _small = look_at_page(frame)
    assert look.outline is not None
    assert look.outline.whole
    assert look.glare >= document_check.GLARE_SHARE
    assert choose_page_cue(look) is Cue.GLARE


@pytest.mark.parametrize("name", list(NO_GLARE_SCENES))
def test_bright_paper_margins_and_small_dots_are_no_glare(name: str) -> None:
    frame = camera(NO_GLARE_SCENES[name]())
    look, _small = look_at_page(frame)
    assert look.outline is not None
    assert look.outline.whole
    assert look.glare == 0.0
    assert choose_page_cue(look) is Cue.IN_VIEW


@pytest.mark.parametrize(
    ("paper", "line_px", "font", "centre", "axes", "angle"),
    [
        (199, 18, cv2.FONT_HERSHEY_TRIPLEX, (330, 289), (65, 48), 26),
        (222, 30, cv2.FONT_HERSHEY_SIMPLEX, (349, 262), (80, 62), 86),
    ],
)
def test_the_page_round_a_reflection_is_found_not_the_reflection(
    paper: float,
    line_px: int,
    font: int,
    centre: tuple[float, float],
    axes: tuple[float, float],
    angle: float,
) -> None:
    # a large reflection, whiter than the paper, took the bright side of the split alone
    corners = corners_of(330, 232, 322, 419, -14)
    page = printed(paper, line_px=line_px, font=font)
    frame = camera(reflection(photographed(page, corners), centre, axes, angle=angle, peak=310))
    outline = find_page(frame)
    assert outline is not None
    found = np.array(outline.corners)
    assert np.abs(found - np.array(corners)).max() < 12  # pixels, in a 640 x 480 frame
    grey = grey_copy(frame, LOOK_WIDTH)
    assert glare_on_page(grey, outline) >= document_check.GLARE_SHARE


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run_checks(check: DocumentCheck, clock: _Clock, frames: list[np.ndarray]) -> list[Cue]:
    said = []
    for frame in frames:
        found = check.check(frame)
        if found is not None:
            said.append(found.cue)
        clock.now += check.interval_s
    return said


def test_a_page_under_glare_is_not_captured_until_the_glare_goes() -> None:
    clock = _Clock()
    check = DocumentCheck(clock=clock)
    glare = camera(GLARE_SCENES["a round reflection over the middle"]())
    said = run_checks(check, clock, [glare] * 15)  # 3 seconds, still
    assert said == [Cue.GLARE]
    assert PAGE_CUE_WORDS[Cue.GLARE] == (
        "Glare on the page. Tilt the page or move away from the light."
    )
    said = run_checks(check, clock, [camera(photographed(printed()))] * 10)
    assert said == [Cue.READY]


def test_a_bright_white_page_is_captured() -> None:
    clock = _Clock()
    check = DocumentCheck(clock=clock)
    said = run_checks(check, clock, [camera(photographed(printed(270)))] * 10)
    assert said == [Cue.READY]


def test_glare_comes_after_the_page_is_placed_and_before_hold_still() -> None:
    outline = find_page(camera(photographed(printed())))
    assert outline is not None
    assert choose_page_cue(PageLook(120.0, 100.0, 9.0, outline, glare=0.1)) is Cue.GLARE
    assert choose_page_cue(PageLook(120.0, 100.0, 0.0, None, glare=0.1)) is Cue.NO_TEXT


# --- lines of print are no barcode ----------------------------------------------------------


def hershey_page(
    font: int, scale: float, thickness: int, *, columns: int = 1, seed: int = 3
) -> np.ndarray:
    """A page of print filling the frame (grey), in ``columns`` columns."""
    rng = np.random.default_rng(seed)
    img = np.full((H, W), 236, np.uint8)
    pitch = max(8, round(scale * 39))
    width = W // columns
    for column in range(columns):
        y = pitch
        while y < H - 4:
            x = 10 + column * width
            while True:
                word = str(rng.choice(WORDS))
                (tw, _th), _base = cv2.getTextSize(word, font, scale, thickness)
                if x + tw > (column + 1) * width - 12:
                    break
                cv2.putText(img, word, (x, y), font, scale, 20, thickness, cv2.LINE_AA)
                x += tw + round(scale * 12)
            y += pitch
    return img


def pillow_page(size: int, *, columns: int = 2, seed: int = 5) -> np.ndarray:
    """A page in Pillow's default font, ``size`` pixels, in ``columns`` columns (grey)."""
    rng = np.random.default_rng(seed)
    picture = Image.new("L", (W, H), 238)
    draw = ImageDraw.Draw(picture)
    font = ImageFont.load_default(size=size)
    width = W // columns
    for column in range(columns):
        y = 5
        while y < H - size:
            line = " ".join(str(w) for w in rng.choice(WORDS, 12))
            while draw.textlength(line, font=font) > width - 16:
                line = line.rsplit(" ", 1)[0]
            draw.text((8 + column * width, y), line, fill=12, font=font)
            y += round(size * 1.25) + 1
    return np.asarray(picture).copy()


def number_table(seed: int = 8) -> np.ndarray:
    """A table of prices in columns, with ruled lines (grey)."""
    rng = np.random.default_rng(seed)
    img = np.full((H, W), 240, np.uint8)
    for y in range(30, H - 10, 24):
        cv2.line(img, (10, y + 6), (W - 10, y + 6), 150, 1)
        for x in range(16, W - 100, 104):
            text = f"{rng.integers(10, 99999):>5}.{rng.integers(0, 99):02d}"
            cv2.putText(img, text, (x, y), cv2.FONT_HERSHEY_DUPLEX, 0.6, 15, 1, cv2.LINE_AA)
    return img


def seen(grey: np.ndarray, blur: float) -> np.ndarray:
    """As a camera a little out of focus sees it (BGR, with noise)."""
    soft = cv2.GaussianBlur(grey.astype(np.float32), (0, 0), blur)
    noisy = soft + np.random.default_rng(2).normal(0, 2.0, soft.shape)
    return cv2.cvtColor(np.clip(noisy, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)


PRINT_SCENES = {
    "large sans print": lambda: seen(hershey_page(cv2.FONT_HERSHEY_SIMPLEX, 1.6, 2), 1.2),
    "large serif print": lambda: seen(hershey_page(cv2.FONT_HERSHEY_TRIPLEX, 1.6, 1), 1.2),
    "a page of small print": lambda: seen(hershey_page(cv2.FONT_HERSHEY_PLAIN, 0.4, 2), 2.0),
    "a newspaper's columns": lambda: seen(
        hershey_page(cv2.FONT_HERSHEY_DUPLEX, 0.4, 1, columns=3), 2.0
    ),
    "Pillow's default font, 8 pixels": lambda: seen(pillow_page(8, columns=1), 1.6),
    "Pillow's default font, 12 pixels, two columns": lambda: seen(pillow_page(12), 2.0),
    "a table of numbers": lambda: seen(number_table(1), 1.0),
    "a table of numbers, more blurred": lambda: seen(number_table(8), 1.5),
}


@pytest.fixture(scope="module")
def reader() -> ZxingCodeReader:
    return ZxingCodeReader()


@pytest.mark.parametrize("name", list(PRINT_SCENES))
def test_lines_of_print_are_no_code_like_pattern(reader: ZxingCodeReader, name: str) -> None:
    look = reader.read(PRINT_SCENES[name]())
    assert look.codes == ()
    assert look.unread == ()


def test_a_page_of_print_in_the_live_view_gets_no_aiming_cue(reader: ZxingCodeReader) -> None:
    clock = _Clock()
    check = CodeCheck(reader, clock=clock)
    for name in PRINT_SCENES:
        frame = PRINT_SCENES[name]()
        for _ in range(3):
            assert check.check(frame) is None, name
            clock.now += check.interval_s


TOO_SMALL_OR_BLURRED = {
    "EAN-13, small": (("ean13", "590123412345", 3), Placement(scale=0.3)),
    "EAN-13, small and turned": (("ean13", "590123412345", 3), Placement(scale=0.3, angle=20)),
    "EAN-13, blurred": (("ean13", "590123412345", 2), Placement(scale=0.6, blur=2.0)),
    "Code 128, small": (("code128", "Describe-42", 2), Placement(scale=0.4)),
    "Code 128, blurred and turned": (
        ("code128", "PARCEL 7781", 3),
        Placement(scale=0.4, blur=1.0, angle=160),
    ),
    "Code 128, small and blurred": (("code128", "Describe-42", 3), Placement(scale=0.3, blur=1.0)),
}


@pytest.mark.parametrize("name", list(TOO_SMALL_OR_BLURRED))
def test_a_code_too_small_or_blurred_to_read_still_gets_a_cue(
    reader: ZxingCodeReader, name: str
) -> None:
    (kind, digits, module_px), placement = TOO_SMALL_OR_BLURRED[name]
    frame = scene_with(bar_code(kind, digits, module_px=module_px), placement)
    look = reader.read(frame)
    assert look.codes == ()
    assert look.unread
    clock = _Clock()
    watcher = CodeWatcher(clock=clock)
    events = []
    for _ in range(3):
        events.append(watcher.observe(look))
        clock.now += 0.25
    assert any(isinstance(event, CodeCueFound) for event in events)


def test_bars_and_print_are_told_apart_by_the_stripes_alone() -> None:
    """The measure on its own: a level EAN-13's box holds bars; a box round one word of
    large print (the strokes of "minimum") does not, nor does a strip across a paragraph
    of small print (lines as long as bars, broken by the gaps between words)."""
    code = np.full((200, 400), 240, np.uint8)
    bars = bar_code("ean13", "590123412345", module_px=2, height_px=90)
    code[50 : 50 + bars.shape[0], 40 : 40 + bars.shape[1]] = bars
    box = (
        (60 / 400, 60 / 200),
        (250 / 400, 60 / 200),
        (250 / 400, 130 / 200),
        (60 / 400, 130 / 200),
    )
    assert codes._holds_bars(cv2.GaussianBlur(code, (0, 0), 1.0), box)

    word = np.full((120, 400), 236, np.uint8)
    cv2.putText(word, "minimum", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 20, 3, cv2.LINE_AA)
    word = cv2.GaussianBlur(word, (0, 0), 1.2)
    (x0, y0, x1, y1) = (20, 55, 300, 80)  # the x-height band of the word
    box = ((x0 / 400, y0 / 120), (x1 / 400, y0 / 120), (x1 / 400, y1 / 120), (x0 / 400, y1 / 120))
    assert not codes._holds_bars(word, box)

    paragraph = cv2.GaussianBlur(hershey_page(cv2.FONT_HERSHEY_PLAIN, 0.4, 1), (0, 0), 1.5)
    box = ((20 / W, 20 / H), (230 / W, 20 / H), (230 / W, 460 / H), (20 / W, 460 / H))
    assert not codes._holds_bars(paragraph, box)

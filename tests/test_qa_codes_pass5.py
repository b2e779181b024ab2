"""QA pass 5 on codes (issue 17): real-world camera conditions.

Each kind (QR, Data Matrix, EAN-13, EAN-8, UPC-A, Code 128) is drawn from its modules and
photographed (tests/code_scenes.py: ``Shot``): out of focus (Gaussian and disc), moved,
small, tilted away up to 50 degrees, turned any way, dim and grainy, in a shadow, under
uneven light and glare, JPEG-compressed, round a bottle, light on dark, cut off at the
frame's edge, several in one view, beside dense print, at 640x480 and 1280x720.

Found and fixed here: a product number read wrongly from a sharpened copy (an EAN-8
96385074 said as 96381014, an EAN-13 4006381333931 as UPC-A 086707333931: the one check
digit passed), and QR and Data Matrix codes blurred by 2 pixels on 3-pixel modules (or 3
on 4) not read at all. Not read yet: a blur of 2.5 pixels on 3-pixel modules, a disc
of 3 pixels and motion of 8 pixels on square codes (see ``READ_RATES``).
"""

from __future__ import annotations

import functools
import time
from dataclasses import replace

import cv2
import numpy as np
import pytest

from describe_app.core.reading.codes import ZxingCodeReader
from tests.code_scenes import (
    CAMERA_CONDITIONS,
    CAMERA_KINDS,
    Shot,
    beside_print_frame,
    camera_expected,
    camera_frame,
    camera_look,
    camera_photo,
    cut_off_frame,
    several_codes_frame,
    varied,
)

SEEDS = 2  # frames of each kind in each condition (level, a little turned)
PRODUCT_KINDS = ["ean-13", "ean-8", "upc-a"]


def _read(frame: np.ndarray, reader: ZxingCodeReader | None = None) -> set[tuple[str, str]]:
    return {(code.kind, code.text) for code in (reader or ZxingCodeReader()).read(frame).codes}


# --- no product number is ever said wrongly ------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "shot", "seed"),
    [
        # read as EAN-8 96381014 from the sharpened frame (with the right one)
        ("ean-8", Shot(module=2.0, blur=1.0), 0),
        # read as UPC-A 086707333931 (with the right one, 4006381333931)
        ("ean-13", Shot(module=2.0, blur=1.3, noise=2.0, jpeg=70), 3),
    ],
    ids=["ean-8 as 96381014", "ean-13 as 086707333931"],
)
def test_a_sharpened_copy_does_not_make_a_second_wrong_product_number(
    kind: str, shot: Shot, seed: int
) -> None:
    found = _read(camera_frame(kind, varied(shot, seed), seed))
    assert found <= {camera_expected(kind)}


@functools.cache
def _small_blurred_products() -> tuple[int, int, list[str]]:
    """(read, tried, misread) over product codes of small modules, a little blurred and
    grainy: the conditions that made wrong numbers."""
    read = tried = 0
    wrong: list[str] = []
    reader = ZxingCodeReader()
    for kind in PRODUCT_KINDS:
        for module in (1.5, 2.0, 2.5):
            for blur in (0.8, 1.0, 1.3):
                for seed in range(4):
                    shot = varied(Shot(module=module, blur=blur, noise=2.0, jpeg=70), seed)
                    found = _read(camera_frame(kind, shot, seed), reader)
                    read += camera_expected(kind) in found
                    tried += 1
                    wrong += [
                        f"{kind} {module} {blur} {seed}: {f}"
                        for f in found
                        if f != camera_expected(kind)
                    ]
    return read, tried, wrong


@pytest.mark.slow
def test_small_blurred_product_codes_are_read_and_never_misread() -> None:
    # HEAD: 90 of 108 read, 2 frames with a wrong number; now 90, none
    read, tried, wrong = _small_blurred_products()
    assert wrong == []
    assert read >= 84, f"{read}/{tried}"


@pytest.mark.parametrize("kind", list(CAMERA_KINDS))
@pytest.mark.parametrize("side", ["left", "right", "top", "bottom"])
def test_a_code_cut_off_at_the_frame_edge_is_never_misread(kind: str, side: str) -> None:
    for shown in (0.5, 0.7, 0.85):
        for blur in (0.0, 1.2):
            found = _read(cut_off_frame(kind, side, shown, Shot(blur=blur)))
            assert found <= {camera_expected(kind)}, (shown, blur)


# --- blurred square codes --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["qr", "data matrix"])
@pytest.mark.parametrize(
    "shot",
    [
        Shot(blur=2.0),
        Shot(blur=2.0, size=(1280, 720)),
        Shot(module=4.0, blur=3.0),
    ],
    ids=["3-px modules, blur 2", "1280x720, 3-px modules, blur 2", "4-px modules, blur 3"],
)
def test_a_blurred_square_code_held_in_view_is_read_within_three_checks(
    kind: str, shot: Shot
) -> None:
    """HEAD read none of these (0 of 12 frames); the deblurred look, dividing out a blur of 2
    pixels, then 1, then 2.8 in the checks that follow, reads them. The three frames are the
    same scene with other grain."""
    reads = 0
    for seed in range(2):
        reader = ZxingCodeReader()
        placed = varied(replace(shot, noise=1.5), seed)
        checks = [camera_frame(kind, placed, seed + grain) for grain in (0, 100, 200)]
        reads += any(camera_expected(kind) in _read(frame, reader) for frame in checks)
    assert reads == 2


def test_the_first_check_of_a_photo_divides_out_a_blur_of_2_pixels() -> None:
    """A photo is read once, by a new reader: the first blur tried is the commonest."""
    frame = camera_frame("qr", Shot(blur=2.0, angle=10.0))
    assert _read(frame) == {camera_expected("qr")}


# --- every condition ------------------------------------------------------------------

#: condition: frames read of 12 (6 kinds, SEEDS each), at least (measured, less a margin).
#: HEAD, measured the same way, is in the comment where it read fewer.
READ_RATES: dict[str, int] = {
    "sharp": 12,
    "Gaussian blur 1.5 px": 10,
    "Gaussian blur 2 px": 9,  # HEAD 7 (6 with QR and Data Matrix missed)
    "Gaussian blur 2.5 px": 0,  # not read yet
    "defocus disc 2 px": 11,
    "defocus disc 3 px": 5,  # 1-D codes only; square codes not read yet
    "motion 5 px": 11,
    "motion 8 px": 7,  # 1-D codes only
    "modules of 2 px": 10,
    "modules of 2 px, blur 1": 9,
    "modules of 4 px, blur 3": 0,  # square codes read in the third check (see above)
    "tilted 35": 10,
    "tilted 50": 10,
    "dim, grainy": 11,
    "very dim, grainy": 10,
    "shadow across": 8,
    "uneven light": 11,
    "glare": 11,
    "JPEG 30, modules of 2.5 px": 11,
    "JPEG 50, blur 1": 10,
    "round a bottle": 10,
    "round a thin bottle": 10,
    "light on dark": 11,
    "light on dark, blur 1.5": 9,
    "1280x720, modules of 3 px, blur 2": 10,  # HEAD 8 (QR, Data Matrix missed)
    "1280x720, modules of 2 px, JPEG 40": 11,
}


@functools.cache
def _condition(name: str) -> tuple[int, list[str]]:
    """(frames read, misreadings) in condition ``name``, each frame by a new reader."""
    read, wrong = 0, []
    for kind in CAMERA_KINDS:
        for seed in range(SEEDS):
            found = _read(camera_frame(kind, varied(CAMERA_CONDITIONS[name], seed), seed))
            read += camera_expected(kind) in found
            wrong += [f"{kind} {seed}: {f}" for f in found if f != camera_expected(kind)]
    return read, wrong


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CAMERA_CONDITIONS))
def test_read_rate_in_each_camera_condition(name: str) -> None:
    read, wrong = _condition(name)
    assert wrong == []
    assert read >= READ_RATES[name], f"{name}: {read} of {len(CAMERA_KINDS) * SEEDS}"


# --- several codes, and print beside a code ----------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "size"),
    [
        (["qr", "ean-13", "data matrix", "code 128"], (1280, 720)),
        (["upc-a", "ean-8", "qr", "data matrix"], (1280, 720)),
        (["qr", "ean-13"], (640, 480)),
    ],
)
def test_several_codes_in_one_view_are_all_read(kinds: list[str], size: tuple[int, int]) -> None:
    for seed in range(2):
        found = _read(several_codes_frame(kinds, size, seed=seed))
        assert found == {camera_expected(kind) for kind in kinds}, seed


@pytest.mark.parametrize("kind", list(CAMERA_KINDS))
def test_a_code_beside_dense_print_is_read_alone(kind: str) -> None:
    for blur in (0.0, 1.5):
        found = _read(beside_print_frame(kind, Shot(blur=blur, angle=8.0)))
        assert found == {camera_expected(kind)}, blur


# --- time ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(640, 480), (1280, 720)])
def test_a_frame_with_no_code_costs_little_processor_time(size: tuple[int, int]) -> None:
    """Four checks a second in the live view. Processor time (of this thread, one OpenCV
    thread), so that other work on the machine does not count: a 640x480 frame with no
    code took 36 ms before this pass and 49 ms after (the deblurred look), 1280x720 66 and
    about 130 ms."""
    frame = camera_look(camera_photo("coffee", size), Shot(size=size))
    reader = ZxingCodeReader()
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        times = []
        for _ in range(3):
            start = time.thread_time()
            assert reader.read(frame).codes == ()
            times.append(time.thread_time() - start)
    finally:
        cv2.setNumThreads(threads)
    assert min(times) < (0.1 if size[0] <= 640 else 0.2), times

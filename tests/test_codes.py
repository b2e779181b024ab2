"""QR codes and barcodes made at test time are read, also turned, small and blurred; a frame
with no code says nothing; contents are cleaned; live codes are said once, with aiming cues."""

from __future__ import annotations

import numpy as np
import pytest

from describe_app.core.live.code_watch import (
    CodeCue,
    CodeCueFound,
    CodesFound,
    CodeWatcher,
    aim_cue,
)
from describe_app.core.reading.codes import (
    MAX_CONTENT,
    CodeLook,
    FoundCode,
    ZxingCodeReader,
    clean_content,
)
from tests.camera_scenes import background
from tests.code_scenes import PLACEMENTS, code_cases, qr_code, scene_with

CASES = code_cases()


@pytest.fixture(scope="module")
def reader() -> ZxingCodeReader:
    return ZxingCodeReader()


@pytest.mark.parametrize("placement", list(PLACEMENTS))
@pytest.mark.parametrize(("kind", "content"), [(k, c) for k, c, _img in CASES])
def test_each_kind_of_code_is_read_in_each_placement(
    reader: ZxingCodeReader, kind: str, content: str, placement: str
) -> None:
    image = next(img for k, _c, img in CASES if k == kind)
    look = reader.read(scene_with(image, PLACEMENTS[placement]))
    assert [(c.kind, c.text) for c in look.codes] == [(kind, content)]


def test_a_frame_with_no_code_finds_nothing_and_no_pattern(reader: ZxingCodeReader) -> None:
    look = reader.read(background())
    assert look.codes == ()
    assert look.unread == ()


def test_a_pillow_picture_is_read_too(reader: ZxingCodeReader) -> None:
    from PIL import Image

    frame = scene_with(qr_code("hello"))
    picture = Image.fromarray(np.ascontiguousarray(frame[:, :, ::-1]), "RGB")
    assert [c.text for c in reader.read(picture).codes] == ["hello"]


def test_escape_sequences_in_a_qr_code_are_cleaned_out(reader: ZxingCodeReader) -> None:
    payload = "Menu\x1b]0;owned\x07 today\x1b[2J\x9b31m\x00 ok"
    look = reader.read(scene_with(qr_code(payload)))
    (code,) = look.codes
    assert code.text == "Menu today ok"
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in code.sentence())


def test_long_contents_are_cut_and_put_on_one_line() -> None:
    assert clean_content("a\n\tb   c") == "a b c"
    cut = clean_content("x" * (MAX_CONTENT + 50))
    assert len(cut) == MAX_CONTENT and cut.endswith("…")


def test_sentences_say_product_digits_one_by_one_and_web_addresses_as_text() -> None:
    assert FoundCode("EAN-8", "96385074").sentence() == "EAN-8 product code: 9 6 3 8 5 0 7 4."
    web = FoundCode("QR code", "https://example.org/a")
    assert web.is_web_address
    assert web.sentence() == "QR code with a web address: https://example.org/a"
    assert FoundCode("Code 128", "ABC-1").sentence() == "Code 128: ABC-1"
    assert FoundCode("QR code", "visit https://x.org").is_web_address is False


def test_aim_cues_follow_where_the_pattern_is() -> None:
    small = ((0.45, 0.45), (0.55, 0.45), (0.55, 0.55), (0.45, 0.55))
    big = ((0.2, 0.2), (0.8, 0.2), (0.8, 0.8), (0.2, 0.8))
    left = ((0.0, 0.3), (0.3, 0.3), (0.3, 0.6), (0.0, 0.6))
    bottom = ((0.3, 0.7), (0.6, 0.7), (0.6, 1.0), (0.3, 1.0))
    assert aim_cue(small) is CodeCue.MOVE_CLOSER
    assert aim_cue(big) is CodeCue.HOLD_STILL
    assert aim_cue(left) is CodeCue.MOVE_LEFT
    assert aim_cue(bottom) is CodeCue.MOVE_DOWN


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_code_is_said_once_while_in_view_and_again_after_it_left() -> None:
    clock = _Clock()
    watcher = CodeWatcher(clock=clock)
    code = FoundCode("QR code", "hello")
    said = []
    for step in range(40):  # 10 s: in view 0-3 s, gone 3-6 s, back 6-10 s
        clock.now = step * 0.25
        in_view = clock.now < 3.0 or clock.now >= 6.0
        said.append(watcher.observe(CodeLook((code,) if in_view else ())))
    found = [(i, s) for i, s in enumerate(said) if s is not None]
    assert found == [(0, CodesFound((code,))), (24, CodesFound((code,)))]


def test_a_code_missed_in_one_frame_is_not_said_again() -> None:
    clock = _Clock()
    watcher = CodeWatcher(clock=clock)
    code = FoundCode("EAN-13", "4006381333931")
    assert watcher.observe(CodeLook((code,))) == CodesFound((code,))
    clock.now = 0.5
    assert watcher.observe(CodeLook(())) is None  # blurred for a moment
    clock.now = 1.0
    assert watcher.observe(CodeLook((code,))) is None


def test_an_unreadable_pattern_gets_one_cue_after_two_checks() -> None:
    clock = _Clock()
    watcher = CodeWatcher(clock=clock)
    small = ((0.45, 0.45), (0.55, 0.45), (0.55, 0.55), (0.45, 0.55))
    seen = CodeLook((), (small,))
    results = []
    for step in range(12):
        clock.now = step * 0.25
        results.append(watcher.observe(seen))
    assert results[0] is None
    assert results[1] == CodeCueFound(CodeCue.MOVE_CLOSER)
    assert results[2:] == [None] * 10  # never twice in a row


def test_a_blurred_code_in_the_live_view_gets_a_cue_then_is_read(reader: ZxingCodeReader) -> None:
    """A real frame: a Code 128 too small to read gives "move closer"; brought closer it
    is read."""
    from tests.code_scenes import Placement, bar_code

    code = bar_code("code128", "ABC-12345", module_px=2)
    clock = _Clock()
    watcher = CodeWatcher(clock=clock)
    far = scene_with(code, Placement(scale=0.4))
    events = []
    for step in range(3):
        clock.now = step * 0.25
        events.append(watcher.observe(reader.read(far)))
    assert CodeCueFound(CodeCue.MOVE_CLOSER) in events
    clock.now = 1.0
    near = watcher.observe(reader.read(scene_with(code, Placement(scale=1.5))))
    assert isinstance(near, CodesFound)
    assert [c.text for c in near.codes] == ["ABC-12345"]


@pytest.mark.parametrize(
    ("payload", "said"),
    [
        (bytes(range(0, 256, 7)), "QR code: data, not text (37 bytes)"),  # random-like
        ("héllo €", "QR code: héllo €"),  # text in UTF-8
        (b"h\xe9llo caf\xe9", "QR code: héllo café"),  # text in Latin-1: still text
        ("menu \x1b]0;owned\x07 today", "QR code: menu today"),  # text, cleaned
    ],
)
def test_a_code_holding_data_says_so_instead_of_spelling_bytes(
    reader: ZxingCodeReader, payload: str | bytes, said: str
) -> None:
    look = reader.read(scene_with(qr_code(payload), PLACEMENTS["straight"]))
    assert [code.sentence() for code in look.codes] == [said]

"""Document mode: cues for a page coming into view, one capture when it is whole and still,
and the page read like a document (words, headings, columns in order)."""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from describe_app.cli.app import main
from describe_app.core.live.document_check import (
    PAGE_CUE_WORDS,
    DocumentCheck,
    PageLook,
    choose_page_cue,
)
from describe_app.core.live.guidance import Cue
from describe_app.core.reading.ocr_reader import OcrReader
from describe_app.core.reading.page_finder import Edge, PageOutline
from tests.camera_scenes import write_video
from tests.document_scenes import word_accuracy
from tests.page_scenes import (
    LIST_ITEMS,
    TABLE,
    moved,
    newsletter_page,
    photographed,
    table_top,
)

STAMP = re.compile(r"^\[\d\d:\d\d\.\d\] ")


def shifted(dx: float, **look: float) -> np.ndarray:
    return photographed(newsletter_page().image, moved(dx), **look)  # type: ignore[arg-type]


def sliding_frames() -> list[np.ndarray]:
    """10 fps: the table alone (2 s), the page with its left edge out of view (2.5 s),
    the page sliding in (1 s), then the whole page still (3 s)."""
    frames = [table_top()] * 20 + [shifted(-500)] * 25
    frames += [shifted(-500 + 50 * i, blur=2.0) for i in range(10)]
    return frames + [shifted(0)] * 30


@pytest.fixture(scope="module")
def sliding_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_video(tmp_path_factory.mktemp("video") / "page.avi", sliding_frames())


# --- choosing the cue --------------------------------------------------------------------


def outline(cut: set[Edge] | None = None, share: float = 0.4) -> PageOutline:
    corners = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))
    return PageOutline(corners, (640, 480), frozenset(cut or ()), share)


@pytest.mark.parametrize(
    ("look", "cue"),
    [
        (PageLook(20.0, 100.0, 0.0, outline()), Cue.TOO_DARK),
        (PageLook(120.0, 100.0, 0.0, None), Cue.NO_TEXT),
        (PageLook(120.0, 100.0, 0.0, outline({Edge.LEFT, Edge.RIGHT})), Cue.TOO_CLOSE),
        (PageLook(120.0, 100.0, 0.0, outline({Edge.LEFT, Edge.TOP, Edge.BOTTOM})), Cue.TOO_CLOSE),
        (PageLook(120.0, 100.0, 9.0, outline({Edge.TOP, Edge.RIGHT})), Cue.CUT_RIGHT),
        (PageLook(120.0, 100.0, 0.0, outline({Edge.BOTTOM})), Cue.CUT_BOTTOM),
        (PageLook(120.0, 100.0, 0.0, outline(share=0.05)), Cue.TOO_FAR),
        (PageLook(120.0, 100.0, 9.0, outline()), Cue.HOLD_STILL),
        (PageLook(120.0, 5.0, 0.0, outline()), Cue.HOLD_STILL),
        (PageLook(120.0, 100.0, None, outline()), Cue.IN_VIEW),
    ],
)
def test_one_cue_for_what_is_missing(look: PageLook, cue: Cue) -> None:
    assert choose_page_cue(look) is cue


def test_every_cue_has_words_for_a_page() -> None:
    assert set(PAGE_CUE_WORDS) == set(Cue)
    assert PAGE_CUE_WORDS[Cue.CUT_TOP] == "Top edge not visible. Move the page down."


# --- the check on frames -----------------------------------------------------------------


def run_check(frames: list[np.ndarray], fps: float = 10.0) -> list[tuple[float, Cue]]:
    now = [0.0]
    check = DocumentCheck(clock=lambda: now[0])
    said = []
    for index, frame in enumerate(frames):
        now[0] = index / fps
        event = check.check(frame)
        if event is not None:
            said.append((now[0], event.cue))
            if event.cue is Cue.READY:
                assert event.frame is frame and event.outline is not None
                assert event.outline.whole
    return said


def test_a_page_sliding_into_view_gets_cues_in_order_and_one_capture() -> None:
    cues = [cue for _, cue in run_check(sliding_frames()[::2], fps=5.0)]
    assert cues == [Cue.NO_TEXT, Cue.CUT_LEFT, Cue.HOLD_STILL, Cue.READY]


def test_the_next_page_laid_on_the_first_is_captured_too() -> None:
    first = shifted(0)
    second = first.copy()
    cv2.rectangle(second, (400, 300), (900, 700), (250, 250, 250), -1)  # other print
    frames = [first] * 15 + [shifted(40, blur=3.0)] * 3 + [second] * 15 + [second] * 15
    said = run_check(frames, fps=5.0)
    assert [cue for _, cue in said].count(Cue.READY) == 2


# --- reading the page --------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("look", "target"),
    [({}, 0.98), ({"shadow": True, "blur": 1.5}, 0.9), ({"shadow": True, "blur": 2.5}, 0.9)],
    ids=["clean", "shadow-blur-1.5", "shadow-blur-2.5"],
)
def test_the_photographed_page_is_read_like_a_document(
    page_reader: OcrReader,
    look: dict[str, float],
    target: float,
) -> None:
    from describe_app.core.reading.page_reader import read_page

    printed = newsletter_page()
    page = read_page(photographed(printed.image, **look), page_reader)  # type: ignore[arg-type]
    accuracy = word_accuracy(printed.lines, page.text)
    print(f"word accuracy {look}: {accuracy:.1%}")
    assert accuracy >= target
    headings = [b.text for b in page.blocks if b.kind == "heading"]
    if look:  # a blurred title may lose its spaces ("GardenClubNews"), it is still the title
        assert [h.replace(" ", "") for h in headings] == [
            h.replace(" ", "") for h in printed.headings
        ]
    else:
        assert headings == printed.headings
    assert [b.level for b in page.blocks if b.kind == "heading"] == [1, 2, 2]
    texts = [b.text for b in page.blocks]
    assert texts.index("Spring planting") < texts.index("Opening hours")  # columns in order
    assert [b.text for b in page.blocks if b.kind == "list_item"] == LIST_ITEMS
    assert [b.text for b in page.blocks if b.kind == "table"] == [
        "\n".join(" | ".join(row) for row in TABLE)
    ]


@pytest.mark.slow
def test_a_page_lying_upside_down_is_read_the_right_way_round(page_reader: OcrReader) -> None:
    from describe_app.core.reading.page_reader import read_page

    printed = newsletter_page()
    page = read_page(photographed(printed.image.rotate(180)), page_reader)
    assert word_accuracy(printed.lines, page.text) >= 0.98
    assert page.blocks[0].text == "Garden Club News"
    assert page.image is not None  # the picture turned too, so a PDF's words fit it
    assert page.lines[0].pieces[0].box[1] < page.image.height / 4  # the title at the top


@pytest.mark.slow
def test_document_command_guides_captures_once_and_saves(
    sliding_video: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "letter.md"
    assert main(["document", "--camera", str(sliding_video), "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    cues = [STAMP.sub("", line) for line in printed if STAMP.match(line)]
    assert cues == [
        "Document mode on. Put a page in front of the camera.",
        PAGE_CUE_WORDS[Cue.NO_TEXT],
        PAGE_CUE_WORDS[Cue.CUT_LEFT],
        PAGE_CUE_WORDS[Cue.HOLD_STILL],
        PAGE_CUE_WORDS[Cue.READY],
        "Page 1.",
    ]
    assert "# Garden Club News" in printed
    assert "## Opening hours" in printed
    saved = out.read_text(encoding="utf-8")
    assert saved.startswith("# Garden Club News\n")
    assert "- Bring your own gloves" in saved
    assert "| Monday | Digging | 9:00 |" in saved


def test_document_command_refuses_an_unknown_file_kind_at_once(
    sliding_video: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["document", "--camera", str(sliding_video), "--out", "letter.docx"]
    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == (
        "describe-app: Describe can save a document as .txt, .md or .pdf, not as letter.docx."
    )


@pytest.mark.slow
def test_read_layout_prints_a_scan_as_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scan = tmp_path / "scan.png"
    printed = newsletter_page()
    printed.image.rotate(2.5, fillcolor=(250, 250, 246), expand=True).save(scan)
    assert main(["read", str(scan), "--layout"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Garden Club News\n\n## Spring planting\n\nOur beds are ready")
    assert "\n\n- Label every row\n\n## Opening hours\n\nThe garden gate" in out
    assert word_accuracy(printed.lines, out) >= 0.98

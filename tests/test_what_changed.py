""" "What changed" without the window: the three outcomes, what the model is asked, and
which earlier picture a new one is compared with."""

from __future__ import annotations

import numpy as np

from describe_app.core.describe.what_changed import (
    CHANGED_ALL_QUESTION,
    CHANGED_PART_QUESTION,
    Changed,
    NothingChanged,
    RecentPictures,
    compare,
)
from describe_app.core.i18n import set_language
from describe_app.core.pictures.images import Picture, picture_from_frame
from describe_app.core.pictures.picture_regions import Cell
from tests.camera_scenes import background


def _picture(frame: np.ndarray, source: str = "camera") -> Picture:
    return picture_from_frame(frame, source=source)


def test_the_same_view_is_nothing_changed() -> None:
    frame = background()
    brighter = np.clip(frame.astype(np.int16) + 12, 0, 255).astype(np.uint8)  # exposure only
    change = compare(_picture(frame), _picture(brighter))
    assert isinstance(change, NothingChanged)
    assert change.sentence == "Nothing has changed since the last picture."


def test_a_changed_part_is_named_and_only_its_crop_is_asked_about() -> None:
    frame = background()
    after = frame.copy()
    after[20:140, 20:190] = (30, 200, 30)  # a green box in the top left ninth
    change = compare(_picture(frame), _picture(after, "desk.jpg"), language="French")
    assert isinstance(change, Changed)
    assert change.cells == (Cell(0, 0),) and not change.everything
    assert change.lead == "Changed: top left."
    request = change.request
    assert request.prompt.question == CHANGED_PART_QUESTION
    assert request.prompt.language == "French"
    assert request.picture.source == "desk.jpg, top left"
    width, height = request.picture.size
    assert width < 640 / 2 and height < 480 / 2  # the top left ninth with a little overlap


def test_a_new_view_is_everything_changed_and_the_whole_picture_is_asked_about() -> None:
    wide = _picture(np.zeros((100, 400, 3), np.uint8))
    change = compare(_picture(background()), wide)
    assert isinstance(change, Changed)
    assert change.everything and len(change.cells) == 9
    assert change.lead == "Everything changed."
    assert change.request.picture is wide
    assert change.request.prompt.question == CHANGED_ALL_QUESTION
    assert change.request.prompt.language is None


def test_the_sentences_follow_the_language_but_the_question_stays_english() -> None:
    frame = background()
    after = frame.copy()
    after[20:140, 20:190] = (30, 200, 30)
    set_language("fr")
    try:
        change = compare(_picture(frame), _picture(after))
        nothing = compare(_picture(frame), _picture(frame))
        assert isinstance(nothing, NothingChanged)
        assert nothing.sentence != "Nothing has changed since the last picture."
    finally:
        set_language("en")
    assert isinstance(change, Changed)
    assert change.lead != "Changed: top left." and "{parts}" not in change.lead
    assert change.request.prompt.question == CHANGED_PART_QUESTION


def test_recent_pictures_compare_the_new_one_with_the_one_before() -> None:
    frame = background()
    first, second, third = (_picture(frame, name) for name in ("1", "2", "3"))
    recent = RecentPictures()
    assert not recent and recent.before(first) is None
    assert recent.remember(first)
    assert not recent.remember(first)  # already the newest: nothing new
    assert recent.before(first) is None  # only itself to compare with
    assert recent.before(second) is first  # a picture not yet asked about
    assert recent.remember(second) and recent.before(second) is first
    assert recent.remember(third)
    assert recent.before(third) is second
    assert recent.before(first) is third  # the first is forgotten: only two are kept

"""Prepared pictures in the describer: the model encodes a picture (and writes its first
sentence) before the user asks, answers from that exactly as it would have afresh, and
reuses it for follow-up questions; another picture is never answered from it.

Real parts: tiny random-weight models of the real SmolVLM architecture through the app's
loader; the vision encoder's runs are counted with a forward hook on its vision tower.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from describe_app.core.describe.conversation import Conversation
from describe_app.core.describe.describer import (
    DescribeRequest,
    GenerationStats,
)
from describe_app.core.describe.local.vlm_describer import WRITE_AHEAD_TOKENS, VlmDescriber
from describe_app.core.describe.local.vlm_loader import LoadedVLM
from describe_app.core.describe.pipeline import run_request
from describe_app.core.describe.prompts import Detail, PromptSpec
from describe_app.core.errors import Cancelled
from describe_app.core.pictures.images import Picture
from describe_app.devtools.random_smolvlm import DEFAULT_SENTENCES
from tests import preparation_fixtures
from tests.preparation_fixtures import VisionCalls, describe_text, fresh_answer, picture

speaking = preparation_fixtures.speaking
lively = preparation_fixtures.lively
astronaut = preparation_fixtures.astronaut
coffee = preparation_fixtures.coffee
speaking_vision = preparation_fixtures.speaking_vision
lively_vision = preparation_fixtures.lively_vision


# --- the describer ------------------------------------------------------------------------


def test_a_prepared_picture_gives_the_fresh_answer_without_encoding_it_again(
    speaking: LoadedVLM, speaking_vision: VisionCalls, astronaut: Picture
) -> None:
    request = DescribeRequest(astronaut, PromptSpec())
    fresh = fresh_answer(speaking, request)
    assert fresh == " ".join(DEFAULT_SENTENCES)
    describer = VlmDescriber(speaking)
    before = speaking_vision.count
    work = describer.prepare(request, threading.Event(), first_sentence=True)
    assert work.first_sentence == DEFAULT_SENTENCES[0] and not work.reused
    assert speaking_vision.count == before + 1
    pieces: list[str] = []
    stats = describer.describe(request, pieces.append, threading.Event())
    assert "".join(pieces) == fresh
    assert pieces[0].startswith(DEFAULT_SENTENCES[0])  # the first sentence at once, whole
    assert speaking_vision.count == before + 1  # the vision encoder did not run again
    assert stats.picture_cached and stats.vision_seconds is None
    assert stats.prepared_tokens > 0
    assert stats.first_token_seconds is not None
    assert stats.first_token_seconds <= stats.token_seconds[stats.prepared_tokens]
    # preparing it again does nothing
    again = describer.prepare(request, threading.Event(), first_sentence=True)
    assert again.reused and again.first_sentence == DEFAULT_SENTENCES[0]
    assert speaking_vision.count == before + 1


@pytest.mark.parametrize("tokens", [20, 48, 90])
def test_an_answer_written_ahead_goes_on_exactly_as_the_fresh_one(
    lively: LoadedVLM, lively_vision: VisionCalls, astronaut: Picture, tokens: int
) -> None:
    """The random model writes on without a full stop: the start written ahead is cut
    off mid-answer, and the rest must be the fresh answer's rest, token for token."""
    request = DescribeRequest(astronaut, PromptSpec(), max_new_tokens=tokens)
    fresh = fresh_answer(lively, request)
    assert len(set(fresh)) >= 5  # a varied answer, not one character over and over
    describer = VlmDescriber(lively)
    describer.prepare(request, threading.Event(), first_sentence=True)
    count = lively_vision.count
    text, stats = describe_text(describer, request)
    assert text == fresh
    assert stats.new_tokens == tokens
    assert 0 < stats.prepared_tokens <= min(tokens, WRITE_AHEAD_TOKENS)
    assert lively_vision.count == count
    # a request of the user's with the features only (nothing written ahead) agrees too
    describer.forget_pictures()
    describer.prepare(request, threading.Event(), first_sentence=False)
    text, stats = describe_text(describer, request)
    assert text == fresh and stats.prepared_tokens == 0 and stats.picture_cached


@pytest.mark.parametrize("tokens", [1, 12])
def test_a_shorter_request_takes_the_start_written_ahead_and_writes_nothing(
    lively: LoadedVLM, astronaut: Picture, tokens: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window prepares the answer for its usual length; a request for fewer tokens
    (the user's setting, a benchmark's 12) is the start of that same greedy answer."""
    short = DescribeRequest(astronaut, PromptSpec(), max_new_tokens=tokens)
    fresh = fresh_answer(lively, short)
    describer = VlmDescriber(lively)
    describer.prepare(DescribeRequest(astronaut, PromptSpec()), threading.Event())
    calls: list[str] = []
    for name in ("generate", "go_on", "encode"):
        real = getattr(describer._calls, name)
        monkeypatch.setattr(
            describer._calls,
            name,
            lambda *a, _n=name, _r=real, **k: calls.append(_n) or _r(*a, **k),
        )
    text, stats = describe_text(describer, short)
    assert text == fresh
    assert stats.new_tokens == stats.prepared_tokens == tokens
    assert calls == []  # nothing left for the model to do


def test_follow_up_questions_and_more_detail_reuse_thepicture(
    speaking: LoadedVLM, speaking_vision: VisionCalls, astronaut: Picture
) -> None:
    describer = VlmDescriber(speaking)
    conversation = Conversation(astronaut)
    first = conversation.describe_request(Detail.BRIEF)
    before = speaking_vision.count
    result = run_request(describer, first, check=False)
    assert speaking_vision.count == before + 1
    assert result.timings["vision"] > 0  # the request's timings say the encoder ran
    conversation.record(first, result.text)
    question = conversation.question_request("What colour is the mug")
    assert "vision" not in run_request(describer, question, check=False).timings
    _, stats = describe_text(describer, question)
    assert stats.picture_cached and stats.vision_seconds is None
    _, stats = describe_text(describer, conversation.describe_request(Detail.HIGH))
    assert stats.picture_cached
    assert speaking_vision.count == before + 1  # one encoding for all three


def test_a_changed_picture_is_never_answered_from_another_pictures_features(
    lively: LoadedVLM, lively_vision: VisionCalls, astronaut: Picture, coffee: Picture
) -> None:
    describer = VlmDescriber(lively)
    old = DescribeRequest(astronaut, PromptSpec(), max_new_tokens=30)
    new = DescribeRequest(coffee, PromptSpec(), max_new_tokens=30)
    expected = fresh_answer(lively, new)
    assert fresh_answer(lively, old) != expected  # the two pictures differ to the model
    describer.prepare(old, threading.Event(), first_sentence=True)
    count = lively_vision.count
    text, stats = describe_text(describer, new)
    assert text == expected
    assert stats.vision_seconds is not None and not stats.picture_cached
    assert lively_vision.count == count + 1
    # a small change in a corner (a few pixels of the model's view) makes it another picture
    pixels = np.asarray(astronaut.image).copy()
    pixels[:32, :32] = 255 - pixels[:32, :32]
    touched = picture(pixels, "touched")
    _, stats = describe_text(describer, DescribeRequest(touched, PromptSpec(), max_new_tokens=3))
    assert not stats.picture_cached and stats.vision_seconds is not None


# --- follow-ups carry the conversation on ---------------------------------------------------


class PromptReads:
    """The number of tokens the language model reads in each of its forward passes."""

    def __init__(self, loaded: LoadedVLM) -> None:
        self.lengths: list[int] = []
        layer = loaded.model.model.text_model.layers[0]
        self._handle = layer.register_forward_pre_hook(self._seen, with_kwargs=True)

    def _seen(self, _module: object, args: tuple, kwargs: dict) -> None:
        states = args[0] if args else kwargs["hidden_states"]
        self.lengths.append(int(states.shape[1]))

    def remove(self) -> None:
        self._handle.remove()


def answered(
    describer: VlmDescriber, picture: Picture, tokens: int | None = None
) -> tuple[Conversation, DescribeRequest, GenerationStats]:
    """A conversation about ``picture`` with its brief description answered and recorded
    (in at most ``tokens`` tokens): the request and its stats."""
    conversation = Conversation(picture)
    first = conversation.describe_request(Detail.BRIEF)
    first = DescribeRequest(first.picture, first.prompt, max_new_tokens=tokens)
    answer, stats = describe_text(describer, first)
    conversation.record(first, answer)
    return conversation, first, stats


@pytest.fixture(scope="module")
def lively_float(lively: LoadedVLM) -> LoadedVLM:
    """The lively model without int8 layers: batching does not change its numbers beyond
    rounding, so a conversation carried on must give the fresh answer token for token."""
    from describe_app.core.describe.local.vlm_loader import LoadOptions, load_vlm

    return load_vlm(lively.path, name="tiny-lively-float", options=LoadOptions(quantize="none"))


def test_a_follow_up_reads_only_its_own_tokens_and_answers_as_afresh(
    lively_float: LoadedVLM, astronaut: Picture
) -> None:
    describer = VlmDescriber(lively_float)
    conversation, first, stats = answered(describer, astronaut, tokens=20)
    assert stats.prompt_tokens_kept == 0 and stats.vision_seconds is not None
    first_prompt = describer.prepare_inputs(first)["input_ids"].shape[1]
    for question in ("What colour is the mug?", "Is anyone there?"):
        asked = conversation.question_request(question)
        asked = DescribeRequest(asked.picture, asked.prompt, max_new_tokens=20)
        prompt_length = describer.prepare_inputs(asked)["input_ids"].shape[1]
        reads = PromptReads(lively_float)
        try:
            text, stats = describe_text(describer, asked)
        finally:
            reads.remove()
        # the picture and the first prompt are not read again; the earlier answers are
        # read again only from where the chat template writes them otherwise than the
        # model did (a random model's answer starts without the template's space)
        assert stats.vision_seconds is None and stats.picture_cached
        assert stats.prompt_tokens_kept >= first_prompt
        assert reads.lengths[0] == prompt_length - stats.prompt_tokens_kept
        assert text == fresh_answer(lively_float, asked)
        conversation.record(asked, text)


def test_the_kept_conversation_is_never_used_for_another_picture(
    lively: LoadedVLM, lively_vision: VisionCalls, astronaut: Picture, coffee: Picture
) -> None:
    """The image tokens of two pictures are the same placeholder: the kept cache must be
    matched by the picture, not by the prompt's tokens."""
    describer = VlmDescriber(lively)
    conversation, _first, _stats = answered(describer, astronaut)
    elsewhere = Conversation(coffee, turns=list(conversation.turns))
    other = elsewhere.question_request("Why?")
    count = lively_vision.count
    text, stats = describe_text(describer, other)
    assert stats.prompt_tokens_kept == 0 and stats.vision_seconds is not None
    assert lively_vision.count == count + 1
    assert text == fresh_answer(lively, other)
    # the int8 model carries the newest conversation on, on its own picture
    elsewhere.record(other, text)
    _, stats = describe_text(describer, elsewhere.question_request("And then?"))
    assert stats.prompt_tokens_kept > 0 and stats.vision_seconds is None


def test_a_cancelled_follow_up_leaves_the_kept_conversation_whole(
    lively: LoadedVLM, astronaut: Picture
) -> None:
    describer = VlmDescriber(lively)
    conversation, _first, _stats = answered(describer, astronaut)
    asked = conversation.question_request("What is behind?")
    cancel = threading.Event()
    pieces: list[str] = []

    def stop_after_two(piece: str) -> None:
        pieces.append(piece)
        if len(pieces) == 2:
            cancel.set()

    with pytest.raises(Cancelled):
        describer.describe(asked, stop_after_two, cancel)
    text, stats = describe_text(describer, asked)
    assert stats.prompt_tokens_kept > 0
    assert text.startswith("".join(pieces[:2]))


def test_a_follow_up_after_a_prepared_answer_carries_its_conversation_on(
    lively: LoadedVLM, lively_vision: VisionCalls, astronaut: Picture
) -> None:
    """Space on a settled view takes the start written ahead (here: its first 12 tokens of
    a longer one); the follow-up still reads only what is new, not the picture's prompt."""
    describer = VlmDescriber(lively)
    conversation = Conversation(astronaut)
    usual = conversation.describe_request(Detail.BRIEF)
    describer.prepare(usual, threading.Event(), first_sentence=True)
    short = DescribeRequest(usual.picture, usual.prompt, max_new_tokens=12)
    first_prompt = describer.prepare_inputs(short)["input_ids"].shape[1]
    answer, stats = describe_text(describer, short)
    assert stats.prepared_tokens == 12
    conversation.record(short, answer)
    count = lively_vision.count
    _, stats = describe_text(describer, conversation.question_request("Who is it?"))
    assert stats.prompt_tokens_kept >= first_prompt
    assert lively_vision.count == count


def test_passing_looks_at_parts_keep_the_picture_and_its_conversation(
    lively: LoadedVLM, lively_vision: VisionCalls, astronaut: Picture
) -> None:
    """The window describes the nine parts of a picture in the background (exploring): those
    passing looks must not push the picture itself out of the model's memory, or the
    follow-up question after them would encode it again and read its whole prompt."""
    from describe_app.core.describe.explore import REGION_TOKENS, region_prompt
    from describe_app.core.pictures.picture_regions import Grid, cell_name, crop_cell

    describer = VlmDescriber(lively)
    conversation, first, _stats = answered(describer, astronaut, tokens=12)
    first_prompt = describer.prepare_inputs(first)["input_ids"].shape[1]
    grid = Grid()
    for cell in grid.cells():
        part = DescribeRequest(
            crop_cell(astronaut, grid, cell),
            region_prompt(cell_name(grid, cell, translated=False), None),
            max_new_tokens=REGION_TOKENS // 10,
            remember=False,
        )
        describe_text(describer, part)
    count = lively_vision.count
    _, stats = describe_text(describer, conversation.question_request("Who is it?"))
    assert stats.vision_seconds is None and lively_vision.count == count
    assert stats.prompt_tokens_kept >= first_prompt

"""A long sentence without an end (a model listing what it sees with commas) is handed to
speech a clause at a time while it is written, so the first words come early; counting
sentences (the brief answer's limit) still sees whole sentences."""

from __future__ import annotations

from describe_app.core.sentences import LONG_SENTENCE, SentenceSplitter, split_sentences

LIST = (
    "The shelf holds a red kettle with a black handle, two white mugs with blue stripes, "
    "a jar of coffee beans beside a small grinder, a stack of plates under a tea towel, "
    "a bowl of lemons and limes, a wooden chopping board leaning on the wall, and a clock "
    "above the window that shows ten past nine."
)


def streamed(text: str, splitter: SentenceSplitter, step: int = 4) -> list[tuple[int, str]]:
    """(characters fed so far, piece) for each piece handed out while ``text`` streams."""
    out = []
    for start in range(0, len(text), step):
        out += [(start + step, piece) for piece in splitter.feed(text[start : start + step])]
    return out + [(len(text), piece) for piece in splitter.flush()]


def test_a_long_listing_sentence_is_handed_out_a_clause_at_a_time() -> None:
    pieces = streamed(LIST, SentenceSplitter(cut_long=True))
    assert len(pieces) >= 2
    first_at, first = pieces[0]
    assert first_at <= LONG_SENTENCE + 8 and first.endswith(",")  # long before the end
    assert " ".join(piece for _, piece in pieces) == LIST  # nothing lost, nothing doubled
    assert all(len(piece) <= LONG_SENTENCE + 8 for _, piece in pieces)


def test_without_commas_it_is_cut_at_a_space_once_very_long() -> None:
    words = ("word " * 120).strip() + "."
    pieces = streamed(words, SentenceSplitter(cut_long=True))
    assert len(pieces) >= 2 and " ".join(p for _, p in pieces) == words
    assert all(not piece.startswith(" ") and piece for _, piece in pieces)


def test_numbers_with_commas_are_not_cut() -> None:
    text = "It costs 1,250,000 pounds and " * 8 + "that is all."
    pieces = [p for _, p in streamed(text, SentenceSplitter(cut_long=True))]
    assert not any(p.endswith(("1,", "250,")) for p in pieces)


def test_short_sentences_and_the_plain_splitter_are_as_before() -> None:
    text = "A mug on a desk. It is blue, with a white handle. "
    assert [p for _, p in streamed(text, SentenceSplitter(cut_long=True))] == split_sentences(text)
    assert [p for _, p in streamed(LIST, SentenceSplitter())] == [LIST]  # counting: whole

"""The streaming sentence splitter on a table of tricky cases."""

from __future__ import annotations

import pytest

from describe_app.core.sentences import SentenceSplitter, split_sentences

CASES = [
    ("A mug. A cup.", ["A mug.", "A cup."]),
    ("Dr. Smith is 3.5 m tall. He waves.", ["Dr. Smith is 3.5 m tall.", "He waves."]),
    ("It costs $4.99 today. Cheap!", ["It costs $4.99 today.", "Cheap!"]),
    (
        "She lives in the U.S. and works in the U.K. office.",
        ["She lives in the U.S. and works in the U.K. office."],
    ),
    ("Signs, e.g. EXIT, are green. Good.", ["Signs, e.g. EXIT, are green.", "Good."]),
    ("Wait... what is that? A cat.", ["Wait... what is that?", "A cat."]),
    ("It fades… Then nothing.", ["It fades…", "Then nothing."]),
    ('The sign says "Stop." Then a road.', ['The sign says "Stop."', "Then a road."]),
    ("(A note.) Another.", ["(A note.)", "Another."]),
    ("Really?! Yes.", ["Really?!", "Yes."]),
    ("No full stop at the end", ["No full stop at the end"]),
    ("Items:\n- a pen\n- a key", ["Items:", "- a pen", "- a key"]),
    ("Version 2.0 is out. Update.", ["Version 2.0 is out.", "Update."]),
    ("Mr. and Mrs. Lee wave at St. Paul's.", ["Mr. and Mrs. Lee wave at St. Paul's."]),
    ("", []),
    ("   ", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_whole_text(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_streamed_one_character_at_a_time_gives_the_same(text: str, expected: list[str]) -> None:
    splitter = SentenceSplitter()
    out: list[str] = []
    for ch in text:
        out += splitter.feed(ch)
    assert out + splitter.flush() == expected


def test_first_sentence_leaves_as_soon_as_it_ends() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("A red mug") == []
    assert splitter.feed(" on a table.") == []  # the "." may still be "..." or "3.5"
    assert splitter.feed(" ") == ["A red mug on a table."]
    assert splitter.pending == " "


def test_abbreviation_waits_for_the_next_word_only_at_an_ellipsis() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("Look... ") == []  # "what" or "Then"? wait for the next word
    assert splitter.feed("Then") == ["Look..."]

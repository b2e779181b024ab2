"""What we ask the model, written for someone who cannot see the picture.

Small models follow short, concrete instructions best. Every prompt asks for the most
important thing first, plain words, no "the image shows", and no guessing who a person is.
Follow-up questions keep the earlier turns, so "what colour is it?" knows what "it" is.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any


class Detail(enum.Enum):
    BRIEF = "brief"
    HIGH = "high"


BRIEF_PROMPT = (
    "Describe this picture for a blind person in two or three short sentences. "
    "Start with the most important thing. Mention any text, people and hazards. "
    "Do not start with 'The image shows'. Do not guess who anyone is."
)

HIGH_PROMPT = (
    "Describe this picture in detail for a blind person. Start with the most important "
    "thing, then the layout from left to right, people and what they are doing, any text "
    "word for word, colours, and anything that could be a hazard. Use plain, short "
    "sentences. Do not start with 'The image shows'. Do not guess who anyone is."
)

QUESTION_SUFFIX = " Answer briefly and plainly."

#: A screen is not a room: what program, what is in focus, what a picture or chart shows.
SCREEN_PROMPT = (
    "This is a computer screen. For a blind person, say in two or three short sentences "
    "what program and window this is, what is selected or in focus, and what any picture "
    "or chart shows. Use the exact names and numbers from the text on the screen."
)
#: A focused picture on the screen (a web page's image, a chart): the picture alone.
SCREEN_IMAGE_PROMPT = (
    "Describe this picture for a blind person in two or three short sentences. "
    "Describe only the picture itself, not the program around it. For a chart, say what it "
    "compares and its main numbers. Do not guess who anyone is."
)
#: Introduces text read by OCR, given with the picture so names and numbers are exact.
READ_TEXT_INTRO = "The text read on this picture, line by line:\n"


@dataclass(frozen=True)
class Turn:
    """One earlier question and its answer about the same picture."""

    question: str
    answer: str


@dataclass(frozen=True)
class PromptSpec:
    detail: Detail = Detail.BRIEF
    question: str | None = None
    history: tuple[Turn, ...] = field(default_factory=tuple)
    language: str | None = None
    #: Replaces the brief or detailed prompt (screens: :data:`SCREEN_PROMPT`).
    instruction: str | None = None
    #: Text already read from the picture (OCR), given with it in the first turn.
    read_text: str | None = None


def instruction_for(spec: PromptSpec) -> str:
    """The text of the newest user turn."""
    if spec.question:
        text = spec.question.strip()
        if not text.endswith(("?", ".", "!")):
            text += "?"
        text += QUESTION_SUFFIX
    else:
        text = spec.instruction or (HIGH_PROMPT if spec.detail is Detail.HIGH else BRIEF_PROMPT)
    if spec.language and spec.language.strip().lower() not in ("", "english", "en"):
        text += f" Answer in {spec.language.strip()}."
    return text


def build_messages(spec: PromptSpec) -> list[dict[str, Any]]:
    """Chat messages in the Hugging Face format; the picture goes with the first user turn."""
    messages: list[dict[str, Any]] = []
    first = True
    for turn in spec.history:
        messages.append(_user(turn.question, with_image=first))
        messages.append({"role": "assistant", "content": [{"type": "text", "text": turn.answer}]})
        first = False
    messages.append(_user(instruction_for(spec), with_image=first))
    if spec.read_text:  # with the picture, before the first question
        first_text = messages[0]["content"][-1]
        first_text["text"] = f"{READ_TEXT_INTRO}{spec.read_text}\n\n{first_text['text']}"
    return messages


def _user(text: str, *, with_image: bool) -> dict[str, Any]:
    content: list[dict[str, str]] = [{"type": "image"}] if with_image else []
    content.append({"type": "text", "text": text})
    return {"role": "user", "content": content}


_FILLER_START = re.compile(
    r"^\s*(?:in\s+)?(?:the|this)\s+(?:image|picture|photo(?:graph)?)\s*"
    r"(?:(?:shows|depicts|features|displays|contains|captures|is\s+of|presents)\s+|,\s*)",
    re.IGNORECASE,
)


def tidy_sentence(sentence: str) -> str:
    """Drop a leading "The image shows" that small models add despite being asked not to."""
    trimmed = _FILLER_START.sub("", sentence, count=1)
    if trimmed is sentence or not trimmed:
        return sentence
    return trimmed[0].upper() + trimmed[1:]

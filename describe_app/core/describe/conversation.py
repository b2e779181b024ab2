"""Questions about one picture, with the earlier answers kept for follow-ups."""

from __future__ import annotations

from dataclasses import dataclass, field

from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.prompts import Detail, PromptSpec, Turn, instruction_for
from describe_app.core.pictures.images import Picture

#: Keep at most this many earlier turns (each costs prompt tokens, and so time).
MAX_TURNS = 6


@dataclass
class Conversation:
    picture: Picture
    language: str | None = None
    turns: list[Turn] = field(default_factory=list)

    def describe_request(self, detail: Detail = Detail.BRIEF) -> DescribeRequest:
        spec = PromptSpec(detail=detail, history=self._history(), language=self.language)
        return DescribeRequest(picture=self.picture, prompt=spec)

    def question_request(self, question: str) -> DescribeRequest:
        spec = PromptSpec(question=question, history=self._history(), language=self.language)
        return DescribeRequest(picture=self.picture, prompt=spec)

    def record(self, request: DescribeRequest, answer: str) -> None:
        """Remember a finished answer so the next question can refer to it."""
        self.turns.append(Turn(question=instruction_for(request.prompt), answer=answer))

    def _history(self) -> tuple[Turn, ...]:
        return tuple(self.turns[-MAX_TURNS:])

"""Questions about a screen capture: the screen's prompt (or the focused picture's), with
the text on the screen, read by OCR first, given to the model with the picture so that
names and numbers come out exact. Follow-up questions work as for any picture."""

from __future__ import annotations

from dataclasses import dataclass, replace

from describe_app.core.describe.conversation import Conversation
from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.prompts import SCREEN_IMAGE_PROMPT, SCREEN_PROMPT, Detail
from describe_app.core.reading.ocr_reader import OcrSettings

#: At most this much screen text goes to the model (a full screen of a small model's
#: context; the rest is still read aloud by ``--read``).
MAX_READ_TEXT_CHARS = 1500


@dataclass
class ScreenConversation(Conversation):
    """A :class:`Conversation` about a screen capture.

    ``read_text`` is the OCR text of the capture ("" when it has none); ``picture_only``
    asks for the picture alone (a focused image or chart, not the program around it)."""

    read_text: str = ""
    picture_only: bool = False

    def describe_request(self, detail: Detail = Detail.BRIEF) -> DescribeRequest:
        instruction = SCREEN_IMAGE_PROMPT if self.picture_only else SCREEN_PROMPT
        return self._with_screen(super().describe_request(detail), instruction)

    def question_request(self, question: str) -> DescribeRequest:
        return self._with_screen(super().question_request(question), None)

    def _with_screen(self, request: DescribeRequest, instruction: str | None) -> DescribeRequest:
        text = self.read_text.strip()[:MAX_READ_TEXT_CHARS] or None
        prompt = replace(request.prompt, instruction=instruction, read_text=text)
        return replace(request, prompt=prompt)


def screen_ocr_settings() -> OcrSettings:
    """OCR for screens: detection at the screen's own pixels up to 2560 on the long side,
    not the camera's 960. Screen text is small: on a 2560x1440 screen of 11-point text,
    detection at 960 or 1280 px found 15 of 30 words, at 1600 29, at 2560 all 30 (in 3.5 s
    on two cores, less than at 2048, which had to shrink the picture first)."""
    return OcrSettings(detect_side_limit=2560)

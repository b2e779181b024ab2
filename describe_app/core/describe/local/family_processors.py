"""Processors for model families whose stock processor needs a package we do not ship.

Qwen3-VL's processor always builds a video processor, and every video processor of
transformers 5.25 needs torchvision ("Video processor cannot be loaded"). Describe sends
pictures only, so :class:`PictureOnlyQwen3VLProcessor` is the stock processor with no
video processor: the same image processor (its PIL form), tokenizer and chat template.

This module imports transformers: import it lazily, where a model is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from transformers import AutoImageProcessor, AutoTokenizer, Qwen3VLProcessor


class PictureOnlyQwen3VLProcessor(Qwen3VLProcessor):
    """Qwen3-VL's processor for pictures only: no video processor, so no torchvision."""

    def check_argument_for_proper_class(self, argument_name: str, argument: Any) -> Any:
        if argument_name == "video_processor" and argument is None:
            return type(None)
        return super().check_argument_for_proper_class(argument_name, argument)


def load_picture_only_qwen3_vl(path: Path) -> PictureOnlyQwen3VLProcessor:
    """The processor stored in ``path``, built without its video processor."""
    image_processor = AutoImageProcessor.from_pretrained(path, backend="pil")
    tokenizer = AutoTokenizer.from_pretrained(path)
    return PictureOnlyQwen3VLProcessor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        video_processor=None,
        chat_template=_chat_template(path) or getattr(tokenizer, "chat_template", None),
    )


def _chat_template(path: Path) -> str | None:
    """The chat template as the Hub stores it: ``chat_template.jinja`` (transformers 5) or
    ``chat_template.json`` (older uploads, Qwen3-VL's among them)."""
    jinja = path / "chat_template.jinja"
    if jinja.is_file():
        return jinja.read_text(encoding="utf-8")
    stored = path / "chat_template.json"
    if stored.is_file():
        template = json.loads(stored.read_text(encoding="utf-8")).get("chat_template")
        return template if isinstance(template, str) else None
    return None

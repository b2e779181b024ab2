"""Processors for model families whose stock processor needs a package we do not ship.

Qwen3-VL's and SmolVLM2's processors always build a video processor, and every video
processor of transformers 5.25 needs torchvision ("Video processor cannot be loaded").
Describe sends pictures only, so :class:`PictureOnlyQwen3VLProcessor` and
:class:`PictureOnlySmolVLMProcessor` are the stock processors with no video processor: the
same image processor (its PIL form), tokenizer and chat template.

This module imports transformers: import it lazily, where a model is loaded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from transformers import (
    AutoImageProcessor,
    AutoTokenizer,
    ProcessorMixin,
    Qwen3VLProcessor,
    SmolVLMProcessor,
)


class _WithoutVideoProcessor(ProcessorMixin):
    """Accepts ``video_processor=None``: put first among a stock processor's bases."""

    def check_argument_for_proper_class(self, argument_name: str, argument: Any) -> Any:
        if argument_name == "video_processor" and argument is None:
            return type(None)
        return super().check_argument_for_proper_class(argument_name, argument)


class PictureOnlyQwen3VLProcessor(_WithoutVideoProcessor, Qwen3VLProcessor):
    """Qwen3-VL's processor for pictures only: no video processor, so no torchvision."""


class PictureOnlySmolVLMProcessor(_WithoutVideoProcessor, SmolVLMProcessor):
    """SmolVLM2's processor for pictures only: no video processor, so no torchvision.

    The stock one also stops without num2words and reads the video processor's frame rate
    in ``apply_chat_template``: both serve video prompts only, so neither is needed here.
    """

    def __init__(
        self,
        image_processor: Any,
        tokenizer: Any,
        video_processor: None = None,
        image_seq_len: int = 169,
        chat_template: str | None = None,
    ) -> None:
        # what SmolVLMProcessor.__init__ sets before it asks for num2words
        self.fake_image_token = getattr(tokenizer, "fake_image_token", "<fake_token_around_image>")
        self.image_token = getattr(tokenizer, "image_token", "<image>")
        self.image_token_id = tokenizer.convert_tokens_to_ids(self.image_token)
        self.end_of_utterance_token = getattr(
            tokenizer, "end_of_utterance_token", "<end_of_utterance>"
        )
        self.global_image_token = getattr(tokenizer, "global_image_token", "<global-img>")
        self.image_seq_len = image_seq_len
        self.video_token = getattr(tokenizer, "video_token", "<video>")
        ProcessorMixin.__init__(
            self, image_processor, tokenizer, video_processor, chat_template=chat_template
        )

    def apply_chat_template(self, *args: Any, **kwargs: Any) -> str:
        # SmolVLMProcessor's own reads the video processor's frame rate for video prompts
        return str(ProcessorMixin.apply_chat_template(self, *args, **kwargs))


def load_picture_only(path: Path, family_key: str) -> ProcessorMixin:
    """The processor stored in ``path`` for a family whose stock processor needs torchvision
    (``ModelFamily.picture_only_processor``), built without its video processor."""
    return _PICTURE_ONLY_LOADERS[family_key](path)


def load_picture_only_qwen3_vl(path: Path) -> PictureOnlyQwen3VLProcessor:
    """The processor stored in ``path``, built without its video processor."""
    return PictureOnlyQwen3VLProcessor(**_stored_parts(path))


def load_picture_only_smolvlm(path: Path) -> PictureOnlySmolVLMProcessor:
    """SmolVLM2's processor stored in ``path``, built without its video processor; the
    number of image tokens per view comes from its ``processor_config.json``."""
    stored = path / "processor_config.json"
    settings = json.loads(stored.read_text(encoding="utf-8")) if stored.is_file() else {}
    return PictureOnlySmolVLMProcessor(
        **_stored_parts(path), image_seq_len=int(settings.get("image_seq_len", 169))
    )


def _stored_parts(path: Path) -> dict[str, Any]:
    """The image processor (its PIL form), tokenizer and chat template stored in ``path``,
    and no video processor."""
    tokenizer = AutoTokenizer.from_pretrained(path)
    return {
        "image_processor": AutoImageProcessor.from_pretrained(path, backend="pil"),
        "tokenizer": tokenizer,
        "video_processor": None,
        "chat_template": _chat_template(path) or getattr(tokenizer, "chat_template", None),
    }


_PICTURE_ONLY_LOADERS: dict[str, Callable[[Path], ProcessorMixin]] = {
    "qwen3_vl": load_picture_only_qwen3_vl,
    "smolvlm2": load_picture_only_smolvlm,
}


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

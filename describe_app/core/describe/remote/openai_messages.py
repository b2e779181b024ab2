"""Our prompts in the OpenAI chat-completions format, with the picture as a data URL.

The prompts themselves come from :func:`describe_app.core.describe.prompts.build_messages` (the same
text, turns and follow-up history as the local model gets); here the ``{"type": "image"}``
placeholder becomes an ``image_url`` part holding the picture as a base64 JPEG, and the
assistant's earlier answers become plain strings (what every server accepts).
"""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image

from describe_app.core.pictures.images import shrink

#: Longest side of the picture we send. Servers scale it to their model's size anyway;
#: 1024 px keeps detail for larger models and the upload small (about 100-200 KB).
DEFAULT_MAX_SIDE = 1024
JPEG_QUALITY = 85


def picture_data_url(
    image: Image.Image, *, max_side: int = DEFAULT_MAX_SIDE, quality: int = JPEG_QUALITY
) -> str:
    """``image`` scaled to at most ``max_side`` pixels, as a ``data:image/jpeg;base64`` URL."""
    image = shrink(image, max_side)
    if image.mode != "RGB":
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def to_openai_messages(hf_messages: list[dict[str, Any]], image_url: str) -> list[dict[str, Any]]:
    """Convert Hugging Face chat messages (as built by ``build_messages``) for the API."""
    out: list[dict[str, Any]] = []
    for message in hf_messages:
        role = message["role"]
        content = message["content"]
        if role == "assistant":
            text = "".join(part.get("text", "") for part in content if part["type"] == "text")
            out.append({"role": role, "content": text})
            continue
        parts: list[dict[str, Any]] = []
        for part in content:
            if part["type"] == "image":
                parts.append({"type": "image_url", "image_url": {"url": image_url}})
            elif part["type"] == "text":
                parts.append({"type": "text", "text": part["text"]})
        out.append({"role": role, "content": parts})
    return out

"""A random-weight SmolVLM2 model (``SmolVLMForConditionalGeneration``), tiny or full size.

SmolVLM2 is SmolVLM's architecture (SigLIP vision tower, pixel-shuffle connector, SmolLM2
text model) under its own config and model classes, with a processor that also takes
videos. The folder is saved as the Hub stores it: weights, ``preprocessor_config.json``
(``SmolVLMImageProcessor``), tokenizer, ``processor_config.json`` (image tokens per view)
and SmolVLM2's chat template. The 256M and 500M have SmolVLM-256M's and -500M's sizes; the
2.2B's sizes are those of HuggingFaceTB/SmolVLM2-2.2B-Instruct's ``config.json``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from describe_app.devtools import random_smolvlm
from describe_app.devtools.random_models import SMOLVLM_500M, _new_model, _save

#: SmolVLM2-2.2B-Instruct: SigLIP-so400m at 384 px (patch 14), SmolLM2-1.7B, 81 tokens.
SMOLVLM2_2B = replace(
    random_smolvlm.SMOLVLM_256M,
    vision_hidden=1152,
    vision_layers=27,
    vision_heads=16,
    vision_intermediate=4304,
    image_size=384,
    patch_size=14,
    scale_factor=3,
    text_hidden=2048,
    text_layers=24,
    text_heads=32,
    text_kv_heads=32,
    text_intermediate=8192,
)

SIZES = {
    "tiny": random_smolvlm.TINY,
    "full": random_smolvlm.SMOLVLM_256M,
    "256m": random_smolvlm.SMOLVLM_256M,
    "500m": SMOLVLM_500M,
    "2.2b": SMOLVLM2_2B,
}


def build_smolvlm2(out: Path, size: str = "tiny", dtype: str = "float32") -> Path:
    """SmolVLM2: ``tiny``, ``full`` or ``256m``, ``500m``, ``2.2b``."""
    from transformers import (
        SmolVLMConfig,
        SmolVLMForConditionalGeneration,
        SmolVLMImageProcessorPil,
    )
    from transformers.models.smolvlm.processing_smolvlm import DEFAULT_CHAT_TEMPLATE

    from describe_app.core.describe.local.family_processors import PictureOnlySmolVLMProcessor

    dims = SIZES[size]
    tokenizer = random_smolvlm.build_tokenizer()
    config = random_smolvlm.smolvlm_config(SmolVLMConfig, dims, tokenizer)
    model = _new_model(SmolVLMForConditionalGeneration, config, dtype)
    processor = random_smolvlm.smolvlm_processor(
        SmolVLMImageProcessorPil,
        PictureOnlySmolVLMProcessor,
        dims,
        tokenizer,
        DEFAULT_CHAT_TEMPLATE,
    )
    _save(model, processor, tokenizer, out, dtype)
    settings = {"image_seq_len": dims.image_seq_len, "processor_class": "SmolVLMProcessor"}
    (out / "processor_config.json").write_text(json.dumps(settings), encoding="utf-8")
    return out

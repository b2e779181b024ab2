"""Random-weight models of each family in the ladder, built on the fly, offline.

:mod:`describe_app.devtools.random_smolvlm` builds SmolVLM-256M (Idefics3); this module
builds the other families the same way: the family's real config class and model class
with small (``tiny``) or real (``full``) sizes, a byte-level BPE tokenizer trained locally
that carries the family's special tokens, the family's own processor (its PIL form), and a
short chat template in the family's prompt format. The folder looks like a Hub download,
so tests and ``benchmarks/bench_engine.py --model-family`` load it through the app's loader.

A family whose processor or model cannot be built here (a missing package) raises the
package's own ImportError: the tests report that reason, they do not skip it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from describe_app.devtools import random_smolvlm

_CORPUS = [
    "user Describe this picture for me. assistant A red mug on a wooden table by a window.",
    "The quick brown fox jumps over the lazy dog. Is that a cat? Text reads EXIT.",
]

QWEN_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{% for c in m['content'] %}"
    "{% if c['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif c['type'] == 'text' %}{{ c['text'] }}{% endif %}{% endfor %}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
QWEN_TOKENS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|video_pad|>",
]

GEMMA_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<start_of_turn>"
    "{{ 'model' if m['role'] == 'assistant' else m['role'] }}\n{% for c in m['content'] %}"
    "{% if c['type'] == 'image' %}<start_of_image>{% elif c['type'] == 'text' %}"
    "{{ c['text'] }}{% endif %}{% endfor %}<end_of_turn>\n{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)
GEMMA_TOKENS = [
    "<pad>",
    "<eos>",
    "<bos>",
    "<start_of_turn>",
    "<end_of_turn>",
    "<start_of_image>",
    "<end_of_image>",
    "<image_soft_token>",
]


def build_tokenizer(special: list[str], *, bos: str, eos: str, pad: str, **extra: str) -> Any:
    """A byte-level BPE tokenizer trained on a small corpus, with ``special`` tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=special,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_CORPUS * 30, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        pad_token=pad,
        unk_token=pad,
        extra_special_tokens=extra,
    )


def _new_model(model_class: Any, config: Any, dtype: str) -> Any:
    """A model with random weights, made directly in ``dtype`` (a 2B model in float32
    would need twice the memory of its bfloat16 weights)."""
    import torch

    return model_class._from_config(config, dtype=getattr(torch, dtype))


def _save(model: Any, processor: Any, tokenizer: Any, out: Path, dtype: str) -> Path:
    import torch

    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.bos_token_id = tokenizer.bos_token_id
    model.to(getattr(torch, dtype))
    model.save_pretrained(out)
    if getattr(processor, "video_processor", True) is None:  # saved piece by piece
        processor.image_processor.save_pretrained(out)
        tokenizer.save_pretrained(out)
        (out / "chat_template.jinja").write_text(processor.chat_template, encoding="utf-8")
    else:
        processor.save_pretrained(out)
    marker = {"random_weights": True, "script": None}
    (out / "describe_random_model.json").write_text(json.dumps(marker), encoding="utf-8")
    return out


def build_qwen3_vl(out: Path, size: str = "tiny", dtype: str = "float32") -> Path:
    """Qwen3-VL (Qwen3 text model, ViT with deepstack features), tiny or 2B sizes."""
    from transformers import (
        Qwen2VLImageProcessorPil,
        Qwen3VLConfig,
        Qwen3VLForConditionalGeneration,
    )

    from describe_app.core.describe.local.family_processors import PictureOnlyQwen3VLProcessor

    tokenizer = build_tokenizer(
        QWEN_TOKENS, bos="<|im_start|>", eos="<|im_end|>", pad="<|endoftext|>"
    )
    full = size == "full"
    vocab = 151936 if full else len(tokenizer)
    text = {
        "vocab_size": vocab,
        "hidden_size": 2048 if full else 64,
        "intermediate_size": 6144 if full else 128,
        "num_hidden_layers": 28 if full else 2,
        "num_attention_heads": 16 if full else 4,
        "num_key_value_heads": 8 if full else 2,
        "head_dim": 128 if full else 16,
        "rope_parameters": {
            "rope_type": "default",
            "rope_theta": 5000000.0,
            "mrope_section": [24, 20, 20] if full else [4, 2, 2],
            "mrope_interleaved": True,
        },
        "tie_word_embeddings": True,
    }
    vision = {
        "depth": 24 if full else 2,
        "hidden_size": 1024 if full else 32,
        "intermediate_size": 4096 if full else 64,
        "num_heads": 16 if full else 2,
        "out_hidden_size": text["hidden_size"],
        "patch_size": 16,
        "spatial_merge_size": 2,
        "temporal_patch_size": 2,
        "num_position_embeddings": 2304 if full else 64,
        "deepstack_visual_indexes": [5, 11, 17] if full else [0],
    }
    config = Qwen3VLConfig(
        text_config=text,
        vision_config=vision,
        image_token_id=tokenizer.convert_tokens_to_ids("<|image_pad|>"),
        video_token_id=tokenizer.convert_tokens_to_ids("<|video_pad|>"),
        vision_start_token_id=tokenizer.convert_tokens_to_ids("<|vision_start|>"),
        vision_end_token_id=tokenizer.convert_tokens_to_ids("<|vision_end|>"),
        tie_word_embeddings=True,
    )
    model = _new_model(Qwen3VLForConditionalGeneration, config, dtype)
    image_processor = Qwen2VLImageProcessorPil(
        patch_size=16,
        merge_size=2,
        temporal_patch_size=2,
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
        size={"shortest_edge": 64 * 64, "longest_edge": 1024 * 1024},
    )
    processor = PictureOnlyQwen3VLProcessor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        video_processor=None,
        chat_template=QWEN_TEMPLATE,
    )
    return _save(model, processor, tokenizer, out, dtype)


def build_gemma3(out: Path, size: str = "tiny", dtype: str = "float32") -> Path:
    """Gemma 3 (SigLIP vision tower, average-pooled to 256 tokens, Gemma 3 text model)."""
    from transformers import (
        Gemma3Config,
        Gemma3ForConditionalGeneration,
        Gemma3ImageProcessorPil,
        Gemma3Processor,
    )

    tokenizer = build_tokenizer(
        GEMMA_TOKENS,
        bos="<bos>",
        eos="<end_of_turn>",
        pad="<pad>",
        boi_token="<start_of_image>",
        eoi_token="<end_of_image>",
        image_token="<image_soft_token>",
    )
    full = size == "full"
    tokens_per_image = 256 if full else 4
    side = 896 if full else 64
    config = Gemma3Config(
        text_config={
            "vocab_size": 262208 if full else len(tokenizer),
            "hidden_size": 2560 if full else 64,
            "intermediate_size": 10240 if full else 128,
            "num_hidden_layers": 34 if full else 2,
            "num_attention_heads": 8 if full else 4,
            "num_key_value_heads": 4 if full else 2,
            "head_dim": 256 if full else 16,
            "sliding_window": 1024 if full else 64,
        },
        vision_config={
            "hidden_size": 1152 if full else 32,
            "intermediate_size": 4304 if full else 64,
            "num_hidden_layers": 27 if full else 2,
            "num_attention_heads": 16 if full else 2,
            "image_size": side,
            "patch_size": 14 if full else 16,
            "vision_use_head": False,
        },
        mm_tokens_per_image=tokens_per_image,
        boi_token_index=tokenizer.convert_tokens_to_ids("<start_of_image>"),
        eoi_token_index=tokenizer.convert_tokens_to_ids("<end_of_image>"),
        image_token_index=tokenizer.convert_tokens_to_ids("<image_soft_token>"),
    )
    model = _new_model(Gemma3ForConditionalGeneration, config, dtype)
    image_processor = Gemma3ImageProcessorPil(
        size={"height": side, "width": side},
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
    )
    processor = Gemma3Processor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        chat_template=GEMMA_TEMPLATE,
        image_seq_length=tokens_per_image,
    )
    return _save(model, processor, tokenizer, out, dtype)


def build_lfm2_vl(out: Path, size: str = "tiny", dtype: str = "float32") -> Path:
    """LFM2-VL (SigLIP2 vision tower, LFM2 text model): see :mod:`random_lfm2_vl`."""
    from describe_app.devtools import random_lfm2_vl

    return random_lfm2_vl.build_lfm2_vl(out, size, dtype)


#: SmolVLM-500M-Instruct: SmolVLM-256M's SigLIP vision tower, SmolLM2-360M as text model.
SMOLVLM_500M = replace(
    random_smolvlm.SMOLVLM_256M,
    text_hidden=960,
    text_layers=32,
    text_heads=15,
    text_kv_heads=5,
    text_intermediate=2560,
)


def build_smolvlm(out: Path, size: str = "tiny", dtype: str = "float32") -> Path:
    """SmolVLM (Idefics3 architecture): ``full`` or ``256m`` is 256M, ``500m`` is 500M."""
    full = random_smolvlm.SMOLVLM_256M
    dims = {"tiny": random_smolvlm.TINY, "full": full, "256m": full, "500m": SMOLVLM_500M}[size]
    return random_smolvlm.build_model(out, dims, dtype=dtype)


def build_smolvlm2(out: Path, size: str = "tiny", dtype: str = "float32") -> Path:
    """SmolVLM2 (SmolVLM's architecture, its own classes): see :mod:`random_smolvlm2`."""
    from describe_app.devtools import random_smolvlm2

    return random_smolvlm2.build_smolvlm2(out, size, dtype)


BUILDERS: dict[str, Callable[..., Path]] = {
    "smolvlm": build_smolvlm,
    "qwen3_vl": build_qwen3_vl,
    "gemma3": build_gemma3,
    "lfm2_vl": build_lfm2_vl,
    "smolvlm2": build_smolvlm2,
}


def build(
    family: str, out: str | Path, size: str = "tiny", dtype: str = "float32", seed: int = 0
) -> Path:
    """A random-weight model folder of ``family`` (a key of :data:`BUILDERS`); the same
    ``seed`` gives the same weights."""
    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    torch.manual_seed(seed)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    return BUILDERS[family](folder, size, dtype)

"""A random-weight LFM2-VL (450M or 1.6B shape, or tiny), built offline like the others
in :mod:`describe_app.devtools.random_models`.

Its processor is Describe's own picture processor
(:mod:`describe_app.core.describe.local.lfm2_vl_pictures`), saved under the stock
processor's type name, with a ChatML chat template and LFM2's special tokens.
"""

from __future__ import annotations

from pathlib import Path

from describe_app.devtools.random_models import _new_model, _save, build_tokenizer

LFM2_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|im_start|>{{ m['role'] }}\n"
    "{% for c in m['content'] %}{% if c['type'] == 'image' %}<image>"
    "{% elif c['type'] == 'text' %}{{ c['text'] }}{% endif %}{% endfor %}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
LFM2_TOKENS = [
    "<|pad|>",
    "<|startoftext|>",
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<image>",
    "<|image_start|>",
    "<|image_end|>",
    "<|img_thumbnail|>",
]

#: (text hidden, text layers, text heads, text ff, vision hidden, vision layers,
#: vision heads, vision ff, projector hidden) of each size
SIZES = {
    "tiny": (64, 2, 4, 128, 32, 2, 2, 64, 64),
    # LFM2-350M and SigLIP2 NaFlex base (the last layer dropped, as LiquidAI ships it)
    "full": (1024, 16, 16, 6656, 768, 12, 12, 3072, 2560),
    "450m": (1024, 16, 16, 6656, 768, 12, 12, 3072, 2560),
    # LFM2-1.2B and SigLIP2 NaFlex shape-optimized 400M (last layer dropped)
    "1.6b": (2048, 16, 32, 12288, 1152, 26, 16, 4304, 2560),
}
#: the layers of LFM2 that use attention (the others are short convolutions)
ATTENTION_LAYERS = {16: [2, 5, 8, 10, 12, 14], 2: [1]}


def build_lfm2_vl(out: Path, size: str = "tiny", dtype: str = "float32") -> Path:
    """LFM2-VL with random weights in ``out``: ``tiny``, ``full``/``450m`` or ``1.6b``."""
    from transformers import Lfm2VlConfig, Lfm2VlForConditionalGeneration

    from describe_app.core.describe.local.lfm2_vl_pictures import (
        Lfm2VlPictureProcessor,
        PictureOnlyLfm2VlProcessor,
    )

    tokenizer = build_tokenizer(
        LFM2_TOKENS,
        bos="<|startoftext|>",
        eos="<|im_end|>",
        pad="<|pad|>",
        image_token="<image>",
    )
    hidden, layers, heads, ff, v_hidden, v_layers, v_heads, v_ff, projector = SIZES[size]
    text = {
        "vocab_size": 65536 if size != "tiny" else len(tokenizer),
        "hidden_size": hidden,
        "intermediate_size": ff,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": max(1, heads // 2) if size == "tiny" else 8,
        "full_attn_idxs": ATTENTION_LAYERS[layers],
        "pad_token_id": tokenizer.pad_token_id,
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        # tied, a tiny random model repeats the last prompt token ("\n") for ever
        "tie_word_embeddings": size != "tiny",
    }
    vision = {
        "hidden_size": v_hidden,
        "intermediate_size": v_ff,
        "num_hidden_layers": v_layers,
        "num_attention_heads": v_heads,
        "patch_size": 16,
        "num_patches": 256,
        "vision_use_head": False,
    }
    config = Lfm2VlConfig(
        text_config=text,
        vision_config=vision,
        image_token_id=tokenizer.convert_tokens_to_ids("<image>"),
        projector_hidden_size=projector,
        downsample_factor=2,
        tie_word_embeddings=size != "tiny",
    )
    model = _new_model(Lfm2VlForConditionalGeneration, config, dtype)
    image_processor = Lfm2VlPictureProcessor(
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
        min_image_tokens=64,
        max_image_tokens=256,
        do_image_splitting=True,  # as LiquidAI ships it; Describe turns it off per call
    )
    processor = PictureOnlyLfm2VlProcessor(
        image_processor=image_processor, tokenizer=tokenizer, chat_template=LFM2_TEMPLATE
    )
    return _save(model, processor, tokenizer, out, dtype)

"""Build a random-weight model of the real SmolVLM architecture, on the fly, offline.

Model weights cannot be downloaded on our build machines, so tests and benchmarks make a
model of the *real* architecture (Idefics3: SigLIP vision tower, pixel-shuffle connector,
Llama text model) with random weights, a tokenizer trained locally with the ``tokenizers``
library and SmolVLM's chat template, save it to a folder exactly as the Hub stores it, and
load it through the app's own loader.

Two sizes:

* :data:`TINY` - a few hundred kilobytes, builds in well under a second, for unit tests.
* :data:`SMOLVLM_256M` - the exact dimensions of SmolVLM-256M-Instruct, for benchmarks.

``script`` makes the weights speak a fixed text: attention and MLP outputs are zeroed so
the last hidden state is the embedding of the last token, and the (untied) output head maps
each script token to the next one. Real architecture, real loader, real generation and
streaming - just with a predictable answer, so that tests can check sentence streaming.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# SmolVLM's chat template, as shipped with HuggingFaceTB/SmolVLM-256M-Instruct.
CHAT_TEMPLATE = (
    "<|im_start|>{% for message in messages %}{{message['role'] | capitalize}}"
    "{% if message['content'][0]['type'] == 'image' %}{{':'}}{% else %}{{': '}}{% endif %}"
    "{% for line in message['content'] %}{% if line['type'] == 'text' %}{{line['text']}}"
    "{% elif line['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}"
    "<end_of_utterance>\n{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"
)

SPECIAL_TOKENS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<end_of_utterance>",
    "<fake_token_around_image>",
    "<image>",
    "<global-img>",
] + [f"<row_{r}_col_{c}>" for r in range(1, 7) for c in range(1, 7)]

DEFAULT_SENTENCES = (
    "A red mug stands on the wooden table.",
    "Someone left keys beside it!",
    "Could those be yours?",
)
DEFAULT_SCRIPT = " ".join(DEFAULT_SENTENCES)

_CORPUS = [
    "User: Describe this picture for me. Assistant: A red mug on a wooden table by a window.",
    "The quick brown fox jumps over the lazy dog. Dr. Smith is 3.5 m tall, isn't he?",
    "Text reads EXIT in green letters. A person is walking a dog on the street.",
]


@dataclass(frozen=True)
class Dimensions:
    """The numbers that define one model size."""

    vision_hidden: int
    vision_layers: int
    vision_heads: int
    vision_intermediate: int
    image_size: int
    patch_size: int
    scale_factor: int
    text_hidden: int
    text_layers: int
    text_heads: int
    text_kv_heads: int
    text_intermediate: int
    vocab_size: int  # the embedding rows; the tokenizer may use fewer
    processor: dict[str, Any] = field(default_factory=dict)

    @property
    def image_seq_len(self) -> int:
        return (self.image_size // self.patch_size) ** 2 // self.scale_factor**2


TINY = Dimensions(
    vision_hidden=32,
    vision_layers=2,
    vision_heads=2,
    vision_intermediate=64,
    image_size=64,
    patch_size=16,
    scale_factor=2,
    text_hidden=64,
    text_layers=2,
    text_heads=4,
    text_kv_heads=2,
    text_intermediate=128,
    vocab_size=0,  # = the tokenizer's vocabulary
)

SMOLVLM_256M = Dimensions(
    vision_hidden=768,
    vision_layers=12,
    vision_heads=12,
    vision_intermediate=3072,
    image_size=512,
    patch_size=16,
    scale_factor=4,
    text_hidden=576,
    text_layers=30,
    text_heads=9,
    text_kv_heads=3,
    text_intermediate=1536,
    vocab_size=49280,
)


def build_tokenizer(extra_text: str = "") -> Any:
    """A byte-level BPE tokenizer with SmolVLM's special tokens, trained on a small corpus."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    corpus = (_CORPUS + ([extra_text] if extra_text else [])) * 30
    tok.train_from_iterator(corpus, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|im_start|>",
        eos_token="<end_of_utterance>",
        pad_token="<|endoftext|>",
        unk_token="<|endoftext|>",
        extra_special_tokens={
            "fake_image_token": "<fake_token_around_image>",
            "image_token": "<image>",
            "end_of_utterance_token": "<end_of_utterance>",
            "global_image_token": "<global-img>",
        },
    )


def build_model(
    out_dir: str | Path,
    dims: Dimensions = TINY,
    *,
    script: str | None = None,
    seed: int = 0,
    dtype: str = "float32",
) -> Path:
    """Write a complete model folder (config, safetensors weights, processor) to ``out_dir``."""
    import torch
    from transformers import (
        Idefics3Config,
        Idefics3ForConditionalGeneration,
        Idefics3ImageProcessorPil,
        Idefics3Processor,
    )
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    tokenizer = build_tokenizer(script or "")
    config = smolvlm_config(Idefics3Config, dims, tokenizer, tie_word_embeddings=script is None)
    model = Idefics3ForConditionalGeneration(config)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.bos_token_id = tokenizer.bos_token_id
    if script is not None:
        _make_it_speak(model, tokenizer, script)
    model.to(getattr(torch, dtype))
    model.save_pretrained(out)

    processor = smolvlm_processor(
        Idefics3ImageProcessorPil, Idefics3Processor, dims, tokenizer, CHAT_TEMPLATE
    )
    processor.save_pretrained(out)
    (out / "describe_random_model.json").write_text(
        json.dumps({"random_weights": True, "script": script}), encoding="utf-8"
    )
    return out


def smolvlm_config(
    config_class: Any, dims: Dimensions, tokenizer: Any, *, tie_word_embeddings: bool | None = None
) -> Any:
    """The config of a model of SmolVLM's architecture with ``dims`` (``config_class``:
    Idefics3Config for SmolVLM, SmolVLMConfig for SmolVLM2); ``tie_word_embeddings``
    unset leaves the class's own default."""
    tied = {} if tie_word_embeddings is None else {"tie_word_embeddings": tie_word_embeddings}
    return config_class(
        vision_config={
            "hidden_size": dims.vision_hidden,
            "intermediate_size": dims.vision_intermediate,
            "num_hidden_layers": dims.vision_layers,
            "num_attention_heads": dims.vision_heads,
            "image_size": dims.image_size,
            "patch_size": dims.patch_size,
        },
        text_config={
            "model_type": "llama",
            "vocab_size": max(dims.vocab_size, len(tokenizer)),
            "hidden_size": dims.text_hidden,
            "intermediate_size": dims.text_intermediate,
            "num_hidden_layers": dims.text_layers,
            "num_attention_heads": dims.text_heads,
            "num_key_value_heads": dims.text_kv_heads,
            "max_position_embeddings": 8192,
            "rope_theta": 100000.0,
            **tied,
            "bos_token_id": tokenizer.bos_token_id,
            "eos_token_id": tokenizer.eos_token_id,
            "pad_token_id": tokenizer.pad_token_id,
        },
        scale_factor=dims.scale_factor,
        image_token_id=tokenizer.convert_tokens_to_ids("<image>"),
        **tied,
        **{"pad_token_id": tokenizer.pad_token_id},  # read by its __post_init__
    )


def smolvlm_processor(
    image_processor_class: Any,
    processor_class: Any,
    dims: Dimensions,
    tokenizer: Any,
    chat_template: str,
) -> Any:
    """The processor of a model of SmolVLM's architecture with ``dims`` (the classes:
    Idefics3's for SmolVLM, SmolVLM's for SmolVLM2): pictures split into views of
    ``dims.image_size``, each ``dims.image_seq_len`` image tokens."""
    image_processor = image_processor_class(
        do_image_splitting=True,
        size={"longest_edge": dims.image_size * 4},
        max_image_size={"longest_edge": dims.image_size},
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
    )
    return processor_class(
        image_processor=image_processor,
        tokenizer=tokenizer,
        image_seq_len=dims.image_seq_len,
        chat_template=chat_template,
    )


def _make_it_speak(model: Any, tokenizer: Any, script: str) -> None:
    """Set the weights so that greedy decoding after ``Assistant:`` produces ``script``."""
    import torch

    ids: list[int] = tokenizer(script, add_special_tokens=False)["input_ids"]
    if len(set(ids)) != len(ids):
        words = tokenizer.convert_ids_to_tokens(ids)
        raise ValueError(f"every token of a script must be unique; tokens are {words}")
    start = tokenizer(":", add_special_tokens=False)["input_ids"][-1]
    if start in ids:
        raise ValueError("the script must not contain ':'")
    chain = [start, *ids, tokenizer.eos_token_id]
    text_model = model.model.text_model
    with torch.no_grad():
        for layer in text_model.layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        embed = text_model.embed_tokens.weight
        head = model.lm_head.weight
        head.zero_()
        for current, following in itertools.pairwise(chain):
            head[following] = embed[current] * 10.0

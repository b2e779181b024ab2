"""The language half of Llama-based models (SmolVLM's) in fewer, larger steps on a CPU.

Writing an answer runs the language model once per token. For a small model (SmolVLM-256M
reads with a 135M-parameter Llama) a step is so short that the work around the matrix
products counts: on a 2-core AVX2 CPU transformers' Llama step took 32 ms, of which the
int8 matrix products were 12 ms. :class:`FusedLlamaModel` computes the same numbers with
fewer calls:

* one layer for the query, key and value projections and one for the gate and up
  projections: the same rows in one matrix, so the same products (int8: the input is
  quantized once, with the same scale it had three times before), bit for bit;
* each layer's key-value cache written in place into room that grows by blocks, instead of
  a concatenation per token and layer;
* the rotary position angles computed once per step for all layers;
* the int8 products called directly, not through their modules.

It replaces ``model.model.text_model`` when the model is loaded (:func:`install_fused_llama`)
and keeps transformers' forward signature and cache objects, so ``generate()``, the caches
kept for follow-ups and written ahead (cropped, deep-copied) and the cancel hooks (checked
before each ``...DecoderLayer``) work as before. torch and transformers are imported when a
model is loaded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

log = logging.getLogger(__name__)

ROOM_BLOCK = 256  # the key-value room grows by this many tokens


def install_fused_llama(model: Any) -> bool:
    """Put a :class:`FusedLlamaModel` in place of the Llama language model of ``model``
    (a transformers vision-language model). False, and nothing changed, where the model has
    none, or one this stack does not reproduce exactly."""
    outer: Any = getattr(model, "model", None)
    text_model = getattr(outer, "text_model", None)
    if text_model is None or not _reproducible(text_model):
        return False
    outer.text_model = FusedLlamaModel(text_model)
    return True


def fused_projection_names(model: Any) -> set[str]:
    """The qualified names of the projections :func:`install_fused_llama` will join (the
    query, key, value, gate and up projections of each layer); empty where it will not run.
    The int8 conversion leaves these unpacked (:class:`Int8Rows`): each joined layer is
    packed once, not packed, unpacked and packed again (0.7 s of a 1.2 s load)."""
    outer: Any = getattr(model, "model", None)
    text_model = getattr(outer, "text_model", None)
    if text_model is None or not _reproducible(text_model):
        return set()
    prefix = next(name for name, module in model.named_modules() if module is text_model)
    return {
        f"{prefix}.{name}" for name, _module in text_model.named_modules() if name.endswith(JOINED)
    }


JOINED = (
    "self_attn.q_proj",
    "self_attn.k_proj",
    "self_attn.v_proj",
    "mlp.gate_proj",
    "mlp.up_proj",
)


def _reproducible(text_model: Any) -> bool:
    config = getattr(text_model, "config", None)
    if type(text_model).__name__ != "LlamaModel" or config is None:
        return False
    rope = getattr(config, "rope_parameters", None) or {}
    if rope.get("rope_type", "default") != "default":
        return False  # scaled positions (dynamic, YaRN, Llama 3): transformers' own code
    if getattr(config, "hidden_act", "silu") != "silu" or config.mlp_bias:
        return False
    layer = text_model.layers[0]
    projections = [layer.self_attn.q_proj, layer.self_attn.k_proj, layer.self_attn.v_proj]
    return _fusable(projections) and _fusable([layer.mlp.gate_proj, layer.mlp.up_proj])


def _fusable(layers: list[Any]) -> bool:
    from torch.ao.nn.quantized.dynamic import Linear as DynamicQuantLinear

    kinds = {type(layer) for layer in layers}
    return len(kinds) == 1 and kinds <= {DynamicQuantLinear, nn.Linear, Int8Rows}


class Int8Rows(nn.Module):
    """A Linear's int8 values, float64 per-row scales and bias, not yet packed for the
    CPU's kernels: they wait to be joined with their neighbours."""

    def __init__(self, values: Any, scales: Any, bias: Any) -> None:
        super().__init__()
        self.values, self.scales, self.bias = values, scales, bias

    def forward(self, x: Any) -> Any:
        raise RuntimeError("int8 rows are joined before use (install_fused_llama)")


def fuse_linears(layers: list[Any]) -> Any:
    """One layer whose output is the outputs of ``layers`` (same input) side by side."""
    from torch.ao.nn.quantized.dynamic import Linear as DynamicQuantLinear

    from describe_app.core.describe.local.int8_layers import per_row_tensor

    if isinstance(layers[0], nn.Linear):
        return _joined_float(layers)
    if isinstance(layers[0], Int8Rows):
        parts = [(layer.values, layer.scales, layer.bias) for layer in layers]
    else:
        parts = []
        for layer in layers:
            weight, bias = layer._weight_bias()  # unpacked once each
            parts.append((weight.int_repr(), weight.q_per_channel_scales(), bias))
    biases = [bias for _values, _scales, bias in parts]
    bias = None if any(b is None for b in biases) else torch.cat(biases)
    values = torch.cat([values for values, _scales, _bias in parts])
    scales = torch.cat([scales for _values, scales, _bias in parts])
    fused = DynamicQuantLinear(1, 1, bias_=bias is not None, dtype=torch.qint8)
    fused.in_features, fused.out_features = values.shape[1], values.shape[0]
    fused.set_weight_bias(per_row_tensor(values, scales), bias)
    return fused


def _joined_float(layers: list[Any]) -> Any:
    weight = torch.cat([layer.weight.detach() for layer in layers])
    biases = [layer.bias for layer in layers]
    joined = nn.Linear(weight.shape[1], weight.shape[0], bias=biases[0] is not None)
    joined.weight = nn.Parameter(weight, requires_grad=False)
    if biases[0] is not None:
        joined.bias = nn.Parameter(torch.cat([b.detach() for b in biases]), requires_grad=False)
    return joined


def direct_product(layer: Any) -> Callable[[Any], Any]:
    """The product of ``layer`` (an int8 or float Linear) without the module call around
    it: a quarter of a small int8 layer's time on a CPU went to that call."""
    from torch.ao.nn.quantized.dynamic import Linear as DynamicQuantLinear

    if isinstance(layer, DynamicQuantLinear):
        packed = layer._packed_params._packed_params
        product = torch.ops.quantized.linear_dynamic
        return lambda x: product(x, packed, True)  # reduce_range, as the module's own call
    return lambda x: F.linear(x, layer.weight, layer.bias)


class FusedLlamaDecoderLayer(nn.Module):
    """One Llama decoder layer (the name ends in DecoderLayer: the cancel hooks find it)."""

    def __init__(self, layer: Any, config: Any) -> None:
        super().__init__()
        attention, mlp = layer.self_attn, layer.mlp
        self.heads = config.num_attention_heads
        self.kv_heads = config.num_key_value_heads
        self.head_dim = attention.head_dim
        self.scaling = attention.scaling
        self.eps = config.rms_norm_eps
        self.qkv = fuse_linears([attention.q_proj, attention.k_proj, attention.v_proj])
        attention.q_proj = attention.k_proj = attention.v_proj = None  # freed as we go
        self.o_proj = attention.o_proj
        self.gate_up = fuse_linears([mlp.gate_proj, mlp.up_proj])
        mlp.gate_proj = mlp.up_proj = None
        self.down_proj = mlp.down_proj
        self._qkv, self._o = direct_product(self.qkv), direct_product(self.o_proj)
        self._gate_up, self._down = direct_product(self.gate_up), direct_product(self.down_proj)
        self.input_norm = layer.input_layernorm.weight
        self.post_attention_norm = layer.post_attention_layernorm.weight
        self.intermediate = config.intermediate_size

    def forward(self, x: Any, cos: Any, sin: Any, room: KeyValueRoom, mask: Any) -> Any:
        batch, length, width = x.shape
        h = F.rms_norm(x, (width,), self.input_norm, self.eps)
        heads = self._qkv(h).view(batch, length, -1, self.head_dim).transpose(1, 2)
        # the query and key heads side by side: turned by their positions in one go
        qk = heads[:, : self.heads + self.kv_heads]
        qk = qk * cos + _rotate_half(qk) * sin
        q, k = qk.split([self.heads, self.kv_heads], dim=1)
        keys, values = room.append(k, heads[:, self.heads + self.kv_heads :])
        attended = F.scaled_dot_product_attention(
            q,
            keys,
            values,
            attn_mask=None if isinstance(mask, bool) else mask,
            is_causal=mask is True,
            scale=self.scaling,
            enable_gqa=self.heads != self.kv_heads,
        )
        x = x + self._o(attended.transpose(1, 2).reshape(batch, length, -1))
        h = F.rms_norm(x, (width,), self.post_attention_norm, self.eps)
        gate, up = self._gate_up(h).split([self.intermediate, self.intermediate], dim=-1)
        return x + self._down(F.silu(gate) * up)


def _rotate_half(x: Any) -> Any:
    first, second = x.chunk(2, dim=-1)
    return torch.cat((-second, first), dim=-1)


class KeyValueRoom:
    """The key-value cache of one layer (a transformers ``DynamicLayer``) kept as views of
    a larger buffer, so a new token is written in place. A cache whose tensors are not such
    views (new, or made by transformers' own code) gets a buffer on its first append; a
    crop or a deep copy keeps them views (a deep copy copies the buffer with them).

    Two caches never share a buffer unless one was made from the other without a copy;
    the describer deep-copies a kept cache before it writes on."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer

    def append(self, keys: Any, values: Any) -> tuple[Any, Any]:
        layer = self.layer
        if not layer.is_initialized:
            layer.lazy_initialization(keys, values)
        held = layer.get_seq_length()
        total = held + keys.shape[-2]
        buffer: Any = getattr(layer, "_describe_room", None)
        if not self._holds(buffer, held) or buffer.shape[-2] < total:
            buffer = self._grow(held, total, keys)
            layer._describe_room = buffer
        buffer[0, :, :, held:total] = keys
        buffer[1, :, :, held:total] = values
        layer.keys, layer.values = buffer[0, :, :, :total], buffer[1, :, :, :total]
        return layer.keys, layer.values

    def _holds(self, buffer: Any, held: int) -> bool:
        """Whether the layer's tensors are the first ``held`` tokens of ``buffer``, and
        ``buffer`` may be written here (one made under ``torch.inference_mode`` may be
        written only there)."""
        if buffer is None or (buffer.is_inference() and not torch.is_inference_mode_enabled()):
            return False
        return held == 0 or (
            self.layer.keys.data_ptr() == buffer[0].data_ptr()
            and self.layer.values.data_ptr() == buffer[1].data_ptr()
        )

    def _grow(self, held: int, total: int, like: Any) -> Any:
        """A new buffer with room for ``total`` tokens, holding the layer's first ``held``."""
        size = -(-total // ROOM_BLOCK) * ROOM_BLOCK
        batch, heads, _length, width = like.shape
        grown = like.new_empty((2, batch, heads, size, width))
        if held:
            grown[0, :, :, :held] = self.layer.keys
            grown[1, :, :, :held] = self.layer.values
        return grown


class FusedLlamaModel(nn.Module):
    """transformers' ``LlamaModel`` forward (inputs, cache, outputs) on fused layers."""

    def __init__(self, text_model: Any) -> None:
        super().__init__()
        self.config = text_model.config
        self.embed_tokens = text_model.embed_tokens
        config = self.config
        # joined on every core: packing for the int8 kernels releases the GIL
        with ThreadPoolExecutor(max_workers=torch.get_num_threads()) as pool:
            joined = pool.map(
                lambda layer: FusedLlamaDecoderLayer(layer, config), text_model.layers
            )
            self.layers = nn.ModuleList(joined)
        self.norm_weight = text_model.norm.weight
        self.eps = self.config.rms_norm_eps
        rotary = text_model.rotary_emb
        self.register_buffer("inv_freq", rotary.inv_freq.detach().clone(), persistent=False)
        self.attention_scaling = rotary.attention_scaling

    def get_input_embeddings(self) -> Any:
        return self.embed_tokens

    def set_input_embeddings(self, value: Any) -> None:
        self.embed_tokens = value

    def forward(
        self,
        input_ids: Any = None,
        attention_mask: Any = None,
        position_ids: Any = None,
        cache: Any = None,
        inputs_embeds: Any = None,
        use_cache: bool | None = None,
        past_key_values: Any = None,
        **_kwargs: Any,
    ) -> Any:
        from transformers import DynamicCache
        from transformers.modeling_outputs import BaseModelOutputWithPast

        cache = cache if cache is not None else past_key_values
        if inputs_embeds is None:
            inputs_embeds = self.embed_tokens(input_ids)
        if cache is None:
            cache = DynamicCache(config=self.config)
        held = cache.get_seq_length()
        length = inputs_embeds.shape[1]
        if position_ids is None:
            position_ids = torch.arange(held, held + length, device=inputs_embeds.device)[None]
        cos, sin = self._angles(position_ids, inputs_embeds.dtype)
        mask = _attention_mask(attention_mask, held, length, inputs_embeds.device)
        x = inputs_embeds
        for index, layer in enumerate(self.layers):
            x = layer(x, cos, sin, KeyValueRoom(_cache_layer(cache, index)), mask)
        x = F.rms_norm(x, (x.shape[-1],), self.norm_weight, self.eps)
        return BaseModelOutputWithPast(last_hidden_state=x, cache=cache if use_cache else None)

    def _angles(self, position_ids: Any, dtype: Any) -> tuple[Any, Any]:
        """The rotary cosines and sines, as transformers' ``LlamaRotaryEmbedding`` makes
        them (float32, then the hidden states' type), shaped to broadcast over heads."""
        freqs = position_ids[..., None].float() * self.inv_freq.float()
        angles = torch.cat((freqs, freqs), dim=-1)
        cos = (angles.cos() * self.attention_scaling).to(dtype)
        sin = (angles.sin() * self.attention_scaling).to(dtype)
        return cos[:, None], sin[:, None]


def _cache_layer(cache: Any, index: int) -> Any:
    """Layer ``index`` of a transformers cache (one made without a config grows its layers
    as they are first written)."""
    while len(cache.layers) <= index:
        cache.layers.append(cache.layer_class_to_replicate())
    return cache.layers[index]


def _attention_mask(attention_mask: Any, held: int, length: int, device: Any) -> Any:
    """None where every new token may see every token so far (one new token, nothing
    padded), True where the attention is plainly causal (nothing cached, nothing padded:
    the kernel's own causal path is faster than a mask); else a boolean mask: causal after
    the ``held`` cached tokens, padding hidden."""
    padded = attention_mask is not None and not bool(attention_mask.all())
    if length == 1 and not padded:
        return None
    if held == 0 and not padded:
        return True
    rows = torch.arange(length, device=device)[:, None] + held
    columns = torch.arange(held + length, device=device)[None]
    mask = columns <= rows
    if padded:
        mask = mask & attention_mask[:, None, None, -(held + length) :].bool()
    return mask

"""The model families of the ladder, and what each needs to run well on a CPU.

One :class:`ModelFamily` per architecture: whether this build can run it (and why not),
how the picture is shown to it (its visual token budget), how its processor is called and
loaded. The prompt format and the end token come from the model folder itself (its chat
template and ``generation_config.json``), so nothing here repeats them.

Checked against transformers 5.25 with torch 2.13.0 (CPU) and no torchvision or timm
(``tests/test_model_families.py`` builds a tiny random-weight model of each runnable family
and describes a picture with it):

* SmolVLM 256M, 500M and 2.2B (Idefics3): run. One 512 px square view, 64 image tokens.
* SmolVLM2 256M, 500M (one 512 px square, 64 image tokens) and 2.2B (one 384 px square,
  81 tokens): run with the same view as SmolVLM, its image processor's PIL form and no
  video processor (the stock processor builds one, and needs num2words for video prompts).
* Qwen3-VL (2B): runs with its image processor's PIL form and no video processor (the stock
  processor always builds one, and video processors need torchvision). The picture keeps
  its shape, capped at 256 visual tokens (640x480 gives 234).
* Gemma 3 (4B and up with vision): runs; one 896 px square, 256 tokens, no pan-and-scan.
* LFM2-VL (450M, 1.6B): runs with our NumPy/PIL form of its image processor
  (``lfm2_vl_pictures.py``; the stock one needs torchvision): one view in its own shape,
  no tiles, within the folder's image token limits (640x480 gives 576x416, 234 tokens).
* Gemma 3n and FastVLM do not run here: see :data:`NOT_RUNNABLE`.

This module imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from describe_app.core.i18n import N_


@dataclass(frozen=True)
class ModelFamily:
    key: str
    title: str
    architectures: tuple[str, ...]
    #: "square": one square view at the vision encoder's side, scaled by us;
    #: "fit": the picture keeps its shape, scaled by us to at most ``max_pixels``;
    #: "processor": the processor scales the picture itself.
    view: str
    max_pixels: int = 0  # for "fit": the visual token budget, in pixels (else: warm-up)
    #: extra arguments for every call of the processor
    processor_kwargs: dict[str, Any] = field(default_factory=dict)
    nested_images: bool = False  # images passed as [[picture]] (one list per prompt)
    picture_only_processor: bool = False  # built without its video processor
    #: "module:function" that builds the processor from the model folder, or "" for
    #: transformers' own (imported by the loader only when a model of the family loads)
    processor_builder: str = ""
    #: a follow-up reuses the key-value cache of the conversation so far (only where the
    #: cache can be cut back to any length and positions count one per token: plain
    #: attention with 1-D rotary positions, as in SmolVLM's Llama; not Qwen3-VL's 3-D
    #: positions, Gemma 3's sliding windows or LFM2's convolution states)
    reuses_prompt_cache: bool = False


#: Qwen3-VL: 16 px patches merged 2x2, so one visual token per 32 x 32 pixels.
QWEN_TOKEN_PIXELS = 32 * 32
QWEN_MAX_TOKENS = 256

SMOLVLM = ModelFamily(
    key="smolvlm",
    title="SmolVLM",
    architectures=("Idefics3ForConditionalGeneration",),
    view="square",
    processor_kwargs={"do_image_splitting": False, "do_resize": False},
    nested_images=True,
    reuses_prompt_cache=True,
)
SMOLVLM2 = ModelFamily(
    key="smolvlm2",
    title="SmolVLM2",
    architectures=("SmolVLMForConditionalGeneration",),
    view="square",
    processor_kwargs=SMOLVLM.processor_kwargs,
    nested_images=True,
    picture_only_processor=True,
    reuses_prompt_cache=True,
)
QWEN3_VL = ModelFamily(
    key="qwen3_vl",
    title="Qwen3-VL",
    architectures=("Qwen3VLForConditionalGeneration",),
    view="fit",
    max_pixels=QWEN_MAX_TOKENS * QWEN_TOKEN_PIXELS,
    # Qwen's "size" counts pixels: at least 4 visual tokens, at most 256
    processor_kwargs={
        "size": {
            "shortest_edge": 4 * QWEN_TOKEN_PIXELS,
            "longest_edge": QWEN_MAX_TOKENS * QWEN_TOKEN_PIXELS,
        }
    },
    picture_only_processor=True,
)
GEMMA3 = ModelFamily(
    key="gemma3",
    title="Gemma 3",
    architectures=("Gemma3ForConditionalGeneration",),
    view="processor",
    processor_kwargs={"do_pan_and_scan": False},
    nested_images=True,
)
LFM2_VL = ModelFamily(
    key="lfm2_vl",
    title="LFM2-VL",
    architectures=("Lfm2VlForConditionalGeneration",),
    view="processor",
    max_pixels=256 * 32 * 32,  # a warm-up picture of 256 tokens, its usual maximum
    processor_kwargs={"do_image_splitting": False},
    processor_builder="describe_app.core.describe.local.lfm2_vl_pictures:load_lfm2_vl_processor",
)

#: Families this build runs, by key.
FAMILIES: dict[str, ModelFamily] = {
    f.key: f for f in (SMOLVLM, QWEN3_VL, GEMMA3, LFM2_VL, SMOLVLM2)
}

#: Families of the ladder this build cannot run: architecture -> (title, reason).
NOT_RUNNABLE: dict[str, tuple[str, str]] = {
    "Gemma3nForConditionalGeneration": (
        "Gemma 3n",
        N_("its vision tower needs timm and torchvision, which this build does not include"),
    ),
    "FastVlmForConditionalGeneration": (
        "FastVLM",
        N_("its vision tower needs timm and torchvision, which this build does not include"),
    ),
    "Florence2ForConditionalGeneration": (
        "Florence-2",
        N_("it answers fixed tasks only, not questions"),
    ),
}


def runnable_architectures() -> frozenset[str]:
    """Class names (as in ``config.json``) of every family this build runs."""
    return frozenset(a for f in FAMILIES.values() for a in f.architectures)


def family_for(architectures: list[str] | tuple[str, ...]) -> ModelFamily | None:
    """The runnable family of a model with these ``config.json`` architectures, or None."""
    for family in FAMILIES.values():
        if any(a in family.architectures for a in architectures):
            return family
    return None


def why_not_runnable(architectures: list[str] | tuple[str, ...]) -> tuple[str, str] | None:
    """(family title, untranslated reason) for a ladder family this build cannot run."""
    for name in architectures:
        if name in NOT_RUNNABLE:
            return NOT_RUNNABLE[name]
    return None


def view_size(family: ModelFamily, size: tuple[int, int], side: int) -> tuple[int, int] | None:
    """The size we scale a picture of ``size`` to before the processor sees it, or None
    to leave it as it is. ``side``: the vision encoder's square side ("square")."""
    if family.view == "square":
        return (side, side)
    if family.view == "fit":
        width, height = size
        if width * height <= family.max_pixels:
            return None
        scale = (family.max_pixels / (width * height)) ** 0.5
        return (max(1, int(width * scale)), max(1, int(height * scale)))
    return None


def native_side(family: ModelFamily, config: Any) -> int:
    """The square side a picture of this family is shown at (a warm-up picture's side)."""
    if family.max_pixels:
        return int(family.max_pixels**0.5)
    return int(config.vision_config.image_size)


def processor_arguments(family: ModelFamily, view_side: int) -> dict[str, Any]:
    """Keyword arguments for one processor call on a view whose longer side is ``view_side``."""
    kwargs = dict(family.processor_kwargs)
    if family.view == "square":
        kwargs["max_image_size"] = {"longest_edge": view_side}
    return kwargs

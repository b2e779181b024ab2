"""The ladder of models Describe knows: what each costs and what it may be used for.

Each entry pins what a release was tested with (``revision``) and the numbers the app
relies on (``expected_config``, compared with a downloaded ``config.json``), and says what a
user needs to choose it: size on disk, memory while loaded, license, whether this build can
run it, and its expected time to the first word.

Figures:

* ``first_word_s`` / ``first_word_s_avx512``: seconds to the first token on 2 cores, int8 as
  the app quantizes, one 640x480 frame - the table of issue 16 (full-size random weights on a
  2-core Xeon, "AVX2 mode" and native AVX-512). Entries without a measurement there
  (the 2.2B) are extrapolated from the 1.6-2B rows. Always shown as an estimate.
* ``memory_mb``: peak resident memory of the model process on a CPU, loading and one
  description (torch and transformers included). Measured on full-size random weights with
  the lean loader (:mod:`.cpu_memory`) for SmolVLM and SmolVLM2 256M and 500M and
  LFM2-VL-450M; the others are still the older, higher figures (scaled as about
  400 MB + 1.6 x the download, raised where ``benchmarks/bench_engine.py --model-family``
  peaked higher), which errs on the side of refusing.
* ``runnable``: whether this build's loader runs the family: what
  :mod:`model_families` says (``_RUNS``), or set by hand to keep an entry off.
* ``revision``: a branch until a release pins the commit it was tested with (no model hub
  can be reached where this is built).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from describe_app.core.describe.local.model_families import runnable_architectures
from describe_app.core.i18n import N_


@dataclass(frozen=True)
class ModelSpec:
    """One supported model."""

    name: str
    repo_id: str
    revision: str  # a branch, tag or commit hash; a release pins a commit
    architecture: str
    download_mb: int
    summary: str  # one line, marked with N_(); translate where shown
    #: config.json values the app depends on, checked after download ("a.b" = nested key)
    expected_config: dict[str, Any] = field(default_factory=dict)
    family: str = "smolvlm"
    parameters_m: int = 0  # millions of parameters
    memory_mb: int = 0  # peak resident memory while loading on a CPU (int8); 0: unknown
    license: str = "Apache-2.0"
    research_only: bool = False  # the license forbids use beyond research
    gated: bool = False  # the hub asks for an account and accepted terms
    runnable: bool = True  # this build's loader runs it
    #: suggested when it suits the computer; False: offered in the list, never suggested
    #: (a family whose picture processor is our own port, not yet run on its real weights)
    suggested: bool = True
    first_word_s: float | None = None  # 2-core AVX2 laptop, estimate
    first_word_s_avx512: float | None = None  # the same 2 cores with AVX-512, estimate


#: Architectures this build's loader runs (model_families.FAMILIES).
_RUNS = runnable_architectures()

_SMOLVLM_COMMON = {
    "architectures": ["Idefics3ForConditionalGeneration"],
    "scale_factor": 4,
    "vision_config.hidden_size": 768,
    "vision_config.patch_size": 16,
    "vision_config.image_size": 512,
}

LADDER: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="SmolVLM-256M-Instruct",
        repo_id="HuggingFaceTB/SmolVLM-256M-Instruct",
        revision="main",
        architecture="Idefics3ForConditionalGeneration",
        download_mb=520,
        summary=N_("Fastest. Short, plain descriptions; runs on any laptop."),
        expected_config={
            **_SMOLVLM_COMMON,
            "image_token_id": 49190,
            "text_config.hidden_size": 576,
            "text_config.num_hidden_layers": 30,
        },
        parameters_m=256,
        memory_mb=1000,  # measured peak 0.95 GB, a description included
        first_word_s=1.07,
        first_word_s_avx512=0.62,
    ),
    ModelSpec(
        name="SmolVLM-500M-Instruct",
        repo_id="HuggingFaceTB/SmolVLM-500M-Instruct",
        revision="main",
        architecture="Idefics3ForConditionalGeneration",
        download_mb=1020,
        summary=N_("Better descriptions, a little slower to start and half as fast to speak."),
        expected_config={
            **_SMOLVLM_COMMON,
            "text_config.hidden_size": 960,
            "text_config.num_hidden_layers": 32,
            "text_config.num_attention_heads": 15,
            "text_config.num_key_value_heads": 5,
            "text_config.intermediate_size": 2560,
        },
        parameters_m=507,
        memory_mb=1450,  # measured peak 1.41 GB
        first_word_s=1.23,
        first_word_s_avx512=0.78,
    ),
    ModelSpec(
        name="SmolVLM-Instruct",
        repo_id="HuggingFaceTB/SmolVLM-Instruct",
        revision="main",
        architecture="Idefics3ForConditionalGeneration",
        download_mb=4490,
        summary=N_("The most careful SmolVLM; slow on a laptop, best with a graphics card."),
        expected_config={
            "architectures": ["Idefics3ForConditionalGeneration"],
            "text_config.hidden_size": 2048,
            "vision_config.patch_size": 14,
        },
        parameters_m=2250,
        memory_mb=7600,
        first_word_s=5.5,
        first_word_s_avx512=2.8,
    ),
    # SmolVLM2: the SmolVLM rows' sizes under SmolVLM2's classes, so the SmolVLM rows' figures
    # (estimates; full-size random-weight 256M models of both, run in turn on one busy machine,
    # took the same time to the first token)
    ModelSpec(
        name="SmolVLM2-256M-Video-Instruct",
        repo_id="HuggingFaceTB/SmolVLM2-256M-Video-Instruct",
        revision="main",
        architecture="SmolVLMForConditionalGeneration",
        download_mb=520,
        summary=N_("SmolVLM's newer release: as fast as SmolVLM-256M, trained on more data."),
        expected_config={
            **_SMOLVLM_COMMON,
            "architectures": ["SmolVLMForConditionalGeneration"],
            "text_config.hidden_size": 576,
        },
        family="smolvlm2",
        parameters_m=256,
        memory_mb=1000,  # measured peak 0.94 GB
        runnable="SmolVLMForConditionalGeneration" in _RUNS,
        first_word_s=1.07,
        first_word_s_avx512=0.62,
    ),
    ModelSpec(
        name="SmolVLM2-500M-Video-Instruct",
        repo_id="HuggingFaceTB/SmolVLM2-500M-Video-Instruct",
        revision="main",
        architecture="SmolVLMForConditionalGeneration",
        download_mb=1020,
        summary=N_("SmolVLM's newer release at 500M: better descriptions, slower to speak."),
        expected_config={
            **_SMOLVLM_COMMON,
            "architectures": ["SmolVLMForConditionalGeneration"],
            "text_config.hidden_size": 960,
        },
        family="smolvlm2",
        parameters_m=507,
        memory_mb=1450,
        runnable="SmolVLMForConditionalGeneration" in _RUNS,
        first_word_s=1.23,
        first_word_s_avx512=0.78,
    ),
    ModelSpec(
        name="SmolVLM2-2.2B-Instruct",
        repo_id="HuggingFaceTB/SmolVLM2-2.2B-Instruct",
        revision="main",
        architecture="SmolVLMForConditionalGeneration",
        download_mb=4490,
        summary=N_("The most careful SmolVLM2; slow on a laptop, best with a graphics card."),
        expected_config={
            "architectures": ["SmolVLMForConditionalGeneration"],
            "text_config.hidden_size": 2048,
            "vision_config.patch_size": 14,
        },
        family="smolvlm2",
        parameters_m=2246,
        memory_mb=7600,
        runnable="SmolVLMForConditionalGeneration" in _RUNS,
        first_word_s=5.5,
        first_word_s_avx512=2.8,
    ),
    ModelSpec(
        name="LFM2-VL-450M",
        repo_id="LiquidAI/LFM2-VL-450M",
        revision="main",
        architecture="Lfm2VlForConditionalGeneration",
        suggested=False,  # lfm2_vl_pictures.py is our port: not yet run on real weights
        download_mb=900,
        summary=N_("Sees about four times more of the picture than SmolVLM-256M, nearly as fast."),
        family="lfm2_vl",
        parameters_m=450,
        memory_mb=1450,  # peak 1.40 GB, full-size random weights, a description included
        license="LFM Open License v1.0",
        runnable="Lfm2VlForConditionalGeneration" in _RUNS,
        first_word_s=1.40,
        first_word_s_avx512=0.73,
    ),
    ModelSpec(
        name="LFM2-VL-1.6B",
        repo_id="LiquidAI/LFM2-VL-1.6B",
        revision="main",
        architecture="Lfm2VlForConditionalGeneration",
        suggested=False,  # lfm2_vl_pictures.py is our port: not yet run on real weights
        download_mb=3170,
        summary=N_("More detail and better reading of text; slow on two cores."),
        family="lfm2_vl",
        parameters_m=1580,
        memory_mb=5600,  # peak while loading, full-size random weights (bench_engine)
        license="LFM Open License v1.0",
        runnable="Lfm2VlForConditionalGeneration" in _RUNS,
        first_word_s=5.25,
        first_word_s_avx512=2.68,
    ),
    ModelSpec(
        name="Qwen3-VL-2B-Instruct",
        repo_id="Qwen/Qwen3-VL-2B-Instruct",
        revision="main",
        architecture="Qwen3VLForConditionalGeneration",
        download_mb=4260,
        summary=N_("Strong at text and detail; slow on two cores."),
        family="qwen3_vl",
        parameters_m=2130,
        memory_mb=7700,  # the scaled 7.2 GB was below a full-size random-weight load
        runnable="Qwen3VLForConditionalGeneration" in _RUNS,
        first_word_s=5.32,
        first_word_s_avx512=2.50,
    ),
    ModelSpec(
        name="FastVLM-0.5B",
        repo_id="apple/FastVLM-0.5B",
        revision="main",
        architecture="FastVlmForConditionalGeneration",
        download_mb=1520,
        summary=N_("Reads documents well; for research only."),
        family="fast_vlm",
        parameters_m=760,
        memory_mb=2850,
        license="Apple Machine Learning Research Model License",
        research_only=True,
        runnable="FastVlmForConditionalGeneration" in _RUNS,
        first_word_s=5.08,
        first_word_s_avx512=3.63,
    ),
)

DEFAULT_MODEL = "SmolVLM-256M-Instruct"

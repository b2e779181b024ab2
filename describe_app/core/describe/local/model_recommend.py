"""Which model suits this computer: what it has, whether a model fits, and the one to suggest.

* :func:`machine_facts` reads memory, cores and CPU features, and a CUDA card or Apple's MPS,
  without importing torch (it asks torch only when something already imported it).
* :func:`fits` says in one sentence why a model does not fit, or None.
* :func:`recommend` picks the largest runnable, freely licensed model that fits with room to
  spare (the screen reader, the browser and the app itself need memory too) and should start
  speaking within :data:`COMFORTABLE_FIRST_WORD_S` on this CPU; with a graphics card, the
  largest that fits on the card.

Where the model runs: a CUDA card when there is one (the loader picks it), Apple's MPS on
Apple silicon (the card shares the computer's memory), else the CPU with int8 weights.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import logging
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from describe_app.core.describe.local.model_ladder import DEFAULT_MODEL, LADDER, ModelSpec
from describe_app.core.i18n import _

log = logging.getLogger(__name__)

#: A first word later than this (estimated, on this CPU) is not suggested by default.
COMFORTABLE_FIRST_WORD_S = 2.0
#: Share of the computer's memory a suggested model may take on the CPU: a third, so a
#: 4 GB laptop (the screen reader, a browser and the desktop need the rest) gets the
#: 256M model (1.0 GB) and an 8 GB one the 500M (1.45 GB).
CPU_MEMORY_SHARE = 0.33
#: Share of the (shared) memory a suggested model may take on Apple's MPS.
MPS_MEMORY_SHARE = 0.5
#: Cores beyond this no longer shorten the time to the first word much.
CORES_THAT_HELP = 8


@dataclass(frozen=True)
class MachineFacts:
    """What a computer offers a model."""

    total_memory_mb: int
    available_memory_mb: int
    cores: int
    cpu_flags: frozenset[str] = frozenset()
    has_cuda: bool = False
    cuda_memory_mb: int = 0
    has_mps: bool = False

    @property
    def has_avx512(self) -> bool:
        return "avx512f" in self.cpu_flags

    @property
    def device(self) -> str:
        """Where the app would run a model: ``cuda``, ``mps`` or ``cpu``."""
        if self.has_cuda:
            return "cuda"
        return "mps" if self.has_mps else "cpu"

    def on_cpu(self) -> MachineFacts:
        """The same computer with the model kept on the CPU (``--device cpu``)."""
        return dataclasses.replace(self, has_cuda=False, cuda_memory_mb=0, has_mps=False)


@dataclass(frozen=True)
class Recommendation:
    spec: ModelSpec
    reason: str  # one translated sentence: why this one
    fits: bool = True  # False only when not even the smallest model fits now


def machine_facts() -> MachineFacts:
    """This computer's facts. Never imports torch."""
    import psutil

    from describe_app.core.describe.local.vlm_loader import available_cores

    memory = psutil.virtual_memory()
    has_cuda, cuda_mb = _cuda_card()
    return MachineFacts(
        total_memory_mb=int(memory.total // 2**20),
        available_memory_mb=int(memory.available // 2**20),
        cores=available_cores(),
        cpu_flags=_cpu_flags(),
        has_cuda=has_cuda,
        cuda_memory_mb=cuda_mb,
        has_mps=_has_mps(),
    )


def memory_needed_mb(spec: ModelSpec, machine: MachineFacts) -> int:
    """Memory the model needs where it would run (the card's on CUDA); 0 when unknown."""
    if machine.device == "cpu":
        return spec.memory_mb
    # a graphics card holds the stored bfloat16 weights, plus room to work
    return int(spec.download_mb * 1.25) + 300 if spec.download_mb else 0


def fits(spec: ModelSpec, machine: MachineFacts) -> str | None:
    """None when the model fits in memory now, else the sentence that says why not."""
    need = memory_needed_mb(spec, machine)
    if machine.device == "cuda":
        if need > machine.cuda_memory_mb:
            return _(
                "{name} needs about {need} of graphics memory, and this graphics card has {have}."
            ).format(name=spec.name, need=size_text(need), have=size_text(machine.cuda_memory_mb))
        need = spec.download_mb  # read into memory before it moves to the card
    if not memory_known(machine):
        return None  # a size nobody reported refuses nothing: the loader says if it runs out
    if need > machine.available_memory_mb:
        return _(
            "{name} needs about {need} of memory, and this computer has only {have} free now."
        ).format(name=spec.name, need=size_text(need), have=size_text(machine.available_memory_mb))
    return None


def estimated_first_word_s(spec: ModelSpec, machine: MachineFacts) -> float | None:
    """Seconds to the first word on this computer's CPU, from the measured table; None when
    the model would run on a graphics card or has no figure (never measured there)."""
    if machine.device == "cuda":
        return None
    base = spec.first_word_s_avx512 if machine.has_avx512 else spec.first_word_s
    if base is None:
        return None
    cores = max(1, min(machine.cores, CORES_THAT_HELP))
    return base * (2 / cores) ** 0.7  # the table is 2 cores; prefill mostly scales


def recommend(machine: MachineFacts | None = None) -> Recommendation:
    """The model to suggest for ``machine`` (this computer when None), with why."""
    facts = machine or machine_facts()
    usable = [
        spec
        for spec in LADDER
        if spec.runnable and spec.suggested and not spec.research_only and not spec.gated
        if fits(spec, facts) is None
    ]
    if not usable:
        return _nothing_fits(facts)
    if not memory_known(facts) and facts.device != "cuda":
        # Without the memory's size no larger model can be said to fit with room to spare:
        # the smallest, and the reason said plainly instead of "fits 0 MB".
        smallest = next(s for s in LADDER if s.name == DEFAULT_MODEL)
        return Recommendation(
            smallest,
            _(
                "This computer does not say how much memory it has, so the smallest "
                "model, {name}, is suggested."
            ).format(name=smallest.name),
        )
    comfortable = [spec for spec in usable if _comfortable(spec, facts)]
    chosen = max(comfortable, key=lambda s: s.parameters_m) if comfortable else usable[0]
    return Recommendation(chosen, _reason(chosen, facts))


def size_text(megabytes: int) -> str:
    """``800 MB`` or ``1.3 GB``."""
    if megabytes < 1000:
        return _("{size} MB").format(size=megabytes)
    return _("{size:.1f} GB").format(size=megabytes / 1024)


def _comfortable(spec: ModelSpec, facts: MachineFacts) -> bool:
    need = memory_needed_mb(spec, facts)
    if facts.device == "cuda":
        return True  # fits() checked the card
    share = MPS_MEMORY_SHARE if facts.device == "mps" else CPU_MEMORY_SHARE
    if need > facts.total_memory_mb * share:
        return False
    if facts.device == "mps":
        return True
    seconds = estimated_first_word_s(spec, facts)
    return seconds is not None and seconds <= COMFORTABLE_FIRST_WORD_S


def _reason(spec: ModelSpec, facts: MachineFacts) -> str:
    if facts.device == "cuda":
        return _("{name} fits this computer's graphics card ({memory}) and runs on it.").format(
            name=spec.name, memory=size_text(facts.cuda_memory_mb)
        )
    if facts.device == "mps":
        return _(
            "{name} fits this Mac's shared memory ({memory}) and runs on its graphics."
        ).format(name=spec.name, memory=size_text(facts.total_memory_mb))
    seconds = estimated_first_word_s(spec, facts) or 0.0
    return _(
        "{name} fits this computer's memory ({memory}) and should start speaking "
        "in about {seconds:.1f} seconds (an estimate)."
    ).format(name=spec.name, memory=size_text(facts.total_memory_mb), seconds=seconds)


def memory_known(machine: MachineFacts) -> bool:
    """Whether the computer said how much memory it has (0: a system or container that
    reports none)."""
    return machine.total_memory_mb > 0


def _nothing_fits(facts: MachineFacts) -> Recommendation:
    smallest = next(s for s in LADDER if s.name == DEFAULT_MODEL)
    if facts.device == "cuda" and memory_needed_mb(smallest, facts) > facts.cuda_memory_mb:
        # The card is what is short: a sentence about free memory (of which there may be
        # plenty) would contradict itself; the processor is the way out.
        reason = _(
            "Even the smallest model, {name}, needs about {need} of graphics memory, and "
            "this graphics card has {have}; run it on the processor with --device cpu."
        ).format(
            name=smallest.name,
            need=size_text(memory_needed_mb(smallest, facts)),
            have=size_text(facts.cuda_memory_mb),
        )
        return Recommendation(smallest, reason, fits=False)
    # on a card, the memory short is where the weights are read before they move (fits())
    need = smallest.download_mb if facts.device == "cuda" else memory_needed_mb(smallest, facts)
    reason = _(
        "Even the smallest model, {name}, needs about {need} of free memory, and this "
        "computer has {have} free now; close other programs first."
    ).format(
        name=smallest.name,
        need=size_text(need),
        have=size_text(facts.available_memory_mb),
    )
    return Recommendation(smallest, reason, fits=False)


def _cpu_flags() -> frozenset[str]:
    """The CPU's feature flags (``avx2``, ``avx512f``...); empty where the OS does not say."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith(("flags", "Features")):
                return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return (
        frozenset({"neon"}) if platform.machine().lower() in ("arm64", "aarch64") else frozenset()
    )


def _cuda_card() -> tuple[bool, int]:
    """Whether the app's torch would use a CUDA card, and the card's memory in MB."""
    torch = sys.modules.get("torch")
    if torch is not None:
        if not torch.cuda.is_available():
            return False, 0
        return True, int(torch.cuda.get_device_properties(0).total_memory // 2**20)
    try:
        if "+cpu" in importlib.metadata.version("torch"):
            return False, 0
    except importlib.metadata.PackageNotFoundError:
        return False, 0
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return False, 0
    try:
        answer = subprocess.run(
            [smi, "--query-gpu=memory.total", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return True, int(answer.stdout.split()[0])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        log.info("nvidia-smi did not say the card's memory", exc_info=True)
        return False, 0


def _has_mps() -> bool:
    """Apple silicon with a torch that can use it."""
    torch = sys.modules.get("torch")
    if torch is not None:
        return bool(torch.backends.mps.is_available())
    return sys.platform == "darwin" and platform.machine() == "arm64"

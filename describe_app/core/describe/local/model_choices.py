"""The models as a user chooses among them: each with what it costs on this computer.

One list for ``describe-app models list`` and the window's Settings > Models page: size on
disk, memory, license (research-only said plainly), installed or not, runnable in this build,
the estimated time to the first word here, the suggested one, and why a model cannot be
chosen. Also the check that refuses a model too big for the memory before anything loads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from describe_app.core.describe.local import model_recommend, model_registry
from describe_app.core.describe.local.first_word_times import FirstWordTimes
from describe_app.core.describe.local.model_families import why_not_runnable
from describe_app.core.describe.local.model_ladder import DEFAULT_MODEL, ModelSpec
from describe_app.core.describe.local.model_recommend import (
    MachineFacts,
    estimated_first_word_s,
    fits,
    memory_needed_mb,
    size_text,
)
from describe_app.core.describe.local.model_registry import find_spec, looks_like_path
from describe_app.core.errors import ModelLoadError
from describe_app.core.i18n import _


@dataclass(frozen=True)
class ModelChoice:
    """One model, as it stands on this computer."""

    spec: ModelSpec
    installed: bool
    recommended: bool
    first_word_s: float | None  # estimate on this computer; None on a graphics card
    memory_mb: int  # where it would run (the graphics card's memory with one)
    unavailable: str | None  # why it cannot be chosen now, or None
    #: the median of fresh first words measured here (:mod:`.first_word_times`), if any
    measured_first_word_s: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.spec.name,
            "repo_id": self.spec.repo_id,
            "family": self.spec.family,
            "summary": _(self.spec.summary),
            "download_mb": self.spec.download_mb,
            "memory_mb": self.memory_mb,
            "license": self.spec.license,
            "research_only": self.spec.research_only,
            "gated": self.spec.gated,
            "installed": self.installed,
            "runnable": self.spec.runnable,
            "recommended": self.recommended,
            "default": self.spec.name == DEFAULT_MODEL,
            "first_word_seconds_estimate": (
                None if self.first_word_s is None else round(self.first_word_s, 2)
            ),
            "first_word_seconds_measured": (
                None if self.measured_first_word_s is None else round(self.measured_first_word_s, 2)
            ),
            "unavailable": self.unavailable,
        }


def installed_here(spec: ModelSpec) -> bool:
    """Whether the model's files are on this computer (shipped or downloaded). Offline."""
    from describe_app.core.describe.local.bundled_model import bundled_model_path
    from describe_app.core.describe.local.model_store import cached_path

    return bundled_model_path(spec.name) is not None or cached_path(spec) is not None


def model_choices(
    machine: MachineFacts | None = None,
    *,
    installed: Callable[[ModelSpec], bool] | None = None,
    measured: FirstWordTimes | None = None,
) -> list[ModelChoice]:
    """Every model Describe knows, as it stands on ``machine`` (this computer when None);
    ``installed`` says whether a model is on disk (default: :func:`installed_here`),
    ``measured`` holds the first words measured here (default: the data folder's)."""
    facts = machine or model_recommend.machine_facts()
    is_installed = installed or installed_here
    times = (measured or FirstWordTimes()).all_measured(facts.device)
    suggested = model_recommend.recommend(facts)
    return [
        ModelChoice(
            spec=spec,
            installed=is_installed(spec),
            recommended=suggested.fits and spec.name == suggested.spec.name,
            first_word_s=estimated_first_word_s(spec, facts),
            memory_mb=memory_needed_mb(spec, facts),
            unavailable=_why_unavailable(spec, facts),
            measured_first_word_s=times.get(spec.name),
        )
        for spec in model_registry.MODELS.values()
    ]


def choice_details(choice: ModelChoice, *, with_download: bool = True) -> str:
    """One translated sentence: size, memory, license, installed, first word (without the
    size and whether it is installed when ``with_download`` is False). Whether it can be
    chosen is ``choice.unavailable``."""
    spec = choice.spec
    parts = []
    if with_download:
        parts.append(_("{size} download").format(size=size_text(spec.download_mb)))
    if choice.memory_mb:
        parts.append(_("about {memory} of memory").format(memory=size_text(choice.memory_mb)))
    if spec.research_only:
        parts.append(_("license {license}: for research only").format(license=spec.license))
    else:
        parts.append(_("license {license}").format(license=spec.license))
    if spec.gated:
        parts.append(_("needs a model hub account"))
    if with_download:
        parts.append(_("on this computer") if choice.installed else _("not downloaded"))
    if choice.measured_first_word_s is not None:
        parts.append(
            _("first word in about {seconds:.1f} seconds, measured on this computer").format(
                seconds=choice.measured_first_word_s
            )
        )
    else:
        parts.append(first_word_text(choice.first_word_s))
    sentence = ", ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."


def first_word_text(seconds: float | None) -> str:
    if seconds is None:
        return _("time to the first word not measured here")
    return _("first word in about {seconds:.1f} seconds here (an estimate)").format(seconds=seconds)


def refuse_if_unusable(
    model: str | None, *, device: str = "auto", machine: MachineFacts | None = None
) -> None:
    """Raise :class:`ModelLoadError` when the registry model ``model`` (None: the default)
    does not run in this build or does not fit in this computer's memory now: said before
    anything is downloaded or loaded. Folders and unknown names pass: the model's own
    checks say what is wrong with them."""
    if model and looks_like_path(model):
        return
    spec = find_spec(model or DEFAULT_MODEL)
    if spec is None:
        return
    facts = machine or model_recommend.machine_facts()
    reason = _why_unavailable(spec, facts.on_cpu() if device == "cpu" else facts)
    if reason is not None:
        raise ModelLoadError(reason)


def _why_unavailable(spec: ModelSpec, facts: MachineFacts) -> str | None:
    if not spec.runnable:
        blocked = why_not_runnable((spec.architecture,))
        if blocked is not None:
            return _("{name} does not run in this version of Describe yet: {reason}.").format(
                name=spec.name, reason=_(blocked[1])
            )
        return _("{name} does not run in this version of Describe yet.").format(name=spec.name)
    return fits(spec, facts)

"""The describer the window's model worker loads, chosen from the command-line options.

Runs on the model worker's thread: torch and transformers are imported there, after the
window is already on screen.
"""

from __future__ import annotations

from collections.abc import Callable

from describe_app.core.describer import Describer


def vlm_factory(
    model: str | None,
    *,
    allow_download: bool = True,
    device: str = "auto",
    quantize: str = "auto",
    threads: int | None = None,
) -> Callable[[], Describer]:
    def load() -> Describer:
        from describe_app.core.model_store import locate_model
        from describe_app.core.vlm_describer import VlmDescriber
        from describe_app.core.vlm_loader import LoadOptions, load_vlm

        location = locate_model(model, allow_download=allow_download)
        options = LoadOptions(device=device, quantize=quantize, threads=threads)
        loaded = load_vlm(location.path, name=location.name, spec=location.spec, options=options)
        return VlmDescriber(loaded)

    return load

"""Opening the describer a command asked for: the model on this computer (downloaded on
first use, loaded with ``--device``, ``--quantize``, ``--threads``), or the server named
by ``--server``. Pictures leave this computer only in the second case."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from describe_app.cli.output import status
from describe_app.core.i18n import _

if TYPE_CHECKING:
    from describe_app.core.describe.describer import Describer, GenerationSettings
    from describe_app.core.describe.local.model_registry import ModelSpec


def open_describer(args: argparse.Namespace) -> Describer:
    """The describer for a command's model and server options."""
    if args.server is not None:  # pictures leave this computer only here, when the user asked
        from describe_app.cli.servers import open_remote_describer
        from describe_app.core.describe.remote.server_address import normalize_base_url

        if not args.server.strip():
            # "--server ''" (an empty variable in a script) is a mistake to say, not a quiet
            # switch to the model on this computer, which may start a download.
            normalize_base_url(args.server)  # raises "The server address is empty."

        return open_remote_describer(args, lambda: open_local_describer(args))
    return open_local_describer(args)


def open_local_describer(args: argparse.Namespace) -> Describer:
    """Load the model named by ``--model`` (downloading it first unless ``--no-download``)."""
    from describe_app.core.describe.local.model_choices import refuse_if_unusable
    from describe_app.core.describe.local.model_store import locate_model
    from describe_app.core.describe.local.vlm_describer import VlmDescriber
    from describe_app.core.describe.local.vlm_loader import LoadOptions, load_vlm

    refuse_empty_model_name(args.model)
    refuse_if_unusable(args.model, device=args.device)  # before any download or loading
    location = locate_model(
        args.model, allow_download=not args.no_download, on_download=_announce_download
    )
    status(_("Loading {model}...").format(model=location.name))
    options = LoadOptions(device=args.device, quantize=args.quantize, threads=args.threads)
    loaded = load_vlm(location.path, name=location.name, spec=location.spec, options=options)
    status(
        _("Loaded in {seconds:.1f} s ({device}, {dtype}).").format(
            seconds=loaded.load_seconds, device=loaded.device, dtype=loaded.dtype
        )
    )
    return VlmDescriber(loaded, generation_settings(args))


def refuse_empty_model_name(name: str | None) -> None:
    """``--model ''`` (an empty variable in a script) is a mistake to say, as ``--server ''``
    is, not a quiet switch to the default model, which may start a 520 MB download."""
    if name is not None and not name.strip():
        from describe_app.core.errors import ModelNotAvailableError
        from describe_app.core.i18n import _

        raise ModelNotAvailableError(
            _(
                "The model name is empty. Choose one from 'describe-app models list', "
                "or give the path of a model folder."
            )
        )


def generation_settings(args: argparse.Namespace) -> GenerationSettings:
    """The limits for each answer (``--answer-seconds``; the rest as the settings' defaults)."""
    from describe_app.core.describe.describer import GenerationSettings

    seconds = getattr(args, "answer_seconds", None)
    return GenerationSettings() if seconds is None else GenerationSettings(answer_seconds=seconds)


def _announce_download(spec: ModelSpec) -> None:
    print(
        _(
            "First use: downloading {model} ({size} MB). "
            "This happens once; later runs work offline."
        ).format(model=spec.name, size=spec.download_mb),
        file=sys.stderr,
        flush=True,
    )

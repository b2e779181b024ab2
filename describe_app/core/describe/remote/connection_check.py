"""What "test connection" found, as one sentence, and model names as the user hears them."""

from __future__ import annotations

import os
from dataclasses import dataclass

from describe_app.core.i18n import _, ngettext
from describe_app.core.untrusted_text import clean_text


@dataclass(frozen=True)
class ConnectionCheck:
    """What "test connection" found."""

    host: str
    models: tuple[str, ...]
    seconds: float
    wanted_model: str = ""

    @property
    def sentence(self) -> str:
        n = len(self.models)
        seconds = f"{self.seconds:.2f}"
        if n == 0:
            text = _("The server at {host} answered in {seconds} s and lists no models")
        else:
            text = ngettext(
                "The server at {host} answered in {seconds} s and offers {n} model: {models}",
                "The server at {host} answered in {seconds} s and offers {n} models: {models}",
                n,
            )
        text = text.format(host=self.host, seconds=seconds, n=n, models=_listed(self.models))
        if self.wanted_model and self.wanted_model not in self.models:
            text = _("{what}, but not {model}").format(what=text, model=self.wanted_model)
        return text + "."


def _listed(models: tuple[str, ...]) -> str:
    """The names as one phrase ("a, b and c"); past five, four and how many more."""
    names = [short_model_name(m) for m in models]
    if len(names) > 5:
        names = [*names[:4], _("{n} more").format(n=len(names) - 4)]
    if len(names) <= 1:
        return "".join(names)
    return _("{items} and {last}").format(items=", ".join(names[:-1]), last=names[-1])


#: The longest model name said or printed; a server may send a name of any length.
MAX_MODEL_NAME_CHARS = 100


def short_model_name(model: str) -> str:
    """A local path as its folder name; Hub ids and server names cleaned (untrusted) and,
    past :data:`MAX_MODEL_NAME_CHARS`, cut short with "..." (no one listens to a name of
    thousands of letters)."""
    if os.path.isabs(model):
        model = os.path.basename(model.rstrip("/\\")) or model
    name = " ".join(clean_text(model).split())
    if len(name) > MAX_MODEL_NAME_CHARS:
        name = name[: MAX_MODEL_NAME_CHARS - 3].rstrip() + "..."
    return name

"""The window's model downloads: the offer on first start, File > Download a model, and
loading the model once it is here.

At start (:meth:`ModelDownloads.load_or_offer`) the window loads its model as before when
it is on this computer (or a server describes). When the local model is missing, nothing
is downloaded behind the user's back: the download dialog offers the model suited to this
computer (the recommendation, with its reason and size) or the one the user chose, with
Download and Not now. After a download the settings name the new model and it is loaded
(:meth:`~describe_app.qt.window_settings.WindowSettings.apply_settings` switches models).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from describe_app.core.describe.local.model_registry import DEFAULT_MODEL, ModelSpec
from describe_app.core.describe.local.model_store import missing_model
from describe_app.qt.model_download_dialog import ModelDownloadDialog
from describe_app.qt.translate import _

if TYPE_CHECKING:
    from describe_app.qt.window_settings import WindowSettings

log = logging.getLogger(__name__)


def download_hint() -> str:
    """How the window's user gets a missing model (the model process says it)."""
    return _("Choose Download a model in the File menu to get it.")


class ModelDownloads(QObject):
    """Opens the download dialog for ``window`` and loads what it downloaded."""

    def __init__(self, window: WindowSettings) -> None:
        super().__init__(window)
        self._window = window
        self.dialog: ModelDownloadDialog | None = None

    def load_or_offer(self, model: str | None, *, local: bool) -> None:
        """At start: load the model, or offer to download it when it is missing."""
        spec = missing_model(model) if local else None
        if spec is None:
            self._window._bridge.start_loading()
            return
        reason = ""
        if spec.name == DEFAULT_MODEL:  # nothing chosen yet: the one that suits this computer
            from describe_app.core.describe.local.model_recommend import recommend

            suggestion = recommend()
            spec, reason = suggestion.spec, suggestion.reason
            if missing_model(spec.name) is None:  # that one is here already: use it
                self._use_model(spec.name)
                return
        self.open_dialog(spec, reason=reason, first_start=True)

    def open_dialog(
        self, spec: ModelSpec | None = None, *, reason: str = "", first_start: bool = False
    ) -> ModelDownloadDialog:
        """The download dialog for ``spec`` (default: the model the settings name when it
        is missing, else the one suggested for this computer); one at a time."""
        if self.dialog is not None:
            if spec and spec.name != self.dialog.spec.name:  # one download at a time
                self._window.announcer.clear_status()
                self._window.announcer.announce(
                    _("{running} is still downloading; {name} can be downloaded after it.").format(
                        name=spec.name, running=self.dialog.spec.name
                    )
                    if self.dialog.running
                    else _("Close the download of {running} first.").format(
                        running=self.dialog.spec.name
                    )
                )
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        window = self._window
        spec = spec or missing_model(window.settings.describe.model)
        if spec is None:
            from describe_app.core.describe.local.model_recommend import recommend

            suggestion = recommend()
            spec, reason = suggestion.spec, reason or suggestion.reason
        dialog = ModelDownloadDialog(
            spec, window, reason=reason, announcer=window.announcer, first_start=first_start
        )
        dialog.model_ready.connect(self._use_model)
        dialog.finished.connect(self._closed)
        if first_start:
            dialog.rejected.connect(self._not_now)
        self.dialog = dialog
        dialog.open()
        return dialog

    def close(self, timeout: float) -> None:
        """The window is closing: stop a download in progress (it resumes next time)."""
        if self.dialog is not None and not self.dialog.stop(timeout):
            log.info("the download did not stop within %.1f s", timeout)

    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None

    def _not_now(self) -> None:
        self._window.announcer.announce(
            _(
                "No description model is on this computer yet. Choose Download a model in the "
                "File menu to get one."
            )
        )

    def _use_model(self, name: str) -> None:
        """Downloaded: the settings name it, and the window loads it."""
        window = self._window
        settings = window.settings
        if settings.describe.model != name:
            describe = dataclasses.replace(settings.describe, model=name)
            window.apply_settings(settings.replace(describe=describe))
            return
        window.announcer.clear_status()
        window.announcer.announce(window._switch_model(settings))

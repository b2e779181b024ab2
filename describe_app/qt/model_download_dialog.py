"""The download dialog: one model, its size and why it is offered, Download or Not now,
then a progress bar that a screen reader can read, Cancel (Escape) and Resume.

The download itself is the core's
:class:`~describe_app.core.describe.local.model_download.ModelDownload`, run on one thread
of its own ("model-download"); its progress and outcome come back to the GUI thread through
:class:`~describe_app.qt.gui_thread.GuiThread`. What the user must know is said through the
window's announcer: the start (once the hub has answered and the disk has room), every
tenth ("40 percent, about 2 minutes left." - never more often, nor within
``TENTHS_GAP_S`` of the last; 100 percent always), a stop, a failure (one sentence, said
again when Try again fails the same way; the app keeps running) and the end. The status
line under the bar (Tab reaches it) shows the megabytes and the time left at all times.

``model_ready`` carries the model's name once it is downloaded and checked; the window
then loads it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from describe_app.core.describe.local.download_progress import (
    DownloadProgress,
    SpokenTenths,
    amount_sentence,
)
from describe_app.core.describe.local.model_download import GatedModelError, ModelDownload
from describe_app.core.describe.local.model_registry import ModelSpec
from describe_app.core.errors import Cancelled, DescribeError
from describe_app.qt.announcer import Announcer
from describe_app.qt.gui_thread import GuiThread
from describe_app.qt.hub_token_panel import HubTokenPanel
from describe_app.qt.labelled import labelled_button, name_control
from describe_app.qt.translate import _

log = logging.getLogger(__name__)

THREAD_NAME = "model-download"
#: A tenth is said at most this often (a fast disk passes several a second); the last
#: (100 percent) is always said.
TENTHS_GAP_S = 3.0


class ModelDownloadDialog(QDialog):
    """Offer ``spec`` for download and download it. ``reason``: why it is offered (the
    recommendation's sentence); ``first_start``: no model is on this computer yet."""

    model_ready = Signal(str)
    #: What the gap between spoken tenths is measured with (tests pass a fake).
    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(
        self,
        spec: ModelSpec,
        parent: QWidget | None = None,
        *,
        reason: str = "",
        announcer: Announcer | None = None,
        first_start: bool = False,
    ) -> None:
        super().__init__(parent)
        self.spec = spec
        self._announcer = announcer or getattr(parent, "announcer", None)
        self._job: ModelDownload | None = None
        self._thread: threading.Thread | None = None
        self._tenths = SpokenTenths()
        self._tenth_said_at = 0.0
        self._gui = GuiThread(self)
        self.setObjectName("model_download_dialog")
        self.setWindowTitle(_("Download a model"))
        layout = QVBoxLayout(self)

        self.offer = QLabel(self._offer_text(reason, first_start), self)
        self.offer.setWordWrap(True)
        self.offer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.offer)
        self.setAccessibleDescription(self.offer.text())

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Tab reaches it: "40 percent"
        name_control(
            self.progress,
            _("Download progress"),
            _("How much of {name} is on this computer.").format(name=spec.name),
        )
        layout.addWidget(self.progress)
        self.status = QLabel(_("Not started."), self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(_("Download status"))
        # Tab reaches it: the megabytes and the time left, read on request
        self.status.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.status.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        layout.addWidget(self.status)
        self.token_panel = HubTokenPanel(  # said each time (Enter twice on an empty field)
            self, lambda text: self._say(text, interrupt=True, again=True)
        )
        layout.addWidget(self.token_panel)

        row = QHBoxLayout()
        self.download_button = labelled_button(
            QPushButton(_("&Download"), self),
            _("Download {name} ({size} MB).").format(name=spec.name, size=spec.download_mb),
        )
        self.cancel_button = labelled_button(
            QPushButton(_("&Cancel download"), self),
            _("Stop the download (Escape); Resume continues it later."),
        )
        self.close_button = labelled_button(
            QPushButton(_("&Not now"), self), _("Close this dialog without downloading.")
        )
        for button in (self.download_button, self.cancel_button, self.close_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)
        self.download_button.setDefault(True)
        self.cancel_button.setEnabled(False)
        self.download_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        self.token_panel.saved.connect(self.start)
        QWidget.setTabOrder(self.download_button, self.cancel_button)
        QWidget.setTabOrder(self.cancel_button, self.progress)
        QWidget.setTabOrder(self.progress, self.status)
        QWidget.setTabOrder(self.status, self.token_panel.field)
        QWidget.setTabOrder(self.token_panel.field, self.token_panel.save_button)
        QWidget.setTabOrder(self.token_panel.save_button, self.close_button)
        self.resize(520, 220)
        self.download_button.setFocus()

    def _offer_text(self, reason: str, first_start: bool) -> str:
        spec = self.spec
        lines = [_("No description model is on this computer yet.")] if first_start else []
        lines.append(
            _("{name}: {size} MB to download.").format(name=spec.name, size=spec.download_mb)
        )
        if reason:
            lines.append(reason)
        if getattr(spec, "research_only", False):
            lines.append(_("Its license allows research use only."))
        return " ".join(lines)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # --- the user's choices -------------------------------------------------------------

    def start(self) -> None:
        """Download (or continue a download that stopped)."""
        if self._job is None and self._thread is not None:
            self._thread.join(2.0)  # the stopped one is ending (Resume pressed at once)
        if self.running:
            return
        self._tenths = SpokenTenths()
        job = ModelDownload(self.spec, self._from_job, on_start=self._from_start)
        self._job = job
        self._thread = threading.Thread(
            target=self._run, args=(job,), name=THREAD_NAME, daemon=True
        )
        self.download_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.close_button.setEnabled(False)
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()
        # "Downloading" is said once the hub has answered and the disk has room (on_start),
        # never before a failure to connect
        self.status.setText(_("Asking the model hub for {name}.").format(name=self.spec.name))
        self._thread.start()

    def cancel(self) -> None:
        """Stop the download; what came down is kept for Resume."""
        if self._job is not None:
            self._job.cancel()

    def reject(self) -> None:
        """Escape: stop a running download (the dialog stays, with Resume); else close."""
        if self.running:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.cancel()
        super().closeEvent(event)

    def stop(self, timeout: float) -> bool:
        """Cancel and wait up to ``timeout`` seconds for the download's thread; True if
        it ended (the window closing: nothing more is said, no "choose Resume")."""
        self._announcer = None
        self.cancel()
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    # --- the download's thread ---------------------------------------------------------

    def _run(self, job: ModelDownload) -> None:
        try:
            path = job.run()
        except Cancelled:
            self._gui.call(self._stopped)
        except GatedModelError as exc:  # no token, or one the hub refused: ask for one
            self._gui.call(self._failed, str(exc))
            self._gui.call(self.token_panel.ask)
        except DescribeError as exc:
            self._gui.call(self._failed, str(exc))
        except Exception as exc:  # a bug: said in one sentence, the app keeps running
            log.exception("the download of %s failed", job.spec.name)
            self._gui.call(
                self._failed,
                _("The download failed unexpectedly ({error}).").format(error=type(exc).__name__),
            )
        else:
            self._gui.call(self._finished, path)

    def _from_job(self, progress: DownloadProgress) -> None:
        self._gui.call(self._show, progress)

    def _from_start(self, spec: ModelSpec) -> None:
        self._gui.call(self._started)

    # --- back on the GUI thread ------------------------------------------------------------

    def _started(self) -> None:
        if self._job is None or self._job.cancelled:
            return
        self._tenth_said_at = self.clock()
        self._say(
            _("Downloading {name}, {size} MB.").format(
                name=self.spec.name, size=self.spec.download_mb
            )
        )

    def _show(self, progress: DownloadProgress) -> None:
        if self._job is None or self._job.cancelled:
            return
        self.progress.setValue(progress.percent)
        if progress.done_bytes >= progress.total_bytes:  # checked now: no time left to say
            progress = DownloadProgress(progress.done_bytes, progress.total_bytes, None)
        self.status.setText(amount_sentence(progress))
        sentence = self._tenths.sentence(progress)
        now = self.clock()
        if sentence and (progress.percent >= 100 or now - self._tenth_said_at >= TENTHS_GAP_S):
            self._tenth_said_at = now
            self._say(sentence, show=False)

    def _finished(self, path: Path) -> None:
        log.info("%s downloaded to %s", self.spec.name, path)
        self._job = None
        self.progress.setValue(100)
        self._say(_("{name} is downloaded. Loading it.").format(name=self.spec.name))
        self.model_ready.emit(self.spec.name)
        self.accept()

    def _stopped(self) -> None:
        self._job = None
        self._idle(_("&Resume"))
        self._say(_("Download stopped. Choose Resume to continue where it stopped."), again=True)

    def _failed(self, message: str) -> None:
        self._job = None
        self._idle(_("&Try again"))
        self._say(message, interrupt=True, again=True)

    def _idle(self, download_text: str) -> None:
        self.download_button.setText(download_text)
        labelled_button(self.download_button, self.download_button.toolTip())
        self.download_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.close_button.setText(_("&Close"))
        labelled_button(self.close_button, _("Close this dialog; Resume continues later."))
        self.download_button.setDefault(True)
        self.download_button.setFocus()

    def _say(
        self, text: str, *, interrupt: bool = False, show: bool = True, again: bool = False
    ) -> None:
        """Say ``text`` through the window's announcer, and show it under the bar;
        ``again``: said even when it is what was said last (Try again failed the same way)."""
        if show:
            self.status.setText(text)
        if self._announcer is not None:
            if again:
                self._announcer.clear_status()
            self._announcer.announce(text, interrupt=interrupt)

"""Hands-free mode and reading guidance in the window: switched by a key, run off the GUI thread.

:class:`LiveModes` owns a core :class:`~describe_app.core.live.frame_checks.FrameCheckLoop` (its
own thread) that looks at the camera's newest frame. What the loop finds arrives here as a
queued signal, on the GUI thread:

* hands-free: the view changed and settled -> the controller describes that frame;
* guidance: a cue -> said in words or played as a tone (the user's choice); "ready" -> the
  picture-taken sound, "Ready. Reading." and the controller reads that frame.

A cue of any mode never cuts off words the user must hear (a description, an answer, a
text read, a status): the announcer holds it while they are said or an answer is on its
way (the controller is busy), and says the newest after them if it is still current (see
:meth:`~describe_app.qt.announcer.Announcer.cue`).

Other parts of the window add modes of their own to the same loop with :meth:`LiveModes.add_mode`
(the codes and the light meter: :mod:`describe_app.qt.quick_channels`). The user's modes
exclude each other (one would talk over the other); switching one on switches the others off.
Each start and stop is announced; a mode whose check fails is switched off and that is said.

A third check, silent, runs whenever the camera is on and the window is shown (not
minimized or hidden), unless the user chose never to prepare: each newly settled view
(:mod:`describe_app.core.live.view_settle`) is handed to the controller, which has the
model prepare it in the background (:meth:`DescribeController.prepare_view`). A view it
could not prepare then (a request was in flight, the model was loading) is offered again
when the controller is idle.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from describe_app.core.i18n import _ as core_
from describe_app.core.live.frame_checks import (
    GUIDANCE,
    HANDS_FREE,
    CheckFailed,
    CueFound,
    FrameCheck,
    FrameCheckLoop,
    GuidanceCheck,
    HandsFreeCheck,
    ViewSettled,
)
from describe_app.core.live.guidance import CUE_WORDS, Cue
from describe_app.core.live.guidance_tones import cue_tone
from describe_app.core.live.hands_free import WatchSettings
from describe_app.core.live.prepare_policy import PreparePolicy
from describe_app.core.live.view_settle import PREPARE, SettledView, SettledViewCheck
from describe_app.core.reading.text_finder_process import ProcessTextFinder
from describe_app.qt.announcer import Announcer
from describe_app.qt.describe_controller import DescribeController
from describe_app.qt.gui_thread import GuiThread
from describe_app.qt.translate import N_, _

log = logging.getLogger(__name__)

CheckFactory = Callable[[], FrameCheck]


@dataclass(frozen=True)
class LiveMode:
    """A mode the user switches on the frame-check loop. The three sentences are marked
    with ``N_()`` and translated when said; ``found`` gets what its check finds, on the GUI
    thread, while the mode is on (and must ignore what another mode's check found)."""

    check: CheckFactory
    name: str  # "Reading guidance", in "{mode} stopped because of an error"
    on_text: str
    off_text: str
    found: Callable[[object], None]
    switched_on: Callable[[], None] | None = None


class LiveModes(QObject):
    mode_changed = Signal(str, bool)  # a mode's id (its action's id), on

    def __init__(
        self,
        controller: DescribeController,
        announcer: Announcer,
        *,
        guidance_factory: CheckFactory | None = None,
        hands_free_factory: CheckFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._announcer = announcer
        announcer.answer_coming = lambda: controller.busy  # the modes' cues wait for it
        self.cue_tones = False
        self.watch_settings = WatchSettings()
        # the text detector runs in a child process: loading it here would freeze the window
        # (started again if it dies, which is said)
        self._guidance_factory = guidance_factory or (
            lambda: GuidanceCheck(ProcessTextFinder(on_restart=self._say_from_loop))
        )
        self._hands_free_factory = hands_free_factory or (
            lambda: HandsFreeCheck(self.watch_settings)
        )
        self._modes: dict[str, LiveMode] = {
            GUIDANCE: LiveMode(
                lambda: self._guidance_factory(),
                N_("Reading guidance"),
                N_("Reading guidance on. Point the camera at a page."),
                N_("Reading guidance off."),
                self._on_cue,
            ),
            HANDS_FREE: LiveMode(
                lambda: self._hands_free_factory(),
                N_("Hands-free mode"),
                N_("Hands-free mode on. Describe speaks when the view changes."),
                N_("Hands-free mode off."),
                self._on_view_settled,
            ),
        }
        self._gui = GuiThread(self)
        self._guidance_cued = False  # a guidance cue was given since the mode went on
        self.loop = FrameCheckLoop(self._newest_frame, self._from_loop)
        self._closed = False
        self._settled_views: SettledViewCheck | None = None  # the preparing check, when on
        window = parent if isinstance(parent, QWidget) else None
        self._window_shown = window is None or (window.isVisible() and not window.isMinimized())
        if window is not None:
            window.installEventFilter(self)
        controller.camera_changed.connect(self._update_prepare)
        controller.idle.connect(self._offer_again)
        self._update_prepare()

    def is_on(self, mode: str) -> bool:
        return self.loop.is_on(mode)

    # --- switching --------------------------------------------------------------------------------

    def add_mode(self, mode: str, spec: LiveMode) -> None:
        self._modes[mode] = spec

    def toggle(self, mode: str) -> None:
        self._switch(mode, not self.is_on(mode))

    @Slot()
    def toggle_hands_free(self) -> None:
        self.toggle(HANDS_FREE)

    @Slot()
    def toggle_guidance(self) -> None:
        self.toggle(GUIDANCE)

    def set_watch_settings(self, settings: WatchSettings) -> None:
        """New hands-free settings; applied at once if hands-free mode is on."""
        if settings == self.watch_settings:
            return
        self.watch_settings = settings
        self._controller.pictures.watch = settings
        if self.is_on(HANDS_FREE):
            self.loop.set_check(HANDS_FREE, self._hands_free_factory())
        if self._settled_views is not None:
            self._settled_views = SettledViewCheck(settings)
            self.loop.set_check(PREPARE, self._settled_views)

    def set_prepare_policy(self, policy: PreparePolicy, *, session: bool = False) -> None:
        """Prepare answers in the background always, on mains power or never: the
        settings' choice, or (``session``) the command line's, which wins over it."""
        pictures = self._controller.pictures
        if session:
            pictures.override = policy
        else:
            pictures.policy = policy
        self._update_prepare()

    def switch_off_all(self) -> None:
        for mode in self._modes:
            if self.is_on(mode):
                self._switch(mode, False)

    def _switch(self, mode: str, on: bool) -> None:
        if on and self._controller.camera is None:
            self._announcer.announce(
                _("This needs a camera. Choose one with Control+Shift+C."), interrupt=True
            )
            self.mode_changed.emit(mode, False)
            return
        spec = self._modes[mode]
        if on:
            for other in self._modes:
                if other != mode and self.is_on(other):  # quietly: what is on now is said
                    self.loop.set_check(other, None)
                    self.mode_changed.emit(other, False)
        self.loop.set_check(mode, spec.check() if on else None)
        self._guidance_cued = False  # its first cue waits for "Reading guidance on" to be heard
        if on and spec.switched_on is not None:
            spec.switched_on()
        self.mode_changed.emit(mode, on)
        self._announcer.clear_status()
        self._announcer.announce(_(spec.on_text if on else spec.off_text), interrupt=True)

    # --- preparing settled views --------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The window shown, hidden, minimized or restored: preparing follows."""
        kind = event.type()
        if isinstance(watched, QWidget) and kind in _SHOWN_OR_NOT:
            visible = kind is not QEvent.Type.Hide and watched.isVisible()
            self._window_shown = visible and not watched.isMinimized()
            self._update_prepare()
        return False

    @Slot()
    def _update_prepare(self) -> None:
        """The settled-view check runs while the camera is on, the window is shown and
        the policy is not "never"; nothing runs otherwise."""
        if self._closed:
            return
        wanted = (
            self._controller.camera is not None
            and self._window_shown
            and self._controller.pictures.effective_policy is not PreparePolicy.NEVER
        )
        if wanted != (self._settled_views is not None):
            log.debug("preparing settled views: %s", "on" if wanted else "off")
            self._settled_views = SettledViewCheck(self.watch_settings) if wanted else None
            self.loop.set_check(PREPARE, self._settled_views)
            if not wanted:
                self._controller.pictures.stop()

    @Slot()
    def _offer_again(self) -> None:
        """The controller is idle: a settled view it could not prepare is offered again
        (one the worker already has is not)."""
        check = self._settled_views
        if check is not None:
            known = self._controller.pictures.known
            check.set_reference(known.small if known is not None else None)

    def close(self, timeout: float = 1.0) -> bool:
        self._closed = True
        ended = self.loop.close(timeout)
        if not ended:
            log.info("the frame checks did not stop within %.1f s", timeout)
        return ended

    # --- the loop's thread ------------------------------------------------------------------------

    def _newest_frame(self) -> object | None:
        camera = self._controller.camera
        return camera.latest_frame(max_age=0.5) if camera is not None else None

    def _from_loop(self, found: object) -> None:
        if self._closed:
            return
        self._gui.call(self._on_found, found)

    def _say_from_loop(self, text: str) -> None:
        if not self._closed:
            self._gui.call(self._announcer.announce, text)

    # --- back on the GUI thread -------------------------------------------------------------------

    def _on_found(self, found: object) -> None:
        if self._closed:
            return
        if isinstance(found, SettledView) and self.is_on(PREPARE):
            self._controller.prepare_view(found.frame, found.small)
        elif isinstance(found, CheckFailed) and found.name == PREPARE:
            self._settled_views = None  # switched off by the loop; preparing only saves time
            log.warning("preparing settled views stopped: %s", found.message)
        elif isinstance(found, CheckFailed) and found.name in self._modes:
            self.mode_changed.emit(found.name, False)
            self._announcer.announce(
                _("{mode} stopped because of an error: {reason}").format(
                    mode=_(self._modes[found.name].name), reason=found.message
                ),
                interrupt=True,
            )
        else:
            for mode, spec in self._modes.items():
                if self.is_on(mode):
                    spec.found(found)

    def _on_view_settled(self, found: object) -> None:
        if isinstance(found, ViewSettled):
            log.info("hands-free: the view changed (%.1f) and settled", found.change)
            self._controller.describe_frame(found.frame)

    def _on_cue(self, found: object) -> None:
        if not isinstance(found, CueFound):
            return
        words = core_(CUE_WORDS[found.cue])
        if found.cue is Cue.READY:
            # the picture-taken sound, then the reading itself (words here would be cut off
            # by the first line read, a fifth of a second later)
            self._announcer.clear_status()
            self._announcer.announce(words, speak=False)
            self._controller.read_frame(found.frame)
            return
        self._announcer.clear_status()
        # a cue cuts off the cue before it, but not the words saying guidance is on
        interrupt, self._guidance_cued = self._guidance_cued, True
        tone = cue_tone(found.cue) if self.cue_tones else None
        self._announcer.cue(
            words, tone=tone, interrupt=interrupt, still_current=lambda: self.is_on(GUIDANCE)
        )


_SHOWN_OR_NOT = (QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.WindowStateChange)

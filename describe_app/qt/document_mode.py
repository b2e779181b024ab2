"""Document mode in the window: the camera guided onto a whole page, which is then captured.

A mode of the window's :class:`~describe_app.qt.live_modes.LiveModes` (one frame-check
loop; modes exclude each other), running the core's
:class:`~describe_app.core.live.document_check.DocumentCheck` off the GUI thread. Its cues
("Top edge not visible. Move the page down.") are said, or played as tones when the user
chose cue tones (as reading guidance's are). When the whole page is in view and still:
the picture-taken sound, "Page captured. Reading.", the mode goes off (the next page is
asked for with "Next page" in the reading view, or the key again), and ``page_captured``
carries the frame and the page's corners to be read. A cue cuts off the cue before it, but
the first one waits for "Document mode on" to be heard whole; and no cue cuts off words
being said (a result, a status): the announcer holds it until they end (see
:meth:`~describe_app.qt.announcer.Announcer.cue`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from describe_app.core.i18n import _ as core_
from describe_app.core.live.document_check import PAGE_CUE_WORDS, DocumentCheck, PageCue
from describe_app.core.live.frame_checks import FrameCheck
from describe_app.core.live.guidance import Cue
from describe_app.core.live.guidance_tones import cue_tone
from describe_app.core.speech import Earcon
from describe_app.qt.announcer import Announcer
from describe_app.qt.live_modes import CheckFactory, LiveMode, LiveModes
from describe_app.qt.translate import N_

#: The mode, named as its action in the shortcuts table.
DOCUMENT_MODE = "document_mode"


class DocumentMode(QObject):
    page_captured = Signal(object, object)  # the BGR frame, the page's PageOutline
    switched_on = Signal()

    def __init__(
        self,
        announcer: Announcer,
        live_modes: LiveModes,
        *,
        check_factory: CheckFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._announcer = announcer
        self._live_modes = live_modes
        self._cued = False  # a cue was given since the mode went on
        factory: CheckFactory = check_factory or _document_check
        live_modes.add_mode(
            DOCUMENT_MODE,
            LiveMode(
                factory,
                N_("Document mode"),
                N_("Document mode on. Put a page in front of the camera."),
                N_("Document mode off."),
                self._on_cue,
                switched_on=self._on_switched_on,
            ),
        )

    def is_on(self) -> bool:
        return self._live_modes.is_on(DOCUMENT_MODE)

    @Slot()
    def toggle(self) -> None:
        self._live_modes.toggle(DOCUMENT_MODE)

    def switch_on(self) -> None:
        if not self.is_on():
            self._live_modes.toggle(DOCUMENT_MODE)

    def _on_switched_on(self) -> None:
        self._cued = False
        self.switched_on.emit()

    def _on_cue(self, found: object) -> None:
        if not isinstance(found, PageCue):
            return
        interrupt, self._cued = self._cued, True  # not the words saying the mode is on
        words = core_(PAGE_CUE_WORDS[found.cue])
        self._announcer.clear_status()
        if found.cue is Cue.READY:
            # one page a press: the mode goes off without a word ("Document mode off"
            # would cut off the capture's), and the page is read
            self._live_modes.loop.set_check(DOCUMENT_MODE, None)
            self._live_modes.mode_changed.emit(DOCUMENT_MODE, False)
            self._announcer.earcon(Earcon.PICTURE_TAKEN)
            self._announcer.announce(words)
            self.page_captured.emit(found.frame, found.outline)
        else:
            tone = cue_tone(found.cue) if self._live_modes.cue_tones else None
            self._announcer.cue(words, tone=tone, interrupt=interrupt, still_current=self.is_on)


def _document_check() -> FrameCheck:
    return DocumentCheck()

"""The quick channels in the window: codes in view, the colour of the middle, the light meter.

* **Read codes** (a mode): each QR code or barcode is read out as it comes into view, once;
  a code seen but not readable gets an aiming cue. With no camera it reads the codes in
  the photo in hand, once.
* **Colour** (one press): the colour of the middle of the camera's view, or of the photo in
  hand, in plain words; pressed again within :data:`PRECISE_WITHIN_S`, the precise name.
* **Light meter** (a mode): a short tone four times a second, higher the more light.

The two modes run as checks on a :class:`~describe_app.core.live.frame_checks.FrameCheckLoop`
of their own (off the GUI thread). They exclude each other and the window's other live modes
(:class:`~describe_app.qt.live_modes.LiveModes`): one would talk over the other. Everything
the user hears goes through the announcer; the tones through its speech output, like the
guidance tones.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from describe_app.core.i18n import _ as core_
from describe_app.core.live.code_watch import CODE_CUE_WORDS, CodeCheck, CodeCueFound, CodesFound
from describe_app.core.live.frame_checks import (
    GUIDANCE,
    HANDS_FREE,
    CheckFailed,
    FrameCheck,
    FrameCheckLoop,
)
from describe_app.core.live.light_meter import LightMeterCheck, LightReading, light_tone
from describe_app.core.pictures.colour_names import middle_colour
from describe_app.core.pictures.images import Picture
from describe_app.core.pictures.light_level import light_sentence
from describe_app.core.reading.codes import ZxingCodeReader, no_code_sentence
from describe_app.qt.announcer import Announcer
from describe_app.qt.describe_controller import DescribeController
from describe_app.qt.describe_pictures import take_picture
from describe_app.qt.gui_thread import GuiThread
from describe_app.qt.live_modes import LiveModes
from describe_app.qt.translate import _

log = logging.getLogger(__name__)

#: The modes, named as their actions in the shortcuts table.
READ_CODES = "read_codes"
LIGHT_METER = "light_meter"
#: A second press of the colour key this soon after the first gives the precise name.
PRECISE_WITHIN_S = 3.0
#: The light meter's first tone waits this long, so "Light meter on" is heard whole.
FIRST_TONE_AFTER_S = 2.5

CheckFactory = Callable[[], FrameCheck]


class QuickChannels(QObject):
    mode_changed = Signal(str, bool)  # READ_CODES or LIGHT_METER, on

    def __init__(
        self,
        controller: DescribeController,
        announcer: Announcer,
        live_modes: LiveModes,
        *,
        codes_factory: CheckFactory | None = None,
        light_factory: CheckFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._announcer = announcer
        self._live_modes = live_modes
        self._factories: dict[str, CheckFactory] = {
            READ_CODES: codes_factory or CodeCheck,
            LIGHT_METER: light_factory or LightMeterCheck,
        }
        self._clock = clock
        self._last_colour_at: float | None = None
        self._light_on_at = 0.0
        self._gui = GuiThread(self)
        self.loop = FrameCheckLoop(self._newest_frame, self._from_loop)
        self._closed = False
        live_modes.mode_changed.connect(self._other_mode_changed)

    def is_on(self, mode: str) -> bool:
        return self.loop.is_on(mode)

    # --- the keys ---------------------------------------------------------------------------------

    @Slot()
    def toggle_codes(self) -> None:
        """The codes mode on or off; with no camera, the codes in the photo in hand."""
        if self._controller.camera is None and not self.is_on(READ_CODES):
            self._codes_in_photo()
            return
        self._switch(READ_CODES, not self.is_on(READ_CODES))

    @Slot()
    def toggle_light_meter(self) -> None:
        self._switch(LIGHT_METER, not self.is_on(LIGHT_METER))

    @Slot()
    def say_colour(self) -> None:
        """The colour of the middle of the view (or the photo in hand); a second press
        soon after gives the precise name."""
        picture = self._picture()
        if picture is None:
            return
        now = self._clock()
        precise = (
            self._last_colour_at is not None and now - self._last_colour_at <= PRECISE_WITHIN_S
        )
        self._last_colour_at = None if precise else now
        found = middle_colour(picture.image, precise=precise)
        self._announcer.clear_status()
        self._announcer.announce(found.sentence(), interrupt=True)

    def close(self, timeout: float = 1.0) -> bool:
        self._closed = True
        return self.loop.close(timeout)

    # --- switching --------------------------------------------------------------------------------

    def _switch(self, mode: str, on: bool) -> None:
        if on and self._controller.camera is None:
            self._announcer.announce(
                _("This needs a camera. Choose one with Control+Shift+C."), interrupt=True
            )
            self.mode_changed.emit(mode, False)
            return
        if on:
            self._live_modes.switch_off_all()
            other = LIGHT_METER if mode == READ_CODES else READ_CODES
            if self.is_on(other):
                self.loop.set_check(other, None)
                self.mode_changed.emit(other, False)
        self.loop.set_check(mode, self._factories[mode]() if on else None)
        if on and mode == LIGHT_METER:
            self._light_on_at = self._clock()
        self.mode_changed.emit(mode, on)
        self._announcer.clear_status()
        self._announcer.announce(_announcement(mode, on), interrupt=True)

    @Slot(str, bool)
    def _other_mode_changed(self, mode: str, on: bool) -> None:
        """Guidance or hands-free mode came on: these modes go off, quietly (its own
        announcement says what is on now)."""
        if not on or mode not in (GUIDANCE, HANDS_FREE):
            return
        for mode in (READ_CODES, LIGHT_METER):
            if self.is_on(mode):
                self.loop.set_check(mode, None)
                self.mode_changed.emit(mode, False)

    # --- pictures ---------------------------------------------------------------------------------

    def _picture(self) -> Picture | None:
        """The camera's newest frame, else the photo in hand; None (and said) if neither."""
        return take_picture(self._controller.camera, self._controller.photo, self._announcer)

    def _codes_in_photo(self) -> None:
        picture = self._picture()
        if picture is None:
            return
        look = ZxingCodeReader().read(picture.image)
        self._announcer.clear_status()
        if not look.codes:
            self._announcer.announce(no_code_sentence(), interrupt=True)
        for index, code in enumerate(look.codes):
            self._announcer.clear_status()
            self._announcer.announce(code.sentence(), interrupt=index == 0)

    # --- the loop's thread ------------------------------------------------------------------------

    def _newest_frame(self) -> object | None:
        camera = self._controller.camera
        return camera.latest_frame(max_age=0.5) if camera is not None else None

    def _from_loop(self, found: object) -> None:
        if not self._closed:
            self._gui.call(self._on_found, found)

    # --- back on the GUI thread -------------------------------------------------------------------

    def _on_found(self, found: object) -> None:
        if self._closed:
            return
        if isinstance(found, CodesFound) and self.is_on(READ_CODES):
            for index, code in enumerate(found.codes):
                self._announcer.clear_status()
                self._announcer.announce(code.sentence(), interrupt=index == 0)
        elif isinstance(found, CodeCueFound) and self.is_on(READ_CODES):
            self._announcer.clear_status()
            self._announcer.announce(core_(CODE_CUE_WORDS[found.cue]), interrupt=True)
        elif isinstance(found, LightReading) and self.is_on(LIGHT_METER):
            if found.changed:  # shown, not said: the tone is the answer
                self._announcer.announce(light_sentence(found.value), speak=False)
            if self._clock() - self._light_on_at >= FIRST_TONE_AFTER_S:
                self._announcer.speech.play_sound(light_tone(found.value), interrupt=True)
        elif isinstance(found, CheckFailed):
            self.mode_changed.emit(found.name, False)
            self._announcer.announce(
                _("{mode} stopped because of an error: {reason}").format(
                    mode=_mode_name(found.name), reason=found.message
                ),
                interrupt=True,
            )


def _mode_name(mode: str) -> str:
    return _("Reading codes") if mode == READ_CODES else _("The light meter")


def _announcement(mode: str, on: bool) -> str:
    if mode == READ_CODES:
        if on:
            return _("Reading codes on. Point the camera at a code.")
        return _("Reading codes off.")
    if on:
        return _("Light meter on. The tone rises with the light.")
    return _("Light meter off.")

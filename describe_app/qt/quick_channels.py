"""The quick channels in the window: codes in view, the colour of the middle, the light meter.

* **Read codes** (a mode): each QR code or barcode is read out as it comes into view, once;
  a code seen but not readable gets an aiming cue. A code read waits for words being said
  (a description) and is said after them; a cue waits too, and is said after them only if
  it is still the newest and no code was read since (the rule is the announcer's, for every
  channel). With no camera it reads the codes in the photo in hand, once. Each code read
  goes into the history as it was said, with its source (the camera or the photo's file
  name) and its picture where pictures are kept.
* **Colour** (one press): the colour of the middle of the camera's view, or of the photo in
  hand (named off the GUI thread), in plain words; pressed again within
  :data:`PRECISE_WITHIN_S`, the precise name.
* **Light meter** (a mode): a short tone four times a second, higher the more light. The
  tone waits while words are said (its own "on", a colour, a status, an answer being
  written and read): a tone cuts off speech, so it would leave only their first syllable.
  The announcer drops a tone while words are being said (exactly, when our own voice says
  them; else for an estimate of their length) or an answer is on its way.

The two modes are added to the window's :class:`~describe_app.qt.live_modes.LiveModes`, whose
frame-check loop runs them off the GUI thread and keeps one mode on at a time (one would talk
over the other). Everything the user hears goes through the announcer, the tones too, like
the guidance tones: its rule keeps cues and tones off the words being said.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Slot

from describe_app.core.errors import ImageError
from describe_app.core.history.entry import SOURCE_CAMERA
from describe_app.core.i18n import _ as core_
from describe_app.core.live.code_watch import CODE_CUE_WORDS, CodeCheck, CodeCueFound, CodesFound
from describe_app.core.live.frame_checks import FrameCheck
from describe_app.core.live.light_meter import LightMeterCheck, LightReading, light_tone
from describe_app.core.pictures.colour_names import ColourName, middle_colour
from describe_app.core.pictures.images import Picture, picture_from_frame
from describe_app.core.pictures.light_level import light_sentence
from describe_app.core.reading.codes import (
    CodeLook,
    FoundCode,
    ZxingCodeReader,
    no_code_sentence,
)
from describe_app.qt.announcer import Announcer
from describe_app.qt.describe_controller import DescribeController
from describe_app.qt.describe_pictures import take_picture
from describe_app.qt.live_modes import LiveMode, LiveModes
from describe_app.qt.photo_work import LOOK, OPEN, PhotoWork
from describe_app.qt.translate import N_, _

#: The modes, named as their actions in the shortcuts table.
READ_CODES = "read_codes"
LIGHT_METER = "light_meter"
#: A second press of the colour key this soon after the first gives the precise name.
PRECISE_WITHIN_S = 3.0
#: The light meter's first tone waits at least this long, so "Light meter on" is heard whole.
FIRST_TONE_AFTER_S = 2.5

CheckFactory = Callable[[], FrameCheck]


class QuickChannels(QObject):
    def __init__(
        self,
        controller: DescribeController,
        announcer: Announcer,
        live_modes: LiveModes,
        photo_work: PhotoWork,
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
        self._photo_work = photo_work
        self._clock = clock
        self._last_colour_at: float | None = None
        self._light_on_at = 0.0
        self._codes_read = 0  # codes read live: a cue waiting from before one is moot
        live_modes.add_mode(
            READ_CODES,
            LiveMode(
                codes_factory or CodeCheck,
                N_("Reading codes"),
                N_("Reading codes on. Point the camera at a code."),
                N_("Reading codes off."),
                self._on_codes,
            ),
        )
        live_modes.add_mode(
            LIGHT_METER,
            LiveMode(
                light_factory or LightMeterCheck,
                N_("The light meter"),
                N_("Light meter on. The tone rises with the light."),
                N_("Light meter off."),
                self._on_light,
                switched_on=self._light_switched_on,
            ),
        )

    def is_on(self, mode: str) -> bool:
        return self._live_modes.is_on(mode)

    # --- the keys ---------------------------------------------------------------------------------

    @Slot()
    def toggle_codes(self) -> None:
        """The codes mode on or off; with no camera, the codes in the photo in hand."""
        if self._controller.camera is None and not self.is_on(READ_CODES):
            self._photo_work.when_done(OPEN, self._codes_in_photo)  # a photo opening first
            return
        self._live_modes.toggle(READ_CODES)

    @Slot()
    def toggle_light_meter(self) -> None:
        self._live_modes.toggle(LIGHT_METER)

    @Slot()
    def say_colour(self) -> None:
        """The colour of the middle of the view (or the photo in hand); a second press
        soon after gives the precise name."""
        self._photo_work.when_done(OPEN, self._say_colour)  # a photo opening first

    def _say_colour(self) -> None:
        picture = self._picture()
        if picture is None:
            return
        now = self._clock()
        precise = (
            self._last_colour_at is not None and now - self._last_colour_at <= PRECISE_WITHIN_S
        )
        self._last_colour_at = None if precise else now
        # off the GUI thread: 25-90 ms even for a camera frame (and a photo's working copy
        # is up to 2048 pixels)
        self._photo_work.submit(
            LOOK, lambda _cancel: middle_colour(picture.image, precise=precise), self._colour_found
        )

    def _colour_found(self, found: ColourName) -> None:
        self._announcer.clear_status()
        self._announcer.announce(found.sentence(), interrupt=True)

    # --- pictures ---------------------------------------------------------------------------------

    def _picture(self) -> Picture | None:
        """The camera's newest frame, else the photo in hand; None (and said) if neither."""
        return take_picture(self._controller.camera, self._controller.photo, self._announcer)

    def _codes_in_photo(self) -> None:
        """The codes in the photo in hand, read off the GUI thread (a second for a big one)."""
        picture = self._picture()
        if picture is None:
            return
        self._photo_work.submit(
            LOOK,
            lambda _cancel: ZxingCodeReader().read(picture.image),
            lambda look: self._photo_codes(look, picture),
            _("Looking for codes."),
        )

    def _photo_codes(self, look: CodeLook, picture: Picture) -> None:
        self._announcer.clear_status()
        if not look.codes:
            self._announcer.announce(no_code_sentence(), interrupt=True)
        self._say_codes(look.codes, picture)

    def _say_codes(
        self, codes: Sequence[FoundCode], picture: Picture | None, *, live: bool = False
    ) -> None:
        """Say each code, and keep it in the history (from the camera when no ``picture``).
        Codes read ``live`` wait for words being said (a description); a key press's are
        said at once."""
        sentences = [code.sentence() for code in codes]
        if live:
            self._codes_read += len(codes)
            self._announcer.announce_in_turn(sentences)
        else:
            for index, sentence in enumerate(sentences):
                self._announcer.clear_status()
                self._announcer.announce(sentence, interrupt=index == 0)
        source = picture.source if picture is not None else SOURCE_CAMERA
        for sentence in sentences:
            self._controller.results.keep_code(source, sentence, picture)

    # --- what the modes find, on the GUI thread ---------------------------------------------

    def _on_codes(self, found: object) -> None:
        if isinstance(found, CodesFound):
            self._say_codes(found.codes, _frame_picture(found.frame), live=True)
        elif isinstance(found, CodeCueFound):
            read = self._codes_read
            self._announcer.clear_status()
            self._announcer.cue(
                core_(CODE_CUE_WORDS[found.cue]),
                still_current=lambda: self.is_on(READ_CODES) and self._codes_read == read,
            )

    def _light_switched_on(self) -> None:
        self._light_on_at = self._clock()

    def _on_light(self, found: object) -> None:
        if not isinstance(found, LightReading):
            return
        if found.changed:  # shown, not said: the tone is the answer
            self._announcer.announce(light_sentence(found.value), speak=False)
        if self._clock() - self._light_on_at >= FIRST_TONE_AFTER_S:
            # dropped while words are said or an answer is on its way (the announcer's rule)
            self._announcer.tone(light_tone(found.value))


def _frame_picture(frame: object) -> Picture | None:
    """The camera frame the codes were read in, as the history's picture (None if not one)."""
    try:
        return picture_from_frame(frame, source=SOURCE_CAMERA)  # type: ignore[arg-type]
    except ImageError:
        return None

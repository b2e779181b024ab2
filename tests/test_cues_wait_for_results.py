"""Cues never cut off a result: a live mode's aiming cue (words or a tone), the light
meter's tone and a code read while a description, an answer or a status is being said.

The voice here is a fake that keeps a queue as our own voice does: ``interrupt`` drops what
is queued (recorded as cut off), ``stop()`` drops everything, and it is busy until the test
lets it play what is queued (:meth:`QueueVoice.finish`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel, QStatusBar

from describe_app.core.i18n import _ as core_
from describe_app.core.live.code_watch import CODE_CUE_WORDS, CodeCue, CodeCueFound, CodesFound
from describe_app.core.live.document_check import PAGE_CUE_WORDS, PageCue
from describe_app.core.live.frame_checks import GUIDANCE, CueFound
from describe_app.core.live.guidance import CUE_WORDS, Cue
from describe_app.core.live.light_meter import LightReading
from describe_app.core.pictures.light_level import LightLevel
from describe_app.core.reading.codes import FoundCode
from describe_app.core.speech import AudioClip
from describe_app.qt import quick_channels
from describe_app.qt.announcer import WORDS_S_PER_CHARACTER, Announcer
from describe_app.qt.camera_source import CameraSource
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.document_mode import DOCUMENT_MODE
from describe_app.qt.main_window import MainWindow
from describe_app.qt.quick_channels import LIGHT_METER, READ_CODES
from tests import qt_fixtures
from tests.camera_scenes import SceneCapture

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict

DESCRIPTION = [
    "A green mug stands on a wooden desk.",
    "Behind it, a window shows a grey sky.",
    "A pen lies to the right of the mug.",
]


class QueueVoice(qt_fixtures.FakeSpeech):
    def __init__(self) -> None:
        super().__init__()
        self.queue: list[str] = []  # said or played, not yet heard to the end
        self.heard: list[str] = []
        self.cut_off: list[str] = []

    def say(self, text: str, *, interrupt: bool = False) -> None:
        super().say(text, interrupt=interrupt)
        self._add(text, interrupt)

    def play_sound(self, clip: AudioClip, *, interrupt: bool = False) -> None:
        super().play_sound(clip, interrupt=interrupt)
        self._add(clip.label, interrupt)

    def stop(self) -> None:
        super().stop()
        self.cut_off += self.queue
        self.queue = []

    def wait_until_done(self, timeout: float | None = None) -> bool:
        return not self.queue

    def finish(self) -> None:
        self.heard += self.queue
        self.queue = []

    def _add(self, item: str, interrupt: bool) -> None:
        if interrupt:
            self.cut_off += self.queue
            self.queue = []
        self.queue.append(item)


class QuietCheck:
    """A live mode's check that finds nothing: the test says what the mode found."""

    interval_s = 0.25

    def check(self, frame: object) -> None:
        return None


def _frame() -> np.ndarray:
    """A plain, mid-grey camera frame with a dark square (not a photo any test uses)."""
    frame = np.full((240, 320, 3), 128, np.uint8)
    frame[60:180, 100:220] = 30
    return frame


def _window(qtbot, make_window, tmp_path: Path) -> tuple[MainWindow, QueueVoice]:  # type: ignore[no-untyped-def]
    capture = SceneCapture(_frame())
    camera = CameraWorker(
        CameraSource("test camera", label="test camera"), opener=lambda _s: capture
    )
    window, _speech = make_window(tmp_path / "no-model", load=False, camera=camera)
    modes = window.live_modes
    for mode in (READ_CODES, DOCUMENT_MODE, GUIDANCE, LIGHT_METER):
        modes.add_mode(mode, dataclasses.replace(modes._modes[mode], check=QuietCheck))
    # the camera's own news first: it is not what this test is about
    qtbot.waitUntil(lambda: "Camera ready." in window.announcer.history, timeout=10_000)
    voice = QueueVoice()
    window.announcer.set_speech(voice)
    return window, voice


def _switch_on(window: MainWindow, voice: QueueVoice, action: str) -> None:
    window.actions_by_id[action].trigger()
    voice.finish()  # "... on" heard whole


def _describe(window: MainWindow) -> None:
    """A description being said, as the describe job says it."""
    for index, sentence in enumerate(DESCRIPTION):
        window.announcer.say_result(sentence, first=index == 0)


def _found(qtbot, window: MainWindow, found: object) -> None:  # type: ignore[no-untyped-def]
    """The frame-check loop found ``found`` (handed to the GUI thread, as from its thread)."""
    done: list[bool] = []
    window.live_modes._from_loop(found)
    window.live_modes._gui.call(lambda: done.append(True))
    qtbot.waitUntil(lambda: bool(done))


def test_a_code_cue_waits_for_the_description_and_only_the_newest_is_said_after_it(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path
) -> None:
    window, voice = _window(qtbot, make_window, tmp_path)
    _switch_on(window, voice, "read_codes")
    _describe(window)

    closer, left, still = (
        core_(CODE_CUE_WORDS[c])
        for c in (CodeCue.MOVE_CLOSER, CodeCue.MOVE_LEFT, CodeCue.HOLD_STILL)
    )
    _found(qtbot, window, CodeCueFound(CodeCue.MOVE_CLOSER))
    assert window.status_label.text() == closer  # shown at once
    _found(qtbot, window, CodeCueFound(CodeCue.MOVE_LEFT))
    qtbot.wait(300)
    assert voice.cut_off == []
    assert voice.queue == DESCRIPTION  # every sentence is still to be heard, in order

    voice.finish()  # the description has been heard: the newest cue, after it
    qtbot.waitUntil(lambda: voice.queue == [left])
    assert closer not in voice.texts()  # the older one was stale
    assert voice.heard[-3:] == DESCRIPTION

    _found(qtbot, window, CodeCueFound(CodeCue.HOLD_STILL))  # a cue still cuts off a cue
    assert voice.queue == [still]
    assert voice.cut_off == [left]


@pytest.mark.parametrize("tones", [False, True])
def test_guidance_and_document_cues_never_cut_off_an_answer(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path, tones: bool
) -> None:
    window, voice = _window(qtbot, make_window, tmp_path)
    window.live_modes.cue_tones = tones
    for action, found, words in (
        ("guidance", CueFound(Cue.TOO_FAR), core_(CUE_WORDS[Cue.TOO_FAR])),
        ("document_mode", PageCue(Cue.CUT_TOP), core_(PAGE_CUE_WORDS[Cue.CUT_TOP])),
    ):
        _switch_on(window, voice, action)
        _found(qtbot, window, dataclasses.replace(found, cue=Cue.CUT_LEFT))  # a first cue
        window.announcer.say_result("The answer is yes.", first=True)  # a follow-up answer
        window.announcer.say_result("The label says oat milk.", first=False)
        voice.cut_off.clear()
        _found(qtbot, window, found)
        qtbot.wait(300)
        assert voice.cut_off == [], action
        assert voice.queue == ["The answer is yes.", "The label says oat milk."], action
        voice.finish()
        qtbot.waitUntil(lambda: len(voice.queue) == 1)
        expected = f"tone:{found.cue.value}" if tones else words
        assert voice.queue == [expected], action
        voice.finish()


def test_an_error_being_said_is_not_cut_off_by_a_cue(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path
) -> None:
    window, voice = _window(qtbot, make_window, tmp_path)
    _switch_on(window, voice, "read_codes")
    error = "The model stopped: out of memory."
    window.announcer.clear_status()
    window.announcer.announce(error, interrupt=True)
    _found(qtbot, window, CodeCueFound(CodeCue.MOVE_UP))
    qtbot.wait(300)
    assert voice.queue == [error] and voice.cut_off == []


def test_a_code_read_during_a_description_is_said_after_it(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path
) -> None:
    window, voice = _window(qtbot, make_window, tmp_path)
    _switch_on(window, voice, "read_codes")
    _found(qtbot, window, CodeCueFound(CodeCue.MOVE_CLOSER))  # before the description
    _describe(window)  # cuts off the cue: a new request
    assert voice.cut_off == [core_(CODE_CUE_WORDS[CodeCue.MOVE_CLOSER])]
    voice.cut_off.clear()
    _found(qtbot, window, CodeCueFound(CodeCue.MOVE_DOWN))
    codes = (FoundCode("QR code", "SHELF 12"), FoundCode("EAN-13", "4006381333931"))
    _found(qtbot, window, CodesFound(codes, _frame()))
    said = [code.sentence() for code in codes]
    qtbot.wait(300)
    assert voice.queue == DESCRIPTION + said  # every code, in order, after the description
    assert voice.cut_off == []
    assert window.status_label.text() == said[-1]  # shown at once

    voice.finish()
    qtbot.wait(300)  # the cue from before the codes were read is moot
    assert voice.queue == []
    assert core_(CODE_CUE_WORDS[CodeCue.MOVE_DOWN]) not in voice.texts()
    assert voice.heard[-5:] == DESCRIPTION + said

    _found(qtbot, window, CodeCueFound(CodeCue.MOVE_RIGHT))  # with nothing being said: at once
    assert voice.queue == [core_(CODE_CUE_WORDS[CodeCue.MOVE_RIGHT])]


def test_the_light_meter_tone_never_cuts_off_a_description(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quick_channels, "FIRST_TONE_AFTER_S", 0.0)
    window, voice = _window(qtbot, make_window, tmp_path)
    _switch_on(window, voice, "light_meter")
    reading = LightReading(60.0, LightLevel.MEDIUM, changed=False)
    _found(qtbot, window, reading)
    assert len(voice.queue) == 1 and voice.queue[0].startswith("tone:light:")
    voice.finish()

    _describe(window)
    for _ in range(3):
        _found(qtbot, window, reading)
    assert voice.queue == DESCRIPTION and voice.cut_off == []
    voice.finish()
    _found(qtbot, window, reading)  # the words heard: the tones go on
    assert len(voice.queue) == 1 and voice.queue[0].startswith("tone:light")


def test_stop_stops_the_result_and_what_waits(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path
) -> None:
    window, voice = _window(qtbot, make_window, tmp_path)
    _switch_on(window, voice, "read_codes")
    _describe(window)
    _found(qtbot, window, CodeCueFound(CodeCue.MOVE_CLOSER))
    _found(qtbot, window, CodesFound((FoundCode("QR code", "ROOM 4"),), _frame()))
    assert voice.queue == [*DESCRIPTION, "QR code: ROOM 4"]  # the cue waits its turn

    window.controller.stop()  # the stop key
    assert voice.queue == [] and voice.stops >= 1
    qtbot.wait(400)
    assert voice.queue == []  # neither the cue nor the code comes later
    _found(qtbot, window, CodeCueFound(CodeCue.MOVE_LEFT))  # and cues are said again
    assert voice.queue == [core_(CODE_CUE_WORDS[CodeCue.MOVE_LEFT])]


def test_words_sent_to_the_screen_reader_hold_cues_for_their_length(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    """Words our own voice does not say (the screen reader reads them) give no end: the
    cue waits for an estimate of their length, then is said without cutting anything."""
    now = [100.0]
    speech = qt_fixtures.FakeSpeech()  # never busy: it says when nothing
    bar, label = QStatusBar(), QLabel()
    qtbot.addWidget(bar)
    qtbot.addWidget(label)
    announcer = Announcer(bar, label, speech, clock=lambda: now[0])
    sentence = "A long shelf of tins and jars, most of them with red labels, fills the view."
    announcer.say_result(sentence, first=True)
    announcer.cue("Move the camera left.")
    qtbot.wait(250)
    assert speech.said == [(sentence, True)]

    now[0] += len(sentence) * WORDS_S_PER_CHARACTER + 0.1
    qtbot.waitUntil(lambda: len(speech.said) == 2)
    assert speech.said[-1] == ("Move the camera left.", False)
    announcer.cue("Hold still.")  # nothing being said: at once, cutting off the cue
    assert speech.said[-1] == ("Hold still.", True)


def test_cues_wait_while_an_answer_is_on_its_way(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    speech = QueueVoice()
    bar, label = QStatusBar(), QLabel()
    qtbot.addWidget(bar)
    qtbot.addWidget(label)
    announcer = Announcer(bar, label, speech)
    busy = [True]
    announcer.answer_coming = lambda: busy[0]
    announcer.cue("Code found. Hold still.")
    assert speech.queue == []
    announcer.say_result("A bus stop sign.", first=True)
    busy[0] = False
    qtbot.wait(250)
    assert speech.queue == ["A bus stop sign."]  # a cue waiting is moot after a new request
    announcer.cue("Code found. Move the camera up.")
    speech.finish()
    qtbot.waitUntil(lambda: speech.queue == ["Code found. Move the camera up."])


def test_with_our_own_voice_the_cue_plays_once_the_last_word_is_heard(qtbot, qt_strict) -> None:  # type: ignore[no-untyped-def]
    """The real speech worker (a fake synthesizer and sound card): the result plays whole,
    the cue after its last sample; then stop silences a result and the cue waiting."""
    from describe_app.core.speech import SpeechSettings, create_speech
    from tests.speech_fixtures import FakePlayer, FakeSynthesizer

    player = FakePlayer()
    speech = create_speech(
        SpeechSettings(),
        synthesizer=FakeSynthesizer(seconds_per_char=0.008),
        player=player,
        detect=lambda: None,  # no screen reader: our own voice speaks
    )
    bar, label = QStatusBar(), QLabel()
    qtbot.addWidget(bar)
    qtbot.addWidget(label)
    announcer = Announcer(bar, label, speech)
    try:
        for index, sentence in enumerate(DESCRIPTION):
            announcer.say_result(sentence, first=index == 0)
        announcer.cue("Move the camera left.")
        qtbot.waitUntil(lambda: "Move the camera left." in player.completed(), timeout=10_000)
        reports = {r.label: r for r in player.reports}
        assert [r.label for r in player.reports] == [*DESCRIPTION, "Move the camera left."]
        assert all(reports[s].completed for s in DESCRIPTION)  # nothing cut off
        cue_started = reports["Move the camera left."].first_sample_at
        assert cue_started is not None and cue_started >= reports[DESCRIPTION[-1]].ended_at  # type: ignore[operator]

        announcer.say_result(DESCRIPTION[0], first=True)
        announcer.cue("Hold still.")
        announcer.stop_speaking()
        qtbot.wait(500)
        assert speech.wait_until_done(0)
        assert "Hold still." not in [r.label for r in player.reports]
    finally:
        speech.close()

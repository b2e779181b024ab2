"""Speech QA pass 1: what a blind user heard wrong, on inputs the other speech tests lack.

Web addresses, codes, prices, Markdown and control characters as they are spoken; a
sentence with no full stop that starts late; a synthesizer that fails in an unexpected
way; spoken words left on disk; the screen reader given Markdown marks; the window's
sentence when speech cannot start.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from describe_app.core.speech import (
    AudioClip,
    OutputRoute,
    RoutedSpeech,
    SpeechError,
    SpeechEvent,
    SpeechEventKind,
    SpeechSettings,
    SpeechWorker,
    VoiceNotAvailableError,
    create_speech,
)
from describe_app.core.speech.text_for_speech import text_for_speech
from tests.speech_fixtures import FakePlayer, FakeSynthesizer
from tests.test_other_platforms import FakeEngine, _engine

CONTROL = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]}


# -- text as spoken ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "The poster says https://tickets.example.org/events/june for details.",
            "The poster says tickets.example.org slash events slash june for details.",
        ),
        ("Go to www.shop.net/deals, today.", "Go to www.shop.net slash deals, today."),
        ("See the site (http://a-b.io/x/).", "See the site (a-b.io slash x)."),
        # "he/she" still reads "he or she" outside an address
        ("Ask him/her at https://x.org/a/b.", "Ask him or her at x.org slash a slash b."),
    ],
)
def test_web_addresses_are_read_with_slashes_not_or(written: str, spoken: str) -> None:
    assert text_for_speech(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Barcode 5012345678900 under it.", "Barcode 5 0 1 2 3 4 5 6 7 8 9 0 0 under it."),
        ("Serial SN20394857 on the back.", "Serial SN 2 0 3 9 4 8 5 7 on the back."),
        ("Call 07700900461 now.", "Call 0 7 7 0 0 9 0 0 4 6 1 now."),
        # amounts stay amounts
        ("About 1,250,000 people.", "About 1,250,000 people."),
        ("A 5000000 mAh pack.", "A 5000000 milliamp hours pack."),
        ("It costs $2500000.", "It costs 2500000 dollars."),
        ("Pi is 3.14159265.", "Pi is 3.14159265."),
        ("Room 123456 is short.", "Room 123456 is short."),
    ],
)
def test_long_codes_are_read_digit_by_digit(written: str, spoken: str) -> None:
    assert text_for_speech(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Milk £1.00 a pint.", "Milk 1 pound a pint."),
        ("Only €20.00 today.", "Only 20 euros today."),
        ("A $3.05 fee.", "A 3 dollars 5 fee."),
    ],
)
def test_whole_prices_have_no_zero_cents(written: str, spoken: str) -> None:
    assert text_for_speech(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("A box of 30x20 cm.", "A box of 30 by 20 centimetres."),
        ("A 2 m x 1.5 m rug.", "A 2 metres by 1.5 metres rug."),
        ("Open 8:30-18:00 daily.", "Open 8 30 to 18 hundred daily."),
        ("Lunch 12:15 – 13:45.", "Lunch 12 15 to 13 45."),
    ],
)
def test_sizes_and_opening_hours_read_whole(written: str, spoken: str) -> None:
    assert text_for_speech(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Read the [safety notice](https://x.org/s) first.", "Read the safety notice first."),
        ("The label ~~old~~ was crossed out.", "The label old was crossed out."),
        ("> Keep out of reach of children.", "Keep out of reach of children."),
        ("![a red exit sign](exit.png) above the door.", "a red exit sign above the door."),
    ],
)
def test_more_markdown_marks_are_not_read(written: str, spoken: str) -> None:
    assert text_for_speech(written) == spoken


@pytest.mark.parametrize(
    "written",
    [
        "Left\x00 door, right window.",  # a NUL ends espeak-ng's C string: the rest is lost
        "\x1b[1;33mLeft door,\x1b[0m right window.",
        "Left\tdoor,\x07 right\x0b window.",
        "\x1b]0;title\x07Left door, right\x85 window.",
    ],
)
def test_control_characters_and_escape_sequences_never_reach_the_voice(written: str) -> None:
    from describe_app.core.speech.text_for_speech import text_for_screen_reader

    spoken = text_for_speech(written)
    assert spoken == "Left door, right window."
    assert not CONTROL & set(spoken)
    assert " ".join(text_for_screen_reader(written).split()) == "Left door, right window."


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="espeak-ng is the Linux voice")
def test_a_nul_in_the_text_does_not_cut_the_real_voice_short() -> None:
    from describe_app.core.speech.pyttsx3_synth import Pyttsx3Synthesizer

    pytest.importorskip("pyttsx3")
    synth = Pyttsx3Synthesizer()
    try:
        synth.configure(rate=180, voice_id=None)
        whole = synth.synthesize(text_for_speech("One two three four five six seven eight."))
        with_nul = synth.synthesize(text_for_speech("One two\x00 three four five six seven eight."))
    finally:
        synth.close()
    assert with_nul.duration == pytest.approx(whole.duration, rel=0.15)


# -- the screen reader -------------------------------------------------------------------


class _Channel:
    def __init__(self) -> None:
        self.announced: list[str] = []

    def announce(self, text: str, *, interrupt: bool) -> None:
        self.announced.append(text)


def test_the_screen_reader_gets_no_markdown_marks() -> None:
    channel = _Channel()
    speech = RoutedSpeech(
        None, SpeechSettings(route=OutputRoute.AUTO), screen_reader=channel, detect=lambda: "NVDA"
    )
    speech.say("**Warning:** the floor is `wet`.", interrupt=True)
    speech.say("\x1b[1m**\x1b[0m", interrupt=False)  # nothing left to say: nothing announced
    speech.say("## Ingredients\n- **flour**, 200 g\n- `sugar`\n> keep dry", interrupt=True)
    assert channel.announced == [
        "Warning: the floor is wet.",
        "Ingredients\nflour, 200 g\nsugar\nkeep dry",
    ]


# -- the worker --------------------------------------------------------------------------


class _Events:
    def __init__(self) -> None:
        self.items: list[SpeechEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: SpeechEvent) -> None:
        with self._lock:
            self.items.append(event)

    def errors(self) -> list[str]:
        with self._lock:
            return [e.message for e in self.items if e.kind is SpeechEventKind.ERROR]


@pytest.fixture
def parts() -> tuple[FakeSynthesizer, FakePlayer, _Events]:
    return FakeSynthesizer(seconds_per_char=0.0005), FakePlayer(), _Events()


def _start(synth: FakeSynthesizer, player: FakePlayer, events: _Events) -> SpeechWorker:
    worker = SpeechWorker(synth, player)
    worker.subscribe(events)
    worker.start()
    return worker


def test_a_long_sentence_without_a_full_stop_starts_with_its_first_words(
    parts: tuple[FakeSynthesizer, FakePlayer, _Events],
) -> None:
    synth, player, events = parts
    clauses = [f"a {colour} cup beside plate number {i}" for i, colour in enumerate(["red"] * 40)]
    sentence = ", ".join(clauses)  # about 1,400 characters, commas only
    worker = _start(synth, player, events)
    try:
        worker.say(sentence, interrupt=True)
        assert worker.wait_until_done(10)
        heard = [text for text, _started, _ended in synth.calls]
        assert len(heard[0]) <= 160  # not the whole sentence before the first sound
        assert heard[0].startswith("a red cup beside plate number 0,")
        assert " ".join(heard) == sentence  # every word, in order, each once
        assert all(piece.endswith(",") for piece in heard[:-1])  # cut where a pause is
        assert player.completed() == heard
        synth.calls.clear()
        assert worker.repeat_last()  # "say again" repeats the whole sentence
        assert worker.wait_until_done(10)
        assert " ".join(text for text, _s, _e in synth.calls) == sentence
    finally:
        worker.close()
    assert not events.errors()


def test_one_endless_word_is_cut_too(parts: tuple[FakeSynthesizer, FakePlayer, _Events]) -> None:
    synth, player, events = parts
    word = "ABCD" * 150
    worker = _start(synth, player, events)
    try:
        worker.say(f"Code {word} ends here", interrupt=True)
        assert worker.wait_until_done(10)
    finally:
        worker.close()
    heard = [text for text, _s, _e in synth.calls]
    assert max(len(t) for t in heard) <= 160
    assert "".join(heard).replace(" ", "") == f"Code{word}endshere"


class _ExplodingSynthesizer(FakeSynthesizer):
    """Raises what a driver might (COMError, ctypes errors), not a SpeechError."""

    def synthesize(self, text: str) -> AudioClip:
        if "explode" in text:
            raise RuntimeError("driver crashed")
        return super().synthesize(text)


@pytest.mark.allow_warning_logs
def test_an_unexpected_synthesizer_failure_leaves_speech_working() -> None:
    player, events = FakePlayer(), _Events()
    worker = _start(_ExplodingSynthesizer(seconds_per_char=0.0005), player, events)
    try:
        worker.say("This will explode now.", interrupt=True)
        assert worker.wait_until_done(5)  # it used to hang: the worker thread had died
        worker.say("The next sentence is heard.", interrupt=True)
        assert worker.wait_until_done(5)
    finally:
        worker.close()
    assert player.completed() == ["The next sentence is heard."]
    assert events.errors() == ["The speech synthesizer failed: driver crashed."]


class _EmptyRefusingSynthesizer(FakeSynthesizer):
    """Like espeak-ng under pyttsx3, which fails on an empty text."""

    def synthesize(self, text: str) -> AudioClip:
        if not any(c.isalnum() for c in text):
            from describe_app.core.speech import SpeechError

            raise SpeechError("The speech synthesizer failed: .")
        return super().synthesize(text)


def test_a_sentence_of_only_escape_codes_is_skipped_quietly() -> None:
    synth, player, events = (
        _EmptyRefusingSynthesizer(seconds_per_char=0.0005),
        FakePlayer(),
        _Events(),
    )
    worker = _start(synth, player, events)
    try:
        worker.say("\x1b[0m\n[](http://x.y/1)\nThe door is open.", interrupt=True)
        assert worker.wait_until_done(5)
    finally:
        worker.close()
    assert events.errors() == []
    assert player.completed() == ["The door is open."]


# -- files on disk -----------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="espeak-ng is the Linux voice")
def test_no_spoken_words_stay_on_disk_while_speech_runs() -> None:
    from describe_app.core.speech.pyttsx3_synth import Pyttsx3Synthesizer

    pytest.importorskip("pyttsx3")
    synth = Pyttsx3Synthesizer()
    try:
        synth.configure(rate=180, voice_id=None)
        for text in ("Dear Ms Smith,", "your test results are ready.", "Your bank PIN is 4321."):
            assert synth.synthesize(text).duration > 0.3
            workdir = synth._workdir
            assert workdir is not None
            assert list(workdir.iterdir()) == []  # a crash now would leave no words behind
    finally:
        synth.close()
    assert workdir is not None and not workdir.exists()


def test_folders_left_by_a_crashed_run_are_removed_and_no_others(tmp_path: Path) -> None:
    from describe_app.core.speech.pyttsx3_synth import remove_stale_workdirs

    day_old = time.time() - 24 * 3600

    def folder(name: str, files: list[str], mtime: float) -> Path:
        path = tmp_path / name
        path.mkdir()
        for f in files:
            (path / f).write_bytes(b"RIFF")
        os.utime(path, (mtime, mtime))
        return path

    crashed = folder("describe-speech-abc123", ["sentence-0.wav", "sentence-1.wav"], day_old)
    empty = folder("describe-speech-def456", [], day_old)
    running = folder("describe-speech-ghi789", ["sentence-1.wav"], time.time())
    foreign = folder("describe-speech-jkl000", ["notes.txt"], day_old)
    other = folder("someone-else", ["sentence-0.wav"], day_old)
    assert remove_stale_workdirs(tmp_path) == 2
    assert not crashed.exists() and not empty.exists()
    assert running.exists() and foreign.exists() and other.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="espeak-ng is the Linux voice")
def test_a_sentence_folder_tidied_away_is_made_again() -> None:
    import shutil

    from describe_app.core.speech.pyttsx3_synth import Pyttsx3Synthesizer

    pytest.importorskip("pyttsx3")
    synth = Pyttsx3Synthesizer()
    try:
        synth.configure(rate=180, voice_id=None)
        synth.synthesize("First.")
        assert synth._workdir is not None
        assert Path(tempfile.gettempdir()) in synth._workdir.parents
        shutil.rmtree(synth._workdir)  # another Describe started hours later tidied it
        assert synth.synthesize("Still speaking.").duration > 0.3
    finally:
        synth.close()


# -- the window ----------------------------------------------------------------------------


def test_the_window_says_in_its_language_why_speech_did_not_start(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import describe_app.core.speech as speech_package
    from describe_app.core.i18n import set_language
    from describe_app.qt.speech_starter import SpeechStarter

    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("no sound server")

    monkeypatch.setattr(speech_package, "create_speech", broken)
    set_language("fr")
    try:
        starter = SpeechStarter(None)
        with qtbot.waitSignal(starter.failed, timeout=5000) as signal:
            starter.start()
        starter.join(5)
    finally:
        set_language("en")
    assert signal.args == ["La parole n’a pas pu démarrer : no sound server."]


# -- a chosen voice that is gone ---------------------------------------------------------


class _OneVoiceSynthesizer(FakeSynthesizer):
    """Has only the voice "fake/en", as a machine where the chosen voice was removed."""

    def configure(self, *, rate: int, voice_id: str | None) -> None:
        if voice_id not in (None, "fake/en"):
            raise VoiceNotAvailableError(
                f"The voice {voice_id} is not installed; choose another voice in the settings."
            )
        super().configure(rate=rate, voice_id=voice_id)


@pytest.mark.allow_warning_logs
def test_a_missing_voice_at_start_is_told_to_whoever_listens_first() -> None:
    """The window and the command line subscribe after the voice has started; the one
    sentence saying that the chosen voice is gone used to be told to nobody."""
    player = FakePlayer()
    speech = create_speech(
        SpeechSettings(route=OutputRoute.OWN_VOICE, voice_id="mbrola/de2"),
        synthesizer=_OneVoiceSynthesizer(seconds_per_char=0.0005),
        player=player,
        detect=lambda: None,
    )
    events, later = _Events(), _Events()
    try:
        speech.subscribe(events)
        speech.subscribe(later)  # told once, not to every listener
        speech.say("Still speaking.", interrupt=True)
        assert speech.wait_until_done(5)
    finally:
        speech.close()
    assert events.errors() == [
        "The voice mbrola/de2 is not installed; choose another voice in the settings."
    ]
    assert [e.goes_on for e in events.items if e.kind is SpeechEventKind.ERROR] == [True]
    assert later.errors() == []
    assert player.completed() == ["Still speaking."]


@pytest.mark.allow_warning_logs
def test_the_command_line_says_the_voice_is_missing_and_speaks_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    import describe_app.core.speech as speech_package
    from describe_app.cli.speech import CommandLineSpeech

    player = FakePlayer()
    monkeypatch.setattr(
        speech_package,
        "default_synthesizer",
        lambda: _OneVoiceSynthesizer(seconds_per_char=0.0005),
    )
    monkeypatch.setattr(speech_package, "default_player", lambda: player)
    args = argparse.Namespace(speak=True, wav=None, voice="en-typo", rate=None)
    with CommandLineSpeech(args) as spoken:
        spoken.sentence("A cup on a table.", 0)
    err = capsys.readouterr().err
    assert "The voice en-typo is not installed" in err
    assert "printed instead" not in err  # the default voice did speak
    assert player.completed() == ["A cup on a table."]


def test_a_voice_that_could_not_start_is_tried_again_quietly(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sound device busy for a moment at start: the failure is said once, the voice is
    tried again, and when it starts the window gets it and hears that speech is back."""
    import describe_app.core.speech as speech_package
    from describe_app.qt import speech_starter
    from describe_app.qt.quiet_speech import QuietSpeech

    class Voice(QuietSpeech):
        def __init__(self) -> None:
            self.said: list[str] = []

        def say(self, text: str, *, interrupt: bool = False) -> None:
            self.said.append(text)

    voice, tries = Voice(), []

    def busy_then_free(*_args: object, **_kwargs: object) -> object:
        tries.append(1)
        if len(tries) < 3:
            raise SpeechError("The sound device is busy.")
        return voice

    monkeypatch.setattr(speech_package, "create_speech", busy_then_free)
    monkeypatch.setattr(speech_starter, "RETRY_SECONDS", (0.01, 0.01, 0.01))
    starter = speech_starter.SpeechStarter(None)
    failures: list[str] = []
    starter.failed.connect(failures.append)
    with qtbot.waitSignal(starter.started, timeout=5000) as started:
        starter.start()
    starter.join(5)
    assert failures == ["The sound device is busy."] and len(tries) == 3
    assert started.args == [voice] and voice.said == ["Speech works again."]


def test_trying_again_stops_when_the_window_closes(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import describe_app.core.speech as speech_package
    from describe_app.qt import speech_starter

    def never(*_args: object, **_kwargs: object) -> object:
        raise SpeechError("No sound device.")

    monkeypatch.setattr(speech_package, "create_speech", never)
    starter = speech_starter.SpeechStarter(None)
    starter.start()
    time.sleep(0.2)  # failed once, waiting 5 s to try again
    began = time.monotonic()
    starter.join(5)
    assert time.monotonic() - began < 1.0 and starter.speech is None


def test_a_sentence_espeak_cancelled_leaves_no_words_on_disk(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """espeak-ng reports a sentence as cancelled now and then on a busy machine, after it
    wrote the file all the same; the sentence is said again into another file. The
    cancelled one stayed on disk (seen in CI: "sentence-1.wav" left in the folder)."""
    import wave

    from describe_app.core.speech import pyttsx3_synth
    from describe_app.core.speech.pyttsx3_synth import Pyttsx3Synthesizer

    audio = tmp_path / "audio.wav"
    with wave.open(str(audio), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(b"\x10\x00" * 22050)

    class CancellingOnce(FakeEngine):
        """espeak-ng's engine, its first try reported cancelled after writing the file."""

        def __init__(self) -> None:
            super().__init__("espeak", [], audio.read_bytes())
            self.runs = 0

        def runAndWait(self) -> None:
            self.runs += 1
            for _text, filename in self._files:
                Path(filename).write_bytes(self.audio)  # written, cancelled or not
                for callback in self._listeners.get("finished-utterance", []):
                    callback(name=None, completed=self.runs > 1)
            self._files.clear()

    engine = _engine(monkeypatch, CancellingOnce())
    monkeypatch.setattr(Pyttsx3Synthesizer, "_espeak_module", staticmethod(lambda _e: None))
    monkeypatch.setattr(pyttsx3_synth, "remove_stale_workdirs", lambda: 0)
    synth = Pyttsx3Synthesizer()
    try:
        assert synth.synthesize("Your bank PIN is 4321.").duration == pytest.approx(1.0)
        assert engine.runs == 2  # the cancelled try, then the one that counted
        assert synth._workdir is not None
        assert list(synth._workdir.iterdir()) == []
    finally:
        synth.close()

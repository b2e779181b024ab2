"""Speech for the command line: ``--speak``, ``--wav FILE``, ``--voice``, ``--rate``, and
the ``voices`` command that lists the voices ``--voice`` takes.

Each sentence is handed to speech the moment the model finishes it; the first sentence of
each new answer interrupts whatever was still being said about the previous one. A speech
failure (no voice, no sound device) is said once on stderr, and the text still prints.
"""

from __future__ import annotations

import argparse
import logging
from types import TracebackType
from typing import TYPE_CHECKING

from describe_app.core.errors import DescribeError
from describe_app.core.i18n import _

if TYPE_CHECKING:
    from describe_app.core.speech import AudioClip, SpeechEvent, SpeechOutput, SpeechSettings

log = logging.getLogger(__name__)


def add_voices_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``voices``."""
    commands.add_parser("voices", help=_("list the voices installed for speech"))


def run_voices(args: argparse.Namespace) -> int:
    from describe_app.core.speech import list_voices

    voices = list_voices()
    for voice in voices:
        languages = ", ".join(voice.languages) or _("unknown language")
        print(f"{voice.id}: {voice.name} ({languages})")
    if not voices:
        print(_("No voices are installed."))
    return 0


#: How long the words of a cut-off answer may still be said before the command ends.
_CUT_OFF_WAIT_S = 30.0


class CommandLineSpeech:
    """Speaks and/or records the sentences of one command-line run."""

    def __init__(self, args: argparse.Namespace, *, notice: str | None = None) -> None:
        """``notice``: said once before the first answer (e.g. where pictures are sent)."""
        self._notice = notice
        self._speak = bool(getattr(args, "speak", False))
        self._wav: str | None = getattr(args, "wav", None)
        self._voice = getattr(args, "voice", None)
        self._rate = getattr(args, "rate", None)
        self._output: SpeechOutput | None = None
        self._sentences: list[str] = []
        self._reported: set[str] = set()
        self._answered = False
        self.failed = False

    def settings(self) -> SpeechSettings:
        from describe_app.core.speech import OutputRoute, SpeechSettings

        # --speak asks for our own voice; a screen reader already reads what is printed
        base = SpeechSettings(route=OutputRoute.OWN_VOICE)
        changes: dict[str, object] = {}
        if self._rate is not None:
            changes["rate"] = self._rate
        if self._voice:
            changes["voice_id"] = self._voice
        return base.replace(**changes) if changes else base

    def __enter__(self) -> CommandLineSpeech:
        self._check_wav()
        if not self._speak:
            return self
        from describe_app.core.speech import SpeechError, create_speech

        try:
            self._output = create_speech(self.settings())
        except SpeechError as exc:
            self._report(str(exc), " " + _("The text is printed instead."))
            return self
        self._output.subscribe(self._on_event)
        if self._notice:
            self._sentences.append(self._notice)
            self._output.say(self._notice)
        return self

    def sentence(self, text: str, index: int) -> None:
        """One finished sentence; ``index`` 0 starts a new answer."""
        first_answer = not self._answered
        self._answered = True
        self._sentences.append(text)
        if self._output is not None:
            # a new answer cuts off the last one, but never the notice said before the first
            self._output.say(text, interrupt=index == 0 and not (first_answer and self._notice))

    def earcon(self, name: str) -> None:
        """Play a short sound (an :class:`~describe_app.core.speech.Earcon` value) in line
        with speech, cutting off what is being said; nothing when not speaking."""
        if self._output is not None:
            from describe_app.core.speech import Earcon, Earcons

            Earcons(self._output).play(Earcon(name), interrupt=True)

    def sound(self, clip: AudioClip, *, interrupt: bool = True) -> None:
        """Play ``clip`` (e.g. an aiming tone) in line with speech, by default cutting off
        what is being said; nothing when not speaking."""
        if self._output is not None:
            self._output.play_sound(clip, interrupt=interrupt)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        output, self._output = self._output, None
        if output is not None:
            if exc_type is None:
                output.wait_until_done(None)
            elif isinstance(exc, DescribeError) and self._sentences:
                # words of a cut-off answer are said to the end, then the sentence why
                output.say(str(exc))
                output.wait_until_done(_CUT_OFF_WAIT_S)
            else:
                output.stop()
            output.close()
        if self._wav and exc_type is None:
            self._write_wav()

    def _check_wav(self) -> None:
        """Say at the start, not after the whole answer, that ``--wav`` cannot be written:
        an empty name, a folder, or a folder that does not exist. The run goes on without
        the WAV (the answer is still printed, and spoken with ``--speak``); the file is not
        tried later, which for these paths also ended in a traceback from ``wave``."""
        if self._wav is None:
            return
        from pathlib import Path

        path = Path(self._wav)
        if not self._wav.strip():
            problem = _("--wav needs a file name, for example --wav answer.wav.")
        elif path.is_dir():
            problem = _(
                "{folder} is a folder; --wav needs a file name, for example {example}."
            ).format(folder=self._wav, example=path / "answer.wav")
        elif not path.parent.is_dir():
            problem = _(
                "The folder {folder} does not exist, so the spoken text cannot be written "
                "to {file}."
            ).format(folder=path.parent, file=self._wav)
        else:
            return
        self._wav = None
        self._report(problem)

    def _write_wav(self) -> None:
        from describe_app.core.speech import SpeechError, synthesize_to_wav

        if not self._sentences or not self._wav:
            return
        try:
            clip = synthesize_to_wav(self._sentences, self._wav, self.settings())
        except SpeechError as exc:
            self._report(str(exc))
            return
        log.info("wrote %.1f s of speech to %s", len(clip.samples) / clip.rate, self._wav)

    def _on_event(self, event: SpeechEvent) -> None:
        from describe_app.core.speech import SpeechEventKind

        if event.kind is SpeechEventKind.ERROR:
            # the default voice speaking in place of --voice: not "printed instead"
            printed = " " + _("The text is printed instead.")
            self._report(event.message, "" if event.goes_on else printed)

    def _report(self, message: str, suffix: str = "") -> None:
        self.failed = True
        if message in self._reported:
            return
        self._reported.add(message)
        from describe_app.cli.output import error

        error(f"{message}{suffix}")  # the one error line, escape sequences taken out

"""Speech: our own voice that starts fast and stops at once, the screen reader, and sounds.

Use :func:`create_speech` to get a :class:`SpeechOutput`; feed it sentences with
``say()`` as the model writes them (``interrupt=True`` for the first sentence of a new
description), ``stop()`` on Escape, ``close()`` at the end. Events (a sentence started,
all finished, stopped, an error) reach plain callbacks given to ``subscribe()``, on the
speech worker's thread.

Failures raise (or report in an ERROR event) a :class:`SpeechError` whose text is one
sentence for the user; the caller still shows the text.

Files: ``speech_worker`` (the queue and its thread), ``pyttsx3_synth`` (text to audio),
``player`` (audio out, cut off at once), ``text_for_speech`` (numbers and units),
``output_route`` and ``screen_reader`` (where words go), ``earcons`` (sounds),
``speech_settings`` (what the user chose).
"""

from __future__ import annotations

import logging
from pathlib import Path

from describe_app.core.i18n import _
from describe_app.core.speech.audio import AudioClip, concatenate, write_wav
from describe_app.core.speech.earcons import Earcon, Earcons, WorkingTicker
from describe_app.core.speech.errors import AudioDeviceError, SpeechError, VoiceNotAvailableError
from describe_app.core.speech.output_route import Detector, Route, RoutedSpeech, resolve_route
from describe_app.core.speech.protocols import (
    AudioPlayer,
    PlaybackReport,
    ScreenReaderChannel,
    SpeechEvent,
    SpeechEventKind,
    SpeechListener,
    SpeechOutput,
    Synthesizer,
    Voice,
)
from describe_app.core.speech.screen_reader import detect_screen_reader
from describe_app.core.speech.speech_settings import EarconSettings, OutputRoute, SpeechSettings
from describe_app.core.speech.speech_worker import SpeechWorker
from describe_app.core.speech.text_for_speech import text_for_speech

logger = logging.getLogger(__name__)

__all__ = [
    "AudioClip",
    "AudioDeviceError",
    "AudioPlayer",
    "Earcon",
    "EarconSettings",
    "Earcons",
    "OutputRoute",
    "PlaybackReport",
    "Route",
    "RoutedSpeech",
    "ScreenReaderChannel",
    "SpeechError",
    "SpeechEvent",
    "SpeechEventKind",
    "SpeechListener",
    "SpeechOutput",
    "SpeechSettings",
    "SpeechWorker",
    "Synthesizer",
    "Voice",
    "VoiceNotAvailableError",
    "WorkingTicker",
    "create_speech",
    "detect_screen_reader",
    "list_voices",
    "resolve_route",
    "synthesize_to_wav",
    "text_for_speech",
]


def default_synthesizer() -> Synthesizer:
    from describe_app.core.speech.pyttsx3_synth import Pyttsx3Synthesizer

    return Pyttsx3Synthesizer()


def default_player() -> AudioPlayer:
    from describe_app.core.speech.player import SoundDevicePlayer

    return SoundDevicePlayer()


def create_speech(
    settings: SpeechSettings | None = None,
    *,
    synthesizer: Synthesizer | None = None,
    player: AudioPlayer | None = None,
    screen_reader: ScreenReaderChannel | None = None,
    detect: Detector | None = None,
) -> RoutedSpeech:
    """Start speech as the settings say. Raises SpeechError if our own voice is needed (by
    the route) but cannot start; with the screen-reader route it starts without it."""
    settings = settings or SpeechSettings()
    detect = detect or detect_screen_reader
    route = resolve_route(settings.route, detect)
    worker = SpeechWorker(
        synthesizer or default_synthesizer(), player or default_player(), settings
    )
    voice: SpeechWorker | None = worker
    voice_error: str | None = None
    try:
        worker.start()
    except SpeechError as exc:
        if route.own_voice:
            raise
        logger.info("own voice unavailable (%s); the screen reader speaks", exc)
        voice, voice_error = None, str(exc)
    return RoutedSpeech(
        voice, settings, screen_reader=screen_reader, detect=detect, voice_error=voice_error
    )


def synthesize_to_wav(
    sentences: list[str],
    path: str | Path,
    settings: SpeechSettings | None = None,
    *,
    synthesizer: Synthesizer | None = None,
) -> AudioClip:
    """Speak ``sentences`` into a 16-bit mono WAV file (for ``--wav FILE``); return it."""
    settings = settings or SpeechSettings()
    synth = synthesizer or default_synthesizer()
    try:
        try:
            synth.configure(rate=settings.rate, voice_id=settings.voice_id)
        except VoiceNotAvailableError:
            if settings.voice_id is None:
                raise
            logger.warning("voice %s is not available, using the default voice", settings.voice_id)
            synth.configure(rate=settings.rate, voice_id=None)
        clips = [synth.synthesize(text_for_speech(s)) for s in sentences if s.strip()]
    finally:
        if synthesizer is None:
            synth.close()
    rate = clips[0].rate if clips else 22050
    joined = concatenate(clips, rate)
    joined = AudioClip(joined.samples * settings.volume, rate, "joined")
    try:
        write_wav(joined, path)
    except OSError as exc:
        raise SpeechError(
            _("The spoken text could not be written to {path}: {error}.").format(
                path=path, error=exc
            )
        ) from exc
    return joined


def list_voices(synthesizer: Synthesizer | None = None) -> list[Voice]:
    """The installed voices, with their languages. Raises VoiceNotAvailableError."""
    synth = synthesizer or default_synthesizer()
    try:
        return synth.voices()
    finally:
        if synthesizer is None:
            synth.close()

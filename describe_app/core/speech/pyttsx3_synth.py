"""Speech synthesis with pyttsx3 (espeak-ng on Linux, SAPI5 on Windows, NSSpeech on macOS).

We only ever ask pyttsx3 to *write a file* (``save_to_file``) and read the samples back; we
never let it play. Facts about pyttsx3 2.99 this module is built around:

* ``pyttsx3.init()`` returns one cached engine per process, so every use goes through one
  process-wide lock, and each :class:`Pyttsx3Synthesizer` re-applies its own rate and voice.
* On Linux its own playback shells out to ``aplay`` and ``stop()`` cannot interrupt it;
  :mod:`describe_app.core.speech.player` plays instead.
* The espeak driver runs espeak-ng in its asynchronous "retrieval" mode: ``runAndWait()``
  returns about 10 ms after synthesis *starts*, not when the file is written. We wait for
  the driver's ``finished-utterance`` notification, which comes after the file is closed.
* The espeak driver prints "Audio saved to ..." to stdout for every file; the command line
  prints the description on stdout, so that one module's ``print`` is routed to our log.
* Setting a property is queued and applied during the next ``runAndWait()``; espeak-ng
  then applies it on its own thread, and ``runAndWait()`` cancels whatever espeak-ng still
  has queued, so we wait for espeak-ng to be idle first (:func:`_wait_until_idle`).

A sentence holding words in a script the chosen voice cannot read (Cyrillic, Chinese...) is
said in parts, each with a voice that reads it, and the parts' audio is joined
(:mod:`describe_app.core.speech.script_voices` makes the plan). espeak-ng's voices all write
22050 Hz; another rate would be resampled when joined.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from describe_app.core.i18n import _, current_language, system_language
from describe_app.core.speech.audio import AudioClip, concatenate, read_audio_file, trim_silence
from describe_app.core.speech.errors import SpeechError, VoiceNotAvailableError
from describe_app.core.speech.protocols import Voice
from describe_app.core.speech.script_voices import (
    SpeechPart,
    VoiceChooser,
    is_latin_only,
    plan_speech,
)

logger = logging.getLogger(__name__)

# pyttsx3 hands every caller the same engine object, so every use of it is serialized here.
_ENGINE_LOCK = threading.RLock()


def _engine_missing_message() -> str:
    if sys.platform.startswith("linux"):
        return _(
            "Speech is not available because the espeak-ng speech synthesizer is not "
            "installed (install the espeak-ng package)."
        )
    if sys.platform == "win32":
        return _("Speech is not available because Windows speech (SAPI5) could not be started.")
    if sys.platform == "darwin":
        return _("Speech is not available because macOS speech could not be started.")
    return _("Speech is not available because no speech synthesizer could be started.")


def _quiet_print(*args: object, **_kwargs: object) -> None:
    logger.debug("pyttsx3: %s", " ".join(str(a) for a in args))


class Pyttsx3Synthesizer:
    """A :class:`~describe_app.core.speech.protocols.Synthesizer` on pyttsx3."""

    def __init__(self, driver_name: str | None = None, *, timeout_s: float = 15.0) -> None:
        self._driver_name = driver_name
        self._timeout_s = timeout_s
        self._engine: Any = None
        self._tokens: list[Any] = []
        self._finished = threading.Event()
        self._failure: BaseException | None = None
        self._cancelled = False
        self._workdir: Path | None = None
        self._rate: int | None = None
        self._voice_id: str | None = None
        self._count = 0
        # the installed voices, read once (reading them takes ~30 ms with espeak-ng)
        self._chooser: VoiceChooser | None = None
        self._languages: dict[str, tuple[str, ...]] = {}

    # -- the Synthesizer protocol -------------------------------------------------------
    def configure(self, *, rate: int, voice_id: str | None) -> None:
        with _ENGINE_LOCK:
            self._ensure_engine()
            if voice_id is not None and voice_id not in {v.id for v in self.voices()}:
                raise VoiceNotAvailableError(
                    _(
                        "The voice {voice} is not installed; choose another voice in the settings."
                    ).format(voice=voice_id)
                )
            self._rate = int(rate)
            self._voice_id = voice_id

    def synthesize(self, text: str) -> AudioClip:
        with _ENGINE_LOCK:
            engine = self._ensure_engine()
            espeak = self._espeak_module(engine)
            own_voice, parts = self._plan(engine, text)
            if len(parts) == 1 and parts[0].voice_id is None:
                clip = self._synthesize_retrying(engine, espeak, parts[0].text, None)
                return clip if parts[0].text == text else AudioClip(clip.samples, clip.rate, text)
            clips = []
            try:
                for part in parts:
                    voice = part.voice_id or own_voice
                    clips.append(self._synthesize_retrying(engine, espeak, part.text, voice))
            finally:
                if self._voice_id is None:  # the next sentence keeps the engine's voice
                    _wait_until_idle(espeak)
                    try:
                        engine.setProperty("voice", own_voice)
                    except Exception as exc:  # the sentence's own error matters more
                        logger.debug("voice %s not restored: %r", own_voice, exc)
            logger.debug("said %r in %d parts: %s", text[:40], len(parts), parts)
            return _joined(clips, parts, text)

    def _plan(self, engine: Any, text: str) -> tuple[str | None, list[SpeechPart]]:
        """The user's voice, and the parts of ``text`` to say each with its voice."""
        whole = [SpeechPart(text, None)]
        if is_latin_only(text):  # every plain sentence: nothing to look up
            return None, whole
        try:
            chooser = self._voice_chooser()
            own_voice = self._voice_id or engine.getProperty("voice")
        except Exception as exc:  # the voice list or the engine's voice could not be read
            logger.debug("speaking %r with one voice: %r", text[:40], exc)
            return None, whole
        if not own_voice:
            return None, whole
        preferred = (current_language(), system_language())
        parts = plan_speech(
            text,
            chooser,
            self._languages.get(str(own_voice), ()),
            preferred,
            name_unread=self._waits_for_notification(engine),  # espeak-ng spells them
        )
        return str(own_voice), parts

    def _voice_chooser(self) -> VoiceChooser:
        if self._chooser is None:
            voices = self.voices()
            self._chooser = VoiceChooser(voices)
            self._languages = {v.id: v.languages for v in voices}
        return self._chooser

    def _synthesize_retrying(
        self, engine: Any, espeak: Any, text: str, voice_id: str | None
    ) -> AudioClip:
        # espeak-ng sometimes reports a sentence as cancelled when its own thread was
        # still busy (seen on a loaded machine); saying it again works.
        for attempt in range(_ATTEMPTS):
            clip = self._synthesize_once(engine, espeak, text, voice_id)
            if clip is not None:
                return clip
            logger.debug("synthesis of %r was cancelled (attempt %d)", text[:40], attempt + 1)
        raise SpeechError(_("The speech synthesizer failed: synthesis was cancelled."))

    def _synthesize_once(
        self, engine: Any, espeak: Any, text: str, voice_id: str | None = None
    ) -> AudioClip | None:
        """One try (with ``voice_id`` instead of the chosen voice, if given); None when
        espeak-ng cancelled it."""
        _wait_until_idle(espeak)  # the previous sentence's last steps
        self._apply_properties(engine, voice_id)
        _wait_until_idle(espeak)  # the new rate and voice are applied asynchronously
        assert self._workdir is not None
        self._count += 1
        # an app started later may have tidied it away after hours without speech
        self._workdir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self._workdir / f"sentence-{self._count % 2}.wav"
        path.unlink(missing_ok=True)
        self._finished.clear()
        self._failure = None
        self._cancelled = False
        try:
            clip = self._written(engine, espeak, text, path)
        finally:
            # the words may be private (a letter read aloud): no copy stays on disk, also
            # of a sentence cancelled or failed (espeak-ng may have written it all the same)
            path.unlink(missing_ok=True)
        if clip is not None:
            logger.debug("synthesized %.2f s for %r", clip.duration, text[:40])
        return clip

    def _written(self, engine: Any, espeak: Any, text: str, path: Path) -> AudioClip | None:
        """Have the engine write ``text`` to ``path`` and read it back; None when espeak-ng
        cancelled it."""
        try:
            engine.save_to_file(text, str(path))
            engine.runAndWait()
        except Exception as exc:  # the drivers raise anything from RuntimeError to COMError
            failed = _("The speech synthesizer failed: {error}.").format(error=exc)
            raise SpeechError(failed) from exc
        if self._waits_for_notification(engine) and not self._finished.wait(self._timeout_s):
            raise SpeechError(_("The speech synthesizer did not finish in time."))
        if self._cancelled:
            _wait_until_idle(espeak)  # its last steps may still write the file
            return None
        if self._failure is not None:
            raise SpeechError(
                _("The speech synthesizer failed: {error}.").format(error=self._failure)
            )
        try:
            return read_audio_file(path, label=text)
        except (OSError, EOFError, ValueError) as exc:
            raise SpeechError(_("The speech synthesizer wrote no usable audio.")) from exc

    def voices(self) -> list[Voice]:
        with _ENGINE_LOCK:
            engine = self._ensure_engine()
            try:
                raw = engine.getProperty("voices") or []
            except Exception as exc:
                raise VoiceNotAvailableError(
                    _("Speech is not available because the list of voices could not be read.")
                ) from exc
            voices = [
                Voice(
                    id=str(v.id),
                    name=str(v.name or v.id),
                    languages=tuple(_language_names(getattr(v, "languages", None))),
                )
                for v in raw
            ]
        if not voices:
            raise VoiceNotAvailableError(
                _("Speech is not available because no voices are installed.")
            )
        return voices

    def close(self) -> None:
        with _ENGINE_LOCK:
            if self._engine is not None:
                for token in self._tokens:
                    with contextlib.suppress(KeyError, ValueError):  # already gone
                        self._engine.disconnect(token)
                self._tokens.clear()
                self._engine = None
            if self._workdir is not None:
                shutil.rmtree(self._workdir, ignore_errors=True)
                self._workdir = None
            self._chooser = None
            self._languages = {}

    # -- inside -------------------------------------------------------------------------
    def _ensure_engine(self) -> Any:
        if self._engine is not None:
            return self._engine
        try:
            import pyttsx3
        except ImportError as exc:
            raise VoiceNotAvailableError(
                _("Speech is not available because the pyttsx3 package is not installed.")
            ) from exc
        try:
            engine = pyttsx3.init(self._driver_name)
        except Exception as exc:  # RuntimeError, OSError or ImportError, by driver
            logger.debug("pyttsx3.init(%r) failed: %r", self._driver_name, exc)
            raise VoiceNotAvailableError(_engine_missing_message()) from exc
        espeak_module = sys.modules.get("pyttsx3.drivers.espeak")
        if espeak_module is not None:
            espeak_module.print = _quiet_print  # type: ignore[attr-defined]
        self._tokens = [
            engine.connect("finished-utterance", self._on_finished),
            engine.connect("error", self._on_error),
        ]
        remove_stale_workdirs()
        self._workdir = Path(tempfile.mkdtemp(prefix=_WORKDIR_PREFIX))
        self._engine = engine
        logger.debug("pyttsx3 engine %s ready", getattr(engine, "driver_name", "?"))
        return engine

    def _apply_properties(self, engine: Any, voice_id: str | None = None) -> None:
        # Always re-applied: another synthesizer may have changed the shared engine.
        if self._rate is not None:
            engine.setProperty("rate", self._rate)
        voice_id = voice_id or self._voice_id
        if voice_id is not None:
            engine.setProperty("voice", voice_id)
        engine.setProperty("volume", 1.0)  # loudness is the player's job

    @staticmethod
    def _waits_for_notification(engine: Any) -> bool:
        return getattr(engine, "driver_name", "") == "espeak"

    @staticmethod
    def _espeak_module(engine: Any) -> Any:
        if getattr(engine, "driver_name", "") != "espeak":
            return None
        return sys.modules.get("pyttsx3.drivers._espeak")

    def _on_finished(self, completed: bool = True, **_kwargs: object) -> None:
        if not completed:
            self._cancelled = True
        self._finished.set()

    def _on_error(self, exception: BaseException | None = None, **_kwargs: object) -> None:
        self._failure = exception or RuntimeError(_("unknown error"))
        self._finished.set()


_ATTEMPTS = 3
_WORKDIR_PREFIX = "describe-speech-"
_STALE_AFTER_S = 6 * 3600.0


def remove_stale_workdirs(
    temp_dir: Path | None = None, older_than_s: float = _STALE_AFTER_S
) -> int:
    """Remove the sentence folders that a run which ended without closing (a crash, a
    power cut) left behind; how many. Only folders untouched for ``older_than_s`` and
    holding nothing but our sentence files are removed, never another running app's."""
    root = Path(temp_dir or tempfile.gettempdir())
    removed = 0
    try:
        candidates = list(root.glob(f"{_WORKDIR_PREFIX}*"))
    except OSError:
        return 0
    now = time.time()
    for folder in candidates:
        try:
            if not folder.is_dir() or folder.is_symlink():
                continue
            if now - folder.stat().st_mtime < older_than_s:
                continue
            files = list(folder.iterdir())
            if any(not (f.name.startswith("sentence-") and f.suffix == ".wav") for f in files):
                continue
            for f in files:
                f.unlink()
            folder.rmdir()
            removed += 1
        except OSError as exc:  # not ours, or in use
            logger.debug("left %s: %r", folder, exc)
    if removed:
        logger.info("removed %d speech folder(s) left by an earlier run", removed)
    return removed


_PAUSE_AFTER_PUNCTUATION_S = 0.25  # "Привет, Anna": the comma's pause stays
_PAUSE_BETWEEN_WORDS_S = 0.08
_CLAUSE_ENDS = tuple(",;:.!?)]»\"'…。、，；：！？」』")


def _joined(clips: list[AudioClip], parts: list[SpeechPart], label: str) -> AudioClip:
    """The parts' clips as one, without the sentence-end pause espeak-ng puts after each."""
    trimmed = []
    for i, (clip, part) in enumerate(zip(clips, parts, strict=True)):
        keep_start = 0.02 if i else clip.duration
        if i == len(clips) - 1:
            keep_end = clip.duration
        elif part.text.rstrip().endswith(_CLAUSE_ENDS):
            keep_end = _PAUSE_AFTER_PUNCTUATION_S
        else:
            keep_end = _PAUSE_BETWEEN_WORDS_S
        trimmed.append(trim_silence(clip, keep_start_s=keep_start, keep_end_s=keep_end))
    joined = concatenate(trimmed, trimmed[0].rate)
    return AudioClip(joined.samples, joined.rate, label)


def _wait_until_idle(espeak: Any, timeout_s: float = 2.0) -> None:
    """Wait until espeak-ng's own thread has no command left.

    espeak-ng runs in asynchronous mode under pyttsx3: a rate or voice change is a command
    queued for its thread. ``runAndWait()`` calls the driver's ``stop()``, which cancels
    every queued command if espeak-ng is still busy, so a rate change made just before
    could be dropped and the sentence spoken at the old rate.
    """
    if espeak is None:
        return
    deadline = time.monotonic() + timeout_s
    while espeak.IsPlaying() and time.monotonic() < deadline:
        time.sleep(0.0005)


def _language_names(raw: object) -> list[str]:
    if raw is None:
        return []
    items = raw if isinstance(raw, list | tuple) else [raw]
    names = []
    for item in items:
        if item is None:  # macOS: a voice whose attributes name no locale
            continue
        if isinstance(item, bytes):
            item = item.lstrip(b"\x00\x01\x02\x03\x04\x05").decode("utf-8", "replace")
        text = str(item).strip()
        if text:
            names.append(text)
    return names

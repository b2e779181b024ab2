"""Where spoken words go: our own voice, the screen reader, or both.

"auto" asks :func:`~describe_app.core.speech.screen_reader.detect_screen_reader` (or the
detector the caller passes) and sends words to the screen reader when one runs, to our own
voice otherwise. The two never talk at the same time unless the user chose "both": when the
words move to the screen reader, our own voice is stopped first.

With the screen-reader route the text goes to a
:class:`~describe_app.core.speech.protocols.ScreenReaderChannel`. The window provides one
(an accessibility announcement, plus the result put in a focused read-only text field,
which every screen reader reads even where announcements are dropped: Orca ignores Qt's
announcement events and screen readers drop them from unfocused windows). The command line
needs none: the screen reader reads what it prints. Short sounds (earcons) always play.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from describe_app.core.i18n import _
from describe_app.core.sentences import split_sentences
from describe_app.core.speech.audio import AudioClip
from describe_app.core.speech.protocols import (
    ScreenReaderChannel,
    SpeechEvent,
    SpeechEventKind,
    SpeechListener,
    SpeechOutput,
)
from describe_app.core.speech.screen_reader import detect_screen_reader
from describe_app.core.speech.speech_settings import OutputRoute, SpeechSettings
from describe_app.core.speech.text_for_speech import text_for_screen_reader

logger = logging.getLogger(__name__)

Detector = Callable[[], "str | None"]


@dataclass(frozen=True)
class Route:
    own_voice: bool
    screen_reader: bool
    screen_reader_name: str | None = None


def resolve_route(choice: OutputRoute, detect: Detector = detect_screen_reader) -> Route:
    if choice is OutputRoute.OWN_VOICE:
        return Route(own_voice=True, screen_reader=False)
    if choice is OutputRoute.SCREEN_READER:
        return Route(own_voice=False, screen_reader=True)
    if choice is OutputRoute.BOTH:
        return Route(own_voice=True, screen_reader=True)
    name = detect()
    return Route(own_voice=name is None, screen_reader=name is not None, screen_reader_name=name)


class RoutedSpeech:
    """A :class:`~describe_app.core.speech.protocols.SpeechOutput` that sends each request
    where the settings say. ``voice`` is None when our own voice could not start."""

    def __init__(
        self,
        voice: SpeechOutput | None,
        settings: SpeechSettings,
        *,
        screen_reader: ScreenReaderChannel | None = None,
        detect: Detector = detect_screen_reader,
        recheck_s: float = 30.0,
        voice_error: str | None = None,
    ) -> None:
        self._voice = voice
        self._settings = settings
        self._channel = screen_reader
        self._detect = detect
        self._recheck_s = recheck_s
        self._voice_error = voice_error
        self._lock = threading.Lock()
        self._route = resolve_route(settings.route, detect)
        self._route_checked = time.monotonic()
        self._last_request: list[str] = []
        self._request_open = False
        self._listeners: list[SpeechListener] = []
        self._unheard: list[SpeechEvent] = []  # errors from before anyone listened
        self._unsubscribe = voice.subscribe(self._forward) if voice is not None else None
        logger.debug("speech route %s: %s", settings.route.value, self._route)

    @property
    def route(self) -> Route:
        with self._lock:
            return self._route

    @property
    def voice(self) -> SpeechOutput | None:
        return self._voice

    def refresh_route(self) -> Route:
        """Look for a screen reader again (the window calls this when it gets focus)."""
        route = resolve_route(self._settings.route, self._detect)
        with self._lock:
            old, self._route = self._route, route
            self._route_checked = time.monotonic()
        if old.own_voice and not route.own_voice and self._voice is not None:
            self._voice.stop()  # never two voices at once
        if old != route:
            logger.info("speech now goes to %s", _describe(route))
        return route

    # -- the SpeechOutput protocol ------------------------------------------------------
    def say(self, text: str, *, interrupt: bool = False) -> None:
        if interrupt and time.monotonic() - self._route_checked > self._recheck_s:
            self.refresh_route()
        with self._lock:
            new_request = interrupt or not self._request_open
            if new_request:
                self._last_request = []
                self._request_open = True
            self._last_request.extend(split_sentences(text))
            route = self._route
        if route.own_voice:
            if self._voice is not None:
                self._voice.say(text, interrupt=interrupt)
            elif new_request:  # once per request: our own voice could not start
                message = self._voice_error or _("Speech is not available.")
                self._emit(SpeechEvent(SpeechEventKind.ERROR, text, message))
        if route.screen_reader and self._channel is not None:
            # "**Bold**" would be read as "star star bold star star"
            plain = text_for_screen_reader(text)
            if plain:
                self._channel.announce(plain, interrupt=interrupt)

    def stop(self) -> None:
        with self._lock:
            self._request_open = False
        if self._voice is not None:
            self._voice.stop()

    def pause(self) -> None:
        if self._voice is not None:
            self._voice.pause()

    def resume(self) -> None:
        if self._voice is not None:
            self._voice.resume()

    @property
    def paused(self) -> bool:
        """Whether our own voice is paused (a screen reader pauses by its own keys)."""
        return bool(getattr(self._voice, "paused", False))

    def repeat_last(self) -> bool:
        with self._lock:
            text = " ".join(self._last_request)
        if not text:
            return False
        self.say(text, interrupt=True)
        return True

    def play_sound(self, clip: AudioClip, *, interrupt: bool = False) -> None:
        if self._voice is not None:
            self._voice.play_sound(clip, interrupt=interrupt)

    def apply_settings(self, settings: SpeechSettings) -> None:
        route_changed = settings.route != self._settings.route
        self._settings = settings
        if self._voice is not None:
            self._voice.apply_settings(settings)
        if route_changed:
            self.refresh_route()

    def subscribe(self, listener: SpeechListener) -> Callable[[], None]:
        """Events go to ``listener`` from now on; errors that came while nobody listened
        (the chosen voice missing when the voice started) go to the first listener."""
        with self._lock:
            self._listeners.append(listener)
            unheard, self._unheard = self._unheard, []

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        for event in unheard:
            self._tell(listener, event)
        return unsubscribe

    def wait_until_done(self, timeout: float | None = None) -> bool:
        if self._voice is None:
            return True
        return self._voice.wait_until_done(timeout)

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._voice is not None:
            self._voice.close()

    # -- inside -------------------------------------------------------------------------
    def _forward(self, event: SpeechEvent) -> None:
        self._emit(event)

    def _emit(self, event: SpeechEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
            if not listeners and event.kind is SpeechEventKind.ERROR:
                self._unheard = [*self._unheard[-3:], event]
        for listener in listeners:
            self._tell(listener, event)

    @staticmethod
    def _tell(listener: SpeechListener, event: SpeechEvent) -> None:
        try:
            listener(event)
        except Exception:
            logger.exception("a speech listener failed on %s", event.kind.value)


def _describe(route: Route) -> str:
    if route.own_voice and route.screen_reader:
        return "our own voice and the screen reader"
    if route.screen_reader:
        return f"the screen reader ({route.screen_reader_name or 'chosen in settings'})"
    return "our own voice"

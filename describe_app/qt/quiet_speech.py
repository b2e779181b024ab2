"""A speech output that says nothing: used until the real voice has started, or when it
cannot start (the window still shows and announces everything to the screen reader)."""

from __future__ import annotations

from collections.abc import Callable

from describe_app.core.speech import AudioClip, SpeechListener, SpeechSettings


class QuietSpeech:
    def say(self, text: str, *, interrupt: bool = False) -> None:
        pass

    def stop(self) -> None:
        pass

    def pause(self) -> None:
        pass

    def resume(self) -> None:
        pass

    def repeat_last(self) -> bool:
        return False

    def play_sound(self, clip: AudioClip, *, interrupt: bool = False) -> None:
        pass

    def apply_settings(self, settings: SpeechSettings) -> None:
        pass

    def subscribe(self, listener: SpeechListener) -> Callable[[], None]:
        return lambda: None

    def wait_until_done(self, timeout: float | None = None) -> bool:
        return True

    def close(self) -> None:
        pass

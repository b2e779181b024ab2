"""Speech failures, each with one clear sentence for the user.

Speech is never essential: the caller still shows the text when speech fails.
"""

from __future__ import annotations

from describe_app.core.errors import DescribeError


class SpeechError(DescribeError):
    """Speech could not start or could not go on."""


class VoiceNotAvailableError(SpeechError):
    """No speech synthesizer, no voices, or the chosen voice is not installed."""


class AudioDeviceError(SpeechError):
    """No audio output device, or the device failed."""

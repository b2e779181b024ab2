"""Aiming cues as short tones instead of words, for users who know them by ear.

Each :class:`~describe_app.core.live.guidance.Cue` has one tone, synthesized in memory (no
files), 22,050 Hz mono like speech, at most 0.35 s and no louder than the earcons. Audio
here is mono (:class:`~describe_app.core.speech.audio.AudioClip` and the player carry one
channel), so direction is told by pitch and rhythm, never by ear:

=============  =================================================================
cue            tone
=============  =================================================================
too dark       one low, dull hum (196 Hz, pure, slow to start)
hold still     a wavering, trembling tone (620 Hz with vibrato and tremolo)
no text        two short blips on one neutral note (880 Hz)
too close      four fast, low beeps (262 Hz): "back off, back off"
cut left       two notes going down (G5 then C5): move left, the way the pitch falls
cut right      two notes going up (C5 then G5): move right, the way the pitch rises
cut top        a high note sliding up (1.2 to 1.8 kHz): move up
cut bottom     a low note sliding down (300 to 200 Hz): move down
too far        one slow, soft beep (440 Hz): come closer to hear it better
glare          a quick, high trill, like light glinting (B6 and D7 in turn)
in view        a soft chord (C, E and G together)
ready          the picture-taken earcon; the reading follows it
=============  =================================================================

Left and right are pairs of separate notes in the middle register; top and bottom are
one sliding note at the top or the bottom of the range, so the two axes do not mix up.
:func:`cue_tone` gives the clip (made once, then cached and read-only);
:func:`tone_legend` gives one translated sentence per cue for the help text. Tones are
played with ``SpeechOutput.play_sound(clip, interrupt=True)``, in line with speech.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from describe_app.core.i18n import N_, _
from describe_app.core.live.guidance import Cue
from describe_app.core.speech import tone_synth

if TYPE_CHECKING:
    from describe_app.core.speech.audio import AudioClip
    from describe_app.core.speech.tone_synth import Samples

log = logging.getLogger(__name__)

#: The same rate as speech (espeak-ng) and the earcons: no resampling on the way out.
TONE_RATE = tone_synth.RATE

_LEGEND: dict[Cue, str] = {
    Cue.TOO_DARK: N_("Too dark: one low, dull hum."),
    Cue.HOLD_STILL: N_("Hold still: a wavering, trembling tone."),
    Cue.NO_TEXT: N_("No text in view: two short blips on one note."),
    Cue.TOO_CLOSE: N_("Too close, move back: four fast, low beeps."),
    Cue.CUT_LEFT: N_("Text cut off on the left, move left: two notes going down."),
    Cue.CUT_RIGHT: N_("Text cut off on the right, move right: two notes going up."),
    Cue.CUT_TOP: N_("Text cut off at the top, move up: a high note sliding up."),
    Cue.CUT_BOTTOM: N_("Text cut off at the bottom, move down: a low note sliding down."),
    Cue.TOO_FAR: N_("Too far, move closer: one slow, soft beep."),
    Cue.GLARE: N_("Glare on the page, tilt it or move away from the light: a quick, high trill."),
    Cue.IN_VIEW: N_("The page is in view: a soft chord."),
    Cue.READY: N_("Ready, the reading starts: the picture-taken sound."),
}


def tone_legend() -> list[tuple[Cue, str]]:
    """Every cue with a sentence, in the current language, that describes its tone."""
    return [(cue, _(_LEGEND[cue])) for cue in Cue]


@functools.cache
def cue_tone(cue: Cue) -> AudioClip:
    """The tone for ``cue`` (see the module docstring), labelled ``tone:<cue>``.

    Made once and cached; the samples are read-only, as the clip is shared."""
    from describe_app.core.speech.audio import AudioClip

    samples = _picture_taken() if cue is Cue.READY else _SYNTHS[cue]()
    out = samples.astype("float32")
    out.flags.writeable = False
    return AudioClip(out, TONE_RATE, f"tone:{cue.value}")


# -- synthesis -------------------------------------------------------------------------------

# The tones fade a little less steeply than the earcons (e^-5, not e^-6), start a little
# softer and release over the last 60 % of a note.
_note = functools.partial(tone_synth.note, attack_s=0.005, release_share=0.6, fade=5.0)
_glide = functools.partial(tone_synth.glide, fade=5.0)
_gap = tone_synth.silence


def _join(*parts: Samples) -> Samples:
    import numpy as np

    return np.concatenate(parts)


def _too_dark() -> Samples:
    return _note(196.0, 0.32, level=0.4, harmonics=0.0, attack_s=0.04, release_s=0.15)


def _hold_still() -> Samples:
    import numpy as np

    seconds, rate_hz = 0.3, 14.0
    t = tone_synth.times(seconds)
    # vibrato: +-45 Hz around 620 Hz; the phase is the integral of the frequency
    phase = 2 * np.pi * 620.0 * t - (45.0 / rate_hz) * np.cos(2 * np.pi * rate_hz * t)
    tremolo = 0.55 + 0.45 * np.sin(2 * np.pi * rate_hz * t)
    return 0.3 * np.sin(phase) * tremolo * tone_synth.envelope(len(t), 0.01, 0.08, fade=5.0)


def _no_text() -> Samples:
    blip = _note(880.0, 0.05, level=0.25, harmonics=0.1)
    return _join(blip, _gap(0.07), blip)


def _too_close() -> Samples:
    beep = _note(262.0, 0.045, level=0.4, harmonics=0.5, release_s=0.02)
    gap = _gap(0.03)
    return _join(beep, gap, beep, gap, beep, gap, beep)


def _cut_left() -> Samples:
    return _join(_note(784.0, 0.1, level=0.3), _gap(0.03), _note(523.0, 0.12, level=0.3))


def _cut_right() -> Samples:
    return _join(_note(523.0, 0.1, level=0.3), _gap(0.03), _note(784.0, 0.12, level=0.3))


def _cut_top() -> Samples:
    return _glide(1200.0, 1800.0, 0.18, level=0.22, harmonics=0.1)


def _cut_bottom() -> Samples:
    return _glide(300.0, 200.0, 0.22, level=0.4, harmonics=0.5)


def _too_far() -> Samples:
    return _note(440.0, 0.32, level=0.18, harmonics=0.1, attack_s=0.08, release_s=0.16)


def _glare() -> Samples:
    notes = [_note(f, 0.03, level=0.2, harmonics=0.0, attack_s=0.003) for f in (1976.0, 2349.0)]
    return _join(*(notes * 4))


def _in_view() -> Samples:
    notes = [_note(f, 0.25, level=0.1, harmonics=0.1, attack_s=0.01) for f in (523.0, 659.0, 784.0)]
    return notes[0] + notes[1] + notes[2]


def _picture_taken() -> Samples:
    """The picture-taken earcon (READY), or a short chirp like it if it cannot be read."""
    import numpy as np

    from describe_app.core.speech.earcons import Earcon, load_earcon

    try:
        clip = load_earcon(Earcon.PICTURE_TAKEN).resampled(TONE_RATE)
    except (OSError, ValueError, EOFError) as exc:
        log.warning("the picture-taken sound cannot be read, a chirp stands in: %s", exc)
        return _glide(1400.0, 2200.0, 0.09, level=0.3, harmonics=0.0)
    return np.asarray(clip.samples, dtype=np.float64)


_SYNTHS = {
    Cue.TOO_DARK: _too_dark,
    Cue.HOLD_STILL: _hold_still,
    Cue.NO_TEXT: _no_text,
    Cue.TOO_CLOSE: _too_close,
    Cue.CUT_LEFT: _cut_left,
    Cue.CUT_RIGHT: _cut_right,
    Cue.CUT_TOP: _cut_top,
    Cue.CUT_BOTTOM: _cut_bottom,
    Cue.TOO_FAR: _too_far,
    Cue.GLARE: _glare,
    Cue.IN_VIEW: _in_view,
}

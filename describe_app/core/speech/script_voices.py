"""Which installed voice reads which part of a sentence, by writing system (script).

Our own voice reads Latin letters; a sentence in Cyrillic, Greek, Arabic, Chinese... (read by
OCR from a letter, or written by the model) would be spelled letter by letter by an English
voice ("cyrillic small letter pe..."). :func:`plan_speech` cuts a sentence into runs of one
script and gives each run the voice that reads it:

* digits, punctuation, spaces and symbols join the run before them (the first run takes
  the ones that open the sentence); combining marks go with the letter they mark;
* Latin stays with the user's voice, and so does a script the user's voice reads (a
  Russian voice reads Cyrillic itself), and a lone Greek letter (μm, Δt, the α particle:
  voices name it in their own language, "mu", where a Greek voice would say "mi");
* otherwise the voice of the interface language or the system language if it reads that
  script (Ukrainian for a Ukrainian user), else the script's usual language (Russian for
  Cyrillic);
* a run that no installed voice reads becomes a short word, "(Chinese text)", when
  ``name_unread`` says the user's voice would spell it (espeak-ng does).

Which languages read a script was checked with espeak-ng 1.51 (``espeak-ng -v LANG -x``):
its Japanese voice reads kana but spells kanji, so Chinese characters go to a Chinese voice;
its Belarusian, Assamese, Shan, Hakka and Cherokee voices spell their own script, so they
are left out. Pure code: no engine, no Qt.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from describe_app.core.i18n import N_, _
from describe_app.core.speech.protocols import Voice

LATIN = "latin"
OTHER = "other"  # letters of a script we do not know

# script: the languages whose voices read it, the usual one first
SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    LATIN: (),
    "cyrillic": ("ru", "uk", "bg", "sr", "mk", "kk", "ky", "tt", "ba", "cv", "mn", "tg"),
    "greek": ("el", "grc"),
    "armenian": ("hy", "hyw"),
    "hebrew": ("he", "yi"),
    "arabic": ("ar", "fa", "ur", "ug", "sd", "ps"),
    "syriac": ("syc",),
    "thaana": ("dv",),
    "devanagari": ("hi", "mr", "ne", "kok", "sa"),
    "bengali": ("bn", "bpy"),
    "gurmukhi": ("pa",),
    "gujarati": ("gu",),
    "oriya": ("or",),
    "tamil": ("ta",),
    "telugu": ("te",),
    "kannada": ("kn",),
    "malayalam": ("ml",),
    "sinhala": ("si",),
    "thai": ("th",),
    "lao": ("lo",),
    "tibetan": ("bo",),
    "myanmar": ("my",),
    "georgian": ("ka",),
    "hangul": ("ko",),
    "ethiopic": ("am", "ti"),
    "khmer": ("km",),
    "kana": ("ja",),
    "han": ("cmn", "zh", "yue"),
    OTHER: (),
}

# what replaces a run that no installed voice reads (spoken only, never shown)
_UNREAD_NAMES: dict[str, str] = {
    "cyrillic": N_("(Cyrillic text)"),
    "greek": N_("(Greek text)"),
    "armenian": N_("(Armenian text)"),
    "hebrew": N_("(Hebrew text)"),
    "arabic": N_("(Arabic text)"),
    "syriac": N_("(Syriac text)"),
    "thaana": N_("(Thaana text)"),
    "devanagari": N_("(Devanagari text)"),
    "bengali": N_("(Bengali text)"),
    "gurmukhi": N_("(Punjabi text)"),
    "gujarati": N_("(Gujarati text)"),
    "oriya": N_("(Odia text)"),
    "tamil": N_("(Tamil text)"),
    "telugu": N_("(Telugu text)"),
    "kannada": N_("(Kannada text)"),
    "malayalam": N_("(Malayalam text)"),
    "sinhala": N_("(Sinhala text)"),
    "thai": N_("(Thai text)"),
    "lao": N_("(Lao text)"),
    "tibetan": N_("(Tibetan text)"),
    "myanmar": N_("(Burmese text)"),
    "georgian": N_("(Georgian text)"),
    "hangul": N_("(Korean text)"),
    "ethiopic": N_("(Ethiopic text)"),
    "khmer": N_("(Khmer text)"),
    "kana": N_("(Japanese text)"),
    "han": N_("(Chinese text)"),
    OTHER: N_("(text in another script)"),
}

# (first, last, script), sorted; letters outside these are OTHER
_RANGES: list[tuple[int, int, str]] = sorted(
    [
        (0x0041, 0x024F, LATIN),  # Basic Latin to Latin Extended-B (non-letters are neutral)
        (0x0250, 0x02AF, LATIN),  # IPA
        (0x0370, 0x03FF, "greek"),
        (0x0400, 0x052F, "cyrillic"),
        (0x0530, 0x058F, "armenian"),
        (0x0590, 0x05FF, "hebrew"),
        (0x0600, 0x06FF, "arabic"),
        (0x0700, 0x074F, "syriac"),
        (0x0750, 0x077F, "arabic"),
        (0x0780, 0x07BF, "thaana"),
        (0x08A0, 0x08FF, "arabic"),
        (0x0900, 0x097F, "devanagari"),
        (0x0980, 0x09FF, "bengali"),
        (0x0A00, 0x0A7F, "gurmukhi"),
        (0x0A80, 0x0AFF, "gujarati"),
        (0x0B00, 0x0B7F, "oriya"),
        (0x0B80, 0x0BFF, "tamil"),
        (0x0C00, 0x0C7F, "telugu"),
        (0x0C80, 0x0CFF, "kannada"),
        (0x0D00, 0x0D7F, "malayalam"),
        (0x0D80, 0x0DFF, "sinhala"),
        (0x0E00, 0x0E7F, "thai"),
        (0x0E80, 0x0EFF, "lao"),
        (0x0F00, 0x0FFF, "tibetan"),
        (0x1000, 0x109F, "myanmar"),
        (0x10A0, 0x10FF, "georgian"),
        (0x1100, 0x11FF, "hangul"),
        (0x1200, 0x139F, "ethiopic"),
        (0x1780, 0x17FF, "khmer"),
        (0x1C80, 0x1C8F, "cyrillic"),
        (0x1C90, 0x1CBF, "georgian"),
        (0x1E00, 0x1EFF, LATIN),
        (0x1F00, 0x1FFF, "greek"),
        (0x2100, 0x214F, LATIN),  # letter-like symbols (ℓ, K)
        (0x2C60, 0x2C7F, LATIN),
        (0x2D00, 0x2D2F, "georgian"),
        (0x2D80, 0x2DDF, "ethiopic"),
        (0x2DE0, 0x2DFF, "cyrillic"),
        (0x2E80, 0x2FDF, "han"),  # radicals
        (0x3005, 0x3007, "han"),  # 々 〆 〇
        (0x3040, 0x30FF, "kana"),
        (0x3130, 0x318F, "hangul"),
        (0x31F0, 0x31FF, "kana"),
        (0x3400, 0x4DBF, "han"),
        (0x4E00, 0x9FFF, "han"),
        (0xA640, 0xA69F, "cyrillic"),
        (0xA720, 0xA7FF, LATIN),
        (0xA8E0, 0xA8FF, "devanagari"),
        (0xA960, 0xA97F, "hangul"),
        (0xAB30, 0xAB6F, LATIN),
        (0xAC00, 0xD7FF, "hangul"),
        (0xF900, 0xFAFF, "han"),
        (0xFB00, 0xFB06, LATIN),  # ligatures (ﬁ)
        (0xFB13, 0xFB17, "armenian"),
        (0xFB1D, 0xFB4F, "hebrew"),
        (0xFB50, 0xFDFF, "arabic"),
        (0xFE70, 0xFEFF, "arabic"),
        (0xFF21, 0xFF5A, LATIN),  # full-width Latin
        (0xFF66, 0xFF9F, "kana"),  # half-width katakana
        (0xFFA0, 0xFFDC, "hangul"),
        (0x1D400, 0x1D7FF, LATIN),  # mathematical letters (𝐁𝐨𝐥𝐝 on social media)
        (0x20000, 0x3FFFF, "han"),
    ]
)
_STARTS = [first for first, _last, _script in _RANGES]
_FIRST_NON_LATIN = "\u0370"  # below it every letter is Latin


@dataclass(frozen=True)
class Run:
    """A stretch of a sentence in one script, with the neutral characters that follow it."""

    text: str
    script: str


@dataclass(frozen=True)
class SpeechPart:
    """Words to say with one voice; ``voice_id`` None means the user's own voice."""

    text: str
    voice_id: str | None


def script_of(char: str) -> str | None:
    """The script of one character; None for digits, punctuation, spaces, symbols and
    marks, which take the script of their neighbours."""
    category = unicodedata.category(char)
    if category[0] in "NPSZC":
        return None
    code = ord(char)
    i = bisect.bisect_right(_STARTS, code) - 1
    if i >= 0 and code <= _RANGES[i][1]:
        return _RANGES[i][2]
    if category[0] == "M" or category == "Lm":  # a combining mark, a modifier letter
        return None
    return OTHER


def is_latin_only(text: str) -> bool:
    """True when ``text`` holds no letter but Latin ones (digits, signs, curly quotes and
    dashes are fine); quick on a plain sentence."""
    if not text or max(text) < _FIRST_NON_LATIN:
        return True
    return all(script_of(char) in (None, LATIN) for char in text if char >= _FIRST_NON_LATIN)


def split_by_script(text: str) -> list[Run]:
    """``text`` cut into runs of one script each; their texts join back into ``text``."""
    if not text or max(text) < _FIRST_NON_LATIN:
        return [Run(text, LATIN)] if text else []
    runs: list[tuple[str, list[str]]] = []
    leading: list[str] = []
    for char in text:
        script = script_of(char)
        if script is None:
            (runs[-1][1] if runs else leading).append(char)
        elif runs and runs[-1][0] == script:
            runs[-1][1].append(char)
        else:
            runs.append((script, [*leading, char]))
            leading = []
    if not runs:  # no letters at all: digits and signs, read by the user's voice
        return [Run(text, LATIN)]
    return [Run("".join(chars), script) for script, chars in runs]


def _tags(languages: Iterable[str]) -> list[str]:
    return [lang.strip().lower().replace("_", "-") for lang in languages if lang.strip()]


def _primary(tag: str) -> str:
    return tag.split("-")[0]


def reads_script(languages: Iterable[str], script: str) -> bool:
    """Whether a voice for ``languages`` (e.g. ``("ru",)``, ``("en-gb",)``) reads ``script``."""
    if script == LATIN:
        return True
    readers = SCRIPT_LANGUAGES.get(script, ())
    return any(_primary(tag) in readers for tag in _tags(languages))


class VoiceChooser:
    """Picks, among the installed voices, the one to read each script."""

    def __init__(self, voices: Sequence[Voice]) -> None:
        self._voices = list(voices)
        self._chosen: dict[tuple[str, tuple[str, ...]], Voice | None] = {}

    def voice_for(self, script: str, preferred: Sequence[str] = ()) -> Voice | None:
        """The voice to read ``script``: the first of ``preferred`` languages (the interface
        language, the system language) that reads it, else the script's usual language."""
        key = (script, tuple(preferred))
        if key not in self._chosen:
            self._chosen[key] = self._find(script, preferred)
        return self._chosen[key]

    def _find(self, script: str, preferred: Sequence[str]) -> Voice | None:
        readers = SCRIPT_LANGUAGES.get(script, ())
        wanted = [p for p in (_primary(t) for t in _tags(preferred)) if p in readers]
        for language in dict.fromkeys([*wanted, *readers]):
            exact = [v for v in self._voices if language in _tags(v.languages)]
            close = [v for v in self._voices if language in map(_primary, _tags(v.languages))]
            if exact or close:
                return (exact or close)[0]
        return None


def plan_speech(
    text: str,
    chooser: VoiceChooser,
    own_languages: Sequence[str],
    preferred: Sequence[str] = (),
    *,
    name_unread: bool = False,
) -> list[SpeechPart]:
    """``text`` as parts to say one after another, each with its voice (None: the user's
    own voice, whose languages are ``own_languages``). Neighbouring parts for the same voice
    are joined, so a plain sentence is one part."""
    parts: list[SpeechPart] = []
    for run in split_by_script(text):
        words, voice_id = run.text, None
        if not reads_script(own_languages, run.script) and not _is_symbol(run):
            voice = chooser.voice_for(run.script, preferred)
            if voice is not None:
                voice_id = voice.id
            elif name_unread:
                words = _named(run)
        if parts and parts[-1].voice_id == voice_id:
            parts[-1] = SpeechPart(parts[-1].text + words, voice_id)
        else:
            parts.append(SpeechPart(words, voice_id))
    return parts


def _is_symbol(run: Run) -> bool:
    """A lone Greek letter, as science and maths use them."""
    if run.script != "greek":
        return False
    return sum(1 for char in run.text if unicodedata.category(char)[0] == "L") == 1


def _named(run: Run) -> str:
    """The run with its letters (from the first to the last) replaced by the script's name;
    the spaces and punctuation around them stay, for the pauses."""
    letters = [i for i, char in enumerate(run.text) if script_of(char) is not None]
    first, last = letters[0], letters[-1]
    name = _(_UNREAD_NAMES.get(run.script, _UNREAD_NAMES[OTHER]))
    return f"{run.text[:first]}{name}{run.text[last + 1 :]}"

"""Sentences in other scripts: split by script, a voice for each run, and real espeak-ng."""

from __future__ import annotations

import itertools
import random
import shutil
import sys
import unicodedata
from collections.abc import Iterator

import numpy as np
import pytest

from describe_app.core.speech.audio import AudioClip, silence, trim_silence
from describe_app.core.speech.protocols import Voice
from describe_app.core.speech.pyttsx3_synth import Pyttsx3Synthesizer
from describe_app.core.speech.script_voices import (
    LATIN,
    OTHER,
    SpeechPart,
    VoiceChooser,
    is_latin_only,
    plan_speech,
    reads_script,
    script_of,
    split_by_script,
)

# -- splitting ---------------------------------------------------------------------------


def scripts(text: str) -> list[tuple[str, str]]:
    return [(run.script, run.text) for run in split_by_script(text)]


def test_a_plain_sentence_is_one_latin_run() -> None:
    text = "Déjà vu: 3.5 m² at 21 °C — naïve café (ﬁne)!"
    assert scripts(text) == [(LATIN, text)]
    assert is_latin_only(text)
    assert is_latin_only("“Crème brûlée,” 3½ € … ’tis so—ℓ 𝐁")
    assert not is_latin_only("Crème «брюле»")
    assert split_by_script("") == []


def test_cyrillic_inside_english_is_its_own_run() -> None:
    text = "The sign says Привет, мир and then continues."
    assert scripts(text) == [
        (LATIN, "The sign says "),
        ("cyrillic", "Привет, мир "),
        (LATIN, "and then continues."),
    ]


def test_neutral_characters_join_their_neighbours() -> None:
    # digits and signs that open the sentence go with the first letters
    assert scripts("«2024» Ελλάδα 3:0 ok") == [("greek", "«2024» Ελλάδα 3:0 "), (LATIN, "ok")]
    # only digits and signs: the user's voice
    assert scripts("١٢٣ + 45 = ?") == [(LATIN, "١٢٣ + 45 = ?")]


def test_combining_marks_stay_with_their_letter() -> None:
    pointed_hebrew = "שָׁלוֹם"
    decomposed_latin = unicodedata.normalize("NFD", "Crème brûlée")
    devanagari = "नमस्ते दुनिया"
    assert scripts(pointed_hebrew) == [("hebrew", pointed_hebrew)]
    assert scripts(decomposed_latin) == [(LATIN, decomposed_latin)]
    assert scripts(devanagari) == [("devanagari", devanagari)]


def test_japanese_and_korean_and_chinese_runs() -> None:
    assert scripts("東京駅はこちら。서울 Station") == [
        ("han", "東京駅"),
        ("kana", "はこちら。"),
        ("hangul", "서울 "),
        (LATIN, "Station"),
    ]


@pytest.mark.parametrize(
    ("char", "script"),
    [
        ("7", None),
        ("٣", None),  # an Arabic-Indic digit
        ("。", None),
        ("€", None),
        ("😀", None),
        ("𝐁", LATIN),  # mathematical bold, as on social media
        ("Ａ", LATIN),  # full width
        ("ё", "cyrillic"),
        ("ع", "arabic"),
        ("ก", "thai"),
        ("ᠮ", OTHER),  # Mongolian: a script without a voice table
        ("ᐊ", OTHER),  # Canadian syllabics
    ],
)
def test_script_of_one_character(char: str, script: str | None) -> None:
    assert script_of(char) == script


def test_random_mixtures_split_into_runs_that_join_back() -> None:
    alphabet = "abcXYZ éü 0123 ,.!?«» Привет Ελλάδα שלום مرحبا नमस्ते 漢字 かな 한글 ไทย ສະບາຍ ᠮᠣ"
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        runs = split_by_script(text)
        assert "".join(r.text for r in runs) == text
        assert all(a.script != b.script for a, b in itertools.pairwise(runs))
        for run in runs:
            assert {script_of(c) for c in run.text} - {None} <= {run.script}


# -- choosing voices ---------------------------------------------------------------------

# a made-up set: ids unlike espeak-ng's, and SAPI5/macOS-style language tags too
VOICES = [
    Voice("v-en", "English", ("en-gb",)),
    Voice("v-ru-lv", "Russian (Latvia)", ("ru-lv",)),
    Voice("v-ru", "Russian", ("ru",)),
    Voice("v-uk", "Ukrainian", ("uk_UA",)),
    Voice("v-pinyin", "Chinese pinyin", ("cmn-latn-pinyin",)),
    Voice("v-cmn", "Chinese", ("cmn",)),
    Voice("v-ja", "Japanese", ("ja-JP",)),
    Voice("v-ar", "Arabic", ("ar",)),
]


def chosen(chooser: VoiceChooser, script: str, preferred: tuple[str, ...] = ()) -> str | None:
    voice = chooser.voice_for(script, preferred)
    return voice.id if voice else None


def test_cyrillic_goes_to_russian_unless_the_interface_language_reads_it() -> None:
    chooser = VoiceChooser(VOICES)
    assert chosen(chooser, "cyrillic") == "v-ru"
    assert chosen(chooser, "cyrillic", ("fr",)) == "v-ru"
    assert chosen(chooser, "cyrillic", ("uk", "en")) == "v-uk"
    assert chosen(chooser, "cyrillic", ("en", "uk_UA")) == "v-uk"
    assert chosen(chooser, "han") == "v-cmn"
    assert chosen(chooser, "kana") == "v-ja"
    assert chooser.voice_for("greek") is None
    assert chooser.voice_for(OTHER) is None


def test_a_chinese_voice_named_zh_reads_chinese() -> None:
    chooser = VoiceChooser([Voice("TTS_MS_ZH-CN_HUIHUI", "Huihui", ("zh_CN",))])
    assert chosen(chooser, "han") == "TTS_MS_ZH-CN_HUIHUI"


def test_which_voices_read_which_script() -> None:
    assert reads_script(("ru",), "cyrillic")
    assert reads_script(("sr-Latn",), "cyrillic")
    assert not reads_script(("en-us",), "cyrillic")
    assert reads_script(("en-us",), LATIN)
    assert not reads_script((), "greek")


def test_english_voice_hands_foreign_runs_to_their_voices() -> None:
    parts = plan_speech("Exit Выход, 出口 and مخرج.", VoiceChooser(VOICES), ("en-gb",))
    assert parts == [
        SpeechPart("Exit ", None),
        SpeechPart("Выход, ", "v-ru"),
        SpeechPart("出口 ", "v-cmn"),
        SpeechPart("and ", None),
        SpeechPart("مخرج.", "v-ar"),
    ]


def test_a_voice_that_reads_the_script_keeps_it() -> None:
    text = "Киев: Київ, Kyiv."
    assert plan_speech(text, VoiceChooser(VOICES), ("uk-UA",)) == [SpeechPart(text, None)]
    assert plan_speech(text, VoiceChooser(VOICES), ("ru",)) == [SpeechPart(text, None)]


def test_unread_scripts_are_named_when_the_voice_would_spell_them() -> None:
    chooser = VoiceChooser(VOICES)
    text = "Menu: ไทย อาหาร 25, Ελλάδα!"
    assert plan_speech(text, chooser, ("en",), name_unread=True) == [
        SpeechPart("Menu: (Thai text) 25, (Greek text)!", None)
    ]
    # a voice that may read them itself (SAPI5, macOS) gets them unchanged
    assert plan_speech(text, chooser, ("en",)) == [SpeechPart(text, None)]
    assert plan_speech("ᠮᠣᠩᠭᠣᠯ", chooser, ("en",), name_unread=True) == [
        SpeechPart("(text in another script)", None)
    ]


def test_lone_greek_letters_are_symbols_for_the_users_voice() -> None:
    chooser = VoiceChooser([*VOICES, Voice("v-el", "Greek", ("el",))])
    science = "Size 5 μm, Δt = 3 s, the α particle; ω²."
    assert plan_speech(science, chooser, ("en",), name_unread=True) == [SpeechPart(science, None)]
    assert plan_speech("Café Ωμέγα", chooser, ("en",)) == [
        SpeechPart("Café ", None),
        SpeechPart("Ωμέγα", "v-el"),
    ]


# -- joining clips -----------------------------------------------------------------------


def test_trim_silence_keeps_what_is_asked() -> None:
    rate = 1000
    tone = AudioClip(np.full(100, 0.5, dtype=np.float32), rate)
    padded = AudioClip(
        np.concatenate([silence(0.3, rate).samples, tone.samples, silence(0.5, rate).samples]),
        rate,
        "x",
    )
    cut = trim_silence(padded, keep_start_s=0.01, keep_end_s=0.05)
    assert len(cut.samples) == 10 + 100 + 50
    assert cut.label == "x"
    quiet = silence(0.2, rate)
    assert trim_silence(quiet, keep_start_s=0, keep_end_s=0) is quiet


# -- with the real espeak-ng -------------------------------------------------------------

needs_espeak = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("espeak-ng") is None,
    reason="espeak-ng is the Linux voice",
)


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[Pyttsx3Synthesizer]:
    pytest.importorskip("pyttsx3")
    monkeypatch.setenv("LANGUAGE", "en_GB")  # Cyrillic would go to Ukrainian for "uk"
    synth = Pyttsx3Synthesizer()
    synth.configure(rate=180, voice_id="gmw/en")
    synth.synthesize("Ready.")  # a new synthesizer's first sentence is sometimes faster
    yield synth
    synth.close()


def said_with(synth: Pyttsx3Synthesizer, voice_id: str, text: str) -> AudioClip:
    """``text`` said by ``synth`` with ``voice_id`` as the user's voice; then English again."""
    synth.configure(rate=180, voice_id=voice_id)
    try:
        return synth.synthesize(text)
    finally:
        synth.configure(rate=180, voice_id="gmw/en")


def sounds_alike(a: AudioClip, b: AudioClip) -> bool:
    """Same words by the same voice. Not sample for sample: through pyttsx3 espeak-ng's
    clips differ by a few samples, and on a loaded machine a sentence now and then comes
    out a few per cent faster (seen: 2.4 %); spelled letter by letter it takes twice as long."""
    a = trim_silence(a, keep_start_s=0, keep_end_s=0)
    b = trim_silence(b, keep_start_s=0, keep_end_s=0)
    if abs(a.duration - b.duration) > 0.1 * max(a.duration, b.duration):
        return False
    envelopes = []
    for clip in (a, b):
        frame = clip.rate // 100
        n = len(clip.samples) // frame
        loudness = np.sqrt((clip.samples[: n * frame].reshape(n, frame) ** 2).mean(1))
        envelopes.append(np.interp(np.linspace(0, n - 1, 200), np.arange(n), loudness))
    return float(np.corrcoef(envelopes[0], envelopes[1])[0, 1]) > 0.8


@needs_espeak
def test_a_russian_sentence_is_read_by_the_russian_voice(english: Pyttsx3Synthesizer) -> None:
    text = "Молоко свежее, пастеризованное."
    clip = english.synthesize(text)
    assert clip.label == text
    assert sounds_alike(clip, said_with(english, "zle/ru", text))
    milk = said_with(english, "gmw/en", "Milk")
    assert not sounds_alike(milk, said_with(english, "zle/ru", "Молоко"))


@needs_espeak
def test_a_mixed_sentence_is_joined_from_its_parts(english: Pyttsx3Synthesizer) -> None:
    text = "The label says Молоко свежее пастеризованное and the price."
    clip = english.synthesize(text)
    russian = said_with(english, "zle/ru", "Молоко свежее пастеризованное")
    before = english.synthesize("The label says")
    after = english.synthesize("and the price.")
    spoken = trim_silence(clip, keep_start_s=0, keep_end_s=0).duration
    parts = sum(
        trim_silence(c, keep_start_s=0, keep_end_s=0).duration for c in (before, russian, after)
    )
    # spelled out letter by letter it took twice as long; the joins add short pauses only
    assert parts < spoken < parts + 0.5
    assert clip.rate == 22050
    assert clip.rms() > 0.02


@needs_espeak
def test_the_users_voice_comes_back_after_a_foreign_word() -> None:
    """With no voice chosen the engine's voice is used: after a Russian part it is restored
    (digits tell the voices apart: the Russian voice says them in Russian)."""
    pytest.importorskip("pyttsx3")
    synth = Pyttsx3Synthesizer()
    try:
        synth.configure(rate=180, voice_id="gmw/en-us")
        synth.synthesize("Ready.")  # the shared engine's voice, whatever ran before
        synth.configure(rate=180, voice_id=None)
        first = synth.synthesize("4567 and 89.")
        synth.synthesize("It says Привет.")
        again = synth.synthesize("4567 and 89.")
        russian = said_with(synth, "zle/ru", "4567 and 89.")
    finally:
        synth.close()
    assert sounds_alike(first, again)
    assert not sounds_alike(first, russian)


@needs_espeak
def test_a_script_without_a_voice_is_named(english: Pyttsx3Synthesizer) -> None:
    if VoiceChooser(english.voices()).voice_for("lao") is not None:
        pytest.skip("this espeak-ng has a Lao voice")
    clip = english.synthesize("Sign: ສະບາຍດີ.")
    assert sounds_alike(clip, english.synthesize("Sign: (Lao text)."))


@needs_espeak
def test_plain_sentences_never_read_the_voice_list(
    english: Pyttsx3Synthesizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    synth = english
    reads: list[int] = []
    real = synth.voices

    def counting() -> list[Voice]:
        reads.append(1)
        return real()

    monkeypatch.setattr(synth, "voices", counting)
    synth.synthesize("A man is standing in front of a red door.")
    synth.synthesize("“Crème brûlée” — 3½ € … it’s 21 °C.")
    assert reads == []
    for text in ("It says Привет.", "Ελλάδα", "東京"):
        synth.synthesize(text)
    assert reads == [1]  # read once, then kept

"""Text from a model or a server, made safe to print, speak, store and copy.

An answer is untrusted input: a model can write stray control bytes, and a server can send
terminal escape sequences that retitle the window, clear the screen, write to the clipboard
(OSC 52) or hide words. Before any of it reaches a terminal, a voice or a file, these are
removed:

* escape sequences, whole: CSI (``ESC [`` ... final byte, or the one-byte C1 ``CSI``),
  strings ended by BEL or ST (OSC ``ESC ]``, DCS ``ESC P``, SOS ``ESC X``, PM ``ESC ^``,
  APC ``ESC _``, and their one-byte C1 forms) and the short ones (``ESC 7``, ``ESC ( B``);
* every other C0 control except newline and tab, DEL, and the C1 controls U+0080-U+009F;
* the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069),
  which make a line read differently from how it is stored;
* lone surrogates, which cannot be written as UTF-8 at all.

:class:`TextCleaner` works on a stream: a sequence split between two pieces ("ESC" in one,
"[2J" in the next) is still removed whole. A string sequence that runs past
:data:`MAX_STRING` characters, or a line break, without its end loses only its introducer:
the words in it are kept, so a stray ``ESC ]`` cannot swallow the rest of an answer.
:func:`clean_text` cleans one whole text.
"""

from __future__ import annotations

import enum
import re

#: How many characters of an unfinished OSC/DCS string are held back before giving up.
MAX_STRING = 2048
#: How many characters an unfinished CSI or ESC sequence may have before it is dropped.
MAX_SEQUENCE = 64

_ESC = "\x1b"
_BEL = "\x07"
_ST = "\x9c"
_CSI = "\x9b"
#: The one-byte C1 introducers of strings that run to BEL or ST: DCS, SOS, OSC, PM, APC.
_C1_STRINGS = frozenset("\x90\x98\x9d\x9e\x9f")
#: What follows ESC to start a string: DCS, SOS, OSC, PM, APC.
_ESC_STRINGS = frozenset("PX]^_")

#: Anything that needs a closer look; text without any of it passes untouched.
_SPECIAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class _State(enum.Enum):
    TEXT = enum.auto()
    ESC = enum.auto()  # after ESC
    ESC_MORE = enum.auto()  # ESC, intermediate bytes, waiting for the final byte
    CSI = enum.auto()  # parameters and intermediates, waiting for the final byte
    STRING = enum.auto()  # OSC/DCS/SOS/PM/APC payload, waiting for BEL or ST
    STRING_ESC = enum.auto()  # ESC inside a string: ST if a backslash follows


def _dropped(char: str) -> bool:
    """True for a single character that is never passed on."""
    return _SPECIAL.match(char) is not None and char not in "\n\t"


class TextCleaner:
    """Feed pieces of a stream with :meth:`feed`; call :meth:`flush` at its end."""

    def __init__(self) -> None:
        self._state = _State.TEXT
        self._held: list[str] = []  # the payload of an unfinished string
        self._length = 0  # characters in the unfinished sequence

    def feed(self, piece: str) -> str:
        """The safe part of ``piece``; an unfinished sequence waits for the next piece."""
        if self._state is _State.TEXT and not _SPECIAL.search(piece):
            return piece
        out: list[str] = []
        for char in piece:
            self._step(char, out)
        return "".join(out)

    def flush(self) -> str:
        """The end of the stream: the words of an unfinished string; the rest is dropped."""
        out: list[str] = []
        if self._state in (_State.STRING, _State.STRING_ESC):
            self._give_up_string(out)
        self._reset()
        return "".join(out)

    def _reset(self) -> None:
        self._state = _State.TEXT
        self._held = []
        self._length = 0

    def _step(self, char: str, out: list[str]) -> None:
        state = self._state
        if state is _State.TEXT:
            self._text(char, out)
        elif state is _State.STRING or state is _State.STRING_ESC:
            self._string(char, out)
        else:
            self._sequence(char, out)

    def _text(self, char: str, out: list[str]) -> None:
        if char == _ESC:
            self._state, self._length = _State.ESC, 1
        elif char == _CSI:
            self._state, self._length = _State.CSI, 1
        elif char in _C1_STRINGS:
            self._state, self._length = _State.STRING, 1
        elif not _dropped(char):
            out.append(char)

    def _sequence(self, char: str, out: list[str]) -> None:
        """ESC, ESC with intermediates, or CSI: wait for the final byte."""
        code = ord(char)
        self._length += 1
        state = self._state
        if state is _State.ESC and char == "[":
            self._state = _State.CSI
        elif state is _State.ESC and char in _ESC_STRINGS:
            self._state = _State.STRING
        elif state is _State.ESC and char == _ESC:
            self._length = 1  # a doubled ESC starts again
        elif 0x20 <= code <= 0x2F:  # intermediate bytes
            if state is _State.ESC:
                self._state = _State.ESC_MORE
        elif state is _State.CSI and 0x30 <= code <= 0x3F:  # parameter bytes
            pass
        elif 0x30 <= code <= 0x7E:  # the final byte (CSI's parameters were taken above)
            self._reset()  # the whole sequence is gone
            return
        else:  # not part of a sequence: drop what came before, read this one as text
            self._reset()
            self._text(char, out)
            return
        if self._length > MAX_SEQUENCE:
            self._reset()

    def _string(self, char: str, out: list[str]) -> None:
        """The payload of OSC, DCS, SOS, PM or APC: dropped once BEL or ST ends it."""
        if self._state is _State.STRING_ESC:
            if char == "\\":
                self._reset()
                return
            # ESC and anything else ends the string and starts a new sequence
            self._reset()
            self._state, self._length = _State.ESC, 1
            self._sequence(char, out)
            return
        if char in (_BEL, _ST):
            self._reset()
        elif char == _ESC:
            self._state = _State.STRING_ESC
        elif char == "\n" or len(self._held) >= MAX_STRING:
            self._give_up_string(out)
            self._text(char, out)
        else:
            self._held.append(char)

    def _give_up_string(self, out: list[str]) -> None:
        """No end in sight: keep the words of the payload, drop only its introducer."""
        held = self._held
        self._reset()
        for char in held:
            if not _dropped(char):
                out.append(char)


def clean_text(text: str) -> str:
    """``text`` without control characters and escape sequences (newline and tab kept)."""
    if not _SPECIAL.search(text):
        return text
    cleaner = TextCleaner()
    return cleaner.feed(text) + cleaner.flush()

"""Split streamed text into sentences as soon as each one is complete.

The model writes a few characters at a time; speech wants whole sentences, and wants the
first one as early as possible. :class:`SentenceSplitter` is fed text deltas and hands out
every sentence the moment its end is certain:

* ``.``, ``!``, ``?`` and ``…`` followed by white space end a sentence, with any closing
  quotes or brackets kept on the sentence they close ("He said "Stop." Then…").
* Abbreviations ("Dr.", "e.g.", "approx.") and initialisms ("U.S.") do not end one, and a
  number's decimal point ("3.5 m") is never followed by white space, so it never ends one.
* An ellipsis ends a sentence only if the next word starts with a capital letter.
* A line break ends a sentence (lists, headings), and :meth:`SentenceSplitter.flush` hands
  out what is left when the stream ends without a final full stop.
"""

from __future__ import annotations

import re

# Lower-case, without the final dot. "etc" and "no" are left out on purpose: they often
# end a sentence, and a wrong split costs only a short pause.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms mx dr prof sr jr st mt ft vs approx dept est fig figs inc ltd co corp
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    e.g i.e cf al ca ave rd blvd gen col lt sgt capt rev hon
    """.split()
)

_ENDERS = ".!?…"
_CLOSERS = "\"'”’)]}»"
_OPENERS = "\"'“‘([{«"
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.){1,}[A-Za-z]?$")


#: A sentence longer than this is handed out in pieces while it is written (with
#: ``cut_long=True``), cut after a comma, semicolon or colon ...
LONG_SENTENCE = 160
#: ... leaving at least this much in the first piece; with none, at a space once it is twice
#: as long.
SHORTEST_PIECE = 40
_CLAUSE_END = re.compile(r"[,;:](?=\s)")


class SentenceSplitter:
    """Feed text with :meth:`feed`; get complete sentences back as soon as they end.

    ``cut_long``: a sentence that runs past :data:`LONG_SENTENCE` characters without an
    end (a model listing things with commas) is handed out a clause at a time, so that
    speech can start before the model finishes it; for speech, not for counting sentences.
    """

    def __init__(self, *, cut_long: bool = False) -> None:
        self._buffer = ""
        self._cut_long = cut_long

    def feed(self, text: str) -> list[str]:
        """Add streamed text; return the sentences it completed (maybe none)."""
        self._buffer += text
        sentences: list[str] = []
        while True:
            cut = self._find_end(self._buffer)
            if cut is None:
                break
            sentence = self._buffer[:cut].strip()
            self._buffer = self._buffer[cut:]
            if sentence:
                sentences.append(sentence)
        if self._cut_long and len(self._buffer) > LONG_SENTENCE:
            piece = self._long_piece(self._buffer)
            if piece:
                sentences.append(self._buffer[:piece].strip())
                self._buffer = self._buffer[piece:]
        return sentences

    @staticmethod
    def _long_piece(text: str) -> int:
        """Where to cut a long unfinished sentence: after its last clause end, or at its
        last space when it has run on to twice the length without one; 0: not yet."""
        ends = [m.end() for m in _CLAUSE_END.finditer(text) if m.end() >= SHORTEST_PIECE]
        if ends:
            return ends[-1]
        if len(text) > 2 * LONG_SENTENCE:
            space = text.rfind(" ", SHORTEST_PIECE)
            return space if space > 0 else 0
        return 0

    def flush(self) -> list[str]:
        """End of stream: return the unfinished last sentence, if there is one."""
        rest = self._buffer.strip()
        self._buffer = ""
        return [rest] if rest else []

    @property
    def pending(self) -> str:
        """Text received but not yet handed out as a sentence."""
        return self._buffer

    def _find_end(self, text: str) -> int | None:
        """Index just past the first certain sentence end in ``text``, or None."""
        i = 0
        n = len(text)
        while i < n:
            ch = text[i]
            if ch == "\n":
                if text[:i].strip():
                    return i + 1
                i += 1
                continue
            if ch not in _ENDERS:
                i += 1
                continue
            # Take the whole run of enders ("?!", "...") and closing quotes/brackets.
            j = i
            while j < n and text[j] in _ENDERS:
                j += 1
            while j < n and text[j] in _CLOSERS:
                j += 1
            if j >= n:
                return None  # the run may go on: wait for more text
            if not text[j].isspace():
                i = j  # "3.5", "U.S" or "e.g" mid-word: no end here
                continue
            run = text[i:j]
            is_ellipsis = "…" in run or run.count(".") >= 3
            if is_ellipsis or (run.startswith(".") and self._is_abbreviation(text[:i])):
                # Decide by the next word: a capital starts a new sentence.
                k = j
                while k < n and text[k].isspace() and text[k] != "\n":
                    k += 1
                if k >= n:
                    return None
                if text[k] == "\n":
                    return k + 1
                nxt = text[k]
                if is_ellipsis and (nxt.isupper() or nxt in _OPENERS):
                    return j
                i = j
                continue
            return j
        return None

    @staticmethod
    def _is_abbreviation(before: str) -> bool:
        """Whether the word just before a full stop is an abbreviation or initialism."""
        word = before.rsplit(None, 1)[-1] if before.strip() else ""
        word = word.lstrip(_OPENERS)
        if not word:
            return False
        if word.lower() in ABBREVIATIONS:
            return True
        return bool(_INITIALISM.match(word + "."))


def split_sentences(text: str) -> list[str]:
    """Split a whole text into sentences (the streaming splitter, fed at once)."""
    splitter = SentenceSplitter()
    return splitter.feed(text) + splitter.flush()

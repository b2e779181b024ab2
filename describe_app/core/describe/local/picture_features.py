"""Pictures the model has already looked at, so it never encodes the same picture twice.

Almost all of the wait before the first word is the vision encoder (about 1.4 s of 1.75 s
on a 2-core laptop). Its output - the image features after the vision encoder and the
connector, 64 vectors for one 512 px view of SmolVLM - depends only on the picture exactly
as the model sees it, so :class:`PictureMemory` keeps the features of the last few
pictures, keyed by a hash of the scaled view and its side (:func:`picture_key`). A
follow-up question, "describe in more detail", or Space on a view prepared in the
background then starts from the features: no vision encoder call. A picture that changed
by a single pixel has another key and is encoded afresh; it is never answered from another
picture's features.

A preparation may also write the first sentence of an answer ahead
(:class:`AnswerStart`): its tokens, the text the user would have heard by then, and the
model's key-value cache at that point. Continuing from that cache is the same computation
as one uninterrupted generation, so (greedy decoding) the whole answer is the one the fresh
path gives, token for token.

After an answer, the model's key-value cache of the whole conversation so far is kept too
(:class:`KeptPrompt`, one: the latest), where the family allows it
(``ModelFamily.reuses_prompt_cache``). A follow-up question's prompt starts with that
conversation, so only its new tokens - the question, a dozen or two - are read: the
picture and the earlier turns are not read again. This is the computation of one
conversation carried on, not of a fresh prompt: with int8 layers (whose activation scale
is taken over all the tokens read at once) the numbers differ slightly from reading the
whole prompt afresh, as any two batchings do.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image

#: Pictures whose features are kept (about 150 KB each for SmolVLM-256M).
PICTURES_KEPT = 4
#: Answer starts kept (each holds a key-value cache, about 7 MB for SmolVLM-256M).
ANSWER_STARTS_KEPT = 2


def picture_key(view: Image.Image) -> str:
    """A content hash of ``view``: the picture as the model sees it, after scaling."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{view.mode}:{view.size[0]}x{view.size[1]}:".encode())
    digest.update(view.tobytes())
    return digest.hexdigest()


@dataclass
class AnswerStart:
    """The first tokens of an answer, written ahead.

    ``text`` is what the streamer's decoder had read by then and ``spoken`` what it had
    handed out (the two differ only by a half-decoded character held back); ``cache`` is
    the key-value cache after the prompt and all tokens but the last; ``finished``: the
    answer ended (end of text) within these tokens."""

    token_ids: tuple[int, ...]
    text: str
    spoken: str
    first_sentence: str | None
    cache: Any
    finished: bool
    logprobs: tuple[float, ...] = ()  # of each token ((): not known)


@dataclass
class KeptPrompt:
    """The key-value ``cache`` after reading ``token_ids`` (a prompt and its answer, all but
    the answer's last token), for the picture with key ``key``. Never changed once kept:
    whoever reuses it works on a copy."""

    key: str
    token_ids: tuple[int, ...]
    cache: Any


class PictureMemory:
    """The features of the last :data:`PICTURES_KEPT` pictures and the last
    :data:`ANSWER_STARTS_KEPT` answer starts, the least recently used forgotten first.
    Used by one worker thread only."""

    def __init__(
        self, pictures: int = PICTURES_KEPT, answer_starts: int = ANSWER_STARTS_KEPT
    ) -> None:
        self._pictures = max(0, pictures)
        self._answer_starts = max(0, answer_starts) if self._pictures else 0
        self._features: OrderedDict[str, Any] = OrderedDict()
        self._starts: OrderedDict[tuple[str, str], AnswerStart] = OrderedDict()
        self._prompt: KeptPrompt | None = None

    def features(self, key: str) -> Any | None:
        found = self._features.get(key)
        if found is not None:
            self._features.move_to_end(key)
        return found

    def keep_features(self, key: str, features: Any) -> None:
        if not self._pictures:
            return
        self._features[key] = features
        self._features.move_to_end(key)
        while len(self._features) > self._pictures:
            gone, _ = self._features.popitem(last=False)
            for start_key in [k for k in self._starts if k[0] == gone]:
                del self._starts[start_key]
            if self._prompt is not None and self._prompt.key == gone:
                self._prompt = None

    def answer_start(self, key: str, prompt: str) -> AnswerStart | None:
        found = self._starts.get((key, prompt))
        if found is not None:
            self._starts.move_to_end((key, prompt))
        return found

    def keep_answer_start(self, key: str, prompt: str, start: AnswerStart) -> None:
        if key not in self._features or not self._answer_starts:
            return
        self._starts[(key, prompt)] = start
        self._starts.move_to_end((key, prompt))
        while len(self._starts) > self._answer_starts:
            self._starts.popitem(last=False)

    def kept_prompt(self, key: str) -> KeptPrompt | None:
        """The conversation cache kept for the picture ``key``, if the latest is of it."""
        kept = self._prompt
        return kept if kept is not None and kept.key == key else None

    def keep_prompt(self, kept: KeptPrompt) -> None:
        if kept.key in self._features:
            self._prompt = kept

    def forget(self) -> None:
        self._features.clear()
        self._starts.clear()
        self._prompt = None

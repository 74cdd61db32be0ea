"""jieba's words of one sentence, segmented lazily one block at a time.

The rules need word boundaries at a few places of a sentence only (the left edge of
a stem, the start of a level character), and jieba segments every run of Han and
alphanumeric characters (a block of its ``re_han_default``) on its own; everything
else is a word per character.  So segmenting only the blocks asked about gives the
tokens that spaCy's jieba tokenizer makes for the whole sentence, at a fraction of
the cost (about half the flagged sentences never ask).  Whitespace is aligned as
``spacy.util.get_words_and_spaces`` does it: one plain space right after a word is
that word's trailing space and no token; any other whitespace run is a token.
tests/test_segment.py holds this equal to spaCy's tokenizer.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from types import ModuleType

_WHITESPACE = re.compile(r"\s+")


@functools.cache
def jieba() -> ModuleType:
    """jieba with its dictionary loaded (once per process) and its logging quiet."""
    import jieba as module  # imported here: importing jieba resets its logger to DEBUG

    module.setLogLevel(logging.WARNING)
    module.initialize()
    return module


# Bodies, hospitals and stock phrases recur from document to document (a quarter of
# the blocks asked about in the fixture documents were asked before), and a block's
# words depend on nothing else.
@functools.lru_cache(maxsize=1 << 16)
def _word_offsets(block: str) -> tuple[int, ...]:
    """Where each of jieba's words of one block starts, from the block's start."""
    offsets, pos = [], 0
    for word in jieba().cut(block):
        offsets.append(pos)
        pos += len(word)
    return tuple(offsets)


class Segmentation:
    """The tokens of ``text``; a block is handed to jieba the first time it is asked about."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._blocks = [m.span() for m in jieba().re_han_default.finditer(text)]
        self._block_starts = [start for start, _ in self._blocks]
        self._word_starts: dict[int, list[int]] = {}  # block start → its words' starts

    def _block_at(self, pos: int) -> tuple[int, int] | None:
        k = bisect.bisect_right(self._block_starts, pos) - 1
        if k >= 0 and pos < self._blocks[k][1]:
            return self._blocks[k]
        return None

    def _words_of(self, block: tuple[int, int]) -> list[int]:
        start, end = block
        starts = self._word_starts.get(start)
        if starts is None:
            starts = [start + offset for offset in _word_offsets(self.text[start:end])]
            self._word_starts[start] = starts
        return starts

    def _whitespace_token_start(self, pos: int) -> int | None:
        """Start of the whitespace token holding ``pos``; None for a word's trailing space."""
        run_start = pos
        while run_start > 0 and self.text[run_start - 1].isspace():
            run_start -= 1
        if run_start > 0 and self.text[run_start] == " ":
            # After a word: its trailing space; the rest of the run is one token.
            return None if pos == run_start else run_start + 1
        return run_start

    def token_start_of(self, pos: int) -> int:
        """Start of the token holding character ``pos`` (0 for a word's trailing space, as
        an index of the tokens made with a default of the first token gives)."""
        if self.text[pos].isspace():
            start = self._whitespace_token_start(pos)
            return 0 if start is None else start
        block = self._block_at(pos)
        if block is None:
            return pos  # outside a block every character is a word
        starts = self._words_of(block)
        return starts[bisect.bisect_right(starts, pos) - 1]

    def is_token_start(self, pos: int) -> bool:
        if not 0 <= pos < len(self.text):
            return False
        if self.text[pos].isspace():
            return self._whitespace_token_start(pos) == pos
        return self.token_start_of(pos) == pos

    @functools.cached_property
    def tokens(self) -> list[tuple[int, str]]:
        """Every token as (start, text), as spaCy's jieba tokenizer makes them."""
        text = self.text
        starts = {start for block in self._blocks for start in self._words_of(block)}
        starts.update(i for i, ch in enumerate(text) if self._block_at(i) is None)
        for match in _WHITESPACE.finditer(text):
            starts -= set(range(*match.span()))
            token_start = self._whitespace_token_start(match.end() - 1)
            if token_start is not None:
                starts.add(token_start)
        ordered = sorted(starts)
        tokens = []
        for start, after in zip(ordered, [*ordered[1:], len(text)], strict=True):
            end = after
            if text[after - 1 : after] == " " and self._whitespace_token_start(after - 1) is None:
                end = after - 1  # a word's trailing space is no part of the word
            tokens.append((start, text[start:end]))
        return tokens

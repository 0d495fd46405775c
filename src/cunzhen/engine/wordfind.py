"""Every occurrence of a set of words in a page: what ``ahocorasick.Automaton.iter`` gives, found with numpy.

The page cleaner looks a page up against five word sets (the spin table's spun forms and its originals, the
spam lexicon, the look model's cues, the spun forms again for the break scan). pyahocorasick finds a node's
next state by a linear scan of its children, and the root of such a set has hundreds (the spin table's forms
start with 369 different characters): a 6,600-character page cost ~1 ms per set, 15% of `cunzhen clean`'s
time on the bench_scale pages. Here the page is an array of the set's character ids (0 for a character no
word holds), each window of ``n`` characters is packed into one integer, and the windows are looked up in the
sorted packed words of each length at once.

The result is the automaton's, in its order (tests/test_wordfind.py holds the two to each other): by end
position, and at one end the longer word first (the automaton follows its failure links from the longest
suffix it matched). Words longer than a packed integer holds are looked up by their packed prefix and then
compared whole. Short texts go to the automaton itself, which is faster there.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick
import numpy as np

# Texts shorter than this are read by the automaton: numpy's fixed cost (~40 us) is then more than the scan.
VECTOR_FROM = 400


class WordFinder:
    """Words (each with a value) found in texts; ``iter(text)`` is ``ahocorasick.Automaton.iter(text)``."""

    def __init__(self, items: Iterable[tuple[str, object]]):
        values: dict[str, object] = {}
        for word, value in items:
            if word:  # the automaton takes no empty word
                values[word] = value  # as add_word: a word added again keeps its last value
        self._items = values
        self._automaton: ahocorasick.Automaton | None = None
        if not values:
            return
        self._automaton = ahocorasick.Automaton()
        for word, value in values.items():
            self._automaton.add_word(word, value)
        self._automaton.make_automaton()
        alphabet = sorted({ord(c) for word in values for c in word})
        self._size = len(alphabet) + 1  # ids 1..len(alphabet); 0 is no word's character
        # The id of every BMP character, read off a table (a binary search of the alphabet cost more than all
        # the rest); characters beyond the BMP, rare, by a dict.
        self._bmp_ids = np.zeros(0x10000, dtype=np.int32)
        self._wide_ids: dict[int, int] = {}
        for i, code in enumerate(alphabet):
            if code < 0x10000:
                self._bmp_ids[code] = i + 1
            else:
                self._wide_ids[code] = i + 1
        self._bits = self._size.bit_length()
        self._packed_chars = max(2, 63 // self._bits)  # characters one uint64 holds (two at least: 31 bits)
        id_of = {code: i + 1 for i, code in enumerate(alphabet)}
        lengths = sorted({len(word) for word in values})
        # A first filter, exact for words of one and two characters: per character pair, a bit for each word
        # length that a word of that length starts with the pair (the 64th bit for the 64th length and all
        # longer ones), in the narrowest integer that holds them (a spin table's 650 characters: 420 KB).
        self._first = np.zeros(self._size, dtype=bool)  # the one-character words
        multi = [length for length in lengths if length > 1]
        dtype = next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64) if np.iinfo(t).bits >= min(len(multi), 64))
        self._bit = {length: dtype(1) << dtype(min(rank, 63)) for rank, length in enumerate(multi)}
        self._pairs = np.zeros(self._size * self._size, dtype=dtype)
        keys: dict[int, list[int]] = {length: [] for length in lengths if length > 2}
        for word in values:
            ids = [id_of[ord(c)] for c in word]
            if len(word) == 1:
                self._first[ids[0]] = True
                continue
            self._pairs[ids[0] * self._size + ids[1]] |= self._bit[len(word)]
            if len(word) > 2:
                keys[len(word)].append(_pack(ids[: self._packed_chars], self._bits))
        # Per length beyond two: the words packed (their first ``_packed_chars`` characters), sorted.
        self._keys = [(length, np.array(sorted(set(k)), dtype=np.uint64)) for length, k in keys.items()]

    @classmethod
    def of_words(cls, words: Iterable[str]) -> WordFinder:
        """A finder whose value for each word is the word itself."""
        return cls((word, word) for word in words)

    def __len__(self) -> int:
        return len(self._items)

    def __reduce__(self):
        return (WordFinder, (list(self._items.items()),))

    def iter(self, text: str) -> list[tuple[int, object]]:
        """(end index, value) of every occurrence of every word in ``text``, overlapping ones included, in
        ``ahocorasick.Automaton.iter``'s order."""
        if self._automaton is None:
            return []
        if len(text) < VECTOR_FROM:
            return list(self._automaton.iter(text))
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ids = self._bmp_ids[np.minimum(codes, 0xFFFF)].astype(np.int64)
        wide = np.flatnonzero(codes > 0xFFFF)
        if len(wide):
            ids[wide] = [self._wide_ids.get(c, 0) for c in codes[wide].tolist()]
        pairs = self._pairs[ids[:-1] * self._size + ids[1:]]  # pairs[i]: lengths of words starting at i, i + 1
        # Where any word of two characters or more may start (a few in a hundred characters of a page): each
        # length's filter reads these, not the whole page again.
        begins = np.flatnonzero(pairs)
        begin_bits = pairs[begins]
        starts = [np.flatnonzero(self._first[ids])]
        lengths = [1]
        if 2 in self._bit:
            starts.append(begins[(begin_bits & self._bit[2]) != 0])
            lengths.append(2)
        bits = np.uint64(self._bits)
        for length, keys in self._keys:
            if length > len(text):
                break
            at = begins[(begin_bits & self._bit[length]) != 0]
            at = at[: np.searchsorted(at, len(text) - length, side="right")]  # the word must fit in the text
            if not len(at):
                continue
            # The candidates' first characters packed, looked up among the words of this length.
            packed = ids[at].astype(np.uint64)
            for j in range(1, min(length, self._packed_chars)):
                packed = (packed << bits) | ids[at + j].astype(np.uint64)
            place = np.minimum(np.searchsorted(keys, packed), len(keys) - 1)
            at = at[keys[place] == packed]
            if length > self._packed_chars:  # the packed prefix matched: the whole word must too
                at = np.array([a for a in at.tolist() if text[a : a + length] in self._items], dtype=np.int64)
            starts.append(at)
            lengths.append(length)
        sizes = np.concatenate([np.full(len(a), n) for a, n in zip(starts, lengths, strict=True)])
        start = np.concatenate(starts)
        end = start + sizes - 1
        order = np.lexsort((-sizes, end))  # by end, then the longer word first
        values = self._items
        return [(e, values[text[s : e + 1]]) for s, e in zip(start[order].tolist(), end[order].tolist(), strict=True)]


def _pack(ids: list[int], bits: int) -> int:
    key = 0
    for i in ids:
        key = (key << bits) | i
    return key

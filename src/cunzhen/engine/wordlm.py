"""A word n-gram model over Chinese text, used beside the character model to judge candidate spans.

The character 5-gram sees four characters of context and favours characters that fix their neighbour (技→术,
沟→通): left alone it reads 下午茶期间 as 下午茶技术 and 鱼群一样协同 as 鱼群沟通协同. A word model sees
word-sized units and general-Chinese word frequencies, and corrects much of that. The default is Debian's
``libime-data-language-model`` (fcitx's KenLM word trigram, LGPL-2.1+, 165k words, Chinese characters only,
no useful sentence markers), installed by ``make install``.

Segmentation is a named step that belongs to this model: the best path under the model's own unigram scores
(not jieba), so the words scored are words the model knows. Characters outside its vocabulary (digits,
Latin, punctuation, rare characters) are single tokens with a fixed penalty; they are the same in every
alternative of a window and cancel out of a comparison.
"""

from __future__ import annotations

import os
import struct
from functools import cached_property, lru_cache
from pathlib import Path

from cunzhen.engine.lm import ModelError, verify_sha256, without_surrogates

# Longest word the segmenter tries; fcitx's vocabulary has few longer entries that matter here.
MAX_WORD = 5
# log10 score of a character the model does not know.
OOV_SCORE = -8.0


class WordModel:
    """A KenLM word model with best-path segmentation; ``score(text)`` is log10 P of the segmented text."""

    def __init__(self, path: str | os.PathLike[str], sha256: str | None = None):
        import kenlm

        self.path = Path(path)
        if not self.path.is_file():
            raise ModelError(f"word language model not found: {self.path}")
        if sha256 is not None:
            verify_sha256(self.path, sha256)
        self.sha256 = sha256
        self._model = kenlm.Model(str(self.path))
        self._unigram = lru_cache(maxsize=1 << 20)(self._unigram_uncached)
        self.score = lru_cache(maxsize=1 << 18)(self._score_uncached)

    def __reduce__(self):
        return (WordModel, (str(self.path), self.sha256))

    def _unigram_uncached(self, word: str) -> float | None:
        word = without_surrogates(word)  # lone surrogates cannot be UTF-8 (engine/lm.py)
        return self._model.score(word, bos=False, eos=False) if word in self._model else None

    @cached_property
    def _prefixes(self) -> frozenset[str] | None:
        """Every prefix (up to MAX_WORD characters) of every word of the model, words included, or None if the
        vocabulary cannot be read with certainty (``_binary_vocabulary``). Built on first use (~0.2 s, 15 MB)."""
        words = _binary_vocabulary(self.path, self._model)
        if words is None:
            return None
        prefixes = set(words)
        for k in range(1, MAX_WORD):
            prefixes.update(w[:k] for w in words if len(w) > k)
        return frozenset(prefixes)

    def segment(self, text: str) -> list[str]:
        """Best-scoring split of ``text`` into known words (unknown characters stand alone)."""
        # The restorer's close calls segment ~75 windows a page, and most substrings tried are no word: a
        # string that begins no word of the vocabulary (``_prefixes``) ends the lengths tried at a position,
        # since no longer string from there is a word either. The words found and their scores are the same.
        # Scores and back-pointers live in two flat lists, ties kept by the strict >.
        prefixes = self._prefixes
        probe = without_surrogates(text)  # what _unigram looks up (same length)
        n = len(text)
        unigram = self._unigram
        best = [0.0] + [-1e18] * n
        back = [0] * (n + 1)
        for i in range(n):
            base = best[i]
            for length in range(1, min(MAX_WORD, n - i) + 1):
                if length > 1 and prefixes is not None and probe[i : i + length] not in prefixes:
                    break
                score = unigram(text[i : i + length])
                if score is None:
                    if length > 1:
                        continue
                    score = OOV_SCORE
                if base + score > best[i + length]:
                    best[i + length] = base + score
                    back[i + length] = i
        words: list[str] = []
        end = n
        while end > 0:
            start = back[end]
            words.append(text[start:end])
            end = start
        return words[::-1]

    def _score_uncached(self, text: str) -> float:
        return self._model.score(without_surrogates(" ".join(self.segment(text))), bos=False, eos=False)


# KenLM's binary format (lm/binary_format.cc, format version 5): a 53-byte magic string and a sanity block (88
# bytes), then the fixed-width parameters (order at byte 88) and the n-gram counts as little-endian uint64 from
# byte 108; the vocabulary's words follow the search structures at the end of the file, NUL-separated, from
# ``<unk>`` on.
_MAGIC = b"mmap lm http://kheafield.com/code format version 5\n\0"
_ORDER_AT, _COUNTS_AT = 88, 108
# Bytes read from the end of the file for the words (fcitx's 165k words take 1.2 MB).
_VOCAB_TAIL = 8 << 20


def _binary_vocabulary(path: Path, model) -> list[str] | None:
    """The words of the KenLM binary model at ``path`` (``<unk>`` left out), or None unless the file gives
    them with certainty: as many distinct words as the header's unigram count, every one known to ``model``.
    Then no other string is a word of it, which is what the segmenter's pruning needs."""
    try:
        with open(path, "rb") as f:
            head = f.read(_COUNTS_AT + 8 * 16)
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - _VOCAB_TAIL))
            tail = f.read()
    except OSError:
        return None
    if not head.startswith(_MAGIC) or len(head) < _COUNTS_AT + 8 or not 1 <= head[_ORDER_AT] <= 16:
        return None
    unigrams = struct.unpack_from("<Q", head, _COUNTS_AT)[0]
    at = tail.rfind(b"\0<unk>\0")
    if at < 0 or not tail.endswith(b"\0"):
        return None
    try:
        words = tail[at + 1 : -1].decode("utf-8").split("\0")[1:]
    except UnicodeDecodeError:
        return None
    if len(words) + 1 != unigrams or len(set(words)) != len(words) or not all(map(model.__contains__, words)):
        return None
    return words

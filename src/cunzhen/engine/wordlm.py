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
from functools import lru_cache
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

    def segment(self, text: str) -> list[str]:
        """Best-scoring split of ``text`` into known words (unknown characters stand alone)."""
        # The restorer's close calls segment ~75 windows a page: scores and back-pointers in two flat lists and
        # the cache read through a local (the same path as before, ties kept by the strict >, 30% faster).
        n = len(text)
        unigram = self._unigram
        best = [0.0] + [-1e18] * n
        back = [0] * (n + 1)
        for i in range(n):
            base = best[i]
            for length in range(1, min(MAX_WORD, n - i) + 1):
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

"""Enumeration commas inside words (野、心, 隐、私、权): a keyword filter is dodged by splitting the word.

A ``、`` between Han characters was inserted when, read without it (and without the other commas of its
stretch), the word model segments a *word across it* (有野心的 → 有|野心|的, 点隐私权 → 点|隐私权) and the character
model finds the sentence likelier joined. A genuine ``、`` separates items, and joined they stay separate words
(张三李四 → 张三|李四; 腐朽跋扈 → 腐朽|跋扈). A splitter splits every filtered word, so a page must show
``min_per_page`` such commas, and they must be at least ``min_share`` of its commas between Han characters:
on a split page many are inside words, on a genuine one (a law's 市、县（市、区）, 乡、镇) few are. Needs the word
model (no cuts without one).

The figures behind the two (``bench/bench_pollution.py --tune``, and 1,700 clean documents of the tune split of
all twelve sources): no clean document has three commas that pass the per-comma tests (41 have one or two),
so ``min_per_page`` 3 is what keeps clean pages whole; pages of news-1990s with one word in twenty split
(jieba's words of two to four characters) have 35-86% of their commas inside words, since news enumerates a
lot, and a share of 0.5 left 7 of 40 of them whole. ``min_share`` 0.25 takes every one, and still asks a
long page of enumerations (a law) for hundreds of passing commas.
"""

from __future__ import annotations

import re

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.pollution.base import Cut, Page, cut_gain

# (The comma first and the look-behind after it, the same matches: the regex engine skips to commas.)
_SPLIT = re.compile(r"、(?<=[\u3400-\u9fff]、)(?=[\u3400-\u9fff])")
# Characters read on each side of the comma.
WINDOW = 4


def _side(text: str, at: int, step: int) -> str:
    """Up to WINDOW Han characters from ``at`` in direction ``step``, over other enumeration commas."""
    chars, i = [], at
    while 0 <= i < len(text) and len(chars) < WINDOW:
        char = text[i]
        if "\u3400" <= char <= "\u9fff":  # a Han character (a comparison: a regex call per character cost more)
            chars.append(char)
        elif char != "、":
            break
        i += step
    return "".join(chars[::-1] if step < 0 else chars)


def _in_a_word(text: str, at: int, known, longest: int = 4) -> bool:
    """Do the characters on either side of the comma at ``at`` belong to one known word of at most ``longest``
    characters (a pair, 隐私权 with a neighbour, 铺天盖地 across the idiom), read without the comma?"""
    if known(text[at - 1] + text[at + 1]):
        return True  # most split words: the pair itself (a page has hundreds of commas to test)
    left = _side(text, at - 1, -1)[-(longest - 1) :]
    right = _side(text, at + 1, 1)[: longest - 1]
    for size in range(3, longest + 1):  # the pair itself was read above
        for in_left in range(max(1, size - len(right)), min(size - 1, len(left)) + 1):
            if known(left[len(left) - in_left :] + right[: size - in_left]):
                return True
    return False


def split_cuts(
    page: Page, lm: LanguageModel, word_lm=None, min_gain: float = 1.5, min_per_page: int = 3, min_share: float = 0.25
) -> list[Cut]:
    if word_lm is None:
        return []
    text = page.simple
    found = list(_SPLIT.finditer(text))
    commas = len(found)
    needed = max(min_per_page, min_share * commas)
    if commas < needed:
        return []
    # Cheapest first: the two characters across the comma must belong to a word the word model knows (as a
    # pair, or with a neighbour: 隐私权); then the sentence must read better joined; then the segmentation.
    known = word_lm.knows if hasattr(word_lm, "knows") else (lambda w: word_lm._unigram(w) is not None)
    inside = []
    for tested, m in enumerate(found):
        if len(inside) + len(found) - tested < needed:
            return []  # the commas left could not make up the page's minimum even if all passed
        if _in_a_word(text, m.start(), known):
            inside.append(m)
    found = inside
    if len(found) < needed:
        return []
    found = [m for m in found if cut_gain(lm, text, m.start(), m.end()) >= min_gain]
    if len(found) < needed:
        return []
    cuts = []
    for m in found:
        left, right = _side(text, m.start() - 1, -1), _side(text, m.end(), 1)
        at, crossing = 0, False
        for word in word_lm.segment(left + right):
            crossing = crossing or at < len(left) < at + len(word)
            at += len(word)
        if crossing:
            cuts.append(Cut(m.start(), m.end(), "punct_split", "split_word"))
    return cuts if len(cuts) >= needed else []

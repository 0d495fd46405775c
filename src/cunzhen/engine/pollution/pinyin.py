"""Pinyin annotations: 機(jī)器學(xué)習(xí), 宣布(xuān bù), 月(yue), 學(xue2), 他(ta)(ta).

Some farms gloss characters with their reading in brackets, to defeat duplicate detection. The model: a
bracketed run of Latin syllables is an annotation when it *is a reading* of the Han characters right before it
(one syllable per character, any of each character's readings, as `pypinyin`'s dictionary gives them; tones
may be marked, numbered or left out; syllables may be spaced or run together). Nothing else in brackets is
touched: 詹姆斯(LeBron James), 甲狀腺(thyroid), 6(2) are not readings.

A page must carry ``min_per_page`` annotations before any is cut: a farm glosses every few characters, a
textbook page may gloss one rare word (嫦娥(cháng é)) and keeps it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from cunzhen.engine.pollution.base import Cut, Page

KIND = "pinyin"

# Brackets (ASCII or full-width) holding Latin letters with or without tone marks, syllables spaced or not.
_LETTERS = "a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ1-5"
# Round, square or lenticular brackets, right after the characters or one space after them.
_ANNOTATION = re.compile(
    rf" ?(?:[(（\[【])([{_LETTERS}]*[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü][{_LETTERS}]*(?:[ '][{_LETTERS}]+)*)(?:[)）\]】])"
)
_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")
# What every annotation holds: an opening bracket and a letter of a reading. Pages without one (most: their
# brackets hold Chinese) skip _ANNOTATION, which opens with an optional space and is tried at every position.
_ANNOTATION_HINT = re.compile(rf"[(（\[【][{_LETTERS}]")
# Tone marks only (the diaeresis of ü stays: lü and lu are different syllables).
_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0304\u030c"))
# Longest word an annotation covers (宣布, 切入點, 憶秦娥); a reading's syllables are at most 6 letters.
MAX_CHARS = 6


def _toneless(syllable: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", syllable).translate(_TONE_MARKS))


@lru_cache(maxsize=65536)
def readings(char: str) -> frozenset[str]:
    """Every reading of ``char`` in pypinyin's dictionary, with tone marks, tone numbers (xue2) and without
    (lower case)."""
    from pypinyin.contrib.tone_convert import to_tone3
    from pypinyin.pinyin_dict import pinyin_dict

    found = pinyin_dict.get(ord(char))
    if not found:
        return frozenset()
    toned = [r.strip() for r in found.split(",") if r.strip()]
    numbered = [to_tone3(r).replace("v", "ü") for r in toned]
    return frozenset(toned) | frozenset(_toneless(r) for r in toned) | frozenset(numbered)


def is_reading(annotation: str, chars: str) -> bool:
    """Is ``annotation`` (spaces and apostrophes ignored, v read as ü) one reading per character of ``chars``?"""
    target = re.sub(r"[ ']", "", annotation.lower()).replace("v", "ü")

    @cache
    def match(i: int, j: int) -> bool:  # target[i:] is a reading of chars[j:]
        if j == len(chars):
            return i == len(target)
        return any(target.startswith(r, i) and match(i + len(r), j + 1) for r in readings(chars[j]))

    return match(0, 0)


def annotation_cuts(page: Page, min_per_page: int = 2) -> list[Cut]:
    """Cuts of every bracketed reading of the characters before it (once the page has ``min_per_page``)."""
    text = page.text
    cuts: list[Cut] = []
    if not _ANNOTATION_HINT.search(text):
        return cuts
    for match in _ANNOTATION.finditer(text):
        # The characters read: the Han run before the brackets, across annotations already found (他(ta)(ta),
        # 進(jìn)入(jìn rù)).
        word, at, previous = "", match.start(), len(cuts) - 1
        while len(word) < MAX_CHARS and at > 0:
            if previous >= 0 and cuts[previous].end == at:
                at = cuts[previous].start
                previous -= 1
            elif _HAN.match(text[at - 1]):
                word = text[at - 1] + word
                at -= 1
            else:
                break
        syllables = match.group(1)
        # The annotation reads the last n characters for some n (one syllable each).
        if any(is_reading(syllables, word[len(word) - n :]) for n in range(1, len(word) + 1)):
            cuts.append(Cut(match.start(), match.end(), KIND, "pinyin_reading"))
    return cuts if len(cuts) >= min_per_page else []

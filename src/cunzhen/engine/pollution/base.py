"""What every pollution detector returns, and the page it reads.

A detector either *cuts* spans (text that was added: a pinyin gloss, a jammer line, a brand) or *repairs*
characters in place (text that was altered: 瞭 written for 了, a Hangul look-alike for 地). A repair keeps the
length of the text (one character for one), so offsets into the text before repairs hold after them too.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

# The word model's weight beside the character model's, wherever a detector reads both: the restorer's
# (RestoreConfig.word_weight; not imported from there, since the restorer imports this package).
WORD_WEIGHT = 0.5


@dataclass(frozen=True)
class Cut:
    start: int
    end: int
    kind: str  # the kind of pollution: pinyin, noise, jammer, fragment, keyword, ...
    reason: str  # the detector's rule, reported in ``removed``


@dataclass(frozen=True)
class Repair:
    start: int
    end: int
    before: str
    after: str
    kind: str  # script | lookalike
    reason: str

    def as_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
            "kind": self.kind,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Page:
    """A page as a detector reads it: its text, its host (from the URL) and title when known, and its
    simplified reading (offset for offset; the text itself on a simplified page), which the models read."""

    text: str
    host: str | None = None
    title: str | None = None
    reading: str | None = None

    @property
    def simple(self) -> str:
        return self.reading if self.reading is not None else self.text


class OffsetMap:
    """Offsets of a text with some ranges cut out, mapped back to the text before the cuts."""

    def __init__(self, length: int, cuts: list[tuple[int, int]]):
        self.kept: list[tuple[int, int]] = []  # (start, end) kept, in order
        cursor = 0
        for start, end in sorted(cuts):
            if start > cursor:
                self.kept.append((cursor, start))
            cursor = max(cursor, end)
        if cursor < length or not self.kept:
            self.kept.append((cursor, length))
        self._new_starts = []
        total = 0
        for start, end in self.kept:
            self._new_starts.append(total)
            total += end - start
        self.length = total

    def pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """The range [start, end) of the cut text as ranges of the original (split where cuts lay inside)."""
        out = []
        i = max(0, bisect_right(self._new_starts, start) - 1)
        while i < len(self.kept) and start < end:
            seg_start, seg_end = self.kept[i]
            new_start = self._new_starts[i]
            a = seg_start + max(0, start - new_start)
            b = min(seg_end, seg_start + (end - new_start))
            if a < b:
                out.append((a, b))
            i += 1
            if i < len(self._new_starts) and self._new_starts[i] >= end:
                break
        return out

    def position(self, offset: int) -> int:
        """The original offset of ``offset`` in the cut text."""
        i = max(0, bisect_right(self._new_starts, offset) - 1)
        seg_start, _ = self.kept[i]
        return seg_start + offset - self._new_starts[i]


def cut_text(text: str, cuts: list[tuple[int, int]]) -> str:
    parts, cursor = [], 0
    for start, end in sorted(cuts):
        if start > cursor:
            parts.append(text[cursor:start])
        cursor = max(cursor, end)
    parts.append(text[cursor:])
    return "".join(parts)


def line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end of the line that holds ``text[start:end]`` (its newlines excluded)."""
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if line_end < 0 else line_end


def cut_gain(lm, text: str, start: int, end: int, context: int = 4, reading: str | None = None) -> float:
    """log10 P(context without text[start:end]) − log10 P(context with it): how much more fluent the sentence
    reads without the span (per-token costs not subtracted). ``reading``: the simplified text the model reads,
    offset for offset (a traditional page)."""
    from cunzhen.engine.tokenize import char_tokens

    source = reading if reading is not None else text
    line_start, line_end = line_bounds(source, start, end)
    # A window of characters is enough for ``context`` tokens (runs of Latin or digits are one token each:
    # four characters per token leaves room for them); tokenising the whole line for every span is not.
    reach = 4 * context
    left = char_tokens(source[max(line_start, start - reach) : start])[0][-context:]
    right = char_tokens(source[end : min(line_end, end + reach)])[0][:context]
    middle = char_tokens(source[start:end])[0]
    return lm.score(left + right) - lm.score(left + middle + right)

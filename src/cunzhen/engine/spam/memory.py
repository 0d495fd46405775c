"""Detector 5, batch memory: strings that broke sentences in different places of a batch are learned."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from cunzhen.engine.spam.lexicon import normalize_phrase
from cunzhen.engine.spam.types import SpamSpan

if TYPE_CHECKING:
    from cunzhen.engine.spam.detector import SpamDetector


# What an injected keyword looks like: letters, digits and Han, no punctuation or space (a candidate that runs
# over a comma is a piece of a sentence), at most 12 characters.
_KEYWORD_SHAPE = re.compile(r"[^\W_]{2,12}")
_EDGE = re.compile(r"[\W_]")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) with the punctuation and spaces at both edges left out."""
    while start < end and _EDGE.match(text[start]):
        start += 1
    while end > start and _EDGE.match(text[end - 1]):
        end -= 1
    return start, end


class SpamMemory:
    """Break candidates counted over a batch of pages: strings that broke sentences in several places are spam.

    A place is the characters on either side of the string: an article copied to many pages of a farm repeats
    its rare words in the same place each time (give or take a keyword injected next to them, so both sides
    must differ), while injected strings land in new places. Fill it in a first pass (``add_page``), then
    ``SpamDetector.learn(memory.learned())``; memories of shards merge.

    Most candidates are genuine rare words seen once: when more than ``max_strings`` strings are held, those seen
    in a single place are forgotten, so memory stays bounded over a crawl (a keyword injected across a farm
    comes back soon enough to be caught again).
    """

    def __init__(
        self,
        min_score: float = 3.0,
        min_places: int = 2,
        unlike_weight: float = 0.0,
        min_excess: float = 3.0,
        max_strings: int = 1_000_000,
        judged_windows: int = 8,
    ):
        self.min_score = min_score
        self.min_places = min_places
        self.unlike_weight = unlike_weight
        self.min_excess = min_excess
        self.max_strings = max_strings
        self.judged_windows = judged_windows
        self.places: dict[str, tuple[set[str], set[str]]] = {}  # string -> (left contexts, right contexts)

    @classmethod
    def for_detector(cls, detector: SpamDetector) -> SpamMemory:
        cfg = detector.config
        return cls(
            cfg.memory_min_score,
            cfg.memory_min_places,
            cfg.memory_unlike_weight,
            cfg.memory_min_excess,
            judged_windows=cfg.memory_judged_windows,
        )

    def add_page(
        self,
        detector: SpamDetector,
        text: str,
        template_lines: Sequence[tuple[int, int]] = (),
        evidence: bool | None = None,
    ) -> None:
        """Count the page's break candidates if it carries a lexicon or learned string (``evidence``: the caller
        already knows whether it does). Look cuts, which ``find_all`` also takes for evidence, are not worth
        their cost here: a site-farm page practically always carries a known keyword too."""
        known = detector.lexicon_spans(text) + detector.learned_spans(text)
        if not (known if evidence is None else evidence):
            return
        # Look cuts are not excluded from the scan: their edges are often off by a character or two, and the
        # memory learns the exact string.
        for start, end, string in self.candidates(detector, text, known, template_lines):
            left, right = self.places.setdefault(string, (set(), set()))
            if min(len(left), len(right)) < self._places_needed(string):  # beyond that, nothing new is learned
                left.add(text[max(0, start - 3) : start])
                right.add(text[end : end + 3])
        if len(self.places) > self.max_strings:
            self.places = {s: sides for s, sides in self.places.items() if max(map(len, sides)) > 1}

    def candidates(
        self,
        detector: SpamDetector,
        text: str,
        known: list[SpamSpan],
        template_lines: Sequence[tuple[int, int]] = (),
        worth: Callable[[int, int], bool] | None = None,
    ) -> list[tuple[int, int, str]]:
        """(start, end, normalised string) of the break candidates of ``text`` that reach ``min_score`` and
        have a keyword's shape, overlapping no ``known`` span (``worth``: the break scan's region filter)."""
        found = []
        # Regions open on surprisal alone: opened by the look too, the memory finds the pieces keywords share (视频)
        # in enough places to learn them (tune, 200 pages, batch: 124 of 200 clean pages kept against 161). Nor
        # is a window's reading alone in its score: that favours fluent strings, and the fluent words of articles
        # copied across pages (中华恐龙园, 被假冒) then recur in enough places to be learned; recurrence is the
        # memory's evidence, not fluency.
        scan = detector.break_candidates(
            text,
            known,
            template_lines,
            self.unlike_weight,
            self.min_excess,
            worth,
            self.judged_windows,
            self.min_score,
            region_look_weight=0.0,
            alone_weight=0.0,
        )
        for span in scan:
            if span.score < self.min_score:
                continue
            # A window that took the clause mark after a keyword along (西野翔作品番号,) stands for the keyword:
            # its edges are trimmed; punctuation inside it still makes it a piece of a sentence. What is left of
            # a trimmed window must be three characters or more: two with a mark are mostly the end of a longer
            # keyword (娱乐, of X娱乐，; tune split, batch: learned, it took 9 clean pages of 200).
            start, end = _trimmed(text, span.start, span.end)
            string = normalize_phrase(text[start:end])
            trimmed = (start, end) != (span.start, span.end)
            if _KEYWORD_SHAPE.fullmatch(string) and not (trimmed and len(string) < 3):
                found.append((start, end, string))
        return found

    def _places_needed(self, string: str) -> int:
        """Two-character strings are often common words or fragments of a keyword: they need twice the places."""
        return self.min_places * 2 if len(string) == 2 else self.min_places

    def merge(self, other: SpamMemory) -> None:
        for string, (other_left, other_right) in other.places.items():
            left, right = self.places.setdefault(string, (set(), set()))
            left.update(other_left)
            right.update(other_right)

    def learned(self) -> list[str]:
        return sorted(
            string
            for string, (left, right) in self.places.items()
            if min(len(left), len(right)) >= self._places_needed(string)
        )

"""Detector 4c, page recurrence: a string that breaks its sentence wherever it stands on one page, in places
that share nothing.

A farm injects the same keyword into several sentences of a page (西野翔作品番号 after 续航才能 and again after
从爆料信息来看), as it does across a site's pages. An article repeats its rare words too (the name it is about,
a hotel's name in its reviews), and the language model finds them breaking their sentences as often; what tells
them apart is where they stand:
- a genuine word fits somewhere: the page's subject opens clauses (，占旭刚参加了), where the test has no power
  (a clause reads as well without its subject), so a string counts only where it starts inside a clause,
  after a letter, digit or Han character, and only if it does so at *every* occurrence on the page;
- a genuine word keeps its company: it recurs as a piece of a longer word (佳宇英皇|酒店, 农村|一孩户), so no
  two places may share the character pair across either edge. A clause mark on an edge is no company.
Candidates are the batch memory's (``SpamMemory.candidates``), each place held to the clause-end scan's bar
(below), and a string needs the memory's number of places (twice as many for two characters). Forced on clean
documents of all twelve sources as if each were a farm's page (367 documents of 2,000+ characters a split):
none cut on the tune split nor the report split; at the memory's own bar a place, 1 on the tune split (议军会
of a news report); with the inside-clause rule alone 3 (a hotel's name in its reviews, 一孩户 of 农村一孩户);
the names a page is about (苏镜宇 six times, 瑟蒙德, 占旭刚) go without it. Only regions holding three
characters the page writes again are judged, and strings of three characters or more: judging every region
made a farm page of bench_clean's cost about half as much again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from cunzhen.engine.spam.lexicon import _matches
from cunzhen.engine.spam.memory import _EDGE, SpamMemory
from cunzhen.engine.spam.types import SpamSpan
from cunzhen.engine.wordfind import WordFinder


class RecurDetector:
    """SpamDetector's page-recurrence scan (needs the break scan and ``config``)."""

    def recurring_spans(
        self, text: str, known: list[SpamSpan], template_lines: Sequence[tuple[int, int]] = ()
    ) -> list[SpamSpan]:
        """Every occurrence of a string that broke its sentence in enough unrelated places of ``text`` and
        nowhere fitted one, overlapping no ``known`` span."""
        cfg = self.config
        # Each place must break its sentence as surely as a clause-end cut (``clause_cut``), not merely as a
        # memory candidate: a page's own rare words recur on it far more often than across a batch's pages (a
        # hotel's name in two of its reviews, 云天海湾, breaks its sentences by 3.2 and 5.4; 西野翔作品番号 on
        # spun/042 by 9.8 and 10.7, a keyword injected twice into a page of bench_clean, 国产自拍, by 10.2 and 6.1).
        memory = SpamMemory(cfg.clause_cut, cfg.memory_min_places, cfg.memory_unlike_weight, cfg.memory_min_excess)

        def recurs(start: int, end: int) -> bool:
            """Does the region hold three characters the page writes again elsewhere? (Most regions are a rare
            word of the article written once: they are not judged.)"""
            return any(text.count(text[i : i + 3]) > 1 for i in range(start, end - 2))

        places: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for start, end, string in memory.candidates(self, text, known, template_lines, recurs):
            if len(string) < 3:
                continue
            places[string].add((start, end))
        strings = [s for s, where in places.items() if len(where) >= memory._places_needed(s)]
        if not strings:
            return []
        occurrences: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for start, end, string in _matches(WordFinder.of_words(strings), text):
            if not any(k.start < end and start < k.end for k in known):
                occurrences[string].append((start, end))
        found = []
        for string, where in occurrences.items():
            if set(where) <= places[string] and _unrelated(text, where):
                found.extend(SpamSpan(start, end, "unknown", "lm_recur", 0.0) for start, end in where)
        return found


def _unrelated(text: str, where: list[tuple[int, int]]) -> bool:
    """Does every place start inside a clause, and do no two places share the character pair across an edge?"""
    lefts, rights = set(), set()
    for start, end in where:
        if start == 0 or _EDGE.match(text[start - 1]):
            return False
        left = text[start - 1 : start + 1]
        right = text[end - 1 : end + 1]
        if left in lefts or (end < len(text) and not _EDGE.match(text[end]) and right in rights):
            return False
        lefts.add(left)
        rights.add(right)
    return True

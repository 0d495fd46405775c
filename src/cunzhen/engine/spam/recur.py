"""Detector 4c, page recurrence: a string that breaks its sentence in two different places of one page.

A farm injects the same keyword into several sentences of a page (西野翔作品番号 after 续航才能 and again after
从爆料信息来看), as it does across a site's pages; an article repeats its rare words too, but where they belong,
so they fit their sentences. This is the batch memory (``memory.py``) run over one page: break candidates
scored with the memory's looser test, a string learned when it broke sentences in enough different places
(other characters on both sides), and then cut wherever it stands on the page. The bar per place is the
memory's, since two places on one page are the same evidence as two pages: a string that breaks two unrelated
sentences is no word of either.
"""

from __future__ import annotations

from collections.abc import Sequence

from cunzhen.engine.spam.lexicon import _matches
from cunzhen.engine.spam.memory import SpamMemory
from cunzhen.engine.spam.types import SpamSpan
from cunzhen.engine.wordfind import WordFinder


class RecurDetector:
    """SpamDetector's page-recurrence scan (needs the break scan and ``config``)."""

    def recurring_spans(
        self, text: str, known: list[SpamSpan], template_lines: Sequence[tuple[int, int]] = ()
    ) -> list[SpamSpan]:
        """Every occurrence of a string that broke its sentence in enough places of ``text``, overlapping no
        ``known`` span."""
        memory = SpamMemory.for_detector(self)
        memory.add_candidates(self, text, known, template_lines)
        strings = memory.learned()
        if not strings:
            return []
        found = []
        for start, end, _ in _matches(WordFinder.of_words(strings), text):
            if not any(k.start < end and start < k.end for k in known):
                found.append(SpamSpan(start, end, "unknown", "lm_recur", 0.0))
        return found

"""Repeated captions: one sentence a farm pastes again and again into an article it has nothing to do with
(a caption six times through a report on another subject).

The model: a sentence (``min_chars``..``max_chars`` characters, up to its end mark or line end) that occurs
``min_repeats`` times or more on the page, and whose character pairs the rest of the page hardly uses (less
than ``max_shared`` of them outside its own occurrences), the repeated sentences together being at most
``max_page_share`` of the page's Han characters. A caption repeated under each photo of its own
article (2月18日,武继民为顾客修鞋。 in a report on 武继民) shares the article's words and stays (the duplicate-line
step keeps its first occurrence); an injected one shares none, and every occurrence goes.

Site evidence: with ``cunzhen clean --site-pass``, ``SiteSentences`` counts sentences over each site's pages in
the first pass, and a sentence on several pages of the site is judged on every page that has it, even once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from cunzhen.engine.pollution.base import Cut, Page

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_HAN_PAIR = re.compile(r"(?=([\u3400-\u9fff]{2}))")
_HAN = re.compile(r"[\u3400-\u9fff]")


def caption_cuts(
    page: Page,
    known: Sequence[str] = (),
    min_repeats: int = 3,
    min_chars: int = 6,
    max_chars: int = 80,
    max_shared: float = 0.3,
    max_page_share: float = 0.3,
) -> list[Cut]:
    """``known``: sentences a first pass found recurring over the pages of this page's site (SiteSentences):
    judged as the page's own repeated sentences are, however often they occur on this page."""
    text = page.simple
    spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]
    counts = Counter(text[a:b].strip() for a, b in spans)
    repeated = {s for s, n in counts.items() if n >= min_repeats and min_chars <= len(s) <= max_chars}
    repeated |= {s for s in known if s in counts}
    if not repeated:
        return []
    # Captions are pasted into an article: together they are a small part of the page (a page that is all
    # repeats, a list or a test fixture, has no article to judge them against).
    han = len(_HAN.findall(text))
    if sum(len(_HAN.findall(s)) * counts[s] for s in repeated) > max_page_share * han:
        return []
    cuts = []
    for sentence in repeated:
        rest = text.replace(sentence, "\x00")
        pairs = set(_HAN_PAIR.findall(sentence))
        if not pairs or sum(pair in rest for pair in pairs) >= max_shared * len(pairs):
            continue  # the article's own caption (or no Han to judge by)
        for a, b in spans:
            if text[a:b].strip() == sentence:
                start = a + (len(text[a:b]) - len(text[a:b].lstrip()))
                cuts.append(Cut(start, start + len(sentence), "caption", "repeated_caption"))
    return sorted(cuts, key=lambda c: c.start)


class SiteSentences:
    """Sentences counted per site over a batch (the first pass of ``cunzhen clean --site-pass``): a caption a
    farm pastes into many of its pages recurs there, once or twice a page, where no single page shows it
    ``min_repeats`` times. A sentence on ``min_pages`` pages of one site is learned; the second pass cuts it
    from each page whose article it shares no words with (``caption_cuts(known=...)``). Counts are plain sums:
    memories of shards merge by addition. Bounded (about 40 MB): past ``max_strings`` sentences, those seen once
    are forgotten (a caption pasted over a farm comes back soon enough to be counted again).
    """

    def __init__(self, min_pages: int = 3, min_chars: int = 6, max_chars: int = 80, max_strings: int = 200_000):
        self.min_pages = min_pages
        self.min_chars = min_chars
        self.max_chars = max_chars
        self.max_strings = max_strings
        self.counts: Counter[tuple[str, str]] = Counter()

    def add_page(self, site: str, text: str) -> None:
        sentences = {m.group(0).strip() for m in _SENTENCE.finditer(text)}
        self.counts.update((site, s) for s in sentences if self.min_chars <= len(s) <= self.max_chars)
        if len(self.counts) > self.max_strings:
            self.counts = Counter({key: n for key, n in self.counts.items() if n > 1})

    def merge(self, other: SiteSentences) -> None:
        self.counts.update(other.counts)

    def learned(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for (site, sentence), n in self.counts.items():
            if n >= self.min_pages:
                found.setdefault(site, []).append(sentence)
        return {site: sorted(s) for site, s in sorted(found.items())}

"""A cheap screen of one site's pages for a spinner, before any mining: recurring forms clean Chinese never writes.

An engine rewrites the same common words on every page of its farm, and its renderings of them hold character
pairs that clean Chinese does not write (东说念主 holds 东说, 说念, 念主; 年夜 holds 年夜). A clean site's pairs of
that kind are its names and rare words: each on a page or two, not on most pages. So a site's score is the
occurrences, per 100 CJK characters of its pages, of the character pairs the shipped reference never saw
(``reference.py``) that stand on at least ``min_docs`` of its pages: one numpy pass per page, no model.

On the tune crawl (news-1990s, four random engines of seeds 1-4 as sites of 20 pages among 7,840 clean pages of
97 hosts; ``bench/bench_users.py --tune``) the four farms scored 0.47-1.23 and ranked 1-4 of 101 hosts, the
highest clean host 0.16. A per-page statistic (the share of a page's pairs the reference never saw) ranked
pages no better than 0.72 AUC and put clean hosts between the farms: a page's rare pairs are its topic's, it
is their recurrence across one site's pages that is an engine's.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from cunzhen.engine.decipher.reference import Reference

# A site scoring at least this is worth mining on its own. On the tune crawl (above) the farms scored 0.47-1.23,
# the clean hosts at most 0.16 (median 0.04); 0.3 is about the geometric mean of 0.16 and 0.47. Taking every
# host by rank instead, up to the budget, added 58 clean hosts to the 2% slice and more than doubled its
# mining time (24 s → 55 s) for nothing learned from them.
SCREEN_FLOOR = 0.3


class SiteScreen:
    """Scores a site's pages (``score``); built once per reference."""

    def __init__(self, ref: Reference, min_docs: int = 5):
        self.min_docs = min_docs
        pairs = [f for f in ref.forms if len(f) == 2]
        self._known = np.unique(np.array([(ord(f[0]) << 21) | ord(f[1]) for f in pairs], dtype=np.int64))

    def unknown_pairs(self, text: str) -> tuple[np.ndarray, np.ndarray, int]:
        """The page's CJK character pairs the reference never saw (distinct keys, their counts) and its CJK
        characters."""
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        han = (codes >= 0x4E00) & (codes <= 0x9FFF)
        keys = ((codes[:-1] << 21) | codes[1:])[han[:-1] & han[1:]]
        if len(keys) and len(self._known):
            at = np.minimum(np.searchsorted(self._known, keys), len(self._known) - 1)
            keys = keys[self._known[at] != keys]
        unique, counts = np.unique(keys, return_counts=True)
        return unique, counts, int(han.sum())

    def score(self, texts: Iterable[str]) -> float:
        """Occurrences of unknown pairs standing on ≥ ``min_docs`` of the pages, per 100 CJK characters."""
        keys, counts, chars = [], [], 0
        for text in texts:
            k, c, n = self.unknown_pairs(text)
            keys.append(k)
            counts.append(c)
            chars += n
        if not keys or not chars:
            return 0.0
        all_keys, all_counts = np.concatenate(keys), np.concatenate(counts)
        unique, inverse, pages = np.unique(all_keys, return_inverse=True, return_counts=True)
        recurring = pages[inverse] >= self.min_docs
        return 100.0 * float(all_counts[recurring].sum()) / chars

"""A cheap screen of a crawl's sites for a spinner, before any mining: recurring forms clean Chinese never writes.

An engine rewrites the same common words on every page of its farm, and its renderings of them hold character
pairs that clean Chinese does not write (东说念主 holds 东说, 说念, 念主; 年夜 holds 年夜). A clean site's pairs of
that kind are its names and rare words: each on a page or two, not on most pages; or a genre's words the
reference lacks, on every site of the genre. So a site's score is the occurrences, per 100 CJK characters of
its pages, of the character pairs the shipped reference never saw (``reference.py``) that stand on at least
``min_docs`` of its pages and mostly on its own (``site_share`` of the pages holding them, as the decipherer's
seed forms): one numpy pass per page, no model.

On the tune crawl (news-1990s, four random engines of seeds 1-4 as sites of 20 pages among 3,360 clean pages
of 97 hosts: ``bench/bench_users.py --tune``, slice 2%) the four farms scored 0.30-0.97 and ranked 1-4 of 101
hosts, every clean host 0. Without the share, clean hosts scored up to 0.16; a per-page statistic (the share
of a page's pairs the reference never saw) ranked pages at 0.72 AUC and put clean hosts between the farms: a
page's rare pairs are its topic's, it is their recurrence across one site's pages that is an engine's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from cunzhen.engine.decipher.reference import Reference

# A site scoring at least this is worth mining on its own: one recurring pair of its own per 1,000 characters, a
# third of the lowest farm's score on the tune crawl (above), where every clean host scored 0. Taking every host
# by rank instead, up to the budget, added 58 clean hosts to the 2% slice and more than doubled its mining time
# (24 s → 55 s) for nothing learned from them.
SCREEN_FLOOR = 0.1


class SiteScreen:
    """Scores a crawl's sites (``scores``); built once per reference."""

    def __init__(self, ref: Reference, min_docs: int = 5, site_share: float = 0.6):
        self.min_docs = min_docs
        self.site_share = site_share
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

    def scores(self, sites: Mapping[str, Iterable[str]]) -> dict[str, float]:
        """Per site (its pages' texts): occurrences of unknown pairs standing on ≥ ``min_docs`` of its pages and
        with ≥ ``site_share`` of the pages holding them on this site, per 100 CJK characters. The share is the
        decipherer's (``DecipherConfig.site_share``): an engine's forms are its farm's, a genre's words the
        reference lacks (a medical text's 系膜) are on every site of the genre."""
        hosts = list(sites)
        keys, counts, owner, chars = [], [], [], np.zeros(len(hosts))
        for h, host in enumerate(hosts):
            for text in sites[host]:
                k, c, n = self.unknown_pairs(text)
                keys.append(k)
                counts.append(c)
                owner.append(np.full(len(k), h, dtype=np.int64))
                chars[h] += n
        if not keys:
            return dict.fromkeys(hosts, 0.0)
        all_keys, all_counts, all_owner = np.concatenate(keys), np.concatenate(counts), np.concatenate(owner)
        unique, inverse = np.unique(all_keys, return_inverse=True)
        pages_in_all = np.bincount(inverse, minlength=len(unique))
        pair = inverse * len(hosts) + all_owner
        site_pairs, site_inverse, pages_on_site = np.unique(pair, return_inverse=True, return_counts=True)
        here = pages_on_site[site_inverse]
        counted = (here >= self.min_docs) & (here >= self.site_share * pages_in_all[inverse])
        occurrences = np.bincount(all_owner[counted], weights=all_counts[counted], minlength=len(hosts))
        return {host: 100.0 * float(occurrences[h]) / chars[h] if chars[h] else 0.0 for h, host in enumerate(hosts)}

"""What ``--learn`` mines from a crawl: a sample bounded per site, not per crawl, chosen by a cheap site screen.

An even sample of a whole crawl (every k-th record) thins a 20-page farm site among thousands of clean pages
to a handful of pages, too few to read its engine from. So one streaming pass keeps, besides that even sample
(the crawl's clean reference, and the only sample of records without a URL), a bounded sample of every host's
own pages; at the end each host's sample is screened (``engine/decipher/screen.py``: recurring character pairs
the reference never saw) and the samples of the hosts that pass, best first, take the learn budget before the
even sample, so a farm site is mined with all of its pages (up to the per-site bound) whatever the crawl's size.
The decipherer then decides which of them are farms and mines each on its own (``Decipherer.mine(..., sites=urls)``).

Every sample here is deterministic: every k-th item, k a power of two that doubles (dropping every other kept
item) whenever the sample outgrows its bound, so the items kept spread over the whole stream and are the same
on every run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from cunzhen.engine.decipher.decode import site_host  # the decipherer's own grouping of pages by host

# A host keeps at most this many MB (UTF-8) of its pages: about 160 pages of 1,000 characters, more than the
# 80-100 a farm site alone is measured with (bench_users: an 80-page site repairs 0.37-0.44 of the tune
# engines' damage, the same engines' 20-page sites 0.16-0.33 in a crawl slice), and a mining cost per site of
# about a second.
PER_SITE_MB = 0.5
# All hosts' samples together are held within this many MB of UTF-8 (the memory bound of the pass: about 170 MB
# of Python strings, two bytes a CJK character, and up to about 0.5 GB of numpy keys while the screen reads
# them); past it, every host's bound halves. A crawl of up to 512 hosts at the per-site bound, or of any number
# of hosts whose pages fit together, keeps every site's sample whole.
HOLD_MB = 256.0
# Where records carry URLs, the screened sites' own pages come first in the learn sample and the even sample (the
# crawl's clean reference, and its only sample of farms the screen passes over) takes the rest, at least this
# share: 1 MB of the default 4, 330k CJK characters, more than the decipherer's prior weighs
# (DecipherConfig.prior_chars, 200k). On the tune crawl's 2% slice (bench_users --tune) an even sample of 1, 2
# and 4 MB beside the farms' pages repaired the same (0.19-0.32, 0.18-0.33, 0.17-0.32 of the engines' damage).
REFERENCE_SHARE = 0.25


@dataclass
class Thinned:
    """Every ``stride``-th item offered, within ``limit`` bytes: the stride doubles while the kept items
    outgrow the limit. An item larger than the limit on its own is skipped."""

    limit: int
    stride: int = 1
    offered: int = 0
    size: int = 0
    kept: list[tuple[int, object, int]] = field(default_factory=list)  # (offer index, item, size)

    def offer(self, item: object, size: int) -> None:
        index = self.offered
        self.offered += 1
        if index % self.stride or size > self.limit:
            return
        self.kept.append((index, item, size))
        self.size += size
        self.shrink(self.limit)

    def shrink(self, limit: int) -> None:
        """Double the stride until the kept items fit ``limit`` (the new limit from now on); an item larger than
        a lowered limit on its own goes first (the first item stays at any stride)."""
        self.limit = limit
        if any(k[2] > limit for k in self.kept):
            self.kept = [k for k in self.kept if k[2] <= limit]
            self.size = sum(k[2] for k in self.kept)
        while self.size > limit:
            self.stride *= 2
            self.kept = [k for k in self.kept if k[0] % self.stride == 0]
            self.size = sum(k[2] for k in self.kept)

    def items(self) -> list:
        return [item for _, item, _ in self.kept]


@dataclass(frozen=True)
class Record:
    index: int  # position in the input
    text: str
    url: str


@dataclass
class SiteSample:
    """The pass's result: the even sample, each host's sample and page count."""

    even: list[Record]
    sites: dict[str, list[Record]]
    pages: dict[str, int]

    def batch(
        self, total_mb: float, reference_mb: float, screen, min_pages: int, floor: float
    ) -> tuple[list[Record], list[str]]:
        """At most ``total_mb`` MB of records to mine (input order), and the hosts whose own samples are in it.

        Hosts with at least ``min_pages`` sampled pages scoring at least ``floor`` by ``screen`` (a map of each
        host to its pages' texts → each host's score) come first: ranked (highest first, then by name) and taken
        while their samples fit ``total_mb - reference_mb``, a sample too large for what is left passed over for
        the next ones. The rest of the budget, ``reference_mb`` at least, is the even sample, thinned the same
        way (every other record kept while it is larger)."""
        scores = screen({host: [r.text for r in records] for host, records in self.sites.items()})
        scored = [
            (-scores[host], host)
            for host, records in self.sites.items()
            if len(records) >= min_pages and scores[host] >= floor
        ]
        budget, chosen = int((total_mb - reference_mb) * 1e6), []
        for _, host in sorted(scored):
            size = sum(len(r.text.encode("utf-8")) for r in self.sites[host])
            if size <= budget:
                chosen.append(host)
                budget -= size
        even = Thinned(int(reference_mb * 1e6) + budget)
        for record in self.even:
            even.offer(record, len(record.text.encode("utf-8")))
        records = {r.index: r for r in even.items()}
        for host in chosen:
            records.update((r.index, r) for r in self.sites[host])
        return [records[i] for i in sorted(records)], chosen


def sample_sites(
    records: Iterable[tuple[str, str]], even_mb: float, per_site_mb: float = PER_SITE_MB, hold_mb: float = HOLD_MB
) -> SiteSample:
    """One pass over (text, url) records: an even sample of at most ``even_mb`` MB over all of them, and per
    host (of the url; records without one have none) a sample of at most ``per_site_mb`` MB, all hosts'
    together within ``hold_mb`` (every host's bound halves when they outgrow it)."""
    even = Thinned(int(even_mb * 1e6))
    sites: dict[str, Thinned] = {}
    pages: dict[str, int] = {}
    per_site, hold, held = int(per_site_mb * 1e6), int(hold_mb * 1e6), 0
    for index, (text, url) in enumerate(records):
        size = len(text.encode("utf-8"))
        record = Record(index, text, url)
        even.offer(record, size)
        if not url:
            continue
        host = site_host(url)
        pages[host] = pages.get(host, 0) + 1
        sample = sites.setdefault(host, Thinned(per_site))
        before = sample.size
        sample.offer(record, size)
        held += sample.size - before
        while held > hold and per_site > 0:
            per_site //= 2
            for other in sites.values():
                other.shrink(per_site)
            held = sum(s.size for s in sites.values())
    return SiteSample(even.items(), {h: s.items() for h, s in sites.items()}, pages)

"""Run-level aggregates for the report, built in one streaming pass over output records.

Memory stays bounded whatever the run's size: counters, fixed histogram bins, per-site counts and a fixed-size
sample of documents (the ones with the lowest hash among edited/removed/dropped documents, so the sample is the
same on every run over the same records and does not favour the start of the file).
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from cunzhen.report.records import edits_of, host_of, is_spam_kind, meta_of, reasons_of, removed_of, verdict_of
from cunzhen.steps.stats import RunStats

SCORE_BINS = 20
NO_SITE = "(no site)"


@dataclass
class SiteCounts:
    docs: int = 0
    spun: int = 0
    spam: int = 0
    template: int = 0
    dropped: int = 0
    errors: int = 0
    spun_or_spam: int = 0  # pages that were spun or carried spam, each counted once


@dataclass
class RunAggregate:
    """Everything the report shows, added up record by record (``add``)."""

    sample_size: int = 12
    stats: RunStats = field(default_factory=RunStats)
    verdicts: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    score_bins: dict[str, list[int]] = field(
        default_factory=lambda: {"keep": [0] * SCORE_BINS, "clean": [0] * SCORE_BINS, "drop": [0] * SCORE_BINS}
    )
    restorations: Counter = field(default_factory=Counter)  # (before, after) -> edits
    removed: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # kind -> text -> spans
    sites: dict[str, SiteCounts] = field(default_factory=lambda: defaultdict(SiteCounts))
    errors: Counter = field(default_factory=Counter)  # error message (first 80 chars) -> records
    sources: list[tuple[str, int]] = field(default_factory=list)  # (file, records)
    _sample: list[tuple[int, int, dict]] = field(default_factory=list)  # max-heap by -priority
    _seen: int = 0

    def add(self, record: dict, source: str = "") -> None:
        self.stats.add(record)
        self._seen += 1
        verdict = verdict_of(record)
        self.verdicts[verdict] += 1
        site = self.sites[host_of(record) or NO_SITE]
        site.docs += 1
        if verdict == "error":
            site.errors += 1
            self.errors[str(record.get("error"))[:80]] += 1
            return
        for reason in reasons_of(record):
            self.reasons[reason] += 1
        meta = meta_of(record)
        self._add_score(verdict, meta.get("spin_score"))
        for edit in edits_of(record):
            self.restorations[(str(edit.get("before")), str(edit.get("after")))] += 1
        spam = template = False
        for span in removed_of(record):
            kind = str(span.get("kind", ""))
            self.removed[kind][str(span.get("text", ""))] += 1
            if is_spam_kind(kind):
                spam = True
            else:
                template = True
        site.spun += bool(meta.get("spun"))
        site.spam += spam
        site.template += template
        site.dropped += verdict == "drop"
        site.spun_or_spam += bool(meta.get("spun")) or spam
        if edits_of(record) or removed_of(record) or verdict == "drop":
            self._offer_sample(record, source)

    def _add_score(self, verdict: str, score: object) -> None:
        if verdict not in self.score_bins or not isinstance(score, int | float):
            return
        index = min(max(int(float(score) * SCORE_BINS), 0), SCORE_BINS - 1)
        self.score_bins[verdict][index] += 1

    def _offer_sample(self, record: dict, source: str) -> None:
        key = f"{source}\x00{self._seen}\x00{record.get('id')}".encode()
        priority = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")
        item = (-priority, self._seen, record)
        if len(self._sample) < self.sample_size:
            heapq.heappush(self._sample, item)
        elif -priority > self._sample[0][0]:
            heapq.heapreplace(self._sample, item)

    def sample(self) -> list[dict]:
        """The sampled documents in the order they appear in the run."""
        return [record for _, _, record in sorted(self._sample, key=lambda item: item[1])]

    def top_sites(self, limit: int) -> list[tuple[str, SiteCounts]]:
        """Sites with the most spun-or-spam pages first, then the largest: farms come to the top."""
        ranked = sorted(self.sites.items(), key=lambda kv: (-kv[1].spun_or_spam, -kv[1].docs, kv[0]))
        return ranked[:limit]

"""The documents of one output file, held in memory with what filtering needs.

Loading parses every record once (orjson) and keeps it; filters then run over plain Python lists: verdict,
reason, site and score are compared per document, text search is a substring test over the output text plus,
for edited documents, the input text (so 东谈主 finds the spun documents even after restoration). On 100k
documents a filter answers in well under a second (bench/bench_review.py measures it).

Each record's edits are sorted by ``start`` on load; "edit k" everywhere in the app means the k-th edit in
that order.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from cunzhen.io.jsonl import ReadError, read_jsonl
from cunzhen.report.records import edits_of, host_of, input_text, meta_of, reasons_of, removed_of, verdict_of

SNIPPET_CHARS = 80


@dataclass(frozen=True)
class DocSummary:
    index: int
    id: str
    host: str
    verdict: str
    reasons: tuple[str, ...]
    spin_score: float | None
    edits: int
    removed: int
    snippet: str


@dataclass(frozen=True)
class DocFilter:
    """What the list page asks for; empty fields match everything."""

    verdict: str = ""
    reason: str = ""
    site: str = ""
    text: str = ""
    min_score: float | None = None
    max_score: float | None = None
    pair: tuple[str, str] | None = None  # documents with an edit spun -> original


class ReviewIndex:
    def __init__(self, path: str):
        self.path = path
        self.records: list[dict] = []
        self.summaries: list[DocSummary] = []
        self._search_text: list[str] = []
        # (spun, original) -> [(doc, edit)] for every edit in the file
        self.pair_edits: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        self.verdict_counts: Counter = Counter()
        self.reason_counts: Counter = Counter()
        self.site_counts: Counter = Counter()
        for item in read_jsonl(path):
            self._add(item.as_record() if isinstance(item, ReadError) else item)

    def __len__(self) -> int:
        return len(self.records)

    def _add(self, record: dict) -> None:
        index = len(self.records)
        meta = meta_of(record)
        edits = edits_of(record)
        if edits:
            edits.sort(key=lambda e: e.get("start", 0) if isinstance(e, dict) else 0)
        for k, edit in enumerate(edits):
            if isinstance(edit, dict):
                self.pair_edits[(str(edit.get("before")), str(edit.get("after")))].append((index, k))
        output = record.get("text") if isinstance(record.get("text"), str) else ""
        summary = DocSummary(
            index=index,
            id=str(record.get("id", "")),
            host=host_of(record),
            verdict=verdict_of(record),
            reasons=tuple(reasons_of(record)),
            spin_score=_float_or_none(meta.get("spin_score")),
            edits=len(edits),
            removed=len(removed_of(record)),
            snippet=(output or str(record.get("error", "")))[:SNIPPET_CHARS],
        )
        self.records.append(record)
        self.summaries.append(summary)
        self._search_text.append(_search_text(record, output))
        self.verdict_counts[summary.verdict] += 1
        self.reason_counts.update(summary.reasons)
        self.site_counts[summary.host] += 1

    def filter(self, query: DocFilter) -> list[int]:
        """Indices of the documents that match every field of ``query``, in file order."""
        if query.pair is not None:
            candidates: list[int] = sorted({doc for doc, _ in self.pair_edits.get(query.pair, ())})
        else:
            candidates = range(len(self.summaries))  # type: ignore[assignment]
        summaries = self.summaries
        search = self._search_text
        low = query.min_score
        high = query.max_score
        matches: list[int] = []
        for i in candidates:
            s = summaries[i]
            if query.verdict and s.verdict != query.verdict:
                continue
            if query.site and s.host != query.site:
                continue
            if query.reason and query.reason not in s.reasons:
                continue
            if low is not None and (s.spin_score is None or s.spin_score < low):
                continue
            if high is not None and (s.spin_score is None or s.spin_score > high):
                continue
            if query.text and query.text not in search[i]:
                continue
            matches.append(i)
        return matches


def _search_text(record: dict, output: str) -> str:
    if not edits_of(record) and not removed_of(record):
        return output
    before = input_text(record)
    return output if before is None or before == output else f"{output}\x00{before}"


def _float_or_none(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

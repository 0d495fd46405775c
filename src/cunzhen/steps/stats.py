"""Counters for a run. Plain sums, so stats from shards and workers merge exactly by addition."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class RunStats:
    counts: Counter = field(default_factory=Counter)

    def add(self, record: dict) -> None:
        """Count one output record by its outcome."""
        c = self.counts
        c["records"] += 1
        if "error" in record:
            c["errors"] += 1
            return
        meta = record.get("cunzhen") or {}
        c["chars_in"] += meta.get("chars_in", len(record.get("text") or ""))
        c["chars_out"] += len(record.get("text") or "")
        if "verdict" in meta:
            c[f"verdict_{meta['verdict']}"] += 1
        if meta.get("spun"):
            c["spun"] += 1
        c["edits"] += len(meta.get("edits") or ())
        c["removed"] += len(meta.get("removed") or ())

    def merge(self, other: RunStats) -> RunStats:
        return RunStats(self.counts + other.counts)

    def as_dict(self) -> dict[str, int]:
        return dict(sorted(self.counts.items()))

    def summary(self) -> str:
        c = self.counts
        parts = [f"{c['records']} records"]
        verdicts = sorted(k for k in c if k.startswith("verdict_"))
        if verdicts:
            parts.append(", ".join(f"{c[k]} {k.removeprefix('verdict_')}" for k in verdicts))
        parts.append(f"{c['spun']} spun")
        parts.append(f"{c['edits']} edits")
        if c["removed"]:
            parts.append(f"{c['removed']} spans removed")
        parts.append(f"{c['errors']} errors")
        return "; ".join(parts)

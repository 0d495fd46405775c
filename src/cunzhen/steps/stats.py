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
        text = record.get("text") or ""
        edits = meta.get("edits") or ()
        # `clean` records carry the extracted length; a `restore` input is the output with its edits undone.
        restored_delta = sum(len(e["after"]) - len(e["before"]) for e in edits)
        c["chars_in"] += meta.get("chars_in", len(text) - restored_delta)
        c["chars_out"] += len(text)
        if "verdict" in meta:
            c[f"verdict_{meta['verdict']}"] += 1
        if meta.get("spun"):
            c["spun"] += 1
        c["edits"] += len(edits)
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

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
        meta = record.get("cunzhen")
        meta = meta if isinstance(meta, dict) else {}
        self._add_lost(record.get("lost") if "error" in record else meta.get("lost"))
        if "error" in record:
            c["errors"] += 1
            return
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
        removed = meta.get("removed") or ()
        c["removed"] += len(removed)
        # One counter per kind of cut and repair (removed_pinyin, repaired_script, ...): what each detector did.
        for span in removed:
            c[f"removed_{span.get('kind', 'unknown')}"] += 1
        for repair in meta.get("repairs") or ():
            c[f"repaired_{repair.get('kind', 'unknown')}"] += 1
        # Page flags (garbled, ...): pages judged so without a cut.
        for flag in meta.get("flags") or ():
            c[f"flagged_{flag}"] += 1

    def _add_lost(self, entries) -> None:
        """Records whose text was cut or left out by a limit (io/limits.py), by reason, with what was lost."""
        if not isinstance(entries, list) or not entries:
            return
        c = self.counts
        c["lost_records"] += 1
        for entry in entries:
            if isinstance(entry, dict):
                c[f"lost_{entry.get('reason')}"] += 1
                c["lost_chars"] += int(entry.get("chars") or 0)
                c["lost_bytes"] += int(entry.get("bytes") or 0)

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
            kinds = sorted(k for k in c if k.startswith("removed_") and c[k])
            detail = ", ".join(f"{c[k]} {k.removeprefix('removed_')}" for k in kinds)
            parts.append(f"{c['removed']} spans removed ({detail})" if detail else f"{c['removed']} spans removed")
        repaired = sorted(k for k in c if k.startswith("repaired_") and c[k])
        if repaired:
            parts.append("repaired " + ", ".join(f"{c[k]} {k.removeprefix('repaired_')}" for k in repaired))
        flagged = sorted(k for k in c if k.startswith("flagged_") and c[k])
        if flagged:
            parts.append("flagged " + ", ".join(f"{c[k]} {k.removeprefix('flagged_')}" for k in flagged))
        parts.append(f"{c['errors']} errors")
        if c["lost_records"]:
            reasons = sorted(k for k in c if k.startswith("lost_") and k not in _LOST_TOTALS)
            detail = ", ".join(f"{c[k]} {k.removeprefix('lost_')}" for k in reasons)
            amounts = [f"{c['lost_chars']} chars cut"] if c["lost_chars"] else []
            amounts += [f"{c['lost_bytes']} undecoded bytes left out"] if c["lost_bytes"] else []
            parts.append(f"{c['lost_records']} records hit a limit ({'; '.join([detail, *amounts])})")
        return "; ".join(parts)


_LOST_TOTALS = ("lost_records", "lost_chars", "lost_bytes")

"""Spin tables: which forms a spinner writes and what they stood for.

The file format (TSV, UTF-8, documented in the header of ``data/spin_table.tsv``) is
shared by the built-in table, tables written by ``cunzhen mine`` and tables passed with ``--table``, so they
can be merged, reviewed and shipped the same way. Columns: spun, original ('|'-separated), count, docs, confidence,
source, examples, lift, survival. Only the first two are required when reading; tables written before the
last two existed read as entries without batch evidence.

``lift`` and ``survival`` are a mined entry's batch evidence (empty when unknown: built-in and reviewed
entries, tables mined from a batch with no clean group): how many times more frequent the spun form is in the
batch's spun documents than in its clean ones, and per original ('|'-separated, in the order of the
originals) its rate in the spun documents over its rate in the clean ones. The restorer reads both as
likelihood ratios per occurrence when judging a document.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from cunzhen.engine.tsv import tsv_rows

COLUMNS = ("spun", "original", "count", "docs", "confidence", "source", "examples", "lift", "survival")
EXAMPLE_SEPARATOR = " || "


class TableError(ValueError):
    """A table file that breaks the format; the message names the file and line."""


@dataclass
class SpinEntry:
    """One spun form and the original form(s) a spinner replaced with it."""

    spun: str
    originals: list[str]
    count: int = 0
    docs: int = 0
    confidence: float = 1.0
    source: str = ""
    examples: list[str] = field(default_factory=list)
    lift: float | None = None  # spun form: rate in the batch's spun documents / rate in its clean ones
    survival: dict[str, float] = field(default_factory=dict)  # original -> the same ratio (< 1: the spinner's gap)

    def copy(self, originals: list[str] | None = None) -> SpinEntry:
        """A copy sharing no list or dict with this entry; with ``originals``, kept to those (and their
        survival ratios)."""
        originals = list(self.originals if originals is None else originals)
        survival = {o: r for o, r in self.survival.items() if o in originals}
        return replace(self, originals=originals, examples=list(self.examples), survival=survival)

    def to_row(self) -> str:
        cells = [
            self.spun,
            "|".join(self.originals),
            str(self.count),
            str(self.docs),
            f"{self.confidence:.3f}",
            self.source,
            EXAMPLE_SEPARATOR.join(e.replace("\t", " ").replace("\n", " ") for e in self.examples[:3]),
            "" if self.lift is None else f"{self.lift:.2f}",
            "|".join(f"{self.survival[o]:.3g}" if o in self.survival else "" for o in self.originals)
            if self.survival
            else "",
        ]
        return "\t".join(cells)


@dataclass
class SpinTable:
    """Entries keyed by spun form. ``merge`` unions originals, so several tables can be used at once."""

    entries: dict[str, SpinEntry] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries.values())

    def __contains__(self, spun: str) -> bool:
        return spun in self.entries

    def get(self, spun: str) -> SpinEntry | None:
        return self.entries.get(spun)

    def add(self, entry: SpinEntry) -> None:
        known = self.entries.get(entry.spun)
        if known is None:
            self.entries[entry.spun] = entry
            return
        for original in entry.originals:
            if original not in known.originals:
                known.originals.append(original)
        known.count += entry.count
        known.docs += entry.docs
        known.confidence = max(known.confidence, entry.confidence)
        # Each table is an engine of its own to the restorer: the merged entry belongs to every source.
        sources = [s for s in known.source.split("|") if s]
        for source in entry.source.split("|"):
            if source and source not in sources:
                sources.append(source)
        known.source = "|".join(sources)
        # Batch evidence is kept from the first table that has it (a merge of a built-in and a learned table
        # takes the learned one's; two learned tables are not expected to be merged for one batch).
        if known.lift is None:
            known.lift = entry.lift
        for original, ratio in entry.survival.items():
            known.survival.setdefault(original, ratio)

    def merge(self, other: SpinTable) -> SpinTable:
        merged = SpinTable()
        for table in (self, other):
            for e in table:
                merged.add(e.copy())
        return merged

    def without(self, pairs: set[tuple[str, str]]) -> SpinTable:
        """A copy without the given (spun, original) pairs, e.g. those a reviewer rejected."""
        kept = SpinTable()
        for e in self:
            originals = [o for o in e.originals if (e.spun, o) not in pairs]
            if originals:
                kept.add(e.copy(originals))
        return kept

    def pairs(self) -> list[tuple[str, str]]:
        return [(e.spun, o) for e in self for o in e.originals]

    def save(self, path: str | os.PathLike[str], header: str = "") -> None:
        lines = [f"# {line}" if line else "#" for line in header.splitlines()]
        lines.append("\t".join(COLUMNS))
        lines.extend(e.to_row() for e in sorted(self, key=lambda e: (-e.count, e.spun)))
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_table(path: str | os.PathLike[str]) -> SpinTable:
    """Read a table file; raises TableError naming the line for anything malformed."""
    table = SpinTable()
    for where, cells in tsv_rows(path, COLUMNS[0]):
        table.add(_parse_row(cells, where))
    return table


def _parse_row(cells: list[str], where: str) -> SpinEntry:
    if len(cells) < 2:
        raise TableError(f"{where}: need at least 'spun<TAB>original', got {cells!r}")
    spun = cells[0].strip()
    originals = [o.strip() for o in cells[1].split("|") if o.strip()]
    if not spun or not originals:
        raise TableError(f"{where}: empty spun form or original")
    if spun in originals:
        raise TableError(f"{where}: identity pair {spun!r} -> {spun!r}")
    try:
        count = int(cells[2]) if len(cells) > 2 and cells[2] else 0
        docs = int(cells[3]) if len(cells) > 3 and cells[3] else 0
        confidence = float(cells[4]) if len(cells) > 4 and cells[4] else 1.0
    except ValueError as exc:
        raise TableError(f"{where}: {exc}") from None
    source = cells[5] if len(cells) > 5 else ""
    examples = cells[6].split(EXAMPLE_SEPARATOR) if len(cells) > 6 and cells[6] else []
    lift, survival = _parse_evidence(cells, originals, where)
    return SpinEntry(spun, originals, count, docs, confidence, source, examples, lift, survival)


def _parse_evidence(cells: list[str], originals: list[str], where: str) -> tuple[float | None, dict[str, float]]:
    """The optional lift and survival cells; empty or missing cells mean no batch evidence."""
    ratios = cells[8].split("|") if len(cells) > 8 and cells[8].strip() else []
    if ratios and len(ratios) != len(originals):
        raise TableError(f"{where}: {len(ratios)} survival ratios for {len(originals)} originals")
    try:
        lift = float(cells[7]) if len(cells) > 7 and cells[7].strip() else None
        survival = {o: float(r) for o, r in zip(originals, ratios, strict=False) if r.strip()}
    except ValueError as exc:
        raise TableError(f"{where}: {exc}") from None
    if (lift is not None and lift <= 0) or any(r <= 0 for r in survival.values()):
        raise TableError(f"{where}: lift and survival ratios must be positive")
    return lift, survival

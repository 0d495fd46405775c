"""Stage 4, table: learned pairs as reviewable entries, chains composed, redundant entries dropped.

An entry learned in a later round was read in text already rewritten by earlier entries: 东道主→人 read where
the batch has 东说念主 and 说念→道 had been undone. The restorer applies its table in one pass, longest form
first, so such an entry is also stated against the batch as it is (``compose``: 东说念主→人). An entry whose
form holds a learned shorter form that already yields its original (知说念→知道 beside 说念→道) adds
nothing and is dropped: the character-level swap covers every word it occurs in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cunzhen.engine.table import SpinEntry, SpinTable


@dataclass
class Learned:
    spun: str  # as read in the round's (rewritten) text
    original: str
    count: int
    docs: int
    confidence: float
    llr: float
    round: int
    lead: float = 0.0
    lift: float | None = None
    survival: float | None = None
    examples: list[str] = field(default_factory=list)


def compose(learned: list[Learned]) -> list[Learned]:
    """Add, for each entry of a later round, its form as the batch wrote it before earlier entries' undoing."""
    out = list(learned)
    seen = {e.spun for e in learned}
    for entry in learned:
        if entry.round == 1:
            continue
        for earlier in learned:
            if earlier.round >= entry.round or not earlier.original or earlier.original not in entry.spun:
                continue
            before = entry.spun.replace(earlier.original, earlier.spun)
            if before not in seen:
                seen.add(before)
                out.append(Learned(**{**entry.__dict__, "spun": before}))
    return out


def _explained(entry: Learned, by: list[Learned]) -> bool:
    for short in by:
        if short is entry or len(short.spun) >= len(entry.spun):
            continue
        start = entry.spun.find(short.spun)
        while start >= 0:
            if entry.spun[:start] + short.original + entry.spun[start + len(short.spun) :] == entry.original:
                return True
            start = entry.spun.find(short.spun, start + 1)
    return False


def to_table(learned: list[Learned], source: str, evidence: bool = True) -> SpinTable:
    entries = compose(learned)
    table = SpinTable()
    for entry in sorted(entries, key=lambda e: (-e.count, e.spun)):
        if _explained(entry, entries):
            continue
        table.add(
            SpinEntry(
                entry.spun,
                [entry.original],
                entry.count,
                entry.docs,
                round(entry.confidence, 3),
                source,
                entry.examples[:3],
                entry.lift if evidence else None,
                {entry.original: entry.survival} if evidence and entry.survival is not None else {},
            )
        )
    return table

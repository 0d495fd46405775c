"""Stage 4, table: learned pairs as reviewable entries, chains composed, redundant entries dropped.

An entry learned in a later round was read in text already rewritten by earlier entries: 东道主→人 read where
the batch has 东说念主 and 说念→道 had been undone. The restorer applies its table in one pass, longest form
first, so such an entry is also stated against the batch as it is (``compose``: 东说念主→人). An entry whose
form holds a learned shorter form that already yields its original (知说念→知道 beside 说念→道) adds
nothing and is dropped: the character-level swap covers every word it occurs in.
"""

from __future__ import annotations

from collections.abc import Callable
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


def compose(learned: list[Learned], present: Callable[[str], int] | None = None) -> list[Learned]:
    """Add, for each entry whose form holds another entry's original, its form as the batch writes it with
    that original spun too (东道主→人 beside 说念→道 gives 东说念主→人): the restorer reads its table in one
    pass. With ``present`` (a form's count in the batch as written), only forms the batch holds; else only
    for entries of later rounds (read in rewritten text, so their forms are known to stand for that)."""
    out = list(learned)
    seen = {e.spun for e in learned}
    frontier = list(learned)
    for _ in range(2):  # a chain of two rewrites at most (人→东道主→东说念主)
        added = []
        for entry in frontier:
            for other in learned:
                if other is entry or not other.original or other.original not in entry.spun:
                    continue
                if present is None and other.round >= entry.round:
                    continue
                before = entry.spun.replace(other.original, other.spun)
                if before in seen or (present is not None and present(before) < 1):
                    continue
                seen.add(before)
                count = present(before) if present is not None else entry.count
                added.append(Learned(**{**entry.__dict__, "spun": before, "count": count}))
        out += added
        frontier = added
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


def to_table(
    learned: list[Learned], source: str, evidence: bool = True, present: Callable[[str], int] | None = None
) -> SpinTable:
    # A form that the batch as written does not hold was made by an earlier round's rewriting (世界午 where
    # 天下→世界 was undone inside 今天下午): its entry is only kept through its pre-image, and never as
    # a form that stands for itself.
    entries = [
        e for e in compose(learned, present) if e.spun != e.original and (present is None or present(e.spun) >= 1)
    ]
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

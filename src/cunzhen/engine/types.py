"""Results the engine returns. Plain dataclasses: they serialise with ``as_dict`` into the output records."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Edit:
    """One restored span: ``text[start:end] == before`` in the engine's input, replaced by ``after``.

    ``score`` is how far the language models' gain for the change cleared the margin it needed (log10 units,
    always positive, higher is surer); ``reason`` names the rule that proposed it (e.g. ``table:builtin``).
    """

    start: int
    end: int
    before: str
    after: str
    score: float
    reason: str

    def as_dict(self) -> dict:
        # Written out rather than dataclasses.asdict, whose deep copy was most of an output record's cost on a
        # spun page (hundreds of edits); the same keys in the same order.
        return {
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
            "score": round(self.score, 3),
            "reason": self.reason,
        }


@dataclass
class RestoreResult:
    """What ``restore`` did to one text. ``text`` equals the input when ``spun`` is false."""

    text: str
    spun: bool
    spin_score: float
    edits: list[Edit] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "spun": self.spun,
            "spin_score": round(self.spin_score, 4),
            "edits": [e.as_dict() for e in self.edits],
        }


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` (offsets into ``text``) applied."""
    parts: list[str] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: e.start):
        parts.append(text[cursor : edit.start])
        parts.append(edit.after)
        cursor = edit.end
    parts.append(text[cursor:])
    return "".join(parts)


def undo_edits(restored: str, edits: list[dict] | list[Edit]) -> str:
    """The engine's input, rebuilt from its output and the edit list (offsets are into the input)."""
    parts: list[str] = []
    cursor = 0  # position in restored
    shift = 0  # restored offset minus input offset so far
    for edit in sorted((e if isinstance(e, dict) else e.as_dict() for e in edits), key=lambda e: e["start"]):
        out_start = edit["start"] + shift
        parts.append(restored[cursor:out_start])
        parts.append(edit["before"])
        cursor = out_start + len(edit["after"])
        shift += len(edit["after"]) - len(edit["before"])
    parts.append(restored[cursor:])
    return "".join(parts)


def line_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of ``text``, newlines excluded."""
    ranges, cursor = [], 0
    for line in text.split("\n"):
        ranges.append((cursor, cursor + len(line)))
        cursor += len(line) + 1
    return ranges

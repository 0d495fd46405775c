"""One output record of `cunzhen restore` or `cunzhen clean`, seen by a person.

Output records carry the text *after* cunzhen and enough to rebuild the text before it:

- ``cunzhen.edits`` (``{start, end, before, after, score, reason}``) have offsets into the engine's input, so
  ``undo_edits(text, edits)`` gives that input back;
- ``cunzhen.removed`` (``{start, end, kind, text}``, records of `cunzhen clean`) have offsets into the text
  extracted from the page, before removal; putting each span's ``text`` back at ``start`` into the engine's
  input gives the extracted text.

``panes`` turns a record into two lists of ``Segment`` (input and output) in which every edit and removed span
is its own segment, so templates can highlight them with plain autoescaped text and never build HTML from
document content. Records whose offsets do not add up (edited by hand, or a format this module does not know)
come back with ``consistent=False`` and the output text alone, rather than with wrong highlights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from cunzhen.engine.types import undo_edits

# Removed-span kinds that are not spam (site furniture, repeated lines); every other kind counts as spam.
NOT_SPAM_KINDS = ("template", "boilerplate", "duplicate")

# A bare host at the start of an id such as "example.com/a/1.html" (ids of clean runs over WARC are URLs).
_HOST_PREFIX = re.compile(r"^(?:www\.)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63})(?=[/:?#]|$)", re.I)


@dataclass(frozen=True)
class Segment:
    """A run of text in one pane. ``kind`` is "" (unchanged), "edit" or "removed".

    ``edit`` is the index into the record's edits for "edit" segments and into its removed spans for
    "removed" ones; ``label`` is the hover text (reason and score, or the removal kind).
    """

    text: str
    kind: str = ""
    index: int = -1
    label: str = ""


@dataclass
class Panes:
    input: list[Segment] = field(default_factory=list)
    output: list[Segment] = field(default_factory=list)
    consistent: bool = True


def meta_of(record: dict) -> dict:
    meta = record.get("cunzhen")
    return meta if isinstance(meta, dict) else {}


def verdict_of(record: dict) -> str:
    """keep / clean / drop as `cunzhen clean` says; for `cunzhen restore` records, clean if anything was edited.

    Records that failed are "error"; records without a ``cunzhen`` object (not processed) are "unknown".
    """
    if "error" in record:
        return "error"
    meta = meta_of(record)
    if "verdict" in meta:
        return str(meta["verdict"])
    if not meta:
        return "unknown"
    return "clean" if meta.get("edits") else "keep"


def reasons_of(record: dict) -> list[str]:
    """The record's reasons; restore records have none of their own, so a spun one gets "spun"."""
    meta = meta_of(record)
    reasons = meta.get("reasons")
    found = [str(r) for r in reasons] if isinstance(reasons, list) else []
    if meta.get("spun") and "spun" not in found and "verdict" not in meta:
        found.append("spun")
    return found


def host_of(record: dict) -> str:
    """The site a record came from: host of its ``url``, else of its ``id`` if that is a URL or starts with a host."""
    for value in (record.get("url"), record.get("id")):
        if not isinstance(value, str) or not value:
            continue
        if "://" in value:
            try:
                host = urlsplit(value).hostname or ""
            except ValueError:
                host = ""
            if host:
                return host.removeprefix("www.")
            continue
        match = _HOST_PREFIX.match(value)
        if match:
            return match.group(1).lower()
    return ""


def is_spam_kind(kind: str) -> bool:
    return not kind.startswith(NOT_SPAM_KINDS)


def edits_of(record: dict) -> list[dict]:
    edits = meta_of(record).get("edits")
    return edits if isinstance(edits, list) else []


def removed_of(record: dict) -> list[dict]:
    removed = meta_of(record).get("removed")
    return removed if isinstance(removed, list) else []


def edit_label(edit: dict) -> str:
    return f"{edit.get('before')} → {edit.get('after')} · {edit.get('reason', '')} · score {edit.get('score', '')}"


def input_text(record: dict) -> str | None:
    """The text before cunzhen (the extracted text for clean records), or None if the offsets do not add up.

    The same text as the input pane of ``build_panes``, without building segments (the review index calls this
    for every edited document of a file).
    """
    output = record.get("text")
    edits, removed = edits_of(record), removed_of(record)
    if not isinstance(output, str):
        return None if edits or removed else ""
    try:
        engine_input = undo_edits(output, edits) if edits else output
        if not removed:
            return engine_input if _length_fits(record, len(engine_input)) else None
        removed = sorted(removed, key=lambda r: r["start"])
        if not _removed_fit(removed):
            return None
        parts: list[str] = []
        cursor = 0
        removed_before = 0
        for r in removed:
            point = r["start"] - removed_before
            if point < cursor or point > len(engine_input):
                return None
            parts += (engine_input[cursor:point], r["text"])
            cursor = point
            removed_before += r["end"] - r["start"]
        parts.append(engine_input[cursor:])
        rebuilt = "".join(parts)
    except (KeyError, TypeError, ValueError):
        return None
    return rebuilt if _length_fits(record, len(rebuilt)) else None


def build_panes(record: dict) -> Panes:
    """Input and output of one record as highlighted segments (see the module docstring)."""
    output = record.get("text")
    if not isinstance(output, str):
        return Panes([], [], consistent=not edits_of(record) and not removed_of(record))
    edits = sorted(edits_of(record), key=lambda e: e.get("start", 0))
    removed = sorted(removed_of(record), key=lambda r: r.get("start", 0))
    try:
        engine_input = undo_edits(output, edits) if edits else output
        if not _edits_fit(engine_input, edits) or not _removed_fit(removed):
            raise ValueError("offsets do not match the text")
        out_segments = _output_segments(output, edits)
        in_segments = _input_segments(engine_input, edits, removed)
        if not _length_fits(record, sum(len(s.text) for s in in_segments)):
            raise ValueError("rebuilt input length differs from chars_in")
    except (KeyError, TypeError, ValueError):
        return Panes([Segment(output)], [Segment(output)], consistent=False)
    return Panes(in_segments, out_segments)


def _length_fits(record: dict, length: int) -> bool:
    """`cunzhen clean` records the extracted text's length; a rebuilt input must have it."""
    expected = meta_of(record).get("chars_in")
    return not isinstance(expected, int) or expected == length


def _edits_fit(engine_input: str, edits: list[dict]) -> bool:
    cursor = 0
    for e in edits:
        if e["start"] < cursor or engine_input[e["start"] : e["end"]] != e["before"]:
            return False
        cursor = e["end"]
    return True


def _removed_fit(removed: list[dict]) -> bool:
    cursor = 0
    for r in removed:
        if r["start"] < cursor or r["end"] - r["start"] != len(r["text"]):
            return False
        cursor = r["end"]
    return True


def _output_segments(output: str, edits: list[dict]) -> list[Segment]:
    segments: list[Segment] = []
    cursor = 0
    shift = 0
    for index, e in enumerate(edits):
        start = e["start"] + shift
        if start < cursor or output[start : start + len(e["after"])] != e["after"]:
            raise ValueError("edit does not match the output text")
        _plain(segments, output[cursor:start])
        segments.append(Segment(e["after"], "edit", index, edit_label(e)))
        cursor = start + len(e["after"])
        shift += len(e["after"]) - len(e["before"])
    _plain(segments, output[cursor:])
    return segments


def _input_segments(engine_input: str, edits: list[dict], removed: list[dict]) -> list[Segment]:
    """The extracted text: the engine's input with each removed span put back, edits and removals marked."""
    # Where each removed span sits in engine-input coordinates: its start minus what was removed before it.
    engine_points: list[int] = []
    removed_before = 0
    for r in removed:
        engine_points.append(r["start"] - removed_before)
        removed_before += r["end"] - r["start"]
    if engine_points and engine_points[-1] > len(engine_input):
        raise ValueError("removed span beyond the text")
    # Events in engine-input order; at one point a removed span comes before an edit that starts there.
    events: list[tuple[int, int, int]] = [(p, 0, i) for i, p in enumerate(engine_points)]
    events += [(e["start"], 1, i) for i, e in enumerate(edits)]
    events.sort()
    segments: list[Segment] = []
    cursor = 0
    for point, is_edit, index in events:
        if point < cursor:
            raise ValueError("a removed span falls inside an edit")
        _plain(segments, engine_input[cursor:point])
        if is_edit:
            e = edits[index]
            segments.append(Segment(e["before"], "edit", index, edit_label(e)))
            cursor = e["end"]
        else:
            r = removed[index]
            why = f" ({r['reason']})" if r.get("reason") else ""
            segments.append(Segment(r["text"], "removed", index, f"removed: {r.get('kind', '')}{why}"))
            cursor = point
    _plain(segments, engine_input[cursor:])
    return segments


def _plain(segments: list[Segment], text: str) -> None:
    if text:
        segments.append(Segment(text))


def context_of(text: str, start: int, end: int, width: int = 8) -> str:
    """A short context around ``text[start:end]`` on one line, for table examples."""
    return text[max(0, start - width) : end + width].replace("\n", " ").replace("\t", " ")


__all__ = [
    "Panes",
    "Segment",
    "build_panes",
    "context_of",
    "edits_of",
    "host_of",
    "input_text",
    "is_spam_kind",
    "meta_of",
    "reasons_of",
    "removed_of",
    "verdict_of",
]

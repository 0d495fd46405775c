"""The documents of one output file, indexed on disk, with what filtering needs in memory.

Loading parses every record once (orjson) and keeps only what the list page filters on: a small summary per
document (verdict, reasons, site, score, counts, snippet), each substitution's occurrences as packed
integers, and each record's byte offset in the file. The record itself is read again, by seeking, when a page
shows it (``index.records[i]``); a gzipped file is first decompressed to a temporary file beside the index's
other data. Text search runs over a temporary file holding, per document, the output text plus, for edited
documents, the input text (so 东谈主 finds the spun documents even after restoration), read in blocks: the
documents' texts never sit in memory, so memory stays bounded by the summaries (about 1 KB a document) on any
file size. bench/bench_review.py measures load, filters and memory at 100k documents.

Each record's edits are sorted by ``start`` when it is read; "edit k" everywhere in the app means the k-th edit
in that order.
"""

from __future__ import annotations

import atexit
import bisect
import contextlib
import gzip
import os
import shutil
import tempfile
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from cunzhen.io.jsonl import ReadError, jsonl_lines, parse_line, too_long
from cunzhen.report.records import edits_of, host_of, input_text, meta_of, reasons_of, removed_of, verdict_of

SNIPPET_CHARS = 80
# Bytes of the search file read at a time by a text search.
SEARCH_BLOCK = 8 << 20
# Records kept parsed after a read (the pages a reviewer moves between).
RECORD_CACHE = 256
# Edits of one document addressable in the packed occurrence lists.
_EDIT_BITS = 20


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


class Occurrences:
    """The (doc, edit) places of one substitution, packed in an array of integers (16 bytes a tuple would
    cost 100+ in a list, and a 100k-document file holds about a million edits)."""

    __slots__ = ("_packed",)

    def __init__(self) -> None:
        self._packed = array("q")

    def append(self, place: tuple[int, int]) -> None:
        doc, k = place
        self._packed.append(doc << _EDIT_BITS | k)

    def __len__(self) -> int:
        return len(self._packed)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        mask = (1 << _EDIT_BITS) - 1
        return ((value >> _EDIT_BITS, value & mask) for value in self._packed)

    def __getitem__(self, item):
        if isinstance(item, slice):
            return list(Occurrences._unpack(v) for v in self._packed[item])
        return Occurrences._unpack(self._packed[item])

    @staticmethod
    def _unpack(value: int) -> tuple[int, int]:
        return value >> _EDIT_BITS, value & ((1 << _EDIT_BITS) - 1)

    def __eq__(self, other) -> bool:
        return list(self) == list(other)


class Records:
    """``records[i]``: document i read back from the file by its offset (an error line as its error record).

    The file is opened once and read with ``os.pread``: positional reads need no shared file position, so the
    threaded server's requests cannot disturb each other, and a file replaced under the app (a rerun renames a
    new output into place) is still the one the index was built from."""

    def __init__(self, path: str, offsets: array, lines: array, errors: dict[int, dict]):
        self._fd = os.open(path, os.O_RDONLY)
        self._offsets = offsets
        self._ends = offsets[1:] + array("q", [os.fstat(self._fd).st_size])
        self._lines = lines
        self._errors = errors
        self._cached = lru_cache(maxsize=RECORD_CACHE)(self._read)

    def __del__(self) -> None:
        with contextlib.suppress(AttributeError, OSError):
            os.close(self._fd)

    def __len__(self) -> int:
        return len(self._offsets)

    def __getitem__(self, doc: int) -> dict:
        if not -len(self) <= doc < len(self):
            raise IndexError(doc)
        return self._cached(doc % len(self))

    def __iter__(self) -> Iterator[dict]:
        return (self[i] for i in range(len(self)))

    def _read(self, doc: int) -> dict:
        if doc in self._errors:
            return self._errors[doc]
        start = self._offsets[doc]
        raw = os.pread(self._fd, self._ends[doc] - start, start)  # the line, and any blank lines after it
        item = parse_line(raw, self._lines[doc])
        record = item.as_record() if isinstance(item, ReadError) else item
        _sort_edits(record)
        return record


class ReviewIndex:
    def __init__(self, path: str):
        self.path = path
        self.summaries: list[DocSummary] = []
        # (spun, original) -> its (doc, edit) places, for every edit in the file
        self.pair_edits: dict[tuple[str, str], Occurrences] = {}
        self.verdict_counts: Counter = Counter()
        self.reason_counts: Counter = Counter()
        self.site_counts: Counter = Counter()
        self.search_block = SEARCH_BLOCK  # bytes a text search reads at a time
        self._work = tempfile.mkdtemp(prefix="cunzhen-review-")
        atexit.register(shutil.rmtree, self._work, True)
        source = self._plain(path)
        offsets, lines, errors = array("q"), array("q"), {}
        self._search_path = os.path.join(self._work, "search.txt")
        self._search_starts = array("q")
        with open(self._search_path, "wb") as search:
            for number, offset, raw in jsonl_lines(source):
                item = too_long(number, raw) if isinstance(raw, int) else parse_line(raw, number)
                record = item.as_record() if isinstance(item, ReadError) else item
                if isinstance(item, ReadError):
                    errors[len(offsets)] = record
                offsets.append(offset)
                lines.append(number)
                self._search_starts.append(search.tell())
                search.write(self._add(record).encode("utf-8", "surrogatepass"))
        self._search_end = os.path.getsize(self._search_path)
        self.records = Records(source, offsets, lines, errors)

    def close(self) -> None:
        """Remove the index's temporary files now rather than at exit (the app keeps its index to the end)."""
        shutil.rmtree(self._work, ignore_errors=True)

    def _plain(self, path: str) -> str:
        """An uncompressed file to seek in: the input itself, or a decompressed copy of a .gz."""
        if not path.endswith(".gz"):
            return path
        plain = os.path.join(self._work, "records.jsonl")
        with gzip.open(path, "rb") as src, open(plain, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        return plain

    def __len__(self) -> int:
        return len(self.summaries)

    def _add(self, record: dict) -> str:
        """Count one record and keep its summary; returns its search text."""
        index = len(self.summaries)
        meta = meta_of(record)
        edits = _sort_edits(record)
        for k, edit in enumerate(edits):
            if isinstance(edit, dict):
                pair = (str(edit.get("before")), str(edit.get("after")))
                self.pair_edits.setdefault(pair, Occurrences()).append((index, k))
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
        self.summaries.append(summary)
        self.verdict_counts[summary.verdict] += 1
        self.reason_counts.update(summary.reasons)
        self.site_counts[summary.host] += 1
        return _search_text(record, output)

    def filter(self, query: DocFilter) -> list[int]:
        """Indices of the documents that match every field of ``query``, in file order."""
        if query.pair is not None:
            candidates: list[int] = sorted({doc for doc, _ in self.pair_edits.get(query.pair, ())})
        else:
            candidates = range(len(self.summaries))  # type: ignore[assignment]
        found = self._text_matches(query.text) if query.text else None
        summaries = self.summaries
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
            if found is not None and i not in found:
                continue
            matches.append(i)
        return matches

    def _text_matches(self, text: str) -> set[int]:
        """The documents whose search text holds ``text``: a scan of the search file in blocks (UTF-8 is
        self-synchronising, so a byte match is a character match), each hit mapped to its document. Blocks
        are searched in place; only the few bytes around a block boundary are joined, for a match across it."""
        needle = text.encode("utf-8", "surrogatepass")
        found: set[int] = set()
        overlap = len(needle) - 1
        with open(self._search_path, "rb") as search:
            base, tail = 0, b""  # base: file offset of block[0]; tail: the previous block's last bytes
            while block := search.read(self.search_block):
                if tail:
                    self._collect(tail + block[:overlap], needle, base - len(tail), found)
                self._collect(block, needle, base, found)
                # The stream's last bytes, not only this block's: a block may be shorter than the overlap.
                tail = (tail + block[-overlap:])[-overlap:] if overlap else b""
                base += len(block)
        return found

    def _collect(self, data: bytes, needle: bytes, base: int, found: set[int]) -> None:
        """Add to ``found`` the document of every match of ``needle`` in ``data`` (which starts at file offset
        ``base``), skipping to the next document after a hit and ignoring a match across two documents."""
        starts = self._search_starts
        at = data.find(needle)
        while at >= 0:
            position = base + at
            doc = bisect.bisect_right(starts, position) - 1
            end_of_doc = starts[doc + 1] if doc + 1 < len(starts) else self._search_end
            if position + len(needle) <= end_of_doc:
                found.add(doc)
                at = data.find(needle, max(at + 1, end_of_doc - base))
            else:
                at = data.find(needle, at + 1)


def _sort_edits(record: dict) -> list[dict]:
    edits = edits_of(record)
    if edits:
        edits.sort(key=lambda e: e.get("start", 0) if isinstance(e, dict) else 0)
    return edits


def _search_text(record: dict, output: str) -> str:
    if not edits_of(record) and not removed_of(record):
        return output
    before = input_text(record)
    return output if before is None or before == output else f"{output}\x00{before}"


def _float_or_none(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

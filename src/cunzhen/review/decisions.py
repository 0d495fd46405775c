"""Review decisions, saved to SQLite as they are made, and their export.

The database sits beside the reviewed file (``OUT.jsonl.review.sqlite``) and every decision is committed at
once, so a crash or a restart loses nothing. Two kinds of decision:

- on one edit (document, k-th edit by start): stored with the edit's start and its spun/original forms, and
  ignored if the file changes under it so that edit k is no longer that substitution;
- on a substitution (spun -> original): applies to every edit of that pair without a decision of its own.

Export: a pair is *accepted* when at least one of its edits is accepted (restorations are decided in context,
so a pair right in most places stays in the table even if a reviewer rejected it once); it is *rejected* when
its edits were rejected and none accepted, or the whole substitution was rejected.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cunzhen.engine.rejects import save_reject_pairs
from cunzhen.engine.table import SpinEntry, SpinTable
from cunzhen.engine.types import undo_edits
from cunzhen.report.records import context_of, edits_of
from cunzhen.review.index import ReviewIndex

DECISIONS = ("accept", "reject")
SCHEMA = """
CREATE TABLE IF NOT EXISTS edit_decision (
    doc INTEGER NOT NULL, edit INTEGER NOT NULL, start INTEGER NOT NULL,
    spun TEXT NOT NULL, original TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject')), decided_at REAL NOT NULL,
    PRIMARY KEY (doc, edit));
CREATE TABLE IF NOT EXISTS pair_decision (
    spun TEXT NOT NULL, original TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject')), decided_at REAL NOT NULL,
    PRIMARY KEY (spun, original));
"""


def default_db_path(source: str) -> str:
    return f"{source}.review.sqlite"


# Seconds a write waits for another writer (another `cunzhen review` of the same file, an export) before it
# fails: SQLite serialises writers, and a decision is one short transaction.
BUSY_TIMEOUT_SECONDS = 30.0


class DecisionStore:
    """Safe for threads (one connection behind a lock; the web server is threaded) and for processes: the
    database is in WAL mode, so readers never block the writer, each decision is one transaction, and a writer
    waits up to BUSY_TIMEOUT_SECONDS for another process's. Two browser sessions, or two apps on one file,
    lose no decision (tests/test_review_concurrency.py)."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        with self._transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)

    @contextlib.contextmanager
    def _transaction(self):
        """One write transaction, taken at once (BEGIN IMMEDIATE) so that two processes cannot interleave the
        statements of one decision; the caller holds ``self._lock`` or is the constructor."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @property
    def journal_mode(self) -> str:
        with self._lock:
            return self._db.execute("PRAGMA journal_mode").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def decide_edit(self, doc: int, k: int, edit: dict, decision: str | None) -> None:
        """Record (or, with None, clear) the decision on edit ``k`` of document ``doc``."""
        if decision is not None:
            _check(decision)
        with self._lock, self._transaction():
            if decision is None:
                self._db.execute("DELETE FROM edit_decision WHERE doc = ? AND edit = ?", (doc, k))
                return
            self._db.execute(
                "INSERT OR REPLACE INTO edit_decision VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc, k, edit["start"], edit["before"], edit["after"], decision, time.time()),
            )

    def decide_pair(self, spun: str, original: str, decision: str | None) -> None:
        """Record (or clear) a decision on every edit spun -> original; clears those edits' own decisions."""
        if decision is not None:
            _check(decision)
        with self._lock, self._transaction():
            self._db.execute("DELETE FROM edit_decision WHERE spun = ? AND original = ?", (spun, original))
            if decision is None:
                self._db.execute("DELETE FROM pair_decision WHERE spun = ? AND original = ?", (spun, original))
                return
            self._db.execute(
                "INSERT OR REPLACE INTO pair_decision VALUES (?, ?, ?, ?)", (spun, original, decision, time.time())
            )

    def pair_decisions(self) -> dict[tuple[str, str], str]:
        with self._lock:
            rows = self._db.execute("SELECT spun, original, decision FROM pair_decision").fetchall()
        return {(spun, original): decision for spun, original, decision in rows}

    def edit_decisions(self, doc: int | None = None) -> dict[tuple[int, int], tuple[int, str, str, str]]:
        """(doc, k) -> (start, spun, original, decision), for one document or all."""
        query = "SELECT doc, edit, start, spun, original, decision FROM edit_decision"
        with self._lock:
            if doc is None:
                rows = self._db.execute(query).fetchall()
            else:
                rows = self._db.execute(query + " WHERE doc = ?", (doc,)).fetchall()
        return {(d, k): (start, spun, original, decision) for d, k, start, spun, original, decision in rows}


def _check(decision: str) -> None:
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {DECISIONS}, not {decision!r}")


def effective_decisions(
    edits: list[dict],
    own: dict[int, tuple[int, str, str, str]],
    pairs: dict[tuple[str, str], str],
) -> list[str | None]:
    """Each edit's decision: its own if it still matches the edit, else its substitution's, else None."""
    result: list[str | None] = []
    for k, edit in enumerate(edits):
        mine = own.get(k)
        if mine is not None and mine[:3] == (edit["start"], edit["before"], edit["after"]):
            result.append(mine[3])
        else:
            result.append(pairs.get((edit["before"], edit["after"])))
    return result


@dataclass
class ExportSummary:
    accepted: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=dict)
    rejected: set[tuple[str, str]] = field(default_factory=set)
    mixed: set[tuple[str, str]] = field(default_factory=set)  # accepted somewhere, rejected elsewhere


def collect(index: ReviewIndex, store: DecisionStore) -> ExportSummary:
    """Which substitutions the reviewer accepted and rejected, over the whole file."""
    pairs = store.pair_decisions()
    own_by_doc: dict[int, dict[int, tuple[int, str, str, str]]] = {}
    for (doc, k), row in store.edit_decisions().items():
        own_by_doc.setdefault(doc, {})[k] = row
    accepted: dict[tuple[str, str], list[tuple[int, int]]] = {}
    rejected_seen: set[tuple[str, str]] = set()
    # Documents with decisions of their own are read (an edit's own decision holds only while it still
    # matches the file); elsewhere an edit takes its substitution's decision, which the index's occurrences
    # give without reading a record.
    for doc in sorted(own_by_doc):
        if doc >= len(index):
            continue
        edits = edits_of(index.records[doc])
        for k, decision in enumerate(effective_decisions(edits, own_by_doc[doc], pairs)):
            pair = (edits[k]["before"], edits[k]["after"])
            if decision == "accept":
                accepted.setdefault(pair, []).append((doc, k))
            elif decision == "reject":
                rejected_seen.add(pair)
    for pair, decision in pairs.items():
        places = [(doc, k) for doc, k in index.pair_edits.get(pair, ()) if doc not in own_by_doc]
        if decision == "accept":
            accepted.setdefault(pair, []).extend(places)  # also a substitution absent from this file
        else:
            rejected_seen.add(pair)
    for places in accepted.values():
        places.sort()
    return ExportSummary(
        accepted=accepted,
        rejected={p for p in rejected_seen if p not in accepted},
        mixed={p for p in rejected_seen if p in accepted},
    )


def accepted_table(index: ReviewIndex, summary: ExportSummary) -> SpinTable:
    """The accepted substitutions as a spin table (counts and examples from the reviewed file)."""
    source = f"review:{Path(index.path).name}"
    table = SpinTable()
    for (spun, original), occurrences in sorted(summary.accepted.items()):
        examples: list[str] = []
        for doc, k in occurrences[:3]:
            record = index.records[doc]
            edits = edits_of(record)
            engine_input = undo_edits(record["text"], edits)
            examples.append(context_of(engine_input, edits[k]["start"], edits[k]["end"]))
        docs = len({doc for doc, _ in occurrences})
        table.add(SpinEntry(spun, [original], len(occurrences), docs, 1.0, source, examples))
    return table


def export(
    index: ReviewIndex, store: DecisionStore, accepted_path: str | None, rejected_path: str | None
) -> ExportSummary:
    """Write the accepted table (format of data/spin_table.tsv) and the reject list (engine/rejects.py)."""
    summary = collect(index, store)
    today = datetime.date.today().isoformat()
    if accepted_path:
        header = (
            f"Substitutions accepted in `cunzhen review` of {Path(index.path).name} on {today}.\n"
            "Format: see the header of cunzhen/data/spin_table.tsv; use with `--table FILE`."
        )
        accepted_table(index, summary).save(accepted_path, header=header)
    if rejected_path:
        header = (
            f"Substitutions rejected in `cunzhen review` of {Path(index.path).name} on {today}.\n"
            "Format: spun<TAB>original, one pair a line; `--reject FILE` keeps the engine from applying them."
        )
        save_reject_pairs(rejected_path, summary.rejected, header=header)
    return summary

"""Evaluate a Restorer on clean and spun documents built from ../shared/corpus (shared by bench and tuning).

Documents are runs of consecutive paragraphs of one genre, at least ``min_chars`` long. The spun copy of each
document comes from a ``Spinner``; documents the spinner left unchanged are not counted as spun.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein
from shared_corpus import GENRES, source_lines
from spinner import Spinner

# Short-text genres (reviews, posts) make shorter documents; everything else runs of >= 500 characters.
MIN_CHARS = {"reviews": 300, "weibo": 300, "shopping": 300, "delivery": 300}


def make_docs(source: str, split: str, n_docs: int, min_chars: int | None = None) -> list[str]:
    """The first ``n_docs`` documents of a source's split (any of tools/shared_corpus.py SOURCES, in-domain
    genres included): consecutive paragraphs joined by newlines, at least ``min_chars`` long."""
    floor = min_chars or MIN_CHARS.get(source, 500)
    docs: list[str] = []
    current: list[str] = []
    size = 0
    for line in source_lines(source, split):
        current.append(line)
        size += len(line)
        if size >= floor:
            docs.append("\n".join(current))
            current, size = [], 0
            if len(docs) == n_docs:
                break
    return docs


@dataclass
class GenreResult:
    genre: str
    clean_docs: int = 0
    clean_chars: int = 0
    clean_bytes: int = 0
    clean_flagged: int = 0
    false_changes: int = 0
    spun_docs: int = 0
    spun_chars: int = 0
    spun_bytes: int = 0
    spun_flagged: int = 0
    damage: int = 0  # lev(spun, original), summed
    residual: int = 0  # lev(restored, original), summed
    substitutions: int = 0
    clean_seconds: float = 0.0
    spun_seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    @property
    def repaired(self) -> float:
        return 1 - self.residual / self.damage if self.damage else 1.0

    @property
    def false_per_100k(self) -> float:
        return self.false_changes / self.clean_chars * 1e5 if self.clean_chars else 0.0

    @property
    def recall(self) -> float:
        return self.spun_flagged / self.spun_docs if self.spun_docs else 1.0

    @property
    def fpr(self) -> float:
        return self.clean_flagged / self.clean_docs if self.clean_docs else 0.0

    def merge(self, other: GenreResult) -> GenreResult:
        merged = GenreResult(f"{self.genre}+{other.genre}")
        for name in GenreResult.__dataclass_fields__:
            if name not in ("genre", "misses"):
                setattr(merged, name, getattr(self, name) + getattr(other, name))
        return merged


def pooled(results: list[GenreResult], name: str) -> GenreResult:
    """The results of several genres or sources summed into a new row named ``name`` (the rows are left as
    they are)."""
    total = dataclasses.replace(results[0], misses=[])
    for r in results[1:]:
        total = total.merge(r)
    total.genre = name
    return total


def evaluate_genre(
    restore: Callable, genre: str, docs: list[str], spinner: Spinner, keep_misses: int = 0
) -> GenreResult:
    """Run ``restore`` (text -> RestoreResult) over the clean docs and their spun copies."""
    result = GenreResult(genre)
    spun_docs = []
    for doc in docs:
        spun, subs = spinner.spin(doc)
        if subs:
            spun_docs.append((doc, spun, len(subs)))
    started = time.perf_counter()
    clean_results = [restore(doc) for doc in docs]
    result.clean_seconds = time.perf_counter() - started
    for doc, res in zip(docs, clean_results):
        result.clean_docs += 1
        result.clean_chars += len(doc)
        result.clean_bytes += len(doc.encode("utf-8"))
        result.clean_flagged += res.spun
        result.false_changes += len(res.edits)
    started = time.perf_counter()
    spun_results = [restore(spun) for _, spun, _ in spun_docs]
    result.spun_seconds = time.perf_counter() - started
    for (doc, spun, n_subs), res in zip(spun_docs, spun_results):
        result.spun_docs += 1
        result.spun_chars += len(spun)
        result.spun_bytes += len(spun.encode("utf-8"))
        result.spun_flagged += res.spun
        result.substitutions += n_subs
        result.damage += Levenshtein.distance(spun, doc)
        result.residual += Levenshtein.distance(res.text, doc)
        if keep_misses and len(result.misses) < keep_misses and res.text != doc:
            result.misses.append(_first_difference(res.text, doc))
    return result


def evaluate(restore: Callable, split: str, n_docs: int, spinner_seed: int, table, genres=None):
    """Per-genre results for a split; the spinner is the built-in table read backwards."""
    results = []
    for genre in genres or GENRES:
        spinner = Spinner.from_table(table, seed=spinner_seed)
        results.append(evaluate_genre(restore, genre, make_docs(genre, split, n_docs), spinner, keep_misses=5))
    return results


def _first_difference(restored: str, original: str) -> str:
    ops = Levenshtein.opcodes(original, restored)
    for tag, a0, a1, b0, b1 in ops:
        if tag != "equal":
            return f"…{original[max(0, a0 - 8) : a1 + 8]}… → …{restored[max(0, b0 - 8) : b1 + 8]}…"
    return ""

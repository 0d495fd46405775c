"""MinHash near-duplicate detection (real datasketch) on differently spun copies, before and after restoring."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import pytest
from shared_corpus import genre_lines
from spinner import Spinner

from cunzhen.api import builtin_table
from cunzhen.steps.dedup import NearDuplicateIndex, dedup_record, duplicate_pairs, shingles


@pytest.fixture(scope="module")
def articles(shared) -> list[str]:
    lines = list(itertools.islice(genre_lines("tech", "tune"), 60))
    return ["\n".join(lines[i : i + 10]) for i in range(0, 60, 10)]


def test_shingles_ignore_whitespace_and_keep_short_texts():
    assert shingles("一二 三四\n五六") == shingles("一二三四五六") == {"一二三四五".encode(), "二三四五六".encode()}
    assert shingles("短") == {"短".encode()} and shingles("  ") == set()


def test_copies_are_found_and_different_articles_are_not(articles):
    index = NearDuplicateIndex(threshold=0.8)
    for i, article in enumerate(articles):
        assert index.check_and_add(f"a{i}", article) is None
    copy = articles[2].replace("\n", "  ") + "。"  # whitespace differences and a trailing mark
    match = index.check_and_add("copy", copy)
    assert match is not None and match.key == "a2" and match.similarity > 0.9
    with pytest.raises(ValueError, match="duplicate key"):
        index.check_and_add("a0", articles[0])


def test_restoration_brings_differently_spun_copies_together(articles, restorer):
    """Spun copies drift apart under MinHash; restored, they are found again (the point of issue 5 §5)."""
    table = builtin_table(families=False)
    spun = [
        (f"{i}/{seed}", Spinner.from_table(table, seed=seed, rate=0.6).spin(article)[0])
        for i, article in enumerate(articles)
        for seed in range(3)
    ]
    restored = [(key, restorer.restore(text).text) for key, text in spun]
    before = list(duplicate_pairs(spun, NearDuplicateIndex(threshold=0.9)))
    after = list(duplicate_pairs(restored, NearDuplicateIndex(threshold=0.9)))
    true_pairs = len(articles) * 3
    assert all(a.split("/")[0] == b.split("/")[0] for a, b, _ in before + after), "a pair of different articles"
    assert all(similarity >= 0.9 for *_, similarity in before + after)  # the index's own threshold holds
    assert len(after) >= 0.9 * true_pairs
    assert len(after) >= 2 * len(before)


def test_dedup_record_marks_the_later_copy_and_passes_errors_through(articles):
    index = NearDuplicateIndex()
    first = dedup_record({"id": "x", "text": articles[0], "cunzhen": {"spun": True}}, index, "x")
    later = dedup_record({"id": "y", "text": articles[0]}, index, "y")
    assert first["cunzhen"] == {"spun": True, "duplicate_of": None, "duplicate_similarity": None}
    assert later["cunzhen"]["duplicate_of"] == "x" and later["cunzhen"]["duplicate_similarity"] == 1.0
    broken = {"id": "z", "error": "invalid JSON"}
    assert dedup_record(broken, index, "z") is broken and len(index) == 2


def test_dedup_command_marks_or_drops(articles, tmp_path):
    docs = [{"id": f"d{i}", "text": t} for i, t in enumerate(articles + articles[:2])]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    marked, dropped = tmp_path / "marked.jsonl", tmp_path / "dropped.jsonl"
    for out, extra in ((marked, []), (dropped, ["--drop"])):
        proc = subprocess.run(
            [sys.executable, "-m", "cunzhen", "dedup", str(src), "-o", str(out), "-q", *extra],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        assert "2 near duplicates" in proc.stderr
    records = [json.loads(line) for line in marked.read_text(encoding="utf-8").splitlines()]
    assert [r["cunzhen"]["duplicate_of"] for r in records] == [None] * len(articles) + ["d0", "d1"]
    kept = [json.loads(line)["id"] for line in dropped.read_text(encoding="utf-8").splitlines()]
    assert kept == [f"d{i}" for i in range(len(articles))]

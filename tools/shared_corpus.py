"""Deterministic splits of ../shared/corpus for training, tuning and reporting.

Every paragraph (line) is assigned by a hash of its text, so the split is stable across runs and machines:
  train  90%  the bundled language model (`make lm`)
  tune   5%   thresholds and margins are chosen here
  report 5%   BENCHMARKS.md figures come from here only
Usage: python tools/shared_corpus.py SPLIT [FILE.txt.gz ...]  (prints that split's lines)
"""

from __future__ import annotations

import gzip
import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS_DIR = SHARED / "corpus"
GENRES = {
    "news": "zh-news-xwlb.txt.gz",
    "laws": "zh-laws.txt.gz",
    "tech": "zh-tech-blog.txt.gz",
    "reviews": "zh-hotel-reviews.txt.gz",
}
SPLITS = ("train", "tune", "report")


def split_of(line: str) -> str:
    bucket = int.from_bytes(hashlib.blake2b(line.encode("utf-8"), digest_size=4).digest(), "big") % 100
    return "train" if bucket < 90 else "tune" if bucket < 95 else "report"


def corpus_lines(path: Path, split: str | None = None) -> Iterator[str]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if line and (split is None or split_of(line) == split):
                yield line


def genre_lines(genre: str, split: str) -> Iterator[str]:
    return corpus_lines(CORPUS_DIR / GENRES[genre], split)


def main(argv: list[str]) -> int:
    split = argv[0]
    files = [Path(a) for a in argv[1:]] or [CORPUS_DIR / f for f in GENRES.values()]
    out = sys.stdout
    for path in files:
        for line in corpus_lines(path, split):
            out.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Deterministic splits of ../shared/corpus and ../shared/corpus-ood for training, tuning and reporting.

Every paragraph (line) is assigned by a hash of its text, so the split is stable across runs and machines:
  train  90%  language models (`make lm`, and the leave-one-source-out models of `make bench`)
  tune   5%   thresholds and margins are chosen here
  report 5%   BENCHMARKS.md figures come from here only
A *source* is one file: the four of ../shared/corpus (the in-domain genres, named by genre, the only training
text of the bundled model until issue 12) and the eight of ../shared/corpus-ood (other genres and sources). The
bundled model is now trained on the train split of all twelve (bench/loso.py). A source left out of a model's
training is out of domain for it (leave-one-source-out); a source's own train split is in domain.

Usage: python tools/shared_corpus.py SPLIT [SOURCE|FILE.txt.gz ...]  (prints that split's lines; default: the
four in-domain sources)
"""

from __future__ import annotations

import gzip
import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS_DIR = SHARED / "corpus"
OOD_DIR = SHARED / "corpus-ood"
GENRES = {
    "news": "zh-news-xwlb.txt.gz",
    "laws": "zh-laws.txt.gz",
    "tech": "zh-tech-blog.txt.gz",
    "reviews": "zh-hotel-reviews.txt.gz",
}
OOD_SOURCES = {
    "news-1990s": "news_msra.txt.gz",
    "weibo": "weibo.txt.gz",
    "shopping": "reviews_shopping.txt.gz",
    "delivery": "reviews_waimai.txt.gz",
    "encyclopedia": "encyclopedia_cmrc2018.txt.gz",
    "exam": "exam_passages_c3.txt.gz",
    "medical": "medical_textbook_cmeee.txt.gz",
    "essays": "literature_essays.txt.gz",
}
# Every source by name -> its file.
SOURCES: dict[str, Path] = {
    **{name: CORPUS_DIR / file for name, file in GENRES.items()},
    **{name: OOD_DIR / file for name, file in OOD_SOURCES.items()},
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


def source_lines(source: str, split: str) -> Iterator[str]:
    """One split of a source, in file order."""
    return corpus_lines(SOURCES[source], split)


def genre_lines(genre: str, split: str) -> Iterator[str]:
    """One split of an in-domain genre (kept for the in-domain benchmarks and tests)."""
    return corpus_lines(CORPUS_DIR / GENRES[genre], split)


def main(argv: list[str]) -> int:
    split = argv[0]
    names = argv[1:] or list(GENRES)
    out = sys.stdout
    for name in names:
        path = SOURCES[name] if name in SOURCES else Path(name)
        for line in corpus_lines(path, split):
            out.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

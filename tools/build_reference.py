"""Build the shipped reference frequencies of clean Chinese (``src/cunzhen/data/reference_freq.tsv.gz``).

The miner needs to know how often a form *should* occur in clean text, so that a batch with no clean page
still shows which forms are in excess (东说念主, 说念) and which are missing (人, 道). This tool counts, in the
*train* split of the four in-domain sources of ../shared/corpus (the bundled model's training text), every
CJK character and every run of 2 and 3 CJK characters (non-CJK characters break runs), per source, and keeps
the n-grams frequent enough to estimate a rate. Statistics only: no sentence of the corpus can be read back
from it (3-grams seen at least ``--min-count`` times, counts only).

Format (UTF-8 TSV, gzip; ``#`` lines are the header): the header names the sources, their character totals
(``# chars<TAB>news<TAB>laws<TAB>tech<TAB>reviews``) and the provenance; every other line is
``form<TAB>count in source 1<TAB>...<TAB>count in source 4``. Rates are count / that source's CJK characters.

usage: python tools/build_reference.py -o src/cunzhen/data/reference_freq.tsv.gz   (``make reference``)
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shared_corpus import GENRES, SOURCES, source_lines  # noqa: E402

# Each source contributes at most this many characters: enough for stable rates of the forms kept (a 3-gram
# seen 8 times in 8M characters has a rate of 1 per million), and the build stays within a minute.
MAX_CHARS_PER_SOURCE = 8_000_000
MIN_COUNT = {1: 1, 2: 5, 3: 8}  # pooled count a form needs to be kept, per length
MAX_FORMS = {2: 120_000, 3: 80_000}  # the most frequent n-grams kept per length


def _is_cjk(codes: np.ndarray) -> np.ndarray:
    return (
        ((codes >= 0x3400) & (codes <= 0x4DBF))
        | ((codes >= 0x4E00) & (codes <= 0x9FFF))
        | ((codes >= 0xF900) & (codes <= 0xFAFF))
    )


def source_codes(source: str) -> np.ndarray:
    """The source's train split as code points, paragraphs separated by a non-CJK break (0)."""
    parts, size = [], 0
    for line in source_lines(source, "train"):
        parts.append(line)
        size += len(line) + 1
        if size >= MAX_CHARS_PER_SOURCE:
            break
    return np.frombuffer("\n".join(parts).encode("utf-32-le"), dtype="<u4").astype(np.uint64)


def gram_counts(codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(keys, counts) of the all-CJK n-grams; a key packs n 21-bit code points."""
    cjk = _is_cjk(codes)
    size = len(codes) - n + 1
    ok = np.ones(size, dtype=bool)
    key = np.zeros(size, dtype=np.uint64)
    for i in range(n):
        ok &= cjk[i : i + size]
        key = (key << np.uint64(21)) | codes[i : i + size]
    return np.unique(key[ok], return_counts=True)


def key_to_form(key: int, n: int) -> str:
    return "".join(chr((key >> (21 * (n - 1 - i))) & 0x1FFFFF) for i in range(n))


def build(out: Path) -> None:
    names = list(GENRES)
    totals, per_length = [], {1: [], 2: [], 3: []}
    digest = hashlib.sha256()
    for name in names:
        digest.update(SOURCES[name].read_bytes())
        codes = source_codes(name)
        totals.append(int(_is_cjk(codes).sum()))
        for n in per_length:
            per_length[n].append(gram_counts(codes, n))
    lines = [
        "# cunzhen reference frequencies of clean Chinese: CJK characters, 2- and 3-grams (runs of CJK characters)",
        f"# provenance: tools/build_reference.py over the train split of ../shared/corpus ({', '.join(names)}), "
        f"at most {MAX_CHARS_PER_SOURCE:,} characters per source; corpus files sha256 {digest.hexdigest()[:16]}",
        f"# kept: n-grams with pooled count >= {MIN_COUNT[2]} (2) / {MIN_COUNT[3]} (3), at most "
        f"{MAX_FORMS[2]:,} / {MAX_FORMS[3]:,} most frequent; every character",
        "# format: form<TAB>count per source (columns in the order of the chars line); rate = count / chars",
        "# chars\t" + "\t".join(f"{name}={total}" for name, total in zip(names, totals)),
    ]
    for n, found in per_length.items():
        keys = np.unique(np.concatenate([k for k, _ in found]))
        table = np.zeros((len(keys), len(names)), dtype=np.int64)
        for column, (k, c) in enumerate(found):
            table[np.searchsorted(keys, k), column] = c
        pooled = table.sum(axis=1)
        keep = np.flatnonzero(pooled >= MIN_COUNT[n])
        if n in MAX_FORMS and len(keep) > MAX_FORMS[n]:
            keep = keep[np.argsort(-pooled[keep], kind="stable")[: MAX_FORMS[n]]]
        keep = keep[np.argsort(-pooled[keep], kind="stable")]
        for index in keep.tolist():
            lines.append(key_to_form(int(keys[index]), n) + "\t" + "\t".join(map(str, table[index].tolist())))
    out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same corpus gives the same bytes, so the recorded sha256 is reproducible.
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"wrote {out}: {len(lines) - 5} forms, {out.stat().st_size / 1e6:.2f} MB", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", required=True, type=Path)
    build(parser.parse_args().output)
    return 0


if __name__ == "__main__":
    sys.exit(main())

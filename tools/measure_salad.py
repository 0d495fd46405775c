"""Measure candidate page statistics for machine-garbled text (issue 13: sentence salad, back-translation) on
the real pages and on clean text, to see whether any separates the garbled pages from clean ones.

Statistics, per page (its simplified reading is not taken: the pages measured here are simplified, and a
traditional page is read as written, which only adds noise to the clean side):

- ``adjacent``: coherence of adjacent lines, the mean over adjacent pairs of lines (each with ≥ 10 Han
  characters) of the share of the shorter line's distinct Han bigrams found in the other line;
- ``lift``: ``adjacent`` minus the same mean over every non-adjacent pair of the page (its own baseline: a
  salad's neighbours are no closer than any two of its lines); None with fewer than four such lines;
- ``char``: mean log10 P per Han character under the bundled character model (engine/lm.py), and
  ``char_median`` its median (the profile's centre, which rare names and numbers do not move);
- ``word``: mean log10 P per word under the word model (engine/wordlm.py), segmented by its own best path;
- ``residual``: ``word`` minus what ``char`` predicts of it (a line fitted on the tune split's documents);
- ``sent_adjacent`` / ``sent_lift``: the same as ``adjacent`` / ``lift`` over the sentences inside each line
  (split at 。！？), the only level where clean corpus text keeps its order: a corpus document
  (bench/restore_eval.py ``make_docs``) joins paragraphs of a hash-sampled split, unrelated to each other.

Clean text: documents of every source of tools/shared_corpus.py (``--split``, default tune), as
``make_docs`` builds them for the clean-text table of bench/bench_realpages.py; and the 25 clean real pages.

usage: python tools/measure_salad.py [--split tune|report] [--docs 60] [--min-chars N] [--loso]
"""

from __future__ import annotations

import argparse
import re
import sys
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from loso import loso_model  # noqa: E402
from restore_eval import make_docs  # noqa: E402
from shared_corpus import SOURCES  # noqa: E402

from cunzhen.api import load_lm, load_word_lm  # noqa: E402
from cunzhen.engine.tokenize import token_list  # noqa: E402

REALPAGES = Path(__file__).resolve().parents[2] / "shared" / "realpages"
HAN = re.compile(r"[\u3400-\u9fff]+")
SENTENCE_END = re.compile(r"(?<=[。！？!?])")
MIN_HAN = 10


def bigrams(text: str) -> set[str]:
    return {run[i : i + 2] for run in HAN.findall(text) for i in range(len(run) - 1)}


def overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b))


def coherence(units: list[str]) -> tuple[float | None, float | None]:
    grams = [bigrams(u) for u in units]
    grams = [g for g in grams if len(g) >= MIN_HAN - 1]
    if len(grams) < 2:
        return None, None
    adjacent = float(np.mean([overlap(a, b) for a, b in zip(grams, grams[1:], strict=False)]))
    if len(grams) < 4:
        return adjacent, None
    far = [overlap(grams[i], grams[j]) for i, j in combinations(range(len(grams)), 2) if j - i > 1]
    return adjacent, adjacent - float(np.mean(far))


def sentence_coherence(text: str) -> tuple[float | None, float | None]:
    adj, lifts = [], []
    for line in text.split("\n"):
        a, lift = coherence([s for s in SENTENCE_END.split(line) if s.strip()])
        if a is not None:
            adj.append(a)
        if lift is not None:
            lifts.append(lift)
    return (float(np.mean(adj)) if adj else None), (float(np.mean(lifts)) if lifts else None)


def stats(text: str, lm, word_lm) -> dict[str, float | None]:
    lines = [line for line in text.split("\n") if line.strip()]
    adjacent, lift = coherence(lines)
    sent_adjacent, sent_lift = sentence_coherence(text)
    han_scores: list[float] = []
    word_scores, words = 0.0, 0
    for line in lines:
        tokens = token_list(line)
        if len(tokens) < 2:
            continue
        scores = lm.token_scores(tokens, bos=True)
        for token, score in zip(tokens, scores, strict=True):
            if HAN.fullmatch(token):
                han_scores.append(score)
        for run in HAN.findall(line):
            if len(run) >= 2:
                segmented = word_lm.segment(run)
                word_scores += word_lm.score(run)
                words += len(segmented)
    return {
        "adjacent": adjacent,
        "lift": lift,
        "sent_adjacent": sent_adjacent,
        "sent_lift": sent_lift,
        "char": float(np.mean(han_scores)) if han_scores else None,
        "char_median": float(np.median(han_scores)) if han_scores else None,
        "word": word_scores / words if words else None,
        "han": len(han_scores),
    }


KEYS = ("adjacent", "lift", "sent_adjacent", "sent_lift", "char", "char_median", "word", "residual")


def fmt(row: dict) -> str:
    cells = [f"{k} {row[k]:+.3f}" if row[k] is not None else f"{k}   -   " for k in KEYS]
    return "  ".join(cells) + f"  han {row['han']}"


def rank(value: float | None, clean: list[float], low: bool) -> str:
    """Share of clean values at least as extreme as ``value`` (low: as low or lower)."""
    if value is None or not clean:
        return "-"
    arr = np.array(clean)
    share = float((arr <= value).mean() if low else (arr >= value).mean())
    return f"{share:.1%}"


def corpus_stats(split: str, docs: int, min_chars: int | None, word_lm, loso: bool) -> dict[str, list[dict]]:
    """Statistics of every source's clean documents; ``loso``: each source scored by the character model that
    never saw it (bench/loso.py), as the real pages are by the bundled one."""
    out: dict[str, list[dict]] = {}
    bundled = load_lm()
    for source in SOURCES:
        lm = load_lm(loso_model(source)) if loso else bundled
        out[source] = [stats(d, lm, word_lm) for d in make_docs(source, split, docs, min_chars)]
    return out


def residual_fit(rows: list[dict]) -> tuple[float, float]:
    """Least-squares ``word = a + b * char`` over clean documents: how predictable a text's words are given how
    predictable its characters are (a round trip through another language might choose common words)."""
    pairs = np.array([[r["char"], r["word"]] for r in rows if r["char"] is not None and r["word"] is not None])
    b, a = np.polyfit(pairs[:, 0], pairs[:, 1], 1)
    return float(a), float(b)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="tune")
    parser.add_argument("--docs", type=int, default=60)
    parser.add_argument("--min-chars", type=int, default=None, help="document size (default: make_docs's)")
    parser.add_argument("--loso", action="store_true", help="score each source with its left-out model")
    args = parser.parse_args()
    lm, word_lm = load_lm(), load_word_lm()
    index = [line.split("\t") for line in (REALPAGES / "index.tsv").read_text().splitlines()[1:]]
    real = {row[0]: stats((REALPAGES / row[0]).read_text(), lm, word_lm) for row in index}
    corpus = corpus_stats(args.split, args.docs, args.min_chars, word_lm, args.loso)
    # The residual's two parameters are fitted on the tune split, whatever split is reported.
    tune = corpus if args.split == "tune" else corpus_stats("tune", args.docs, args.min_chars, word_lm, args.loso)
    a, b = residual_fit([r for rows in tune.values() for r in rows])
    for row in [*real.values(), *(r for rows in corpus.values() for r in rows)]:
        row["residual"] = None if row["word"] is None else row["word"] - (a + b * row["char"])
    print(f"real pages (residual: word - ({a:.3f} + {b:.3f} char), fitted on the tune split):")
    for name, row in real.items():
        print(f"  {name}  {fmt(row)}")
    clean_pages = [row for name, row in real.items() if name.startswith("clean/")]
    print(f"\nclean text, {args.split} split, up to {args.docs} documents a source: median / 1st / 99th percentile")
    for key in KEYS:
        for source, rows in [*corpus.items(), ("realpages-clean", clean_pages)]:
            values = [r[key] for r in rows if r[key] is not None]
            if values:
                p1, p50, p99 = np.percentile(values, [1, 50, 99])
                print(f"  {key:<13} {source:<16} n {len(values):>3}  {p50:+.3f}  {p1:+.3f}  {p99:+.3f}")
    pooled = {key: [r[key] for rows in corpus.values() for r in rows if r[key] is not None] for key in KEYS}
    pages = {key: [r[key] for r in clean_pages if r[key] is not None] for key in KEYS}
    print("\ngarbled pages: share of clean documents (corpus / clean real pages) as extreme, low and high")
    for name in ("spun/036.txt", "spun/040.txt", "spun/030.txt"):
        row = real[name]
        cells = []
        for key in KEYS:
            low = rank(row[key], pooled[key], True), rank(row[key], pages[key], True)
            high = rank(row[key], pooled[key], False), rank(row[key], pages[key], False)
            cells.append(f"{key}: low {low[0]}/{low[1]} high {high[0]}/{high[1]}")
        print(f"  {name}: " + "; ".join(cells))
    # Per source, clean documents at least as extreme as the garbled page on the statistic it stands out on.
    for name, key, low in (("spun/036.txt", "adjacent", True), ("spun/040.txt", "word", False)):
        value = real[name][key]
        cells = [f"{s} {rank(value, [r[key] for r in rows if r[key] is not None], low)}" for s, rows in corpus.items()]
        print(f"  {name} {key} {value:+.3f}, clean documents as extreme per source: " + ", ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())

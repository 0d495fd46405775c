"""Calibrate the page-level detector of dropped characters (engine/pollution/garble.py) on clean text.

Documents of about ``--chars`` characters (paragraphs joined in order) of the *tune* split of every source of
tools/shared_corpus.py (the twelve of ../shared/corpus and ../shared/corpus-ood: news to Weibo posts and
shopping reviews, which are noisy but clean), up to ``--docs`` a source. Prints per source the documents read,
the gap share (median, 99th percentile, highest) and the highest Wilson lower bound; then, for a grid of
ceilings, how many documents the detector would flag at the configured ``z``. The ceiling is chosen here so
that at most 0.5% of the clean documents are flagged; the real pages are not read.

usage: python tools/calibrate_garble.py [--chars 300 800] [--docs 150]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shared_corpus import SOURCES, corpus_lines  # noqa: E402

from cunzhen.api import load_lm  # noqa: E402
from cunzhen.engine.pollution.garble import GarbleConfig, gap_count  # noqa: E402


def documents(path: Path, chars: int, limit: int) -> list[str]:
    docs, current, size = [], [], 0
    for line in corpus_lines(path, "tune"):
        current.append(line)
        size += len(line)
        if size >= chars:
            docs.append("\n".join(current))
            current, size = [], 0
            if len(docs) >= limit:
                break
    return docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, nargs="+", default=[300, 800])
    parser.add_argument("--docs", type=int, default=150)
    args = parser.parse_args()
    lm = load_lm()
    cfg = GarbleConfig()
    bounds = []
    for chars in args.chars:
        for name, path in SOURCES.items():
            verdicts = [gap_count(d, lm, cfg) for d in documents(path, chars, args.docs)]
            judged = [v for v in verdicts if v.junctions >= cfg.min_junctions]
            if not judged:
                continue
            shares = np.array([v.share for v in judged])
            low = [v.lower_bound(cfg.z) for v in judged]
            bounds.extend(low)
            print(
                f"{chars:>5} chars {name:<13} docs {len(judged):>4} (of {len(verdicts)})  gap share median "
                f"{np.median(shares):.4f} p99 {np.percentile(shares, 99):.4f} max {shares.max():.4f}  "
                f"highest lower bound {max(low):.4f}",
                flush=True,
            )
    bounds_array = np.array(bounds)
    print(f"\n{len(bounds)} clean documents judged (z = {cfg.z}); flagged at each ceiling:")
    for ceiling in (0.03, 0.035, 0.04, 0.045, 0.05, 0.055, 0.06):
        flagged = int((bounds_array > ceiling).sum())
        mark = " <- configured" if ceiling == cfg.ceiling else ""
        print(f"  ceiling {ceiling:.3f}: {flagged} ({flagged / len(bounds):.2%}){mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

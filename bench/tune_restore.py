"""Calibrate RestoreConfig on the *tune* split (never the report split).

Prints, for a small grid around the defaults, the figures the benchmark reports (repaired, false changes,
detection) on tune-split documents spun with the built-in table, and the gate's margin: the highest document
statistic among clean documents against the lowest among spun ones. The defaults in RestoreConfig are the
values chosen from this output (best repaired with no false changes and no clean document flagged).

usage: python bench/tune_restore.py [--docs N] [--seed S]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1] / "tools")]

from restore_eval import GENRES, evaluate, make_docs  # noqa: E402
from spinner import Spinner  # noqa: E402

from cunzhen.api import builtin_table, make_restorer  # noqa: E402
from cunzhen.engine.restore import RestoreConfig  # noqa: E402

GRID = {
    "change_margin": (0.0, 0.5),
    "rewritable_bonus": (0.0, 1.5),
    "word_weight": (0.5, 1.0),
}


def gate_margin(docs_per_genre: int, seed: int) -> str:
    """Highest clean and lowest spun document statistic per genre, with the gate switched off."""
    restorer = make_restorer(config=RestoreConfig(detect_threshold=1e9))
    rows = []
    for genre in GENRES:
        spinner = Spinner.from_table(builtin_table(families=False), seed=seed)
        docs = make_docs(genre, "tune", docs_per_genre)
        clean = [_statistic(restorer, doc) for doc in docs]
        spun = [_statistic(restorer, text) for text, subs in map(spinner.spin, docs) if subs]
        rows.append(f"{genre:8s} clean max {max(clean):6.2f}   spun min {min(spun):6.2f}")
    return "\n".join(rows)


def _statistic(restorer, text: str) -> float:
    score = restorer.restore(text).spin_score  # = statistic / (statistic + threshold)
    return score * 1e9 / (1 - score) if score < 1 else float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=150, help="documents per genre (default 150)")
    parser.add_argument("--seed", type=int, default=7, help="spinner seed (the benchmark uses another)")
    args = parser.parse_args()
    print("gate, defaults otherwise:\n" + gate_margin(args.docs, args.seed) + "\n")
    for values in itertools.product(*GRID.values()):
        config = dataclasses.replace(RestoreConfig(), **dict(zip(GRID, values)))
        results = evaluate(
            make_restorer(config=config).restore, "tune", args.docs, args.seed, builtin_table(families=False)
        )
        cells = " ".join(
            f"{r.genre}={r.repaired:.4f}/{r.false_per_100k:.1f}/{r.recall:.3f}/{r.fpr:.3f}" for r in results
        )
        print(f"{dict(zip(GRID, values))}  repaired/false per 100k/recall/fpr: {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

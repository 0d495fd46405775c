"""Calibrate RestoreConfig where users are: the *tune* split of one source the model never saw (never the report).

Documents of news-1990s' tune split are spun by the seed page's engine (bench/engines.py ``known_engine``, a
spinner seed other than the report's) and restored with the leave-one-source-out model of news-1990s
(bench/loso.py), the word model as the restorer has it. For a small grid of RestoreConfig values it prints the
figures the benchmark reports (repaired, false changes, detection) and the residual by kind: genuine words
changed (the text was not spun there), spun forms left, spun forms given the wrong original. The defaults in
RestoreConfig are chosen from this output (best repaired with no false change and no clean document flagged);
the report split (bench/bench_users.py section 1) is measured afterwards, once.

usage: python bench/tune_restore.py [--docs N] [--seed S] [--source SOURCE] [--grid name=v1,v2 ...]
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import itertools
import sys
from collections import Counter
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1] / "tools")]

from engines import known_engine  # noqa: E402
from loso import loso_model  # noqa: E402
from restore_eval import evaluate_genre, make_docs  # noqa: E402

from cunzhen.api import make_restorer  # noqa: E402
from cunzhen.engine.restore import RestoreConfig  # noqa: E402

TUNE_SOURCE = "news-1990s"  # the tune source of the user benchmark (bench/bench_users.py)
GRID = {
    "word_weight": (0.5, 1.0),
    "word_band": (3.0, 6.0),
}


def residual_kinds(original: str, spun: str, restored: str) -> Counter:
    """Differences left between ``restored`` and ``original``, by kind: 'genuine' (a span the spinner had not
    touched was changed), 'left' (the restorer did not change the spun form), 'wrong' (restored, but to
    another original)."""
    spun_touched = _touched(original, spun)  # per character of ``original``: did the spinner change it?
    edited = _touched(restored, spun)  # per character of ``restored``: did the restorer write it?
    kinds: Counter = Counter()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, original, restored, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if not any(spun_touched[i1 : max(i2, i1 + 1)]):
            kinds["genuine"] += 1
        elif not any(edited[j1 : max(j2, j1 + 1)]):
            kinds["left"] += 1
        else:
            kinds["wrong"] += 1
    return kinds


def _touched(a: str, b: str) -> list[bool]:
    """For each position of ``a`` (and its end, for an insertion there), whether ``b`` differs from it there."""
    touched = [False] * (len(a) + 1)
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            for i in range(i1, max(i2, i1 + 1)):
                touched[i] = True
    return touched


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=150, help="documents (default 150)")
    parser.add_argument("--seed", type=int, default=7, help="spinner seed (the report uses another)")
    parser.add_argument("--source", default=TUNE_SOURCE, help=f"tune source (default {TUNE_SOURCE})")
    parser.add_argument("--model", default=None, help="character model (default: the source's leave-one-out one)")
    parser.add_argument("--grid", nargs="*", default=None, help="RestoreConfig values, name=v1,v2 (replaces GRID)")
    args = parser.parse_args()
    grid = GRID
    if args.grid is not None:
        grid = {k: tuple(float(v) for v in vs.split(",")) for k, vs in (g.split("=", 1) for g in args.grid)}
    lm = args.model or str(loso_model(args.source))
    docs = make_docs(args.source, "tune", args.docs)
    spinner = known_engine().spinner(args.seed)
    pairs = [(doc, spinner.spin(doc)[0]) for doc in docs]
    print(f"{args.source} tune split, {len(docs)} documents, known engine, seed {args.seed}, model {Path(lm).name}")
    for values in itertools.product(*grid.values()):
        setting = dict(zip(grid, values))
        restorer = make_restorer(lm=lm, config=dataclasses.replace(RestoreConfig(), **setting))
        result = evaluate_genre(restorer.restore, args.source, docs, known_engine().spinner(args.seed))
        kinds: Counter = Counter()
        for doc, spun in pairs:
            if spun != doc:
                kinds += residual_kinds(doc, spun, restorer.restore(spun).text)
        print(
            f"{setting}  repaired {result.repaired:.4f}  false/100k {result.false_per_100k:.2f}  "
            f"spun flagged {result.recall:.3f}  clean flagged {result.fpr:.3f}  "
            f"residual genuine {kinds['genuine']} left {kinds['left']} wrong {kinds['wrong']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

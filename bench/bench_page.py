"""Single pages, `--learn` on one document (issue 15): what the page decipherer repairs, and what it changes.

The single-page loop of section 2 of bench_users.py (each farm page mined alone with `learn_table`, then
restored with the built-in table and the learned one), run alone and split by the part of the engine a page
can show: each engine whole, its character families alone (its rows of 2+ characters for one character,
chained as the engine chains them) and all its character rows (one-character swaps too). Clean pages of
every source (no engine) measure the false changes.

    python bench/bench_page.py            # tune split of news-1990s, engines of seeds 1-4 (design work)
    python bench/bench_page.py --report   # report split of every corpus-ood source, the report engines
"""

from __future__ import annotations

import random
import time
from collections import Counter

from bench_users import (
    FARM_PAGE_CHARS,
    SEED,
    SPLIT,
    TUNE_SEEDS,
    TUNE_SOURCES,
    farm_pages,
    model_without_ood,
    ood_documents,
    single_pages,
    unseen_engines,
    unseen_restorer,
)
from engines import Engine, families_alone, random_engine
from rapidfuzz.distance import Levenshtein
from restore_eval import make_docs
from shared_corpus import SOURCES

from cunzhen.api import learn_table, load_lm

N_SINGLE = 20  # pages an engine, as section 2
N_CLEAN = 40  # clean pages a source


def variants(engine: Engine) -> list[tuple[str, Engine]]:
    out = [("whole", engine)]
    families = families_alone(engine)
    if families.chars:
        out.append(("families", families))
        out.append(("character rows", Engine(engine.name, (), engine.chars, chained=engine.chained)))
    return out


def run(report: bool) -> str:
    lm_path, how = model_without_ood()
    lm = load_lm(lm_path)
    if report:
        engines, farm_docs, split = unseen_engines(), ood_documents(SPLIT, FARM_PAGE_CHARS), SPLIT
    else:
        engines = [random_engine(s) for s in TUNE_SEEDS]
        farm_docs, split = ood_documents("tune", FARM_PAGE_CHARS, TUNE_SOURCES), "tune"
    random.Random(SEED).shuffle(farm_docs)
    first = 100 if report else 80  # the pages section 2 gives its farm sites; the single pages come after
    lines = [
        f"Single pages ({split} split; model: {how}): {N_SINGLE} pages an engine, each mined alone and restored.\n",
        "| engine | part | damage (chars) | repaired | flagged | learned (pages) |",
        "|---|---|---|---|---|---|",
    ]
    for index, engine in enumerate(engines):
        for part, spinner_engine in variants(engine):
            docs = farm_docs[first : first + N_SINGLE]
            pages = farm_pages(spinner_engine, docs, f"farm{index}.example.com", SEED + 50 + index)
            out, tables = single_pages(pages, spinner_engine.name, lm, lm_path)
            learned = Counter(f"{e.spun}→{'/'.join(e.originals)}" for table in tables for e in table)
            shown = ", ".join(f"{k} ({v})" for k, v in learned.most_common(6)) or "-"
            repaired = f"{out.repaired:.3f}" if out.damage else "-"  # no damage: nothing to repair
            lines.append(
                f"| {engine.name} | {part} | {out.damage} | {repaired} | {out.flagged}/{out.pages} | {shown} |"
            )
    lines += ["", "| clean source | pages | characters | entries learned | characters changed |"]
    lines.append("|---|---|---|---|---|")
    for source in SOURCES:
        docs = make_docs(source, split, N_CLEAN, FARM_PAGE_CHARS)
        entries = changed = chars = 0
        for doc in docs:
            table, _ = learn_table([doc], lm)
            entries += len(table)
            changed += Levenshtein.distance(unseen_restorer(lm_path, [table]).restore(doc).text, doc)
            chars += len(doc)
        lines.append(f"| {source} | {len(docs)} | {chars} | {entries} | {changed} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from flags import parse_flags

    args = parse_flags(__doc__, report="the report split of every corpus-ood source and the report engines")
    started = time.perf_counter()
    print(run(report=args.report))
    print(f"{time.perf_counter() - started:.0f} s")

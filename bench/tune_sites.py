"""The miner's tune measurement (issue 15): the tune engines' farm sites alone and crawl slices, tune split only.

Design work on the miner's evidence rules (``DecipherConfig``) reads these figures, never the report's:
- *Sites alone*: each tune engine of bench_users (random, common-words and real-like engines, seeds 1-4) spins
  80 pages into a farm site of its own, twice: from news-1990s' tune split (bench_users --tune's source) and
  from the tune split of every corpus-ood source, mixed: 24 sites. Each site is learned and restored alone as
  `--learn` does (bench_users.learn_and_restore); its learned entries (every one, whatever its count) are right
  when the engine made the pair or one of its pairs in a longer frame (bench_mine.explained).
- *Clean sites alone*: 100 pages of one corpus-ood source, none spun, as one host, learned and restored as
  `--learn` does: pages flagged and characters changed. The pages are the train split's documents 100-199 of the
  source (the report's clean-site row, bench_users, reads documents 0-99: the tune split of most sources holds
  too few documents of a page's length).
- *Crawl slices*: the twelve engines, each a site of 20 pages from the mixed tune split (the report's slice
  size; news-1990s alone holds too few farm-length documents for that), among clean pages of the ood
  sources' train split, farm pages 10% and 2%: repaired per engine family, clean pages flagged and changed.

``--evidence UNITS`` runs it with ``DecipherConfig.evidence_units`` set to UNITS (the default: as shipped);
``--set NAME=VALUE`` (repeatable) any other ``DecipherConfig`` field, read as a number where it is one; ``--lm``
another model (for a quick look while the cached models are being built: the figures are then not the tune's).

usage: python bench/tune_sites.py [--evidence occurrences|documents|spread] [--set NAME=VALUE] [--no-slices]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import bench_users as users
from bench_mine import explained
from engines import common_engine, random_engine, real_like_engine

import cunzhen.engine.decipher.decode as decode
from cunzhen.api import load_lm

SITE_PAGES = 80
SLICE_PAGES = 20
CLEAN_SITE_PAGES = 100


def tune_engines() -> list:
    return [
        *(random_engine(s) for s in users.TUNE_SEEDS),
        *(common_engine(s) for s in users.TUNE_COMMON_SEEDS),
        *(real_like_engine(s) for s in users.TUNE_REAL_LIKE_SEEDS),
    ]


def family(name: str) -> str:
    return name.rsplit(" seed ", 1)[0]


def sites_alone(engines: list, lm, lm_path: str) -> list[str]:
    lines = [
        "| source | engine | repaired | flagged | entries right | wrong | wrong entries |",
        "|---|---|---|---|---|---|---|",
    ]
    right = wrong = 0
    repaired: list[float] = []
    survivals_right: list[float] = []
    survivals_wrong: list[float] = []
    for label, sources in (("news-1990s", users.TUNE_SOURCES), ("ood mixed", users.OOD_SOURCES)):
        docs = users.ood_documents("tune", users.FARM_PAGE_CHARS, sources)
        random.Random(users.SEED).shuffle(docs)
        for index, engine in enumerate(engines):
            pages = users.farm_pages(engine, docs[:SITE_PAGES], f"farm{index}.example.com", users.SEED + index)
            results, table, _ = users.learn_and_restore(pages, lm, lm_path)
            out = users.score(pages, results, table)[0].get(engine.name, users.Outcome())
            truth = {(s, o) for p in pages for o, s in p.subs}
            bad = [e for e in table if not any(explained((e.spun, o), truth) for o in e.originals)]
            good = len(table) - len(bad)
            right, wrong = right + good, wrong + len(bad)
            for e in table:
                share = min(e.survival.values(), default=0.0)
                (survivals_wrong if e in bad else survivals_right).append(share)
            repaired.append(out.repaired)
            shown = " ".join(f"{e.spun}→{e.originals[0]}×{e.count}" for e in bad[:4])
            lines.append(
                f"| {label} | {engine.name} | {out.repaired:.3f} | {out.flagged}/{out.pages} | {good} | {len(bad)} "
                f"| {shown} |"
            )
    lines.append(
        f"\nSites alone: {right} right entries, {wrong} wrong; repaired mean {statistics.mean(repaired):.3f}.\n"
    )
    lines.append(
        f"Originals' survival (observed / expected): right {_spread(survivals_right)}; "
        f"wrong {_spread(survivals_wrong)}\n"
    )
    return lines


def clean_sites(lm, lm_path: str) -> list[str]:
    lines = ["| clean site | pages flagged | changed /100k | entries learned |", "|---|---|---|---|"]
    flagged = pages_in = 0
    for source in users.OOD_SOURCES:
        docs = users.make_docs(source, "train", 2 * CLEAN_SITE_PAGES, users.CLEAN_PAGE_CHARS)[CLEAN_SITE_PAGES:]
        pages = users.clean_site(source, docs)
        results, table, _ = users.learn_and_restore(pages, lm, lm_path)
        clean = users.score(pages, results, table)[1]
        flagged, pages_in = flagged + clean.flagged, pages_in + clean.pages
        shown = " ".join(
            f"{e.spun}→{e.originals[0]}×{e.count}~{min(e.survival.values(), default=0):.2f}" for e in list(table)[:6]
        )
        lines.append(
            f"| {source} | {clean.flagged}/{clean.pages} | {clean.changed / max(clean.chars, 1) * 1e5:.0f} "
            f"| {len(table)} {shown} |"
        )
    lines.append(f"\nClean sites alone: {flagged} of {pages_in} pages flagged.\n")
    return lines


def slices(engines: list, lm, lm_path: str) -> list[str]:
    farm_docs = users.ood_documents("tune", users.FARM_PAGE_CHARS)
    filler = users.ood_documents("train", users.CLEAN_PAGE_CHARS)
    rng = random.Random(users.SEED)
    rng.shuffle(farm_docs)
    rng.shuffle(filler)
    lines = ["| slice | engine | repaired | flagged | entries right (seen >= 5) | of |", "|---|---|---|---|---|---|"]
    for share, label in ((0.10, "10%"), (0.02, "2%")):
        pages = []
        for index, engine in enumerate(engines):
            chosen = farm_docs[index * SLICE_PAGES : (index + 1) * SLICE_PAGES]
            pages += users.farm_pages(engine, chosen, f"farm{index}.example.com", users.SEED + 100 + index)
        pages += users.clean_pages(filler[: round(len(pages) * (1 - share) / share)])
        random.Random(users.SEED).shuffle(pages)
        results, table, _ = users.learn_and_restore(pages, lm, lm_path)
        by_engine, clean = users.score(pages, results, table)
        by_family: dict[str, list] = {}
        for engine in engines:
            out = by_engine.get(engine.name, users.Outcome())
            by_family.setdefault(family(engine.name), []).append(out)
            lines.append(
                f"| {label} | {engine.name} | {out.repaired:.3f} | {out.flagged}/{out.pages} | {out.entries_right} "
                f"| {out.entries_seen} |"
            )
        for name, outs in by_family.items():
            lines.append(f"| {label} | **{name}, mean** | {statistics.mean(o.repaired for o in outs):.3f} | | | |")
        lines.append(
            f"| {label} | clean pages | {clean.pages} | {clean.flagged} flagged | "
            f"{clean.changed / clean.chars * 1e5 if clean.chars else 0:.2f} changed /100k | |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--evidence", default=None, help="DecipherConfig.evidence_units for this run")
    parser.add_argument("--no-slices", action="store_true", help="the sites alone only")
    parser.add_argument("--set", action="append", default=[], help="NAME=VALUE: a DecipherConfig field for this run")
    parser.add_argument("--lm", default=None, help="a model path instead of bench_users.model_without_ood()")
    args = parser.parse_args()
    overrides: dict[str, object] = {}
    if args.evidence:
        overrides["evidence_units"] = args.evidence
    for item in args.set:
        name, value = item.split("=", 1)
        overrides[name] = _number(value)
    if overrides:
        shipped = decode.DecipherConfig
        # Every Decipherer built without a config (``--learn``'s) reads the module's name.
        decode.DecipherConfig = lambda **kw: shipped(**{**overrides, **kw})  # type: ignore[misc]
    lm_path = args.lm or users.model_without_ood()[0]
    lm = load_lm(lm_path)
    engines = tune_engines()
    started = time.perf_counter()
    lines = [f"## tune_sites: {overrides or 'as shipped'}{'; lm ' + args.lm if args.lm else ''}\n"]
    lines += sites_alone(engines, lm, lm_path)
    lines += clean_sites(lm, lm_path)
    if not args.no_slices:
        lines += slices(engines, lm, lm_path)
    lines.append(f"\n({time.perf_counter() - started:.0f} s)")
    print("\n".join(lines))


def _spread(values: list[float]) -> str:
    """How many of ``values`` fall in each band of survival."""
    bands = (0.1, 0.25, 0.5, 0.75, 1.01)
    counts = [sum(1 for v in values if low <= v < high) for low, high in zip((0.0, *bands), bands)]
    return " ".join(f"<{b:g}:{c}" for b, c in zip(bands, counts))


def _number(value: str) -> object:
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return None if value == "None" else value


if __name__ == "__main__":
    main()

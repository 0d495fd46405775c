"""Issue 15 benchmark: mining with no clean page (a farm site alone) and in crawl slices (farm pages at 10% / 2%).

A *farm site* is ``--pages`` documents of one source, every one spun by one engine (``bench/spinner.py`` over
a real engine table of ../shared/realpages/tables, or an engine of bench/engines.py when it exists, at rate
0.9). A *crawl slice* puts farm pages of the engine among clean documents of the same source at a share of 10%
or 2%. ``learn_table`` mines the batch (what ``--learn`` runs), the default restorer (built-in table + word
model) restores it with the learned table added. Measured: repaired (1 - lev(restored, original) /
lev(spun, original), summed over the farm pages), farm pages flagged, mined-table precision among entries
seen ≥ 5 times (``bench_mine.explained``), clean pages flagged and false changes per 100k clean characters;
as references, repaired with the built-in table alone and with the engine's own pairs seen ≥ 5 times.

usage: python bench/bench_farm.py [--split tune] [--source news-1990s] [--pages 100] [--engines ...] [--crawl]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tools")]

from bench_mine import MIN_SEEN, explained, true_table  # noqa: E402
from engines import Engine, char_family_engine, random_engine, real_engine, real_families, rewording_engine  # noqa: E402
from restore_eval import make_docs  # noqa: E402
from shared_corpus import SOURCES  # noqa: E402

from cunzhen.api import builtin_table, learn_table, load_lm, make_restorer  # noqa: E402

TUNE_RANDOM_SEEDS = (1, 2, 3)  # random engines for tuning (the report draws seeds >= 100)


REPORT_RANDOM_SEEDS = (101, 102, 103)


def tune_engines() -> list[Engine]:
    return [
        char_family_engine(),
        *(real_engine(f) for f in real_families()),
        *(random_engine(s) for s in TUNE_RANDOM_SEEDS),
    ]


def report_engines() -> list[Engine]:
    """Engines for the report: the real tables, the rewording tool and random engines of seeds no tuning drew."""
    return [
        *(real_engine(f) for f in real_families()),
        rewording_engine(),
        *(random_engine(s) for s in REPORT_RANDOM_SEEDS),
    ]


@dataclass
class Result:
    engine: str
    source: str
    share: float  # farm pages' share of the batch (1.0: a farm site alone)
    pages: int = 0
    clean: int = 0
    entries: int = 0
    mined_pairs: int = 0
    right_pairs: int = 0
    damage: int = 0
    residual: int = 0
    residual_known: int = 0
    residual_seen: int = 0
    flagged: int = 0
    clean_flagged: int = 0
    clean_chars: int = 0
    false_changes: int = 0
    mine_seconds: float = 0.0
    restore_seconds: float = 0.0
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    crawl: bool = False

    def repaired(self, residual: int) -> float:
        return 1 - residual / self.damage if self.damage else 1.0

    def row(self) -> str:
        precision = self.right_pairs / self.mined_pairs if self.mined_pairs else 1.0
        if self.crawl:  # a crawl slice: no reference restores, the clean pages are reported apart
            return (
                f"| {self.engine} | {self.source} | {self.share:.0%} | {self.pages} | - "
                f"| {precision:.1%} ({self.right_pairs}/{self.mined_pairs}) | - "
                f"| **{self.repaired(self.residual):.3f}** | - | {self.flagged / max(self.pages, 1):.1%} | - | - "
                f"| {self.mine_seconds:.1f} | - |"
            )
        return (
            f"| {self.engine} | {self.source} | {self.share:.0%} | {self.pages}/{self.clean} | {self.entries} "
            f"| {precision:.1%} ({self.right_pairs}/{self.mined_pairs}) | {self.repaired(self.residual_known):.3f} "
            f"| **{self.repaired(self.residual):.3f}** | {self.repaired(self.residual_seen):.3f} "
            f"| {self.flagged / max(self.pages, 1):.1%} | {self.clean_flagged / max(self.clean, 1):.2%} "
            f"| {self.false_changes / max(self.clean_chars, 1) * 1e5:.2f} | {self.mine_seconds:.1f} "
            f"| {self.restore_seconds:.1f} |"
        )


HEADER = (
    "| engine | source | farm share | farm/clean pages | entries | precision (seen ≥ 5) | repaired, built-in "
    "| repaired, `--learn` | ceiling: own pairs seen ≥ 5 | farm flagged | clean flagged | false /100k | mine s "
    "| restore s |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def crawl_clean(source: str, split: str, n_clean: int, skip: int) -> list[str]:
    """Clean pages of a crawl slice: the split's documents of every source in turn (the farm source's after
    the farm pages), shortest genres at their own length, until ``n_clean``."""
    if not n_clean:
        return []
    pools = {
        name: make_docs(name, split, n_clean + (skip if name == source else 0))[(skip if name == source else 0) :]
        for name in SOURCES
    }
    clean: list[str] = []
    while len(clean) < n_clean and any(pools.values()):
        for name in SOURCES:
            if pools[name] and len(clean) < n_clean:
                clean.append(pools[name].pop(0))
    return clean


def restorer_with(*tables):
    """The default restorer without the shipped family tables (read off the real engines' pages, which are
    measured here as engines the restorer was never given), plus ``tables``."""
    return make_restorer(tables=[builtin_table(families=False), *tables], use_builtin_table=False)


def evaluate(engine: Engine, source: str, split: str, pages: int, share: float, seed: int, min_chars: int) -> Result:
    """One engine's farm site alone (``share`` 1) or among clean pages of a crawl slice."""
    lm = load_lm()
    spinner = engine.spinner(seed)
    n_clean = 0 if share >= 1.0 else round(pages * (1 - share) / share)
    docs = make_docs(source, split, pages, min_chars)
    farm, truth = [], Counter()
    for doc in docs:
        spun, subs = spinner.spin(doc)
        if subs:
            farm.append((doc, spun))
            truth.update((s.spun, s.original) for s in subs)
    clean = crawl_clean(source, split, n_clean, len(docs))
    batch = [s for _, s in farm] + clean
    # Farm pages spread through the crawl, in a fixed order.
    order = sorted(range(len(batch)), key=lambda i: (i * 7919) % len(batch))
    urls = [f"https://farm.example.com/{i}.html" for i in range(len(farm))]
    urls += [f"https://site{i % 97}.example.cn/{i}.html" for i in range(len(clean))]
    result = Result(engine.name, source, share, len(farm), len(clean))
    started = time.perf_counter()
    learned, _ = learn_table([batch[i] for i in order], lm, source="bench", urls=[urls[i] for i in order])
    result.mine_seconds = time.perf_counter() - started
    mined = [(e.spun, o) for e in learned if e.count >= MIN_SEEN for o in e.originals]
    result.entries = len(learned)
    result.mined_pairs = len(mined)
    right = [p for p in mined if explained(p, set(truth))]
    result.right_pairs = len(right)
    result.wrong = [f"{s}→{o}" for s, o in mined if (s, o) not in set(right)]
    learned_pairs = set(learned.pairs())
    result.missed = [
        f"{s}→{o}×{c}"
        for (s, o), c in truth.most_common()
        if c >= MIN_SEEN and not any(explained(q, {(s, o)}) for q in learned_pairs)
    ]
    restorer = restorer_with(learned)
    known = restorer_with()
    seen = true_table(Counter({p: c for p, c in truth.items() if c >= MIN_SEEN}))
    ceiling = restorer_with(seen)
    started = time.perf_counter()
    for doc, spun in farm:
        res = restorer.restore(spun)
        result.damage += Levenshtein.distance(spun, doc)
        result.residual += Levenshtein.distance(res.text, doc)
        result.flagged += res.spun
    for doc in clean:
        res = restorer.restore(doc)
        result.clean_chars += len(doc)
        result.false_changes += Levenshtein.distance(res.text, doc)
        result.clean_flagged += res.spun
    result.restore_seconds = time.perf_counter() - started
    for doc, spun in farm:
        result.residual_known += Levenshtein.distance(known.restore(spun).text, doc)
        result.residual_seen += Levenshtein.distance(ceiling.restore(spun).text, doc)
    return result


def evaluate_crawl(
    engines: list[Engine], source: str, split: str, per_site: int, share: float, seed: int, min_chars: int, urls: bool
) -> tuple[list[Result], Result]:
    """A crawl slice as bench_users builds it: every engine a farm site of ``per_site`` pages (its own host),
    among clean pages of 97 other hosts, farm pages ``share`` of the slice; mined as one batch (with the
    pages' URLs when ``urls``). Per engine: its pages' figures; and the clean pages' (as a Result)."""
    lm = load_lm()
    docs = make_docs(source, split, per_site * len(engines), min_chars)
    pages: list[tuple[str, str, str, int]] = []  # (url, original, text, engine index or -1)
    truth: list[Counter] = [Counter() for _ in engines]
    for index, engine in enumerate(engines):
        spinner = engine.spinner(seed + index)
        for i, doc in enumerate(docs[index * per_site : (index + 1) * per_site]):
            spun, subs = spinner.spin(doc)
            truth[index].update((s.spun, s.original) for s in subs)
            pages.append((f"https://farm{index}.example.com/{i}.html", doc, spun, index))
    n_clean = round(len(pages) * (1 - share) / share)
    for i, doc in enumerate(crawl_clean(source, split, n_clean, len(docs))):
        pages.append((f"https://site{i % 97}.example.cn/{i}.html", doc, doc, -1))
    order = sorted(range(len(pages)), key=lambda i: (i * 7919) % len(pages))
    pages = [pages[i] for i in order]
    started = time.perf_counter()
    learned, _ = learn_table([p[2] for p in pages], lm, source="bench", urls=[p[0] for p in pages] if urls else None)
    mine_seconds = time.perf_counter() - started
    restorer = restorer_with(learned)
    results = [Result(e.name, source, share, crawl=True) for e in engines]
    clean = Result("clean pages", source, share)
    for r in results:
        r.mine_seconds = mine_seconds
    seen_forms = [Counter() for _ in engines]
    for index, counter in enumerate(truth):
        for (spun, _), count in counter.items():
            seen_forms[index][spun] += count
    for entry in learned:
        if entry.count < MIN_SEEN:
            continue
        owner = max(range(len(engines)), key=lambda i: seen_forms[i][entry.spun])
        if not seen_forms[owner][entry.spun]:
            owner = max(range(len(engines)), key=lambda i: sum(c for f, c in seen_forms[i].items() if f in entry.spun))
        for o in entry.originals:
            results[owner].mined_pairs += 1
            ok = explained((entry.spun, o), set(truth[owner]))
            results[owner].right_pairs += ok
            if not ok:
                results[owner].wrong.append(f"{entry.spun}→{o}")
    for _, original, text, index in pages:
        res = restorer.restore(text)
        if index < 0:
            clean.clean += 1
            clean.clean_chars += len(original)
            clean.false_changes += Levenshtein.distance(res.text, original)
            clean.clean_flagged += res.spun
            continue
        r = results[index]
        r.pages += 1
        r.damage += Levenshtein.distance(text, original)
        r.residual += Levenshtein.distance(res.text, original)
        r.flagged += res.spun
    return results, clean


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="tune", choices=("tune", "report"))
    parser.add_argument("--source", nargs="*", default=["news-1990s"])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--min-chars", type=int, default=800)
    parser.add_argument("--engines", nargs="*", default=None, help="engine names (default: all tuning engines)")
    parser.add_argument("--shares", nargs="*", type=float, default=[1.0])
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--pool", choices=("tune", "report"), default=None, help="engines (default: the split's)")
    parser.add_argument("--crawl", action="store_true", help="every engine a site of one crawl slice per share")
    parser.add_argument("--per-site", type=int, default=20)
    parser.add_argument("--no-urls", action="store_true", help="crawl slices mined without their pages' URLs")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a DecipherConfig value, for tuning"
    )
    args = parser.parse_args()
    if args.set:
        import functools

        import cunzhen.engine.decipher.decode as decode

        overrides = {k: type(getattr(decode.DecipherConfig(), k))(v) for k, v in (a.split("=") for a in args.set)}
        decode.DecipherConfig = functools.partial(decode.DecipherConfig, **overrides)  # type: ignore[misc]
    seed = args.seed if args.seed is not None else (7 if args.split == "tune" else 2026)
    pool = report_engines() if (args.pool or args.split) == "report" else tune_engines()
    print(HEADER)
    if args.crawl:
        engines = [e for e in pool if not args.engines or any(n in e.name for n in args.engines)]
        for source in args.source:
            for share in args.shares:
                results, clean = evaluate_crawl(
                    engines, source, args.split, args.per_site, share, seed, args.min_chars, not args.no_urls
                )
                for r in results:
                    print(r.row(), flush=True)
                    if args.verbose and r.wrong:
                        print(f"  wrong: {' '.join(r.wrong[:20])}", flush=True)
                print(
                    f"- share {share:.0%}: {clean.clean} clean pages, {clean.clean_flagged / max(clean.clean, 1):.2%} "
                    f"flagged, {clean.false_changes / max(clean.clean_chars, 1) * 1e5:.2f} false changes /100k chars; "
                    f"mining {results[0].mine_seconds:.1f} s",
                    flush=True,
                )
        return 0
    for source in args.source:
        for share in args.shares:
            for engine in pool:
                if args.engines and not any(name in engine.name for name in args.engines):
                    continue
                r = evaluate(engine, source, args.split, args.pages, share, seed, args.min_chars)
                print(r.row(), flush=True)
                if args.verbose and r.wrong:
                    print(f"  wrong: {' '.join(r.wrong[:20])}", flush=True)
                if args.verbose and r.missed:
                    print(f"  missed (seen >= 5): {' '.join(r.missed[:20])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

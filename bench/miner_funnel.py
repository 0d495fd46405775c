"""Where a farm site's true pairs are lost (issue 15), on the tune sites of bench/tune_sites.py, tune split only.

For each tune site alone (80 pages of one tune engine, no clean page) and each pair the engine made >= 5
times there, the stage where it ends, weighted by its occurrences (the damage it stands for):
- *no candidate*: never among a round's excess forms nor nominated as a real-word swap;
- *not read*: a swap candidate skipped (no form in excess learned yet), or a form waiting for the next round;
- *no option*: read, but its original not among the options put before the model (the trace says why: no
  original in the batch, ruled out by the channel, or ranked out by neighbour fit);
- *first look*: an option, but not among the finalists the first look (the character model, ``contexts``
  contexts) keeps for the second;
- *other original*: the model's best option is another word;
- *rejected*: its original is the best option, but a rule dropped it (wins, llr, evidence, unframed);
- *learned*: in the site's table.
Then what the restorer does with the learned pairs: occurrences on pages judged clean (not applied) and on
pages judged spun but kept (the change's gain under its margin).

usage: python bench/miner_funnel.py [--sources news|ood|both] [--engines N,M,...] [--lm PATH]
"""

from __future__ import annotations

import argparse
import random
import re
from collections import Counter

import bench_users as users
import tune_sites
from bench_mine import explained

import cunzhen.api as api
from cunzhen.api import load_lm
from cunzhen.engine.decipher.decode import Decipherer

TRACE = False
STAGES = ("no candidate", "not read", "no option", "first look", "other original", "rejected", "learned")


class TracingDecipherer(Decipherer):
    """The decipherer with every asked form explained (``mine(explain=...)``), its traces kept."""

    asked: list[str] = []
    last: TracingDecipherer | None = None

    def mine(self, texts, source="mined", explain=(), mask=None, sites=None):
        TracingDecipherer.last = self
        return super().mine(texts, source, [*explain, *self.asked], mask, sites)


def stage_of(spun: str, original: str, lines: list[str], learned: bool) -> tuple[str, str]:
    """The pair's stage and a short note, from the decipherer's trace lines for ``spun``."""
    if learned:
        return "learned", ""
    candidate = any("an excess form" in m or "a swap candidate" in m for m in lines)
    if not candidate:
        return "no candidate", next((m for m in lines if "seen" in m), "")
    looks = [m for m in lines if m.startswith("second look:")]
    if not looks:
        skipped = [m for m in lines if "not read" in m or "read again" in m or "no option fits" in m]
        if any("no option fits" in m for m in skipped):
            return "no option", skipped[-1]
        return "not read", skipped[-1] if skipped else "judged hopeless before"
    # The last judgement: the options' note on the original, the first look, what it says of the original, the
    # second look (Decipherer._options and _judge write them in this order).
    at = max(i for i, m in enumerate(lines) if m.startswith("second look:"))
    first = max(i for i, m in enumerate(lines[:at]) if "options; first look" in m)
    last = lines[at]
    said = [m for m in lines[:first] if m.startswith(f"{original}: ")]
    if said and not said[-1].endswith(": an option"):
        return "no option", said[-1][:160]
    dropped = [m for m in lines[first:at] if m.startswith(f"{original}: option ")]
    if dropped:
        return "first look", dropped[-1][:160]
    judged = last.split("second look: ", 1)[1].split(" | nulls", 1)[0]
    best = judged.split(":", 1)[0].strip()
    if best != original:
        return "other original", last[:160]
    numbers = re.search(r"llr ([-\d.]+), wins ([-\d.]+), gain ([-\d.]+), lead ([-\d.]+)", judged)
    return "rejected", (numbers.group(0) if numbers else last[:160])


def site_funnel(engine, pages, lm, lm_path) -> tuple[Counter, Counter, list[str], dict]:
    truth: Counter = Counter()
    for p in pages:
        truth.update((s, o) for o, s in p.subs)
    frequent = {pair: n for pair, n in truth.items() if n >= users.MIN_SEEN}
    TracingDecipherer.asked = sorted(f"{s}→{o}" for s, o in frequent)
    results, table, _ = users.learn_and_restore(pages, lm, lm_path)
    traces = TracingDecipherer.last._traces if TracingDecipherer.last else {}
    by_stage: Counter = Counter()
    notes = []
    learned_pairs = set()
    for (spun, original), n in sorted(frequent.items(), key=lambda kv: -kv[1]):
        learned = any(explained((e.spun, o), {(spun, original)}) for e in table for o in e.originals)
        learned = learned or (table.get(spun) is not None and original in table.get(spun).originals)
        lines = traces.get(f"{spun}→{original}", [])
        stage, note = stage_of(spun, original, lines, learned)
        by_stage[stage] += n
        if learned:
            learned_pairs.add((spun, original))
        notes.append(f"{stage:14s} {spun}→{original} ×{n}: {note}")
        if TRACE and stage != "learned":
            notes += [f"        {line}" for line in lines]
    # What the restorer did with the learned pairs: per occurrence, on pages judged clean / spun but kept.
    applied: Counter = Counter()
    for page, res in zip(pages, results):
        for original, spun in page.subs:
            if (spun, original) not in learned_pairs:
                continue
            applied["on clean-judged pages" if not res.spun else "on spun-judged pages"] += 1
        if res.spun:
            applied["pages flagged"] += 1
    applied["pages"] = len(pages)
    out = users.score(pages, results, table)[0].get(engine.name, users.Outcome())
    applied["repaired x1000"] = round(1000 * out.repaired)
    return by_stage, applied, notes, dict(frequent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", default="both", choices=("news", "ood", "both"))
    parser.add_argument("--engines", default="", help="indices into tune_sites.tune_engines(), comma-separated")
    parser.add_argument("--lm", default=None, help="a model path (default: bench_users.model_without_ood())")
    parser.add_argument("--notes", action="store_true", help="print every pair's stage")
    parser.add_argument("--trace", action="store_true", help="print every lost pair's whole trace")
    args = parser.parse_args()
    global TRACE
    TRACE = args.trace
    api.make_decipherer = lambda lm=None, thesaurus=True, word_lm=api.DEFAULT_WORD_LM: TracingDecipherer(
        lm if not isinstance(lm, str) else load_lm(lm),
        thesaurus=api.load_thesaurus() if thesaurus else None,
        word_lm=api.load_word_lm(word_lm),
    )
    lm_path = args.lm or users.model_without_ood()[0]
    lm = load_lm(lm_path)
    engines = tune_sites.tune_engines()
    chosen = [int(i) for i in args.engines.split(",")] if args.engines else range(len(engines))
    groups = [("news-1990s", users.TUNE_SOURCES), ("ood mixed", users.OOD_SOURCES)]
    groups = groups[:1] if args.sources == "news" else groups[1:] if args.sources == "ood" else groups
    total: Counter = Counter()
    print("| source | engine | pairs >= 5 | " + " | ".join(STAGES) + " | flagged | on clean pages | repaired |")
    print("|---|---|---|" + "---|" * len(STAGES) + "---|---|---|")
    for label, sources in groups:
        docs = users.ood_documents("tune", users.FARM_PAGE_CHARS, sources)
        random.Random(users.SEED).shuffle(docs)
        for index in chosen:
            engine = engines[index]
            pages = users.farm_pages(
                engine, docs[: tune_sites.SITE_PAGES], f"farm{index}.example.com", users.SEED + index
            )
            by_stage, applied, notes, frequent = site_funnel(engine, pages, lm, lm_path)
            occ = sum(frequent.values())
            total.update(by_stage)
            total["occurrences"] += occ
            total.update({k: v for k, v in applied.items() if k != "repaired x1000"})
            cells = " | ".join(f"{by_stage[s] / occ:.0%}" if occ else "-" for s in STAGES)
            print(
                f"| {label} | {engine.name} | {len(frequent)} ({occ}) | {cells} | "
                f"{applied['pages flagged']}/{applied['pages']} | {applied['on clean-judged pages']} | "
                f"{applied['repaired x1000'] / 1000:.3f} |",
                flush=True,
            )
            if args.notes:
                for note in notes:
                    print("    " + note)
    occ = total["occurrences"]
    print(
        "\nAll sites, share of true occurrences (pairs >= 5): "
        + ", ".join(f"{s} {total[s] / occ:.1%}" for s in STAGES)
        + f"; pages flagged {total['pages flagged']}/{total['pages']}; learned pairs' occurrences on pages judged "
        f"clean {total['on clean-judged pages']} of {total['on clean-judged pages'] + total['on spun-judged pages']}"
    )


if __name__ == "__main__":
    main()

"""Benchmark of `cunzhen clean` on real farm and clean pages (issue 13): ../shared/realpages, per kind of pollution.

Every page of ../shared/realpages (41 polluted pages from real farm sites, 25 clean pages of the same genres)
through the bundled engine, as `cunzhen clean` runs it page by page; tools/realpages.py says what is measured
(which strings of checks.tsv must be gone, split by the kind of pollution behind them in
tools/realpages_kinds.tsv; a clean page is harmed when dropped, spin-edited, repaired or cut other than as
template or duplicate). Spin and what reads like it (back-translation, dropped characters, spliced sentences)
are the restorer's and miner's kinds, shown apart. These are development pages: the figures say what the
detectors do on the pages they were built against, not on unseen ones.

A second table puts clean text of every source of ../shared/corpus and corpus-ood (report split, documents of
consecutive paragraphs as bench/restore_eval.py makes them) through the same engine: text with no pollution
at all, of genres the real pages do not cover (weibo posts, reviews, 1990s news, medical text, essays), judged
harmed as a clean real page is.

usage: python bench/bench_realpages.py [--quick]
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tools")]

import realpages  # noqa: E402
from flags import parse_flags  # noqa: E402
from restore_eval import make_docs  # noqa: E402
from shared_corpus import SOURCES  # noqa: E402

CLEAN_TEXT_DOCS = 150  # documents a source (report split); --quick: 30


def clean_text_harm(clean_fn, docs_per_source: int, split: str = "report") -> str:
    """Markdown table: clean documents of every source through ``clean_fn``, harmed as realpages judges a clean
    page (dropped, spin-edited, repaired, flagged, or cut other than as template or duplicate)."""
    columns = ("documents", "harmed", "dropped", "spin-edited", "repaired", "cut as pollution")
    rows = [
        "| source | " + " | ".join(columns) + " | characters lost /100k |",
        "|---|" + "---:|" * (len(columns) + 1),
    ]
    examples: list[str] = []
    total: Counter = Counter()
    for source in SOURCES:
        count: Counter = Counter()
        for i, doc in enumerate(make_docs(source, split, docs_per_source)):
            out = clean_fn({"id": f"{source}-{i}", "url": f"https://example.org/{source}/{i}.html", "text": doc})
            meta = out.get("cunzhen") or {}
            harm = realpages._harm(meta)
            cuts = [r for r in meta.get("removed") or () if r.get("kind") not in realpages.ALLOWED_CUTS]
            dropped = meta.get("verdict") == "drop"
            count.update(
                {
                    "documents": 1,
                    "harmed": bool(harm),
                    "dropped": dropped,
                    "spin-edited": bool(meta.get("edits")),
                    "repaired": bool(meta.get("repairs")),
                    "cut as pollution": bool(cuts),
                    "chars": len(doc),
                    "lost": len(doc) if dropped else sum(r["end"] - r["start"] for r in cuts),
                }
            )
            if harm and len(examples) < 12:
                what = [f"{r['reason']} `{doc[r['start'] : r['end']][:30]}`" for r in cuts[:2]]
                what += [f"{r['reason']} {r['before']}→{r['after']}" for r in (meta.get("repairs") or [])[:2]]
                what += [f"spin {e['before']}→{e['after']}" for e in (meta.get("edits") or [])[:2]]
                examples.append(f"- {source} {i}: {', '.join(harm)}" + (f" ({'; '.join(what)})" if what else ""))
        total += count
        rows.append(_harm_row(source, count, columns))
    rows.append(_harm_row("all", total, columns))
    return "\n".join(rows) + "\n\nFirst harmed documents:\n\n" + ("\n".join(examples) or "- none")


def _harm_row(name: str, count: Counter, columns: tuple[str, ...]) -> str:
    n = max(count["documents"], 1)
    cells = [str(count["documents"])] + [f"{count[c]} ({count[c] / n:.1%})" for c in columns[1:]]
    return f"| {name} | " + " | ".join(cells) + f" | {1e5 * count['lost'] / max(count['chars'], 1):.1f} |"


def run(quick: bool = False) -> str:
    """Markdown section; ``quick``: fewer clean documents a source (the 66 real pages take a few seconds)."""
    clean_fn = realpages.engine_clean_fn()
    docs = 30 if quick else CLEAN_TEXT_DOCS
    started = time.perf_counter()
    results = realpages.check_pages(clean_fn)
    seconds = time.perf_counter() - started
    fig = realpages.figures(results)
    return (
        "## realpages (issue 13): real farm pages, per kind of pollution\n\n"
        "Command: `python bench/bench_realpages.py`. Every page of `../shared/realpages` "
        f"({fig['polluted_pages']} polluted, {fig['clean_pages']} clean) through `cunzhen clean`'s engine page by "
        f"page ({len(results) / seconds:.0f} pages/s here, models loaded). A kind's pollution is gone when none of "
        "its strings of `checks.tsv` is left and the page was not dropped, and a `flag` check (char_deletion, "
        "sentence_salad, back_translation 040) passes when the page is judged polluted: spun, dropped, or given a "
        "page flag (`garbled`: characters dropped throughout); a flagged clean page counts as harmed. "
        "`(restorer)` kinds are the spinner's. "
        "These are development pages, and the spin checks of the 厥后, 弗成, 居品 and 体现 pages are in sample: "
        "the family tables cunzhen ships (`family_tables.tsv`) were read off those very pages.\n\n"
        + realpages.markdown(fig)
        + "\n\n### Clean text of every source through the same engine\n\n"
        f"Up to {docs} documents a source, report split, no pollution in them: how many come out harmed, judged as "
        "a clean real page is (template and duplicate-line cuts allowed). Characters lost: dropped documents "
        "whole, plus what was cut as pollution. The corpora are web text too: a flag can be right (a hotel review "
        "with characters dropped throughout is `garbled`), and a template cut is allowed.\n\n"
        + clean_text_harm(clean_fn, docs)
    )


def main() -> int:
    args = parse_flags(__doc__, quick="30 clean documents a source instead of 150")
    print(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())

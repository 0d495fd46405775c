"""Benchmark of `cunzhen clean` on real farm and clean pages (issue 13): ../shared/realpages, per kind of pollution.

Every page of ../shared/realpages (41 polluted pages from real farm sites, 25 clean pages of the same genres)
through the bundled engine, as `cunzhen clean` runs it page by page; tools/realpages.py says what is measured
(which strings of checks.tsv must be gone, split by the kind of pollution behind them in
tools/realpages_kinds.tsv; a clean page is harmed when dropped, spin-edited, repaired or cut other than as
template or duplicate). Spin and what reads like it (back-translation, dropped characters, spliced sentences)
are the restorer's and miner's kinds, shown apart. These are development pages: the figures say what the
detectors do on the pages they were built against, not on unseen ones.

usage: python bench/bench_realpages.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tools")]

import realpages  # noqa: E402


def run(quick: bool = False) -> str:
    """Markdown section; ``quick`` changes nothing (66 pages take a few seconds)."""
    clean_fn = realpages.engine_clean_fn()
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
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`cunzhen report`: a self-contained HTML report of what one or more runs did."""

from __future__ import annotations

import argparse
import sys
import time

HELP = """\
Read the output of `cunzhen restore` or `cunzhen clean` (JSONL, .jsonl.gz) and write one HTML file that opens
offline (plots embedded as SVG, no script, nothing fetched):
  - documents by verdict and reason, and the run's summary line (the same counts the command printed)
  - the spin-score distribution of kept, edited and dropped documents
  - the most frequent restorations (spun -> restored, count) and the removed strings by kind
  - sites (host of `url`, else of `id`) with their share of spun and spam pages; likely farms highlighted
  - a sample of documents, before and after, every edit and removed span highlighted

examples:
  cunzhen report restored.jsonl -o report.html
  cunzhen report out/ -o report.html --sample 30          every shard of a sharded run's folder
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="HTML report of a run (verdicts, plots, restorations, sites, sample documents)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="OUT",
        help="output JSONL of cunzhen restore/clean (.jsonl, .jsonl.gz), or the output folder of a sharded run",
    )
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.add_argument("--title", default="cunzhen run report", help="report title")
    p.add_argument("--sample", type=int, default=12, metavar="N", help="documents shown in full (default 12)")
    p.add_argument("--top", type=int, default=40, metavar="N", help="rows in the frequency and site tables")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cunzhen.report.html import ReportOptions, write_report

    started = time.perf_counter()
    options = ReportOptions(title=args.title, sample_size=args.sample, top=args.top)
    try:
        aggregate = write_report(args.inputs, args.output, options)
    except OSError as exc:
        print(f"cunzhen report: {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    print(f"cunzhen report: {aggregate.stats.summary()}; wrote {args.output} in {seconds:.1f}s", file=sys.stderr)
    return 0

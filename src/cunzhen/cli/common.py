"""Options and plumbing shared by the commands that process records."""

from __future__ import annotations

import argparse
import sys
import time

from cunzhen.steps.stats import RunStats

# Exit status when the run finished but some records carried an error (each has an output line).
EXIT_RECORD_ERRORS = 3


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("engine")
    group.add_argument("--lm", metavar="MODEL", help="KenLM model (.bin with its .json) instead of the bundled one")
    group.add_argument(
        "--table",
        metavar="FILE",
        action="append",
        default=[],
        help="extra spin table (TSV, format of cunzhen/data/spin_table.tsv); repeatable",
    )
    group.add_argument("--no-builtin-table", action="store_true", help="use only the tables given with --table")
    group.add_argument(
        "--learn",
        action="store_true",
        help="first mine the input batch for its spinner (as `cunzhen mine` does), then use the learned table too",
    )
    group.add_argument(
        "--reject",
        metavar="FILE",
        action="append",
        default=[],
        help="substitutions never to apply (TSV spun<TAB>original, as `cunzhen review` exports); repeatable",
    )


def add_run_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("run")
    group.add_argument("-q", "--quiet", action="store_true", help="no progress bar (the summary still goes to stderr)")


def restorer_from_args(args: argparse.Namespace):
    from cunzhen.api import make_restorer

    restorer = make_restorer(args.lm, args.table, use_builtin_table=not args.no_builtin_table)
    if getattr(args, "learn", False):
        from cunzhen.cli.mine import learned_table
        from cunzhen.engine.restore import Restorer

        table = restorer.table.merge(learned_table(args, restorer.lm))
        restorer = Restorer(restorer.lm, table, restorer.config, "learned")
    rejects = getattr(args, "reject", None)
    if not rejects:
        return restorer
    from cunzhen.engine.restore import Restorer
    from cunzhen.review.rejects import load_reject_pairs

    pairs = set().union(*(load_reject_pairs(path) for path in rejects))
    return Restorer(restorer.lm, restorer.table.without(pairs), restorer.config, restorer.name)


def progress(iterable, args: argparse.Namespace, unit: str = "doc"):
    """Wrap ``iterable`` in a tqdm bar on stderr unless --quiet."""
    if args.quiet:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, unit=unit, file=sys.stderr, dynamic_ncols=True, mininterval=0.5)


def finish(stats: RunStats, started: float, command: str) -> int:
    """Print the end-of-run summary to stderr and return the exit status."""
    seconds = time.perf_counter() - started
    chars = stats.counts["chars_in"]
    rate = f", {chars / seconds / 1e3:.0f}k chars/s" if seconds > 0 and chars else ""
    print(f"cunzhen {command}: {stats.summary()} in {seconds:.1f}s{rate}", file=sys.stderr)
    return EXIT_RECORD_ERRORS if stats.counts["errors"] else 0

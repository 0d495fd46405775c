"""Options and plumbing shared by the commands that process records."""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time

from cunzhen.steps.stats import RunStats

# Exit status when the run finished but some records carried an error (each has an output line).
EXIT_RECORD_ERRORS = 3


# An -o with one of these suffixes is one file, whatever the inputs; "-" is stdout.
FILE_SUFFIXES = (".jsonl", ".jsonl.gz", ".parquet")


def is_folder_output(inputs: list[str], output: str) -> bool:
    """Whether a record command writes a run folder (one output shard per input shard, resumable) or one file.

    The same rule for every command, so that no trailing slash decides whether a crawl's run can resume:
    ``-`` and an ``-o`` ending in .jsonl, .jsonl.gz or .parquet are one file (a folder or several inputs are
    then read in order into it); an existing directory, a path ending in ``/``, and any other ``-o`` given a
    folder, a glob or several inputs are a run folder. One input file with a bare ``-o out`` is one file."""
    if output == "-":
        return False
    if output.endswith(("/", os.sep)) or os.path.isdir(output):
        return True
    if output.lower().endswith(FILE_SUFFIXES):
        return False
    return len(inputs) > 1 or any(i != "-" and (glob.has_magic(i) or os.path.isdir(i)) for i in inputs)


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    from cunzhen.cli.mine import DEFAULT_LEARN_SAMPLE_MB

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
        "--word-lm",
        metavar="MODEL",
        default="default",
        help="word-level KenLM model that settles close calls beside the character model: 'default' (Debian's "
        "libime-data-language-model, installed by make install), a path, or 'none'",
    )
    group.add_argument(
        "--learn",
        action="store_true",
        help="first mine the input batch for its spinner (as `cunzhen mine` does), then use the learned table too; "
        "an input of one or two documents is mined a page at a time (its character families, 东说念主 for 人). "
        "A clean site of one genre mined alone is left almost untouched (README, What to expect), but a batch "
        "you know is clean gains nothing from it",
    )
    group.add_argument(
        "--learn-sample",
        type=float,
        default=DEFAULT_LEARN_SAMPLE_MB,
        metavar="MB",
        help="--learn mines at most MB megabytes of text: where records carry URLs, first the own pages of the "
        "sites a screen ranks as farms, then documents taken evenly across the whole input, so "
        f"mining costs the same on any crawl size (default {DEFAULT_LEARN_SAMPLE_MB:g}, about a thousand pages; "
        "0 for the whole input)",
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


def restorers_from_args(args: argparse.Namespace):
    """The engine the options describe, per site (``steps.learn.SiteRestorers``); with --learn, the input batch
    is mined first: its pooled table joins every record's restorer, each farm site's table its own pages'."""
    from cunzhen.api import make_restorer
    from cunzhen.steps.learn import SiteRestorers

    options = engine_options(args)
    sites, odds = {}, {}
    if getattr(args, "learn", False):
        from cunzhen.api import load_lm
        from cunzhen.cli.mine import learned_tables

        learned = learned_tables(args, load_lm(args.lm))
        options["tables"] = (*options["tables"], learned.pooled)
        sites, odds = learned.sites, learned.odds
    base = options.pop("tables")
    return SiteRestorers(
        lambda extra, engine_odds: make_restorer(tables=(*base, *extra), engine_odds=engine_odds, **options),
        sites,
        odds,
    )


def engine_options(args: argparse.Namespace) -> dict:
    """The engine options as keyword arguments of ``api.make_restorer`` and of the step factories."""
    return {
        "lm": args.lm,
        "tables": tuple(args.table),
        "use_builtin_table": not args.no_builtin_table,
        "rejects": tuple(getattr(args, "reject", None) or ()),
        "word_lm": word_lm_from_args(args),
    }


def word_lm_from_args(args: argparse.Namespace) -> str | None:
    from cunzhen.api import DEFAULT_WORD_LM

    value = getattr(args, "word_lm", DEFAULT_WORD_LM)
    return None if value == "none" else value


def progress(iterable, args: argparse.Namespace, unit: str = "doc"):
    """Wrap ``iterable`` in a tqdm bar on stderr unless --quiet."""
    if args.quiet:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, unit=unit, file=sys.stderr, dynamic_ncols=True, mininterval=0.5)


def finish(stats: RunStats, started: float, command: str, output: str | None = None) -> int:
    """Print the end-of-run summary to stderr (ending with what was written: one file, or stdout) and return
    the exit status."""
    seconds = time.perf_counter() - started
    chars = stats.counts["chars_in"]
    rate = f", {chars / seconds / 1e3:.0f}k chars/s" if seconds > 0 and chars else ""
    wrote = "" if output is None else "; wrote stdout" if output == "-" else f"; wrote one file {output}"
    print(f"cunzhen {command}: {stats.summary()} in {seconds:.1f}s{rate}{wrote}", file=sys.stderr)
    return EXIT_RECORD_ERRORS if stats.counts["errors"] else 0

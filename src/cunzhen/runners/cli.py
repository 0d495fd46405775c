"""What a record command's CLI needs for sharded runs: the options, the mode switch, and the call.

A command keeps its single-file behaviour (``IN.jsonl -o OUT.jsonl``, ``-`` for stdin/stdout) and becomes a
sharded run by the rule of ``cli.common.is_folder_output``: an output folder (an existing directory, a path
ending in ``/``), or an ``-o`` without a .jsonl/.jsonl.gz/.parquet suffix given several inputs, a directory or
a glob.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from cunzhen.cli.common import is_folder_output
from cunzhen.runners.run import ENGINES
from cunzhen.runners.steps import StepFactory

# Exit statuses beyond 0 (all shards done, no record errors) and 3 (record errors, cli/common.py).
EXIT_SHARDS_FAILED = 4
EXIT_BAD_RUN = 2

SHARDED_HELP = """\
sharded runs (several inputs, a directory or a glob, and an -o without a .jsonl/.jsonl.gz/.parquet suffix:
-o is then a run folder, with or without a trailing slash; with such a suffix they are read into one file):
  %(prog)s crawl/ -o out/                       every .jsonl[.gz]/.parquet/.warc[.gz] under crawl/
  %(prog)s 'crawl/*/part-*.jsonl.gz' -o out/ --workers 8
  %(prog)s crawl/ -o out/ --engine ray --ray-address ray://head:10001
  One output shard per input shard (same relative path), out/manifest.json with counts, out/config.json
  with the resolved config. Killed? Run the same command again: finished shards are kept, the rest done.
"""


def add_scale_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("sharded runs")
    group.add_argument("--workers", type=int, default=None, metavar="N", help="worker processes (default: all cores)")
    group.add_argument("--engine", choices=ENGINES, default="local", help="local processes or Ray (default local)")
    group.add_argument(
        "--ray-address", metavar="ADDR", default=None, help="Ray cluster to join (default: start a local Ray)"
    )


def is_sharded_run(inputs: list[str], output: str) -> bool:
    return is_folder_output(inputs, output)


def run_sharded_command(args: argparse.Namespace, factory: StepFactory) -> int:
    """Run ``factory`` over ``args.input`` into the folder ``args.output``; print the summary; exit status."""
    from cunzhen.cli.common import EXIT_RECORD_ERRORS
    from cunzhen.runners.run import run_sharded
    from cunzhen.runners.run_folder import RunFolderError
    from cunzhen.runners.shards import ShardError

    if "-" in args.input:
        print(f"cunzhen {factory.command}: a run folder reads files, not stdin: use -o FILE.jsonl", file=sys.stderr)
        return EXIT_BAD_RUN
    try:
        if getattr(args, "learn", False):
            factory = with_learned_table(factory, args)
        report = run_sharded(
            args.input,
            args.output,
            factory,
            engine=args.engine,
            workers=args.workers,
            ray_address=args.ray_address,
            quiet=args.quiet,
        )
    except (ShardError, RunFolderError) as exc:
        hint = ""
        if isinstance(exc, ShardError) and factory.command == "clean":
            hint = " (.html and .txt pages are read into one file: -o OUT.jsonl)"
        print(f"cunzhen {factory.command}: {exc}{hint}", file=sys.stderr)
        return EXIT_BAD_RUN
    print(report.summary(), file=sys.stderr)
    if not report.ok:
        return EXIT_SHARDS_FAILED
    return EXIT_RECORD_ERRORS if report.manifest["totals"].get("errors") else 0


def with_learned_table(factory: StepFactory, args: argparse.Namespace) -> StepFactory:
    """``--learn`` for a sharded run: mine the input shards once, in this process, into the run folder
    (``steps/learn.py``: ``sites/<host>.tsv`` per farm site, ``pooled_table.tsv``, and ``learned_table.tsv``,
    everything merged, for review), then give the factory the pooled table for every record and the sites'
    tables for their own pages. A resumed run reuses the tables it finds there, so every shard of one run is
    restored with the same ones. Mining reads ``--learn``'s sample of the shards (``steps.learn.crawl_batch``:
    at most ``--learn-sample`` MB, the screened sites' own pages first, the rest taken evenly), so its cost is
    bounded whatever the crawl's size."""
    from pathlib import Path

    from cunzhen.api import load_lm
    from cunzhen.cli.mine import DEFAULT_MAX_CHARS, iter_records, learn_sample_mb
    from cunzhen.runners.shards import discover
    from cunzhen.steps.learn import POOLED_TABLE, SITES_DIR, is_learned, learn_from_records, save_learned

    folder = Path(args.output)
    if not is_learned(folder):
        shards = [s.path for s in discover(args.input, exclude=args.output) if s.format != "warc"]
        sample_mb = learn_sample_mb(args)
        records = iter_records(shards, DEFAULT_MAX_CHARS if sample_mb is None else None)
        source = "learned:" + ",".join(args.input)
        learned = learn_from_records(records, load_lm(factory.lm), sample_mb, source, factory.word_lm)
        header = f"learned by --learn from {len(shards)} shards: {learned.summary}"
        save_learned(folder, learned, header)
        if not args.quiet:
            print(f"cunzhen --learn: {learned.summary}; tables in {folder}", file=sys.stderr)
    tables = (*factory.tables, str(folder / POOLED_TABLE))
    return dataclasses.replace(factory, tables=tables, site_tables=str(folder / SITES_DIR))

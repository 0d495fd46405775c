"""`cunzhen restore`: detect spun documents in JSONL and restore their wording."""

from __future__ import annotations

import argparse
import time

from cunzhen.cli.common import (
    add_engine_options,
    add_run_options,
    engine_options,
    finish,
    progress,
    restorers_from_args,
)
from cunzhen.runners.cli import SHARDED_HELP, add_scale_options, is_sharded_run, run_sharded_command
from cunzhen.runners.steps import RestoreStep

HELP = """\
Read JSONL documents (one object a line with `text`, usually `id`), restore those that were run through a
synonym spinner, and write one output line per input line, in order.

Each output line is the input object with `text` restored and a `cunzhen` object added:
  spun        true if the document was judged spun (otherwise `text` is unchanged)
  spin_score  0..1, the document's spin evidence (0.5 = the decision threshold)
  edits       [{start, end, before, after, score, reason}]: offsets into the *input* text (Python string
              indices), the spun form, its restoration, a confidence (log10 units by which the language
              models' gain cleared the change's margin: always > 0) and the rule that proposed it
A line that is not a JSON object, or has no string `text`, is written back with an `error` field and the run
goes on. Exit status: 0, or 3 if any record had an error (the summary on stderr counts them).

examples:
  cunzhen restore crawl.jsonl.gz -o restored.jsonl.gz
  cat docs.jsonl | cunzhen restore - -o - | jq .cunzhen.spun
  cunzhen restore docs.jsonl -o out.jsonl --lm my.bin --table farm-a.tsv
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "restore",
        help="restore spun documents (JSONL)",
        description=HELP + "\n" + SHARDED_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", nargs="+", help="JSONL file (.jsonl or .jsonl.gz), or - for stdin; or shards (below)")
    p.add_argument(
        "-o", "--output", required=True, help="JSONL file to write (.gz compresses), - for stdout, or a folder"
    )
    add_engine_options(p)
    add_run_options(p)
    add_scale_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if is_sharded_run(args.input, args.output):
        factory = RestoreStep(**engine_options(args))
        return run_sharded_command(args, factory)
    from cunzhen.io.jsonl import JsonlWriter, ReadError
    from cunzhen.runners.shards import ShardError
    from cunzhen.steps.learn import restore_by_site
    from cunzhen.steps.stats import RunStats

    started = time.perf_counter()
    try:
        args.input = input_files(args.input)
    except ShardError as exc:
        raise SystemExit(f"cunzhen restore: {exc}") from None
    writer = _parquet_writer(args) if args.output.lower().endswith(".parquet") else JsonlWriter(args.output)
    restorers = restorers_from_args(args)
    stats = RunStats()
    with writer as out:
        for item in progress(read_inputs(args.input), args):
            record = item.as_record() if isinstance(item, ReadError) else restore_by_site(item, restorers)
            out.write(record)
            stats.add(record)
    return finish(stats, started, "restore", args.output)


def _parquet_writer(args: argparse.Namespace):
    """One Parquet output for Parquet inputs of one schema (kept, plus cunzhen's columns); other inputs have
    no schema to keep their fields in, so they are refused rather than written without them."""
    from cunzhen.io.parquet import ParquetWriter, parquet_schema

    if not args.input or not all(path.lower().endswith(".parquet") for path in args.input):
        raise SystemExit("cunzhen restore: a .parquet output needs Parquet inputs; write .jsonl or .jsonl.gz")
    schemas = {str(parquet_schema(path)) for path in args.input}
    if len(schemas) > 1:
        raise SystemExit("cunzhen restore: the Parquet inputs differ in schema: write a run folder or .jsonl")
    return ParquetWriter(args.output, parquet_schema(args.input[0]))


def input_files(inputs: list[str]) -> list[str]:
    """The files that ``inputs`` name, in order: folders and globs replaced by their JSONL and Parquet shards
    (runners/shards.py), a file or ``-`` as given."""
    import glob
    import os

    from cunzhen.runners.shards import discover

    files: list[str] = []
    for spec in inputs:
        if spec != "-" and (glob.has_magic(spec) or os.path.isdir(spec)):
            files += [shard.path for shard in discover([spec])]
        else:
            files.append(spec)
    return files


def read_inputs(files: list[str]):
    """The records of every file in turn (Parquet by its suffix, anything else as JSONL)."""
    from cunzhen.io.jsonl import read_jsonl

    for path in files:
        if path.lower().endswith(".parquet"):
            from cunzhen.io.parquet import read_parquet

            yield from read_parquet(path)
        else:
            yield from read_jsonl(path)

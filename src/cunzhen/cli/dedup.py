"""`cunzhen dedup`: mark (or drop) near-duplicate documents with MinHash, after restoration."""

from __future__ import annotations

import argparse
import sys
import time

HELP = """\
Find near-duplicate documents with MinHash LSH over character 5-grams. Run it on the *output* of
`cunzhen restore` or `cunzhen clean`: site farms publish one article many times, spun differently, and
copies that spinning pulled apart meet again once their wording is restored.

Reads JSONL or Parquet files, directories or globs (as `restore` does), in order, in one process: every
document is compared with all documents before it, so the first copy stays the original. Writes one JSONL
line per input record, with `cunzhen.duplicate_of` (the id of the earlier copy, or null) and
`cunzhen.duplicate_similarity`; with --drop, later copies are left out instead (and counted).
Records need distinct ids; a record without one is keyed by its file and position.

examples:
  cunzhen restore crawl/ -o restored/ && cunzhen dedup restored/ -o deduped.jsonl.gz --drop
  cunzhen dedup restored.jsonl -o marked.jsonl --threshold 0.7
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dedup",
        help="mark or drop near-duplicate documents (MinHash), after restoration",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", nargs="+", help="JSONL/Parquet files, directories or globs")
    p.add_argument(
        "-o", "--output", required=True, help="JSONL file to write (.jsonl, .jsonl.gz) or - for stdout; never a folder"
    )
    p.add_argument("--threshold", type=float, default=None, help="Jaccard similarity of a near duplicate (0.8)")
    p.add_argument("--num-perm", type=int, default=None, help="MinHash permutations (128)")
    p.add_argument("--drop", action="store_true", help="leave later copies out instead of marking them")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cunzhen.cli.common import is_folder_output, progress
    from cunzhen.io.jsonl import JsonlWriter, ReadError
    from cunzhen.runners.shards import ShardError, discover, read_records
    from cunzhen.steps.dedup import NUM_PERM, THRESHOLD, NearDuplicateIndex, dedup_record

    if is_folder_output(args.input, args.output) or args.output.lower().endswith(".parquet"):
        # The one rule of every command would make this a run folder; dedup compares every record with all
        # those before it, across shards, so it writes one file and says so rather than guessing.
        print(
            f"cunzhen dedup: writes one JSONL file (every record is compared with all before it, across inputs): "
            f"give -o a .jsonl or .jsonl.gz name, or -, not {args.output}",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    try:
        shards = discover(args.input)
    except ShardError as exc:
        print(f"cunzhen dedup: {exc}", file=sys.stderr)
        return 2
    index = NearDuplicateIndex(args.threshold or THRESHOLD, args.num_perm or NUM_PERM)
    records = duplicates = errors = 0
    with JsonlWriter(args.output) as out:
        for shard in shards:
            for line, item in enumerate(progress(read_records(shard), args), start=1):
                record = item.as_record() if isinstance(item, ReadError) else item
                key = str(record["id"]) if record.get("id") is not None else f"{shard.name}:{line}"
                try:
                    record = dedup_record(record, index, key)
                except ValueError as exc:  # a repeated id
                    record = {**record, "error": str(exc)}
                records += 1
                errors += "error" in record
                is_copy = bool((record.get("cunzhen") or {}).get("duplicate_of"))
                duplicates += is_copy
                if not (args.drop and is_copy):
                    out.write(record)
    seconds = time.perf_counter() - started
    action = "dropped" if args.drop else "marked"
    print(
        f"cunzhen dedup: {records} records, {duplicates} near duplicates {action}, {errors} errors in {seconds:.1f}s; "
        f"wrote {'stdout' if args.output == '-' else 'one file ' + args.output}",
        file=sys.stderr,
    )
    return 3 if errors else 0

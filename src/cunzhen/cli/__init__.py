"""The ``cunzhen`` command. Each subcommand lives in its own module with ``register(subparsers)``."""

from __future__ import annotations

import argparse
import importlib
import sys

# Subcommand modules, in the order `cunzhen --help` lists them.
COMMANDS = ("restore", "clean", "mine", "lm", "report", "review", "dedup")

DESCRIPTION = """\
cunzhen (存真) turns polluted Chinese web text into clean pretraining data.

Site-farm pages copy real articles, run them through a synonym spinner ("伪原创": 人→东谈主, 美→好意思,
模型→模子) and stuff them with porn or gambling keywords inside a site template. cunzhen restores the original
wording, cuts the spam and template lines while keeping every sentence of the article, and records every change.
Documents it does not judge spun pass through untouched; every input record gives one output record.

typical runs:
  cunzhen clean crawl.warc.gz -o pages.jsonl.gz          pages (WARC/HTML/txt/JSONL): cut spam, restore spin
  cunzhen restore docs.jsonl -o restored.jsonl           tidy text (JSONL with id/text): restore spin only
  cunzhen clean crawl/ -o cleaned/ --workers 8           a folder of shards, resumable (also --engine ray)
  cunzhen mine crawl/*.jsonl.gz -o farm.tsv              learn an unknown spinner's table, then --table farm.tsv
  cunzhen report cleaned/ -o report.html                 see what was done; `cunzhen review` to overrule it
  cunzhen lm train clean.txt.gz -o my.bin                a language model from your own clean text (--lm)

Run `cunzhen COMMAND --help` for each command's options and output format.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cunzhen", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"cunzhen.cli.{name}").register(sub)
    return parser


# Exit status for a run that could not start (bad model, table or input path); the message says why.
EXIT_SETUP_ERROR = 2
# Exit status for an input that broke part way (a truncated gzip) in single-file mode: the output is not
# written (a sharded run fails that shard alone, with the same status).
EXIT_INPUT_BROKEN = 4


def main(argv: list[str] | None = None) -> int:
    from cunzhen.engine.lm import ModelError
    from cunzhen.engine.table import TableError
    from cunzhen.io.jsonl import ReadFailure
    from cunzhen.resources import DataIntegrityError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except (ModelError, TableError, DataIntegrityError, FileNotFoundError, IsADirectoryError) as exc:
        print(f"cunzhen {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_SETUP_ERROR
    except ReadFailure as exc:
        print(f"cunzhen {args.command}: error: input broken part way, output not written: {exc}", file=sys.stderr)
        return EXIT_INPUT_BROKEN


if __name__ == "__main__":
    sys.exit(main())

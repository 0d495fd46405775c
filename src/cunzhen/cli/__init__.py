"""The ``cunzhen`` command. Each subcommand lives in its own module with ``register(subparsers)``."""

from __future__ import annotations

import argparse
import importlib
import sys

# Subcommand modules, in the order `cunzhen --help` lists them.
COMMANDS = ("restore", "clean", "mine", "lm", "report", "review", "dedup")

DESCRIPTION = """\
cunzhen (存真) turns polluted Chinese web text into clean pretraining data.

It recognises text run through a synonym spinner ("伪原创": 人→东谈主, 美→好意思, 模型→模子) and restores
the original wording, with a record of every change. Documents it does not judge spun pass through untouched.

examples:
  cunzhen restore docs.jsonl -o restored.jsonl          restore spun documents (JSONL with id/text)
  cunzhen restore - -o - < in.jsonl > out.jsonl         as a filter in a shell pipeline
  cunzhen lm train clean.txt.gz -o my.bin               build a language model from your own clean text
  cunzhen restore docs.jsonl -o out.jsonl --lm my.bin   restore with it

Run `cunzhen COMMAND --help` for each command's options.
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


def main(argv: list[str] | None = None) -> int:
    from cunzhen.engine.lm import ModelError
    from cunzhen.engine.table import TableError
    from cunzhen.resources import DataIntegrityError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except (ModelError, TableError, DataIntegrityError, FileNotFoundError, IsADirectoryError) as exc:
        print(f"cunzhen {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_SETUP_ERROR


if __name__ == "__main__":
    sys.exit(main())

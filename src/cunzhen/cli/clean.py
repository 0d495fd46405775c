"""`cunzhen clean`: web pages (JSONL, HTML, WARC, txt) in, cleaned and restored JSONL out."""

from __future__ import annotations

import argparse
import os
import time

from cunzhen.cli.common import (
    add_engine_options,
    add_run_options,
    engine_options,
    finish,
    progress,
    restorer_from_args,
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
              after HTML extraction, title first); kind = template | spam | duplicate
  spun, spin_score, edits
              as in `cunzhen restore`, but edit offsets are into the text AFTER removal (the extracted text
              with the `removed` spans cut out), which is what the restorer read
  chars_in    length of the extracted text
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
    p.add_argument("-o", "--output", required=True, help="JSONL to write (.gz compresses; - for stdout), or a folder/")
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
        "batch, so they are cut as injected spam wherever they occur",
    )
    add_engine_options(p)
    add_run_options(p)
    try:
        from cunzhen.runners.cli import add_scale_options

        add_scale_options(p)
    except ImportError:  # the sharded runner is optional
        pass
    p.set_defaults(run=run)


def _is_folder_output(output: str) -> bool:
    return output.endswith(("/", os.sep)) or os.path.isdir(output)


def run(args: argparse.Namespace) -> int:
    if _is_folder_output(args.output):
        from cunzhen.runners.cli import run_sharded_command
        from cunzhen.runners.steps import CleanStep

        if args.site_pass or args.drop_to:  # both need the whole input in one process
            raise SystemExit("cunzhen clean: --site-pass and --drop-to work with a single output file, not a folder")
        factory = CleanStep(
            **engine_options(args),
            lexicons=tuple(args.lexicon),
            template_rules=args.templates,
            language=True,
            other_languages=args.other_languages,
        )
        return run_sharded_command(args, factory)
    return run_stream(args)


def run_stream(args: argparse.Namespace) -> int:
    from cunzhen.engine.page import PageConfig
    from cunzhen.engine.spam import SpamMemory
    from cunzhen.engine.template import SiteLines
    from cunzhen.io.jsonl import JsonlWriter
    from cunzhen.io.sources import expand, read_sources
    from cunzhen.steps.clean import clean_record, dropped_record, is_dropped, make_page_cleaner, page_text, site_of
    from cunzhen.steps.stats import RunStats

    started = time.perf_counter()
    inputs = expand(args.input)
    cleaner = make_page_cleaner(
        restorer_from_args(args),
        extra_lexicons=args.lexicon,
        template_rules=args.templates,
        page_config=PageConfig(other_languages=args.other_languages),
    )
    if args.site_pass:
        if "-" in inputs:
            raise SystemExit("cunzhen clean: --site-pass reads the input twice, so it cannot read stdin")
        site_lines, memory = SiteLines(), SpamMemory.for_detector(cleaner.spam)
        for record in read_sources(inputs):
            if "error" in record:
                continue
            try:
                text, title = page_text(record)
            except Exception:  # unreadable pages are reported in the real pass
                continue
            if site := site_of(record):
                site_lines.add_page(site, text)
            cleaner.remember(memory, text, title)
        cleaner.site_lines = site_lines
        cleaner.spam.learn(memory.learned())
    stats = RunStats()
    drops = JsonlWriter(args.drop_to) if args.drop_to else None
    try:
        with JsonlWriter(args.output) as out:
            for record in progress(read_sources(inputs), args, unit="page"):
                cleaned = clean_record(record, cleaner)
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
    return finish(stats, started, "clean")

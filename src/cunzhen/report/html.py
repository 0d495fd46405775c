"""`cunzhen report`: one self-contained HTML file (inline CSS, plots as SVG data URIs, no script, no network).

Document text is hostile (spam pages carry HTML and script): the template autoescapes everything and a
Content-Security-Policy forbids scripts and any fetch, so even a mistake here could not run or load anything.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cunzhen.io.jsonl import ReadError, read_jsonl
from cunzhen.report import plots
from cunzhen.report.aggregate import RunAggregate
from cunzhen.report.records import build_panes, host_of, reasons_of, verdict_of

TEMPLATES = Path(__file__).resolve().parent / "templates"
# A site whose pages are mostly spun or spam is flagged as a likely farm in the sites table.
FARM_SHARE = 0.5


@dataclass(frozen=True)
class ReportOptions:
    title: str = "cunzhen run report"
    sample_size: int = 12
    top: int = 40  # rows in the restoration, removed-string and site tables


def expand_inputs(paths: Iterable[str]) -> list[str]:
    """Files as given; a folder (a sharded run's output) stands for every .jsonl/.jsonl.gz shard under it, in
    path order, leaving out hidden paths such as the runner's own ``.cunzhen/`` state."""
    files: list[str] = []
    for path in paths:
        folder = Path(path)
        if not folder.is_dir():
            files.append(path)
            continue
        shards = [
            p
            for p in folder.rglob("*")
            if p.is_file()
            and p.name.endswith((".jsonl", ".jsonl.gz"))
            and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        ]
        files.extend(str(p) for p in sorted(shards))
    return files


def aggregate_files(paths: Iterable[str], sample_size: int = 12) -> RunAggregate:
    """One pass over every output file; unreadable lines count as error records, as the commands count them."""
    run = RunAggregate(sample_size=sample_size)
    for path in expand_inputs(paths):
        before = run.stats.counts["records"]
        for item in read_jsonl(path):
            record = item.as_record() if isinstance(item, ReadError) else item
            run.add(record, source=path)
        run.sources.append((path, run.stats.counts["records"] - before))
    return run


def render_report(run: RunAggregate, options: ReportOptions = ReportOptions()) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html").render(**_context(run, options))


def write_report(
    paths: list[str], output: str | os.PathLike[str], options: ReportOptions = ReportOptions()
) -> RunAggregate:
    run = aggregate_files(paths, options.sample_size)
    html = render_report(run, options)
    target = Path(output)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, target)
    return run


def _context(run: RunAggregate, options: ReportOptions) -> dict:
    records = run.stats.counts["records"]
    edits_total = sum(run.restorations.values())
    verdicts = run.verdicts.most_common()
    reasons = run.reasons.most_common(options.top)
    sites = [_site_row(host, counts) for host, counts in run.top_sites(options.top)]
    return {
        "title": options.title,
        "generated": datetime.datetime.now().isoformat(timespec="seconds"),
        "sources": run.sources,
        "summary": run.stats.summary(),
        "counts": run.stats.as_dict(),
        "records": records,
        "verdicts": [(v, n, n / records if records else 0.0) for v, n in verdicts],
        "reasons": reasons,
        "verdict_plot": plots.bar_chart(verdicts, "documents by verdict", colour_by_label=True) if verdicts else "",
        "reason_plot": plots.bar_chart(reasons[:15], "documents by reason") if reasons else "",
        "score_plot": plots.score_histogram(run.score_bins) if any(map(sum, run.score_bins.values())) else "",
        "edits_total": edits_total,
        "distinct_restorations": len(run.restorations),
        "restorations": [(b, a, n, n / edits_total) for (b, a), n in run.restorations.most_common(options.top)],
        "removed": [
            (kind, sum(texts.values()), texts.most_common(options.top))
            for kind, texts in sorted(run.removed.items(), key=lambda kv: -sum(kv[1].values()))
        ],
        "sites": sites,
        "site_count": len(run.sites),
        "site_plot": plots.site_shares([(r["host"], r["docs"], r["spun"], r["spam"]) for r in sites[:15]])
        if sites
        else "",
        "farm_share": FARM_SHARE,
        "errors": run.errors.most_common(10),
        "samples": [_sample_view(record) for record in run.sample()],
    }


def _site_row(host: str, c) -> dict:
    docs = max(c.docs, 1)
    return {
        "host": host,
        "docs": c.docs,
        "spun": c.spun / docs,
        "spam": c.spam / docs,
        "template": c.template / docs,
        "dropped": c.dropped / docs,
        "errors": c.errors,
        "farm": c.spun_or_spam / docs >= FARM_SHARE and c.spun_or_spam > 0,
    }


def _sample_view(record: dict) -> dict:
    meta = record.get("cunzhen") or {}
    return {
        "id": record.get("id"),
        "host": host_of(record),
        "verdict": verdict_of(record),
        "reasons": reasons_of(record),
        "spin_score": meta.get("spin_score"),
        "panes": build_panes(record),
    }

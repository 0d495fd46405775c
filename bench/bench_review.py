"""Issue 6 benchmark: the report and the review app at crawl scale.

A pool of real output records is made by spinning half of some documents from the *report* split of every
genre with the built-in table (bench/spinner.py) and running the default restorer on all of them; the pool is
repeated, with new ids and URLs over 200 sites (20 of them farms that publish only spun pages), to the target
count, so every record is a genuine engine output. Measured in one process: `cunzhen report` over the file;
loading the review app's index; several filters and the filtered list page; rendering one ~20 KB document (server-side
through Flask's test client, and the full page load in headless Chromium when /usr/bin/chromium exists).
"""

from __future__ import annotations

import itertools
import logging
import os
import resource
import statistics
import tempfile
import threading
import time
from pathlib import Path

from headless_chromium import CHROMIUM, CHROMIUM_ARGS
from shared_corpus import GENRES, genre_lines
from spinner import Spinner

from cunzhen.api import builtin_table, default_restorer
from cunzhen.io.jsonl import JsonlWriter
from cunzhen.report.html import ReportOptions, write_report
from cunzhen.review.app import create_app
from cunzhen.review.decisions import DecisionStore
from cunzhen.review.index import DocFilter, ReviewIndex
from cunzhen.steps.restore import restore_record

SPINNER_SEED = 606
SITES, FARMS = 200, 20
BIG_DOC_BYTES = 20_000  # "a 20 KB document": UTF-8 bytes of its text


def run(quick: bool = False) -> str:
    n_docs = 10_000 if quick else 100_000
    restorer = default_restorer()
    pool = _record_pool(restorer, 150 if quick else 600)
    big = _big_record(restorer)
    with tempfile.TemporaryDirectory(prefix="cunzhen-bench-review-") as tmp:
        path = Path(tmp) / "run.jsonl"
        size = _write_run(path, pool, big, n_docs)
        report_seconds, report_cpu = _time_report(path, Path(tmp) / "report.html")
        report_bytes = (Path(tmp) / "report.html").stat().st_size
        started, cpu = time.perf_counter(), time.process_time()
        index = ReviewIndex(str(path))
        load_seconds, load_cpu = time.perf_counter() - started, time.process_time() - cpu
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        filters = _time_filters(index)
        store = DecisionStore(Path(tmp) / "run.jsonl.review.sqlite")
        list_ms = _time_list_page(index, store)
        server_ms = _time_render_server(index, store)
        browser_ms = _time_render_browser(index, store)
        store.close()
    load = os.getloadavg()[0]
    big_chars = len(big["text"])
    big_edits = len(big["cunzhen"]["edits"])
    lines = [
        "## Report and review app (issue 6)\n",
        __doc__.split("\n\n", 1)[1].strip() + "\n",
        f"{n_docs:,} documents ({size / 1e6:.0f} MB of JSONL; pool of {len(pool)} distinct records, "
        f"{sum(1 for r in pool if r['cunzhen']['edits'])} of them edited). Load average when measured: {load:.1f} "
        "on 2 cores shared with other jobs, so browser timings are noisy.\n",
        "| measure | result | target |",
        "|---|---|---|",
        f"| `cunzhen report` on {n_docs:,} documents (wall / CPU) | {report_seconds:.1f} s / {report_cpu:.1f} s "
        f"(HTML {report_bytes / 1e6:.1f} MB) | < 60 s on one core |",
        f"| review: load and index {n_docs:,} documents (wall / CPU) | {load_seconds:.1f} s / {load_cpu:.1f} s "
        f"(peak RSS of the process {rss_mb:,.0f} MB) | — |",
    ]
    for name, seconds, matched in filters:
        lines.append(
            f"| review: filter {name} over {n_docs:,} documents | {seconds * 1000:.0f} ms ({matched:,} match) | < 1 s |"
        )
    lines.append(
        f"| review: list page filtered by verdict, text and score (request to HTML, median of 5) | "
        f"{list_ms:.0f} ms | < 1 s |"
    )
    lines.append(
        f"| review: render a {BIG_DOC_BYTES // 1000} KB document ({big_chars:,} chars, {big_edits} edits), "
        f"server (median of 10) | {server_ms:.0f} ms | < 200 ms |"
    )
    if browser_ms is not None:
        lines.append(
            f"| same document, full page load in headless Chromium (median / best of 20) | "
            f"{browser_ms[0]:.0f} ms / {browser_ms[1]:.0f} ms | < 200 ms |"
        )
    else:
        lines.append("| same document in headless Chromium | not measured (no /usr/bin/chromium) | < 200 ms |")
    return "\n".join(lines) + "\n"


def _documents(count: int, min_chars: int = 400) -> list[str]:
    """Runs of consecutive report-split paragraphs of every genre, each at least ``min_chars`` long."""
    docs: list[str] = []
    per_genre = -(-count // len(GENRES))
    for genre in GENRES:
        current: list[str] = []
        made = 0
        for line in genre_lines(genre, "report"):
            current.append(line)
            if sum(map(len, current)) >= min_chars:
                docs.append("\n".join(current))
                current = []
                made += 1
                if made == per_genre:
                    break
    return docs[:count]


def _record_pool(restorer, count: int) -> list[dict]:
    spinner = Spinner.from_table(builtin_table(families=False), seed=SPINNER_SEED)
    pool = []
    for i, text in enumerate(_documents(count)):
        spun = i % 2 == 0
        record = {"text": spinner.spin(text)[0] if spun else text, "spun_source": spun}
        pool.append(restore_record(record, restorer))
    return pool


def _big_record(restorer) -> dict:
    spinner = Spinner.from_table(builtin_table(families=False), seed=SPINNER_SEED + 1)
    parts: list[str] = []
    for line in itertools.chain.from_iterable(genre_lines(g, "report") for g in ("news", "tech")):
        parts.append(line)
        if len("\n".join(parts).encode("utf-8")) >= BIG_DOC_BYTES:
            break
    text = "\n".join(parts).encode("utf-8")[:BIG_DOC_BYTES].decode("utf-8", "ignore")
    return restore_record(
        {"id": "big-20k", "url": "https://big.example.cn/a.html", "text": spinner.spin(text)[0]}, restorer
    )


def _write_run(path: Path, pool: list[dict], big: dict, n_docs: int) -> int:
    spun_pool = [r for r in pool if r["spun_source"]]
    with JsonlWriter(str(path)) as out:
        out.write(big)
        for i in range(1, n_docs):
            site = i % SITES
            source = spun_pool[i % len(spun_pool)] if site < FARMS else pool[i % len(pool)]
            host = f"farm{site}.example.cn" if site < FARMS else f"site{site}.example.com"
            out.write({**source, "id": f"{host}/{i}", "url": f"https://{host}/{i}.html"})
    return path.stat().st_size


def _time_report(path: Path, out: Path) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    write_report([str(path)], out, ReportOptions())
    return time.perf_counter() - wall, time.process_time() - cpu


def _time_filters(index: ReviewIndex) -> list[tuple[str, float, int]]:
    pair = max(index.pair_edits, key=lambda p: len(index.pair_edits[p]))
    queries = {
        "verdict=clean": DocFilter(verdict="clean"),
        "site=farm3": DocFilter(site="farm3.example.cn"),
        "score ≥ 0.5": DocFilter(min_score=0.5),
        "text 东谈主 (input and output)": DocFilter(text="东谈主"),
        "text absent from every document": DocFilter(text="这句话不在任何文档里"),
        f"substitution {pair[0]}→{pair[1]}": DocFilter(pair=pair),
        "verdict + site + text": DocFilter(verdict="clean", site="farm3.example.cn", text="模型"),
    }
    results = []
    for name, query in queries.items():
        times = []
        for _ in range(3):
            started = time.perf_counter()
            matched = index.filter(query)
            times.append(time.perf_counter() - started)
        results.append((name, statistics.median(times), len(matched)))
    return results


def _time_list_page(index: ReviewIndex, store: DecisionStore) -> float:
    """The filtered list page end to end (filter, first 50 rows, HTML), median of 5, in ms."""
    client = create_app(index, store).test_client()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        response = client.get("/?verdict=clean&q=%E4%B8%9C%E8%B0%88%E4%B8%BB&min_score=0.5")  # q=东谈主
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(times) * 1000


def _time_render_server(index: ReviewIndex, store: DecisionStore) -> float:
    client = create_app(index, store).test_client()
    times = []
    for _ in range(10):
        started = time.perf_counter()
        response = client.get("/doc/0")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(times) * 1000


def _time_render_browser(index: ReviewIndex, store: DecisionStore) -> tuple[float, float] | None:
    """Full page load (navigation start to the end of the load event), median and best of 20, in ms."""
    if not CHROMIUM.exists():
        return None
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the benchmark output
    server = make_server("127.0.0.1", 0, create_app(index, store), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            times = []
            for _ in range(21):
                page.goto(f"http://127.0.0.1:{server.server_port}/doc/0")
                times.append(
                    page.evaluate(
                        "() => { const n = performance.getEntriesByType('navigation')[0];"
                        " return n.loadEventEnd - n.startTime; }"
                    )
                )
            browser.close()
        # the first load also fills the browser's caches
        return statistics.median(times[1:]), min(times[1:])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


if __name__ == "__main__":
    from flags import parse_flags

    print(run(quick=parse_flags(__doc__, quick="fewer documents (a smoke run)").quick))
    os._exit(0)

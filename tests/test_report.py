"""`cunzhen report` on fixture runs of the real engine: counts match the run, nothing can run or load."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from collections import Counter

import pytest
from test_review_data import FARM, NEWS, clean_command_run, restore_run, write_clean_run


@pytest.fixture(scope="module")
def runs(tmp_path_factory, restorer):
    directory = tmp_path_factory.mktemp("report")
    run = restore_run(directory)
    clean_path, _ = write_clean_run(directory, restorer)
    return directory, run, clean_path


@pytest.fixture(scope="module")
def restore_page(runs) -> str:
    directory, run, _ = runs
    return _report(directory, run.output_path)


@pytest.fixture(scope="module")
def both_page(runs) -> str:
    """Report over the restore run and the clean-format records, every edited document in the sample."""
    directory, run, clean_path = runs
    return _report(directory, run.output_path, clean_path, name="both.html", extra=["--sample", "50"])


def _report(directory, *inputs, name="report.html", extra=()) -> str:
    out = directory / name
    done = subprocess.run(
        [sys.executable, "-m", "cunzhen", "report", *map(str, inputs), "-o", str(out), *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8")


def _cell(page: str, attribute: str, value: str, column: int = 1) -> str:
    row = re.search(rf'<tr {attribute}="{re.escape(html.escape(value))}"[^>]*>(.*?)</tr>', page, re.S)
    assert row, f"no row {attribute}={value}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return html.unescape(cells[column])


def test_report_counts_match_the_run_summary(runs, restore_page):
    _, run, _ = runs
    page = restore_page
    summary = re.search(r'<p class="summary" id="summary">(.*?)</p>', page).group(1)
    assert html.unescape(summary) == run.summary.split(": ", 1)[1].rsplit(" in ", 1)[0]
    records = [json.loads(line) for line in run.output_path.read_text(encoding="utf-8").splitlines()]
    edited = sum(1 for r in records if r.get("cunzhen", {}).get("edits"))
    assert int(_cell(page, "data-verdict", "clean")) == edited
    assert int(_cell(page, "data-verdict", "error")) == 2
    assert int(_cell(page, "data-verdict", "keep")) == len(records) - edited - 2


def test_report_lists_restorations_with_their_counts(runs, restore_page):
    _, run, _ = runs
    page = restore_page
    pairs = Counter()
    for line in run.output_path.read_text(encoding="utf-8").splitlines():
        for e in json.loads(line).get("cunzhen", {}).get("edits", []):
            pairs[(e["before"], e["after"])] += 1
    (before, after), count = pairs.most_common(1)[0]
    assert int(_cell(page, "data-pair", f"{before}→{after}", column=3)) == count


def test_farm_sites_stand_out(restore_page):
    page = restore_page
    farm_row = re.search(rf'<tr data-site="{FARM}"([^>]*)>', page)
    news_row = re.search(rf'<tr data-site="{NEWS}"([^>]*)>', page)
    assert farm_row and 'class="farm"' in farm_row.group(1)
    assert news_row and 'class="farm"' not in news_row.group(1)
    assert _cell(page, "data-site", NEWS, column=2) == "0%"


def test_clean_records_show_removed_strings_by_kind(both_page):
    page = both_page
    assert int(_cell(page, "data-verdict", "drop")) == 1
    assert re.search(r'<table class="removed" data-kind="spam">.*?性爱宝典', page, re.S)
    assert re.search(r'<table class="removed" data-kind="template">.*?你的位置', page, re.S)
    # farm-b: a cleaned page, a dropped keyword page and the hostile page, all three with spam
    assert _cell(page, "data-site", "farm-b.example.cn", column=1) == "3"
    assert _cell(page, "data-site", "farm-b.example.cn", column=3) == "100%"
    assert _cell(page, "data-site", "farm-b.example.cn", column=5) == "33%"
    assert 'class="farm"' in re.search(r'<tr data-site="farm-b.example.cn"([^>]*)>', page).group(1)


def test_report_is_self_contained_and_inert(both_page):
    page = both_page
    # the hostile documents are in the sample, as escaped text
    assert "&lt;script&gt;window.__pwned" in page
    assert "<script>window.__pwned" not in page and "onerror=" not in page.replace("onerror=&#34;", "")
    assert not re.search(r"<script\b", page, re.I)
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page, re.I)
    assert "Content-Security-Policy" in page
    images = re.findall(r'<img alt="[^"]*" src="([^"]+)"', page)
    assert len(images) >= 3 and all(src.startswith("data:image/svg+xml;base64,") for src in images)


def test_report_on_the_clean_command_matches_its_summary(tmp_path):
    output, summary = clean_command_run(tmp_path)
    page = _report(tmp_path, output)
    shown = html.unescape(re.search(r'<p class="summary" id="summary">(.*?)</p>', page).group(1))
    assert shown == summary.split(": ", 1)[1].rsplit(" in ", 1)[0]
    for count, verdict in re.findall(r"(\d+) (keep|clean|drop)\b", shown):
        assert int(_cell(page, "data-verdict", verdict)) == int(count)
    assert re.search(r'<table class="removed" data-kind="template">.*?Powered by', page, re.S)


def test_a_run_folder_stands_for_its_shards(runs, tmp_path):
    _, run, clean_path = runs
    folder = tmp_path / "out"
    (folder / "a").mkdir(parents=True)
    (folder / ".cunzhen").mkdir()
    shutil.copy(run.output_path, folder / "a" / "part-0.jsonl")
    shutil.copy(clean_path, folder / "part-1.jsonl")
    (folder / ".cunzhen" / "runs.jsonl").write_text('{"engine": "local"}\n', encoding="utf-8")
    (folder / "manifest.json").write_text("{}", encoding="utf-8")
    page = _report(tmp_path, folder)
    records = len(run.output_path.read_text(encoding="utf-8").splitlines())
    records += len(clean_path.read_text(encoding="utf-8").splitlines())
    assert re.search(r'<p class="summary" id="summary">(\d+) records', page).group(1) == str(records)

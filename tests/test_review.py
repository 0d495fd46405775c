"""The review app through Flask's test client, on a fixture run of the real engine: filtering, decisions that
survive a restart, export that `--table` and `--reject` read, and the defences against hostile pages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from test_review_data import FARM, NEWS, restore_run, write_clean_run

from cunzhen.engine.rejects import load_reject_pairs
from cunzhen.engine.table import load_table
from cunzhen.review.app import create_app
from cunzhen.review.decisions import DecisionStore, default_db_path, export
from cunzhen.review.index import DocFilter, ReviewIndex


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return restore_run(tmp_path_factory.mktemp("review"))


@pytest.fixture
def reviewed(run, tmp_path):
    """A private copy of the run's output (each test gets a fresh decision database beside it)."""
    path = tmp_path / "restored.jsonl"
    shutil.copy(run.output_path, path)
    return str(path)


def _client(path: str):
    index = ReviewIndex(path)
    store = DecisionStore(default_db_path(path))
    app = create_app(index, store)
    return app.test_client(), index, store


def _token(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def _first_edited(index: ReviewIndex) -> int:
    return next(s.index for s in index.summaries if s.edits)


def test_filters(reviewed):
    index = ReviewIndex(reviewed)
    everything = index.filter(DocFilter())
    assert len(everything) == len(index) == 23
    farm = index.filter(DocFilter(site=FARM))
    assert farm and all(index.summaries[i].host == FARM for i in farm)
    assert all(index.summaries[i].host == NEWS for i in index.filter(DocFilter(site=NEWS)))
    edited = index.filter(DocFilter(verdict="clean"))
    assert edited and all(index.summaries[i].edits for i in edited)
    assert len(index.filter(DocFilter(verdict="error"))) == 2
    high = index.filter(DocFilter(min_score=0.5))
    assert high and all(index.summaries[i].spin_score >= 0.5 for i in high)
    # text search finds spun forms in the input although the output no longer has them
    spun_docs = index.filter(DocFilter(text="东谈主"))
    assert spun_docs and all("东谈主" not in index.records[i]["text"] for i in spun_docs)
    assert index.filter(DocFilter(text="no such text anywhere")) == []
    before, after = next(iter(index.pair_edits))
    with_pair = index.filter(DocFilter(pair=(before, after)))
    assert with_pair == sorted({doc for doc, _ in index.pair_edits[(before, after)]})


def test_list_page_filters_through_the_query_string(reviewed):
    client, index, _ = _client(reviewed)
    page = client.get(f"/?site={FARM}&verdict=clean").get_data(as_text=True)
    matched = int(re.search(r'<p id="matched"><b>(\d+)</b>', page).group(1))
    assert matched == len(index.filter(DocFilter(site=FARM, verdict="clean")))
    assert NEWS not in re.search(r'<table class="docs".*?</table>', page, re.S).group(0)


def test_decisions_survive_a_restart(reviewed):
    client, index, store = _client(reviewed)
    doc = _first_edited(index)
    page = client.get(f"/doc/{doc}").get_data(as_text=True)
    response = client.post(f"/doc/{doc}/decide", data={"token": _token(page), "edit": 0, "decision": "accept"})
    assert response.status_code == 303
    store.close()
    client, index, store = _client(reviewed)  # a new process would see the same file and database
    page = client.get(f"/doc/{doc}").get_data(as_text=True)
    assert re.search(r'<tr id="e0" class="edit-row (\w+)', page).group(1) == "accept"
    assert re.search(r'<tr id="e1" class="edit-row (\w+)', page).group(1) == "pending"


def test_action_bar_decides_a_whole_substitution(reviewed):
    client, index, store = _client(reviewed)
    (spun, original), occurrences = max(index.pair_edits.items(), key=lambda kv: len(kv[1]))
    doc, k = occurrences[0]
    page = client.get(f"/doc/{doc}?edit={k}").get_data(as_text=True)
    assert f'id="selected-edit" value="{k}"' in page
    client.post(f"/doc/{doc}/decide", data={"token": _token(page), "edit": k, "all": "reject"})
    other_doc, other_k = occurrences[-1]
    page = client.get(f"/doc/{other_doc}").get_data(as_text=True)
    assert re.search(rf'<tr id="e{other_k}" class="edit-row reject', page)
    assert store.pair_decisions() == {(spun, original): "reject"}


def test_substitution_decision_applies_to_every_edit_and_exports(reviewed, tmp_path):
    client, index, store = _client(reviewed)
    (spun, original), occurrences = max(index.pair_edits.items(), key=lambda kv: len(kv[1]))
    page = client.get("/substitutions").get_data(as_text=True)
    client.post("/pair", data={"token": _token(page), "spun": spun, "original": original, "decision": "accept"})
    # reject one other substitution everywhere, and one edit of a third one
    others = [p for p in index.pair_edits if p != (spun, original)]
    client.post(
        "/pair", data={"token": _token(page), "spun": others[0][0], "original": others[0][1], "decision": "reject"}
    )
    doc, k = index.pair_edits[others[1]][0]
    client.post(f"/doc/{doc}/decide", data={"token": _token(page), "edit": k, "decision": "reject"})

    accepted_path, rejected_path = tmp_path / "ok.tsv", tmp_path / "no.tsv"
    export(index, store, str(accepted_path), str(rejected_path))
    table = load_table(accepted_path)
    assert table.get(spun).originals == [original]
    assert table.get(spun).count == len(occurrences)
    rejected = load_reject_pairs(rejected_path)
    assert others[0] in rejected
    if len(index.pair_edits[others[1]]) == 1:
        assert others[1] in rejected

    download = client.get("/export/accepted.tsv")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert f"{spun}\t{original}\t{len(occurrences)}" in download.get_data(as_text=True)


def test_rejected_pairs_are_not_applied_again(run, tmp_path):
    """`--reject` with the exported list: the engine no longer makes those edits, and still makes the others."""
    records = [json.loads(line) for line in run.output_path.read_text(encoding="utf-8").splitlines()]
    counts: dict[tuple[str, str], int] = {}
    for r in records:
        for e in r.get("cunzhen", {}).get("edits", []):
            counts[(e["before"], e["after"])] = counts.get((e["before"], e["after"]), 0) + 1
    rejected = max(counts, key=counts.get)
    reject_file = tmp_path / "rejected.tsv"
    reject_file.write_text(f"# test\nspun\toriginal\n{rejected[0]}\t{rejected[1]}\n", encoding="utf-8")
    out = tmp_path / "again.jsonl"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cunzhen",
            "restore",
            str(run.input_path),
            "-o",
            str(out),
            "-q",
            "--reject",
            str(reject_file),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    again = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    pairs = {(e["before"], e["after"]) for r in again for e in r.get("cunzhen", {}).get("edits", [])}
    assert rejected not in pairs
    assert len(pairs) >= len(counts) - 3


def test_cli_export_without_a_server(reviewed, tmp_path):
    store = DecisionStore(default_db_path(reviewed))
    index = ReviewIndex(reviewed)
    doc = _first_edited(index)
    store.decide_edit(doc, 0, index.records[doc]["cunzhen"]["edits"][0], "accept")
    store.close()
    accepted = tmp_path / "accepted.tsv"
    done = subprocess.run(
        [sys.executable, "-m", "cunzhen", "review", reviewed, "--export-accepted", str(accepted)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    edit = index.records[doc]["cunzhen"]["edits"][0]
    assert load_table(accepted).get(edit["before"]).originals == [edit["after"]]


def test_hostile_text_is_escaped_and_scripts_are_forbidden(reviewed):
    client, index, _ = _client(reviewed)
    hostile = next(s.index for s in index.summaries if s.id == "hostile")
    response = client.get(f"/doc/{hostile}")
    page = response.get_data(as_text=True)
    assert "&lt;script&gt;window.__pwned" in page
    assert "<script>window" not in page and "<img src=x" not in page
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_clean_records_show_removed_spans(tmp_path, restorer):
    path, _ = write_clean_run(tmp_path, restorer)
    client, index, _ = _client(str(path))
    page = client.get("/doc/0").get_data(as_text=True)
    assert re.search(r'<span class="seg removed" data-removed="\d+" title="removed: spam">性爱宝典</span>', page)
    assert re.search(r'title="removed: template">你的位置', page)
    assert len(index.filter(DocFilter(verdict="drop"))) == 1


def test_requests_from_other_sites_are_refused(reviewed):
    client, index, _ = _client(reviewed)
    doc = _first_edited(index)
    assert client.post(f"/doc/{doc}/decide", data={"edit": 0, "decision": "accept"}).status_code == 403  # no token
    assert client.get("/", headers={"Host": "evil.example:8765"}).status_code == 403  # DNS rebinding
    assert client.get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200

"""One rule for what -o is, for every command (issue 14, point 3): a folder or several inputs with an -o that
has no .jsonl/.jsonl.gz/.parquet suffix make a run folder, slash or not; a file suffix writes one file; the
summary says which was done."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cunzhen.cli.common import is_folder_output

CUNZHEN = [sys.executable, "-m", "cunzhen"]
TEXTS = ["在畴昔两年期间里，大模子的热浪正席卷通盘这个词科技圈。", "这是一篇普通的新闻报道，讲述了城市里的一件小事。"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CUNZHEN, *args, "-q"], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("crawl")
    for k, text in enumerate(TEXTS):
        (root / f"part-{k}.jsonl").write_text(json.dumps({"id": f"d{k}", "text": text}, ensure_ascii=False) + "\n")
    return root


def test_the_rule(tmp_path, monkeypatch):
    # bare names ("out") are read against the working directory: `make demo` leaves an out/ folder in the
    # checkout, which would make them existing folders
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    existing = tmp_path / "existing"
    existing.mkdir()
    one = str(tmp_path / "a.jsonl")
    cases = [
        ([str(folder)], "out", True),  # a folder in, no suffix: run folder, no slash needed
        ([str(folder)], "out/", True),
        ([one, one], "out", True),  # several inputs
        ([str(tmp_path / "*.jsonl")], "out", True),  # a glob
        ([str(folder)], "out.jsonl", False),  # a file suffix: one file
        ([str(folder)], "out.JSONL.GZ", False),
        ([one, one], "out.parquet", False),
        ([one], "out", False),  # one file in, bare name: one file, as always
        ([one], str(existing), True),  # an existing folder is a folder
        ([str(folder)], "-", False),
        (["-"], "out", False),
    ]
    assert [is_folder_output(inputs, output) for inputs, output, _ in cases] == [c[2] for c in cases]


@pytest.mark.parametrize("command", ["restore", "clean"])
def test_a_folder_and_a_bare_output_name_make_a_run_folder(crawl, tmp_path, command):
    out = tmp_path / "out"  # no trailing slash
    done = run(command, str(crawl), "-o", str(out), "--workers", "1", "--word-lm", "none")
    assert done.returncode == 0, done.stderr
    assert out.is_dir() and (out / "manifest.json").is_file()
    assert sorted(p.name for p in out.glob("*.jsonl")) == ["part-0.jsonl", "part-1.jsonl"]
    assert f"run folder {out}" in done.stderr


@pytest.mark.parametrize("command", ["restore", "clean"])
def test_a_folder_and_a_file_suffix_write_one_file_in_order(crawl, tmp_path, command):
    out = tmp_path / "all.jsonl.gz"
    done = run(command, str(crawl), "-o", str(out), "--word-lm", "none")
    assert done.returncode == 0, done.stderr
    import gzip

    records = [json.loads(line) for line in gzip.decompress(out.read_bytes()).splitlines()]
    assert [r["id"] for r in records] == ["d0", "d1"]
    assert f"wrote one file {out}" in done.stderr


def test_dedup_refuses_a_run_folder_output_and_says_why(crawl, tmp_path):
    done = run("dedup", str(crawl), "-o", str(tmp_path / "out"))
    assert done.returncode == 2 and "writes one JSONL file" in done.stderr
    assert not (tmp_path / "out").exists()
    ok = run("dedup", str(crawl), "-o", str(tmp_path / "out.jsonl"))
    assert ok.returncode == 0 and "wrote one file" in ok.stderr


def test_stdin_cannot_feed_a_run_folder(tmp_path):
    done = subprocess.run(
        [*CUNZHEN, "restore", "-", "-o", f"{tmp_path}/out/"], input="", capture_output=True, text=True
    )
    assert done.returncode == 2 and "not stdin" in done.stderr


def test_parquet_inputs_and_a_parquet_suffix_write_one_parquet_file(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    for k, text in enumerate(TEXTS):
        table = pa.table({"id": [f"p{k}"], "text": [text], "lang": ["zh"]})
        pq.write_table(table, tmp_path / f"part-{k}.parquet")
    out = tmp_path / "all.parquet"
    done = run("restore", str(tmp_path / "part-0.parquet"), str(tmp_path / "part-1.parquet"), "-o", str(out))
    assert done.returncode == 0, done.stderr
    rows = pq.read_table(out).to_pylist()
    assert [(r["id"], r["lang"]) for r in rows] == [("p0", "zh"), ("p1", "zh")]
    assert json.loads(rows[0]["cunzhen"])["spun"] is True
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(json.dumps({"id": "j", "text": TEXTS[1]}, ensure_ascii=False) + "\n", encoding="utf-8")
    refused = run("restore", str(tmp_path / "part-0.parquet"), str(jsonl), "-o", str(tmp_path / "mixed.parquet"))
    assert refused.returncode != 0 and "needs Parquet inputs" in refused.stderr

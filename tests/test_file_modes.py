"""Outputs get the mode the umask gives (0666 & ~umask), like every other tool's, and are still written
atomically (issue 14, point 2). Real commands in a subprocess with the umask set."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

CUNZHEN = [sys.executable, "-m", "cunzhen"]
DOC = {"id": "a", "text": "在畴昔两年期间里，大模子的热浪正席卷通盘这个词科技圈。"}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run(*args: str, umask: int) -> subprocess.CompletedProcess:
    return subprocess.run([*CUNZHEN, *args], capture_output=True, text=True, umask=umask, timeout=600)


@pytest.fixture()
def docs(tmp_path) -> Path:
    path = tmp_path / "in" / "docs.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps(DOC, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o027, 0o640)])
def test_single_file_outputs_follow_the_umask(tmp_path, docs, umask, expected):
    out, gz, drops = tmp_path / "out.jsonl", tmp_path / "out.jsonl.gz", tmp_path / "drops.jsonl"
    assert run("restore", "-q", str(docs), "-o", str(out), "--word-lm", "none", umask=umask).returncode == 0
    assert run("clean", "-q", str(docs), "-o", str(gz), "--drop-to", str(drops), umask=umask).returncode == 0
    assert {p.name: mode(p) for p in (out, gz, drops)} == dict.fromkeys(
        ("out.jsonl", "out.jsonl.gz", "drops.jsonl"), expected
    )
    assert not list(tmp_path.glob(".*.tmp"))  # written through a temporary file, renamed into place


def test_run_folder_files_follow_the_umask(tmp_path, docs):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["p"], "text": [DOC["text"]]}), docs.parent / "more.parquet")
    out = tmp_path / "run"
    done = run("restore", "-q", str(docs.parent), "-o", f"{out}/", "--workers", "1", "--word-lm", "none", umask=0o022)
    assert done.returncode == 0, done.stderr
    files = [p for p in out.rglob("*") if p.is_file() and p.name != "lock"]
    names = {p.relative_to(out).as_posix() for p in files}
    assert {"docs.jsonl", "more.parquet", "manifest.json", "config.json"} <= names
    assert any(name.startswith(".cunzhen/done/") for name in names)
    assert {p.relative_to(out).as_posix(): mode(p) for p in files} == dict.fromkeys(names, 0o644)


def test_file_mode_reads_the_umask_without_changing_it():
    from cunzhen.io.jsonl import file_mode

    previous = os.umask(0o007)
    try:
        assert file_mode() == 0o660
        assert os.umask(0o007) == 0o007  # still what it was set to
    finally:
        os.umask(previous)

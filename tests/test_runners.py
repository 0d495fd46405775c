"""Sharded runs with the real engine and real processes: discovery, outputs, manifest counts, resume after
``kill -9``, failed shards, Parquet shards, and the Ray engine on a local Ray."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from shared_corpus import genre_lines
from spinner import Spinner

from cunzhen.api import builtin_table
from cunzhen.runners import CleanStep, RestoreStep, ShardError, discover, run_sharded
from cunzhen.runners.run_folder import MANIFEST

BAD_LINE = "{not json"


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cunzhen", *args], capture_output=True, text=True, timeout=600, **kwargs
    )


def make_docs(count: int, seed: int) -> list[dict]:
    """Documents of four report-split news paragraphs, every other one spun with the built-in table."""
    spinner = Spinner.from_table(builtin_table(families=False), seed=seed)
    lines = list(itertools.islice(genre_lines("news", "report"), seed * count * 4, (seed + 1) * count * 4))
    texts = ["\n".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]
    return [{"id": f"s{seed}-{i}", "text": spinner.spin(t)[0] if i % 2 else t, "n": i} for i, t in enumerate(texts)]


def write_jsonl(path: Path, docs: list[dict], bad_lines: int = 0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(d, ensure_ascii=False) for d in docs] + [BAD_LINE] * bad_lines
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory, shared) -> Path:
    """Six JSONL shards in two folders (some gzipped), each with one bad line."""
    root = tmp_path_factory.mktemp("crawl")
    for k in range(6):
        suffix = ".jsonl.gz" if k % 3 == 0 else ".jsonl"
        write_jsonl(root / "ab"[k % 2] / f"part-{k}{suffix}", make_docs(40, k), bad_lines=1)
    return root


def output_bytes(folder: Path) -> dict[str, bytes]:
    """Every output shard (not the run's own records) by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and ".cunzhen" not in p.parts
        and "sites" not in p.relative_to(folder).parts
        and p.name not in (MANIFEST, "config.json", "learned_table.tsv", "pooled_table.tsv")
    }


# -- discovery ---------------------------------------------------------------------------------------------


def test_discover_directory_glob_and_file(crawl, tmp_path):
    names = [s.name for s in discover([str(crawl)])]
    assert names == [
        "a/part-0.jsonl.gz",
        "a/part-2.jsonl",
        "a/part-4.jsonl",
        "b/part-1.jsonl",
        "b/part-3.jsonl.gz",
        "b/part-5.jsonl",
    ]
    assert [s.name for s in discover([f"{crawl}/*/part-[01]*"])] == ["a/part-0.jsonl.gz", "b/part-1.jsonl"]
    assert [s.name for s in discover([str(crawl / "b" / "part-1.jsonl")])] == ["part-1.jsonl"]
    warc = tmp_path / "seg.warc.gz"
    warc.write_bytes(b"")
    assert [(s.name, s.format) for s in discover([str(warc)])] == [("seg.jsonl.gz", "warc")]


def test_discover_refuses_colliding_outputs_and_skips_the_output_folder(crawl, tmp_path):
    namesake = tmp_path / "x" / "part-2.jsonl"
    write_jsonl(namesake, [{"id": 1, "text": "x"}])
    with pytest.raises(ShardError, match="would both write"):
        discover([str(crawl / "a" / "part-2.jsonl"), str(namesake)])
    inside = crawl / "a" / "out"
    write_jsonl(inside / "stale.jsonl", [{"id": 1, "text": "x"}])
    try:
        assert all("stale" not in s.name for s in discover([str(crawl)], exclude=inside))
    finally:
        (inside / "stale.jsonl").unlink()
        inside.rmdir()
    with pytest.raises(ShardError, match="no such file"):
        discover([str(tmp_path / "missing")])


# -- local engine ------------------------------------------------------------------------------------------


def test_sharded_restore_matches_single_file_runs_and_counts(crawl, tmp_path):
    out = tmp_path / "out"
    proc = run_cli("restore", str(crawl), "-o", str(out), "--workers", "2")
    assert proc.returncode == 3, proc.stderr  # 3: some records (the bad lines) carried an error
    assert "6/6 shards done" in proc.stderr and "docs" in proc.stderr

    # Each output shard is byte-for-byte what the single-file command writes for that input.
    outputs = output_bytes(out)
    assert sorted(outputs) == [s.name for s in discover([str(crawl)])]
    single = tmp_path / "single.jsonl.gz"
    assert run_cli("restore", str(crawl / "a" / "part-0.jsonl.gz"), "-o", str(single), "-q").returncode == 3
    assert outputs["a/part-0.jsonl.gz"] == single.read_bytes()

    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["complete"] and manifest["shards_done"] == manifest["shards_total"] == 6
    for entry in manifest["shards"]:
        records = [json.loads(line) for line in _lines(out / entry["shard"])]
        assert entry["records"] == len(records) == 41
        assert entry["errors"] == sum("error" in r for r in records) == 1
        assert entry["spun"] == sum(bool(r.get("cunzhen", {}).get("spun")) for r in records)
        assert entry["output_bytes"] == (out / entry["shard"]).stat().st_size
    assert manifest["totals"]["records"] == 6 * 41 and manifest["totals"]["errors"] == 6
    assert manifest["totals"]["spun"] >= 6 * 15  # most of the 20 spun docs per shard are flagged

    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["command"] == "restore" and config["engine"] == {"name": "local", "workers": 2, "ray_address": None}
    assert config["step"]["use_builtin_table"] is True and len(config["step"]["lm_sha256"]) == 64


def _lines(path: Path) -> list[str]:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8").splitlines()


def test_single_file_mode_is_unchanged(crawl, tmp_path):
    out = tmp_path / "one.jsonl"
    proc = run_cli("restore", str(crawl / "b" / "part-1.jsonl"), "-o", str(out), "-q")
    assert proc.returncode == 3 and out.is_file() and len(_lines(out)) == 41
    # Folders with a file suffix as -o: read in order into one file (issue 14: the same rule for every command).
    several = run_cli("restore", str(crawl / "a"), str(crawl / "b"), "-o", str(tmp_path / "all.jsonl"), "-q")
    assert several.returncode == 3 and len(_lines(tmp_path / "all.jsonl")) == 6 * 41


def test_rerun_skips_finished_shards_and_refuses_another_config(crawl, tmp_path):
    out = tmp_path / "out"
    first = run_sharded([str(crawl)], out, RestoreStep(), workers=1, quiet=True)
    assert first.ok and len(first.tally.results) == 6
    kept = [out / name for name in output_bytes(out)] + list((out / ".cunzhen" / "done").iterdir())
    before = {p: p.stat().st_mtime_ns for p in kept}
    again = run_sharded([str(crawl)], out, RestoreStep(), workers=1, quiet=True)
    assert again.skipped == 6 and again.tally.results == []
    assert len(before) == 12 and all(p.stat().st_mtime_ns == t for p, t in before.items())
    proc = run_cli("restore", str(crawl), "-o", str(out), "--no-builtin-table", "-q")
    assert proc.returncode == 2 and "another configuration" in proc.stderr


def test_learn_and_reject_in_a_sharded_run(crawl, tmp_path):
    rejects = tmp_path / "no.tsv"
    rejects.write_text("spun\toriginal\n东谈主\t人\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("restore", str(crawl), "-o", str(out), "--learn", "--reject", str(rejects), "-q")
    assert proc.returncode == 3, proc.stderr
    learned = out / "learned_table.tsv"  # everything learned, for review
    assert "东谈主\t人" in learned.read_text(encoding="utf-8")  # mined from the shards themselves
    pooled = out / "pooled_table.tsv"  # records without URLs: what was learned applies to every one of them
    assert "东谈主\t人" in pooled.read_text(encoding="utf-8")
    step = json.loads((out / "config.json").read_text(encoding="utf-8"))["step"]
    assert step["tables"] == [str(pooled)] and step["rejects"] == [str(rejects)]
    assert all(len(digest) == 64 for digest in step["file_sha256"].values())

    edits = [
        e
        for name in output_bytes(out)
        for line in _lines(out / name)
        for e in (json.loads(line).get("cunzhen") or {}).get("edits", [])
    ]
    assert edits and not any(e["before"] == "东谈主" for e in edits)  # the rejected pair is never applied

    stamp = learned.stat().st_mtime_ns
    again = run_cli("restore", str(crawl), "-o", str(out), "--learn", "--reject", str(rejects), "-q")
    assert "(0 this run, 6 already done" in again.stderr and learned.stat().st_mtime_ns == stamp


def test_a_folder_in_use_by_another_run_is_refused(crawl, tmp_path):
    from cunzhen.runners.run_folder import RunFolder, RunFolderError

    out = tmp_path / "out"
    with RunFolder(out).locked(), pytest.raises(RunFolderError, match="in use"):
        run_sharded([str(crawl)], out, RestoreStep(), workers=1, quiet=True)
    assert run_sharded([str(crawl)], out, RestoreStep(), workers=1, quiet=True).ok  # released


def test_unreadable_shard_fails_alone_and_is_finished_by_a_rerun(crawl, tmp_path):
    inputs = tmp_path / "in"
    for shard in discover([str(crawl)])[:3]:
        target = inputs / shard.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(Path(shard.path).read_bytes())
    broken = inputs / "c" / "broken.jsonl.gz"
    broken.parent.mkdir()
    broken.write_bytes(gzip.compress(b'{"id": 1, "text": "x"}\n' * 50)[:-30])  # truncated gzip
    out = tmp_path / "out"
    proc = run_cli("restore", str(inputs), "-o", str(out), "--workers", "2", "-q")
    assert proc.returncode == 4, proc.stderr
    assert "c/broken.jsonl.gz" in proc.stderr and "3/4 shards done" in proc.stderr
    assert not (out / "c" / "broken.jsonl.gz").exists() and not list(out.rglob("*.tmp"))
    assert json.loads((out / MANIFEST).read_text())["complete"] is False

    write_jsonl(broken, [{"id": 1, "text": "修好了"}])
    proc = run_cli("restore", str(inputs), "-o", str(out), "-q")
    assert proc.returncode == 3, proc.stderr  # complete; the copied shards' bad lines still count as errors
    assert "4/4 shards done (1 this run, 3 already done" in proc.stderr


def test_the_clean_step_runs_sharded_like_restore(crawl, tmp_path):
    """Runners are generic over the step: the page cleaner plugs in through its factory."""
    template = "你的位置：首页 > 新闻中心\n"
    pages = [{"id": d["id"], "text": template + d["text"] + "\nPowered by 站群系统"} for d in make_docs(12, 2)]
    pages.append(
        {
            "id": "html",
            "html": "<html><head><title>标题</title></head><body><p>" + pages[0]["text"] + "</p></body></html>",
        }
    )
    write_jsonl(tmp_path / "in" / "a.jsonl", pages[:7])
    write_jsonl(tmp_path / "in" / "b.jsonl", pages[7:])
    report = run_sharded([str(tmp_path / "in")], tmp_path / "out", CleanStep(), workers=2, quiet=True)
    assert report.ok and report.manifest["totals"]["records"] == len(pages)

    step = CleanStep().build()
    outputs = [json.loads(line) for name in ("a.jsonl", "b.jsonl") for line in _lines(tmp_path / "out" / name)]
    assert outputs == [json.loads(json.dumps(step(p), ensure_ascii=False)) for p in pages]
    assert all("你的位置" not in r["text"] for r in outputs[:-1])  # the text pages lost their template lines
    verdicts = sum(report.manifest["totals"].get(f"verdict_{v}", 0) for v in ("keep", "clean", "drop"))
    assert verdicts == len(pages) - report.manifest["totals"]["errors"]


def write_warc(path: Path, pages: list[tuple[str, bytes, str]]) -> None:
    """A gzipped WARC with one response record (and its request) per page."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, body, content_type in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
            writer.write_record(
                writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
            )


def test_sharded_clean_command_reads_warc_and_jsonl_shards(tmp_path):
    article = "\n".join(d["text"] for d in make_docs(3, 4))
    html = f"<html><head><title>新闻</title></head><body><p>你的位置：首页 > 新闻</p><p>{article}</p></body></html>"
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_warc(
        inputs / "crawl.warc.gz",
        [
            ("http://a.example/1.html", html.encode("gbk"), "text/html; charset=gbk"),
            ("http://a.example/2.html", html.encode("utf-8"), "text/html; charset=utf-8"),
        ],
    )
    write_jsonl(inputs / "docs.jsonl", [{"id": "t", "text": article}])
    out = tmp_path / "out"
    proc = run_cli("clean", str(inputs), "-o", f"{out}/", "--workers", "2", "-q")
    assert proc.returncode == 0, proc.stderr
    pages = [json.loads(line) for line in _lines(out / "crawl.jsonl.gz")]
    assert [p["url"] for p in pages] == ["http://a.example/1.html", "http://a.example/2.html"]
    assert pages[0]["text"] == pages[1]["text"] and "你的位置" not in pages[0]["text"]
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert [e["shard"] for e in manifest["shards"]] == ["crawl.jsonl.gz", "docs.jsonl"]
    assert manifest["command"] == "clean" and manifest["totals"]["records"] == 3


# -- resume after kill -9 ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_crawl(tmp_path_factory, shared) -> Path:
    """Enough shards that a run can be killed in the middle."""
    root = tmp_path_factory.mktemp("big")
    docs = make_docs(600, 7)
    for k in range(12):
        write_jsonl(root / f"part-{k:02d}.jsonl.gz", docs[k * 50 : (k + 1) * 50] * 4)
    return root


def test_resume_after_kill_9_gives_identical_output_and_never_redoes_a_shard(big_crawl, tmp_path):
    reference = tmp_path / "reference"
    assert run_cli("restore", str(big_crawl), "-o", str(reference), "--workers", "2", "-q").returncode == 0

    out = tmp_path / "killed"
    done_dir = out / ".cunzhen" / "done"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cunzhen", "restore", str(big_crawl), "-o", str(out), "--workers", "2", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: kill -9 takes the workers down with it
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if done_dir.is_dir() and len(list(done_dir.glob("*.json"))) >= 2:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before it could be killed: make the shards bigger"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    finished = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in done_dir.glob("*.json")}
    assert 2 <= len(finished) < 12
    resumed = run_cli("restore", str(big_crawl), "-o", str(out), "--workers", "2", "-q")
    assert resumed.returncode == 0, resumed.stderr
    assert f"({12 - len(finished)} this run, {len(finished)} already done" in resumed.stderr

    # Shards finished before the kill were not redone: their markers are the very same files.
    for name, stamp in finished.items():
        marker = done_dir / name
        assert (marker.stat().st_ino, marker.stat().st_mtime_ns) == stamp
    assert output_bytes(out) == output_bytes(reference)
    assert (out / MANIFEST).read_bytes() == (reference / MANIFEST).read_bytes()
    assert not list(out.rglob("*.tmp"))


# -- Parquet shards ----------------------------------------------------------------------------------------


def test_parquet_shards_keep_their_schema_and_match_jsonl(crawl, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    docs = make_docs(40, 3)
    write_jsonl(tmp_path / "in" / "j.jsonl", docs)
    pq.write_table(pa.Table.from_pylist(docs), tmp_path / "in" / "p.parquet")
    out = tmp_path / "out"
    report = run_sharded([str(tmp_path / "in")], out, RestoreStep(), workers=1, quiet=True)
    assert report.ok

    table = pq.read_table(out / "p.parquet")
    assert table.schema.field("n").type == pa.int64() and table.schema.field("cunzhen").type == pa.string()
    from_parquet = table.to_pylist()
    from_jsonl = [json.loads(line) for line in _lines(out / "j.jsonl")]
    assert [r["id"] for r in from_parquet] == [d["id"] for d in docs]
    for p, j in zip(from_parquet, from_jsonl, strict=True):
        assert p["text"] == j["text"] and json.loads(p["cunzhen"]) == j["cunzhen"]
    assert sum(json.loads(r["cunzhen"])["spun"] for r in from_parquet) >= 15


# -- Ray engine --------------------------------------------------------------------------------------------


def test_ray_engine_gives_the_same_outputs_and_manifest(crawl, tmp_path):
    local = tmp_path / "local"
    assert run_sharded([str(crawl)], local, RestoreStep(), workers=1, quiet=True).manifest["complete"]
    on_ray = tmp_path / "ray"
    proc = run_cli("restore", str(crawl), "-o", str(on_ray), "--engine", "ray", "--workers", "2", "-q")
    assert proc.returncode == 3, proc.stderr
    assert "6/6 shards done" in proc.stderr and "on ray with 2 workers" in proc.stderr
    assert output_bytes(on_ray) == output_bytes(local)
    assert (on_ray / MANIFEST).read_bytes() == (local / MANIFEST).read_bytes()
    runs = [json.loads(line) for line in (on_ray / ".cunzhen" / "runs.jsonl").read_text().splitlines()]
    assert runs[-1]["engine"] == "ray" and runs[-1]["shards_run"] == 6

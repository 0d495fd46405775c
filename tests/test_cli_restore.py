"""The `cunzhen restore` contract: one output line per input line, ids and order kept, errors per record."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

SPUN = (
    "这是中国互联网历史上东谈主工老本最高的行业。在畴昔两年期间里，大模子的热浪正席卷通盘这个词科技圈。"
    "好意思国公司也在插足。"
)
CLEAN = "国务院总理主持召开国务院常务会议，部署进一步做好稳就业工作。会议指出，就业是最大的民生。"


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cunzhen", *args], input=stdin, capture_output=True, timeout=300)


def test_restore_jsonl_contract(tmp_path):
    lines = [
        json.dumps({"id": "a", "text": SPUN, "url": "http://farm.example/1", "meta": {"k": 1}}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "b", "title": "no text"}),
        json.dumps({"id": "c", "text": CLEAN}, ensure_ascii=False),
        json.dumps({"id": "d", "text": 42}),
        json.dumps(["an", "array"]),
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(("\n".join(lines) + "\n").encode("utf-8") + b'{"id": "e", "text": "\xff\xfe bad"}\n')
    out = tmp_path / "out.jsonl"
    proc = run_cli("restore", str(src), "-o", str(out), "-q")
    assert proc.returncode == 3, proc.stderr.decode()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 7
    assert [r.get("id") for r in records] == ["a", None, "b", "c", "d", None, None]

    spun = records[0]
    assert spun["url"] == "http://farm.example/1" and spun["meta"] == {"k": 1}
    meta = spun["cunzhen"]
    assert meta["spun"] is True and 0.5 < meta["spin_score"] <= 1
    assert "人工成本" in spun["text"] and "东谈主" not in spun["text"]
    for edit in meta["edits"]:
        assert SPUN[edit["start"] : edit["end"]] == edit["before"]
        assert set(edit) == {"start", "end", "before", "after", "score", "reason"}

    assert records[1]["line"] == 2 and "invalid JSON" in records[1]["error"]
    assert "missing 'text'" in records[2]["error"] and records[2]["title"] == "no text"
    assert records[3]["text"] == CLEAN and records[3]["cunzhen"] == {"spun": False, "spin_score": 0.0, "edits": []}
    assert "not a string" in records[4]["error"]
    assert "JSON object" in records[5]["error"]
    assert "invalid UTF-8" in records[6]["error"]
    summary = proc.stderr.decode()
    assert "7 records" in summary and "5 errors" in summary and "1 spun" in summary


def test_restore_stdin_to_stdout_and_gzip(tmp_path):
    payload = (json.dumps({"id": 1, "text": SPUN}, ensure_ascii=False) + "\n").encode()
    proc = run_cli("restore", "-", "-o", "-", "-q", stdin=payload)
    assert proc.returncode == 0, proc.stderr.decode()
    record = json.loads(proc.stdout)
    assert record["id"] == 1 and record["cunzhen"]["spun"]

    src = tmp_path / "in.jsonl.gz"
    with gzip.open(src, "wb") as f:
        f.write(payload * 3)
    out = tmp_path / "out.jsonl.gz"
    proc = run_cli("restore", str(src), "-o", str(out), "-q")
    assert proc.returncode == 0
    with gzip.open(out, "rt", encoding="utf-8") as f:
        assert [json.loads(line)["id"] for line in f] == [1, 1, 1]


def test_unreadable_model_is_a_clear_error(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "x"}\n')
    proc = run_cli("restore", str(src), "-o", str(tmp_path / "o.jsonl"), "--lm", str(tmp_path / "none.bin"))
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("cunzhen restore: error: language model not found")
    assert not (tmp_path / "o.jsonl").exists()


def test_help_teaches_the_commands():
    proc = run_cli("--help")
    assert proc.returncode == 0 and b"typical runs" in proc.stdout
    for command in (b"restore", b"clean", b"mine", b"lm", b"report", b"review", b"dedup"):
        assert b"  " + command + b" " in proc.stdout
    proc = run_cli("restore", "--help")
    assert b"edits" in proc.stdout and b"--lm" in proc.stdout and b"--table" in proc.stdout


def test_run_stats_count_input_characters_of_restored_records(restorer):
    from cunzhen.steps.restore import restore_record
    from cunzhen.steps.stats import RunStats

    stats = RunStats()
    record = restore_record({"id": 1, "text": SPUN}, restorer)
    assert record["text"] != SPUN  # 东谈主 → 人 shortens it
    stats.add(record)
    assert stats.counts["chars_in"] == len(SPUN) and stats.counts["chars_out"] == len(record["text"])

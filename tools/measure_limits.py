"""Measure issue 14's targets on generated hostile inputs, with the real CLI, and print a Markdown table.

    python tools/measure_limits.py [--bomb-mb 1024] [--record-mb 50] [--out-dir DIR]

- deep HTML: a page of N sentences, each opening one more ``<font color=red>`` (never closed), through
  `cunzhen clean`: characters kept of the sentences' characters, the record's verdict and `lost` entries;
- a gzip bomb: one line of ``--bomb-mb`` MB inside a ~1 MB .jsonl.gz between two good lines, and a single
  record of ``--record-mb`` MB in a plain .jsonl, through `cunzhen restore` and `cunzhen clean`: exit status,
  records out, seconds and peak RSS of the command's process.

Each command runs under a fresh Python whose only child it is, so ``RUSAGE_CHILDREN`` is that command's peak.
Takes about a minute with the defaults (most of it decompressing the bomb).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

CUNZHEN = [sys.executable, "-m", "cunzhen"]
WRAPPER = (
    "import json, resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "run = subprocess.run(json.loads(sys.argv[1]), capture_output=True, text=True)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(json.dumps([run.returncode, run.stderr, peak, time.perf_counter() - started]))\n"
)


def measured(command: list[str]) -> tuple[int, str, float, float]:
    """(exit status, stderr, peak RSS in MB, seconds) of ``command``."""
    done = subprocess.run([sys.executable, "-c", WRAPPER, json.dumps(command)], capture_output=True, text=True)
    code, stderr, peak_kib, seconds = json.loads(done.stdout)
    return code, stderr, peak_kib / 1024, seconds


def deep_page(path: Path, count: int) -> list[str]:
    sentences = [f"第{i}句话讲的是城市里发生的一件小事情。" for i in range(count)]
    body = "".join(f"<font color=red>{s}" for s in sentences)
    path.write_text(f"<html><head><title>城市小事</title></head><body>{body}</body></html>", encoding="utf-8")
    return sentences


def kept_chars(sentences: list[str], text: str) -> int:
    """Characters of the sentences found whole in ``text``."""
    found = set(text.replace("\n", "。").split("。"))
    return sum(len(s) for s in sentences if s[:-1] in found)


def gzip_bomb(path: Path, line_mb: int) -> None:
    block = b"a" * 2**20
    with open(path, "wb") as raw:
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
        raw.write(compressor.compress(b'{"id": "first", "text": "x"}\n{"id": "bomb", "text": "'))
        for _ in range(line_mb):
            raw.write(compressor.compress(block))
        raw.write(compressor.compress(b'"}\n{"id": "last", "text": "y"}\n') + compressor.flush())


def big_record(path: Path, record_mb: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "a", "text": "短文"}, ensure_ascii=False) + "\n")
        f.write(json.dumps({"id": "huge", "text": "长" * (record_mb * 2**20 // 3)}, ensure_ascii=False) + "\n")
        f.write(json.dumps({"id": "b", "text": "短文"}, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bomb-mb", type=int, default=1024)
    parser.add_argument("--record-mb", type=int, default=50)
    parser.add_argument("--out-dir", default=None, help="where to write the inputs (default: a temporary folder)")
    args = parser.parse_args()
    folder = Path(args.out_dir or tempfile.mkdtemp(prefix="cunzhen-limits-"))
    folder.mkdir(parents=True, exist_ok=True)
    print("| input | command | result | seconds | peak RSS |\n|---|---|---|---|---|")
    for count in (1000, 5000, 200_000):
        page = folder / f"deep-{count}.html"
        sentences = deep_page(page, count)
        chars = sum(map(len, sentences))
        out = folder / f"deep-{count}.jsonl"
        code, stderr, peak, seconds = measured([*CUNZHEN, "clean", "-q", str(page), "-o", str(out)])
        record = json.loads(out.read_text(encoding="utf-8").splitlines()[0]) if code in (0, 3) else {}
        meta = record.get("cunzhen") or {}
        kept = kept_chars(sentences, record.get("text", ""))
        lost = meta.get("lost")
        result = f"kept {kept:,} of {chars:,} characters ({kept / chars:.1%}), {meta.get('verdict')}, lost {lost}"
        print(
            f"| {count:,} unclosed `<font>` ({page.stat().st_size / 1e6:.1f} MB) | clean | {result} "
            f"| {seconds:.1f} | {peak:.0f} MB |"
        )
    bomb = folder / "bomb.jsonl.gz"
    gzip_bomb(bomb, args.bomb_mb)
    record = folder / "record.jsonl"
    big_record(record, args.record_mb)
    inputs = [
        (bomb, f"{args.bomb_mb:,} MB line in a {bomb.stat().st_size / 1e6:.1f} MB .jsonl.gz"),
        (record, f"{args.record_mb} MB record in a .jsonl"),
    ]
    for path, label in inputs:
        for command in ("restore", "clean"):
            out = folder / f"{path.stem}.{command}.jsonl"
            code, stderr, peak, seconds = measured([*CUNZHEN, command, "-q", str(path), "-o", str(out)])
            records = (
                [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
            )
            errors = [r.get("lost", [{}])[0].get("reason") for r in records if "error" in r]
            result = f"exit {code}, {len(records)} records out, errors: {errors}"
            print(f"| {label} | {command} | {result} | {seconds:.1f} | {peak:.0f} MB |")
    if not args.out_dir:
        for path in folder.iterdir():
            os.unlink(path)
        folder.rmdir()
    print(f"\nmeasured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

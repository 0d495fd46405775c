"""Issue 14 benchmark: hostile input within the documented limits, and a bounded fuzzing run.

- tools/measure_limits.py: deep unclosed HTML through `cunzhen clean` (characters kept), a gzip bomb (one 1 GB
  line in a ~1 MB .jsonl.gz) and a 50 MB record through `cunzhen restore` and `cunzhen clean` (exit status,
  seconds, peak RSS of the command's process);
- every atheris target of tools/fuzz_atheris.py for ``SECONDS`` each (`make fuzz` runs them for 10 minutes
  each), executions and whether a crash was found.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("jsonl", "gzip", "decode", "html", "warc", "parquet", "source")
SECONDS = 60


def run(quick: bool = False) -> str:
    limits = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "measure_limits.py"), *(["--bomb-mb", "128"] if quick else [])],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds = 5 if quick else SECONDS
    rows = []
    for target in TARGETS:
        with tempfile.TemporaryDirectory(prefix="cunzhen-fuzz-") as artifacts:
            done = subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "tools" / "fuzz_atheris.py"),
                    target,
                    f"-max_total_time={seconds}",
                    "-print_final_stats=1",
                    f"-artifact_prefix={artifacts}/",
                ],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            crashes = list(Path(artifacts).glob("crash-*")) + list(Path(artifacts).glob("timeout-*"))
        runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", done.stderr)
        verdict = "no crash" if done.returncode == 0 and not crashes else f"FAILED (exit {done.returncode})"
        rows.append(f"| {target} | {seconds} | {runs[-1] if runs else '?'} | {verdict} |")
    return (
        "\n".join(
            [
                "## Hostile input and fuzzing (issue 14)\n",
                __doc__.split("\n\n", 1)[1].strip() + "\n",
                "### Limits (`python tools/measure_limits.py`)\n",
                limits.stdout.strip()
                if limits.returncode == 0
                else f"measure_limits failed:\n\n```\n{limits.stderr[-2000:]}\n```",
                "",
                "Targets: depth 5,000 unclosed tags >= 99% of characters kept; a 1 GB gzip bomb and a 50 MB record: a "
                "per-record error, peak memory <= 1 GB, the run goes on.\n",
                "### Fuzzing (`python tools/fuzz_atheris.py TARGET -max_total_time=S`)\n",
                "The hypothesis properties of tests/test_fuzz.py run in `make test` (25 examples each) and in "
                "`make fuzz` (2,000 each, then every target below for 10 minutes).\n",
                "| target | seconds | executions | result |",
                "|---|---|---|---|",
                *rows,
            ]
        )
        + "\n"
    )


if __name__ == "__main__":
    from flags import parse_flags

    print(run(quick=parse_flags(__doc__, quick="a 128 MB gzip bomb and 5 s a fuzzing target (a smoke run)").quick))

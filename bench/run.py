"""Run every benchmark and write BENCHMARKS.md.

Each section is a module ``bench/bench_<name>.py`` with ``run(quick: bool) -> str`` returning Markdown.
The headline, ``users``, measures text the model never saw (leave-one-source-out and ../shared/corpus-ood) and
engines the restorer was never given; the sections after it are the in-domain benchmarks (the bundled model's
own genres, spinners made from the project's table). Figures come from the *report* split
(tools/shared_corpus.py); anything tuned was tuned on the *tune* split.

usage: python bench/run.py [--out BENCHMARKS.md] [--only NAME ...] [--quick]
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tools")]

# Sections in the order they appear in BENCHMARKS.md.
SECTIONS = ["users", "restore", "mine", "clean", "review", "scale"]
IN_DOMAIN_FROM = "restore"  # the first in-domain section: a heading goes before it


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM; Python {platform.python_version()}; "
        f"commit {commit.stdout.strip() or 'unknown'}; {datetime.date.today().isoformat()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=None, help="write Markdown here (default: print)")
    parser.add_argument("--only", nargs="*", default=None, help="run only these sections")
    parser.add_argument("--quick", action="store_true", help="smaller samples, for trying things out")
    args = parser.parse_args()
    names = args.only or SECTIONS
    parts = [
        "# cunzhen benchmarks\n",
        f"Command: `make bench` (`python bench/run.py --out BENCHMARKS.md`). Machine: {machine()}.\n",
        "Figures are measured on the *report* split of each source (`tools/shared_corpus.py`); every threshold "
        "was tuned on the *tune* split. The first section is the headline: text the model never saw and engines "
        "the restorer was never given. The sections after *In-domain* measure the bundled model's own genres "
        "with spinners made from the project's table: they show regressions, not what users get. Speeds are "
        "single-process wall-clock on a shared, noisy machine: compare ratios within one run.\n",
    ]
    for name in names:
        if name == IN_DOMAIN_FROM:
            parts.append("# In-domain\n")
        started = time.perf_counter()
        module = importlib.import_module(f"bench_{name}")
        parts.append(module.run(quick=args.quick))
        print(f"bench {name}: {time.perf_counter() - started:.0f}s", file=sys.stderr)
    text = "\n".join(parts)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

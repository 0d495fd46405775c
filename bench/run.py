"""Run every benchmark and write BENCHMARKS.md.

Each section is a module ``bench/bench_<name>.py`` with ``run(quick: bool) -> str`` returning Markdown.
The headline, ``users``, measures text the model never saw (leave-one-source-out and ../shared/corpus-ood) and
engines the restorer was never given; the sections after it are the in-domain benchmarks (the bundled model's
own genres, spinners made from the project's table). Figures come from the *report* split
(tools/shared_corpus.py); anything tuned was tuned on the *tune* split.

The file is rewritten after every section, so a run that is stopped keeps what it measured. Each section is
marked with the commit it was measured at; with ``--only``, the other sections are carried over from the
existing file with their own marks (a section is never silently re-labelled with a commit it did not run at).

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
SECTIONS = ["users", "realpages", "pollution", "lm", "limits", "restore", "mine", "clean", "review", "scale"]
IN_DOMAIN_FROM = "restore"  # the first in-domain section: a heading goes before it
IN_DOMAIN_HEADING = "# In-domain\n"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM; Python {platform.python_version()}; "
        f"commit {commit()}; {datetime.date.today().isoformat()}"
    )


MARK = "<!-- section: {name} @ {commit} -->"


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    # BENCHMARKS.md itself changes as the run writes it: only other changes make the figures a commit's plus
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!BENCHMARKS.md"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return (out.stdout.strip() or "unknown") + ("+changes" if dirty.stdout.strip() else "")


def previous_sections(path: Path | None) -> dict[str, str]:
    """Section name -> its marked text, from an earlier BENCHMARKS.md."""
    if path is None or not path.exists():
        return {}
    found: dict[str, str] = {}
    chunks = path.read_text(encoding="utf-8").split("<!-- section: ")
    for chunk in chunks[1:]:
        name = chunk.split(" ", 1)[0]
        text = chunk.rstrip()
        # the heading ``assemble`` puts before the in-domain sections ends the section before them: not its text
        while text.endswith(IN_DOMAIN_HEADING.strip()):
            text = text.removesuffix(IN_DOMAIN_HEADING.strip()).rstrip()
        found[name] = "<!-- section: " + text + "\n"
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=None, help="write Markdown here (default: print)")
    parser.add_argument("--only", nargs="*", default=None, help="run only these sections")
    parser.add_argument("--quick", action="store_true", help="smaller samples, for trying things out")
    args = parser.parse_args()
    names = args.only or SECTIONS
    out = Path(args.out) if args.out else None
    kept = previous_sections(out)
    header = [
        "# cunzhen benchmarks\n",
        f"Command: `make bench` (`python bench/run.py --out BENCHMARKS.md`). Machine: {machine()}.\n",
        "Figures are measured on the *report* split of each source (`tools/shared_corpus.py`); every threshold "
        "was tuned on the *tune* split. The first section is the headline: text the model never saw and engines "
        "the restorer was never given. The sections after *In-domain* measure the bundled model's own genres "
        "with spinners made from the project's table: they show regressions, not what users get. Speeds are "
        "single-process wall-clock on a shared, noisy machine: compare ratios within one run. Each section "
        "names the commit it was measured at (`make bench` runs them all at one).\n",
    ]
    done: dict[str, str] = {}
    for name in names:
        started = time.perf_counter()
        module = importlib.import_module(f"bench_{name}")
        body = module.run(quick=args.quick)
        minutes = (time.perf_counter() - started) / 60
        at = commit()
        done[name] = f"{MARK.format(name=name, commit=at)}\n_Measured at commit {at}, {minutes:.0f} min._\n\n{body}"
        print(f"bench {name}: {minutes:.1f} min", file=sys.stderr)
        if out is not None:
            out.write_text(assemble(header, done, kept), encoding="utf-8")
    if out is None:
        print(assemble(header, done, {}))
    return 0


def assemble(header: list[str], done: dict[str, str], kept: dict[str, str]) -> str:
    parts = list(header)
    for name in SECTIONS:
        if name == IN_DOMAIN_FROM:
            parts.append(IN_DOMAIN_HEADING)
        text = done.get(name) or kept.get(name)
        if text:
            parts.append(text)
    return "\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())

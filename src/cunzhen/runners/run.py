"""A sharded run from start to summary: discover shards, skip finished ones, run the rest on an engine,
write the manifest.

Terms: a *shard* is one input file and its one output file; a *worker* is a process that runs shards one
after another (a local process or a Ray worker); an *engine* schedules shards onto workers (``local`` or
``ray``); the *run folder* holds outputs and the run's records (see run_folder.py).
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

from cunzhen import __version__
from cunzhen.runners.progress import Progress, Tally
from cunzhen.runners.run_folder import RunFolder
from cunzhen.runners.shards import discover
from cunzhen.runners.steps import StepFactory

ENGINES = ("local", "ray")


@dataclass
class RunReport:
    manifest: dict
    tally: Tally
    skipped: int  # shards already finished by an earlier invocation
    engine: str
    workers: int
    out_dir: str = ""  # the run folder

    @property
    def ok(self) -> bool:
        return self.manifest["complete"] and not self.tally.failures

    def summary(self) -> str:
        totals = self.manifest["totals"]
        t = self.tally
        ran = len(t.results)
        peak = max((r.peak_rss_mb for r in t.results), default=0.0)
        lines = [
            f"cunzhen {self.manifest['command']}: run folder {self.out_dir}: "
            f"{self.manifest['shards_done']}/{self.manifest['shards_total']} shards done "
            f"({ran} this run, {self.skipped} already done, {len(t.failures)} failed) "
            f"on {self.engine} with {self.workers} worker{'s' if self.workers != 1 else ''}",
            f"  this run: {t.docs} docs, {t.text_bytes / 1e6:.1f} MB of text in {t.seconds:.1f}s "
            f"({t.mb_per_second:.2f} MB/s), peak memory per worker {peak:.0f} MB",
            "  all shards: " + ", ".join(f"{v} {k}" for k, v in totals.items() if v and not k.endswith("_bytes")),
        ]
        lines += [f"  failed: {f.shard}: {f.error}" for f in t.failures]
        if not self.ok:
            lines.append("  run the same command again to finish the remaining shards")
        return "\n".join(lines)


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_sharded(
    inputs: list[str],
    out_dir: str | os.PathLike[str],
    factory: StepFactory,
    *,
    engine: str = "local",
    workers: int | None = None,
    ray_address: str | None = None,
    quiet: bool = False,
) -> RunReport:
    """Run ``factory``'s step over every shard of ``inputs`` into the run folder ``out_dir``.

    Finished shards (from an earlier, possibly killed invocation) are skipped; the manifest is rewritten at
    the end. Raises ShardError for bad inputs and RunFolderError for a folder of another configuration.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    workers = workers or default_workers()
    folder = RunFolder(out_dir)
    shards = discover(inputs, exclude=out_dir)
    with folder.locked():
        folder.prepare(_resolved_config(factory, inputs, shards, engine, workers, ray_address))
        todo = [s for s in shards if not folder.is_done(s)]
        skipped = len(shards) - len(todo)
        progress = Progress(len(shards), already_done=skipped, quiet=quiet)
        try:
            _run_engine(engine, todo, folder, factory, progress, workers, ray_address)
        finally:
            progress.close()
            manifest = folder.write_manifest(shards, factory.command)
        report = RunReport(manifest, progress.tally, skipped, engine, workers, str(out_dir))
        folder.log_invocation(_invocation_record(report))
    return report


def _run_engine(engine: str, todo, folder: RunFolder, factory, progress: Progress, workers: int, ray_address):
    if not todo:
        return
    if engine == "ray":
        from cunzhen.runners.ray_engine import run_ray

        run_ray(todo, folder, factory, progress, address=ray_address, workers=workers)
    else:
        from cunzhen.runners.local import run_local

        run_local(todo, folder, factory, workers, progress)


def _resolved_config(factory: StepFactory, inputs, shards, engine: str, workers: int, ray_address) -> dict:
    """Everything that decided this run, as JSON; ``step`` alone decides the output bytes."""
    return {
        "cunzhen": __version__,
        "command": factory.command,
        "step": factory.config(),
        "inputs": [os.path.abspath(i) if os.path.exists(i) else i for i in inputs],
        "shards": len(shards),
        "engine": {"name": engine, "workers": workers, "ray_address": ray_address},
    }


def _invocation_record(report: RunReport) -> dict:
    t = report.tally
    return {
        "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "engine": report.engine,
        "workers": report.workers,
        "shards_run": len(t.results),
        "shards_skipped": report.skipped,
        "shards_failed": [f.shard for f in t.failures],
        "docs": t.docs,
        "text_mb": round(t.text_bytes / 1e6, 3),
        "seconds": round(t.seconds, 3),
        "cpu_seconds": round(sum(r.cpu_seconds for r in t.results), 3),
        "peak_rss_mb_per_worker": _per_worker(t.results, "peak_rss_mb"),
        "pss_mb_per_worker": _per_worker(t.results, "pss_mb"),
    }


def _per_worker(results, attribute: str) -> dict[str, float]:
    """The largest value of ``attribute`` each worker reported."""
    out: dict[str, float] = {}
    for result in results:
        value = getattr(result, attribute) or 0.0
        out[result.worker] = round(max(out.get(result.worker, 0.0), value), 1)
    return out

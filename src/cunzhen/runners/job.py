"""One shard, start to finish: read, run the step on every record, write atomically, mark done.

This function is all a worker runs, whichever engine schedules it (a local process, a Ray task), so every
engine gives the same bytes. The order of commits makes a killed run safe to restart:
  1. records go to a temporary file beside the output;
  2. the temporary file is renamed over the output (atomic: the output is whole or absent);
  3. a done-marker with the shard's counts is written (also by rename).
A shard is finished when its marker exists; a restart skips it. A shard killed between 2 and 3 is run
again and rewrites the same bytes.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cunzhen.io.jsonl import ReadError
from cunzhen.runners.run_folder import RunFolder
from cunzhen.runners.shards import Shard, open_writer, read_records
from cunzhen.runners.steps import StepFactory
from cunzhen.steps.stats import RunStats

# A worker reports progress (docs, bytes since its last report) at most this often.
REPORT_EVERY_SECONDS = 0.5

ProgressReport = Callable[[int, int], None]


@dataclass
class ShardResult:
    """What a worker sends back for a finished shard: the manifest entry plus timing and memory."""

    shard: str
    entry: dict  # the manifest entry (deterministic: counts and sizes only)
    text_bytes: int  # UTF-8 bytes of the input texts, for MB/s
    seconds: float
    cpu_seconds: float  # CPU time the worker spent on this shard: wall time minus waiting for a core
    peak_rss_mb: float  # the worker process's peak resident memory so far
    pss_mb: float | None  # its proportional share now: pages shared with other workers (the model) count 1/N
    worker: str = field(default_factory=lambda: f"{os.uname().nodename}:{os.getpid()}")


def process_shard(
    shard: Shard, folder: RunFolder, factory: StepFactory, report: ProgressReport | None = None
) -> ShardResult:
    """Run ``factory``'s step over every record of ``shard`` and commit its output. Raises if the shard
    cannot be read at all (the output is then left absent and no marker is written)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    step = factory.build()
    stats = RunStats()
    text_bytes = 0
    pending_docs = pending_bytes = 0
    last_report = started
    with open_writer(shard, folder.root) as writer:
        for item in read_records(shard):
            if isinstance(item, ReadError):
                record = item.as_record()
            else:
                text = item.get("text")
                size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else 0
                text_bytes += size
                pending_bytes += size
                record = step(item)
            writer.write(record)
            stats.add(record)
            pending_docs += 1
            if report and time.perf_counter() - last_report >= REPORT_EVERY_SECONDS:
                report(pending_docs, pending_bytes)
                pending_docs = pending_bytes = 0
                last_report = time.perf_counter()
    if report and pending_docs:
        report(pending_docs, pending_bytes)
    entry = {
        "shard": shard.name,
        "input": shard.path,
        "format": shard.format,
        "input_bytes": shard.size,
        "output_bytes": os.path.getsize(folder.root / shard.name),
        "records": 0,
        "errors": 0,
        **stats.as_dict(),
    }
    folder.mark_done(shard, entry)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return ShardResult(shard.name, entry, text_bytes, seconds, cpu_seconds, peak_rss_mb(), pss_mb())


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB.

    On Linux this is VmHWM of /proc/self/status, which starts afresh with the process image; getrusage's
    ru_maxrss would carry over the peak of the parent a spawned worker was forked from."""
    peak_kib = _proc_kib("/proc/self/status", "VmHWM:")
    if peak_kib is not None:
        return peak_kib / 2**10
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def pss_mb() -> float | None:
    """Proportional set size in MB (Linux): shared pages divided among the processes mapping them."""
    pss_kib = _proc_kib("/proc/self/smaps_rollup", "Pss:")
    return None if pss_kib is None else pss_kib / 2**10


def _proc_kib(path: str, key: str) -> int | None:
    """The kB value of the line starting with ``key`` in a /proc file, None where there is no such file."""
    try:
        with open(path, encoding="ascii") as lines:
            for line in lines:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return None

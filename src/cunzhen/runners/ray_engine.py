"""The Ray engine: one Ray task per shard, on a local Ray or on a cluster (``--ray-address``).

Each task runs the very function the local engine runs (``job.process_shard``), so output shards, markers
and the manifest are the same bytes. Ray ships the step *factory*; each Ray worker process builds the
engine once (cached) and memory-maps the model itself. On a cluster, the inputs, the model and the run
folder must be on storage every node sees at the same path (NFS, a mounted bucket).
"""

from __future__ import annotations

from cunzhen.runners.job import process_shard
from cunzhen.runners.progress import Progress, ShardFailure
from cunzhen.runners.run_folder import RunFolder
from cunzhen.runners.shards import Shard
from cunzhen.runners.steps import StepFactory

# Memory Ray reserves per task for scheduling: the model is shared through the page cache, so a task's own
# footprint stays well under this (see BENCHMARKS.md for the measured peak).
TASK_MEMORY_BYTES = 1 << 30


def run_ray(
    shards: list[Shard],
    folder: RunFolder,
    factory: StepFactory,
    progress: Progress,
    address: str | None = None,
    workers: int | None = None,
) -> None:
    """Process ``shards`` as Ray tasks. Starts a local Ray (``workers`` CPUs) unless ``address`` is given
    or Ray is already initialised in this process."""
    import ray

    started_here = False
    if not ray.is_initialized():
        options = {"address": address} if address else {"num_cpus": workers}
        ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False, **options)
        started_here = True
    try:
        remote = ray.remote(num_cpus=1, memory=TASK_MEMORY_BYTES, max_retries=1)(process_shard)
        names = {remote.remote(shard, folder, factory): shard.name for shard in shards}
        pending = list(names)
        while pending:
            finished, pending = ray.wait(pending, num_returns=1, timeout=0.5)
            for ref in finished:
                try:
                    progress.shard_done(ray.get(ref), counted_docs=False)
                except Exception as exc:  # RayTaskError wraps the worker's exception
                    progress.shard_failed(ShardFailure(names[ref], f"{type(exc).__name__}: {exc}"))
    finally:
        if started_here:
            ray.shutdown()

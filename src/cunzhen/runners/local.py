"""The local engine: shards spread over N worker processes on this machine.

Workers are *spawned* (fresh interpreters), not forked: each builds its step from the picklable factory
and re-opens the memory-mapped KenLM model, whose pages the kernel shares between processes, so memory per
worker is the engine's own state and one shard's records in flight, not a copy of the model. With one
worker the shards run in this process and nothing is spawned.

Each worker processes whole shards (a shard is the unit of commit and of resume) and reports its docs and
bytes through a queue about twice a second for the progress bar.
"""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from cunzhen.runners.job import process_shard
from cunzhen.runners.progress import Progress, ShardFailure
from cunzhen.runners.run_folder import RunFolder
from cunzhen.runners.shards import Shard
from cunzhen.runners.steps import StepFactory

# The queue a spawned worker reports progress to; set by the pool initializer in each worker.
_progress_queue = None


def _init_worker(progress_queue) -> None:
    global _progress_queue
    _progress_queue = progress_queue


def _report(docs: int, text_bytes: int) -> None:
    if _progress_queue is not None:
        _progress_queue.put((docs, text_bytes))


def _run_in_worker(shard: Shard, folder: RunFolder, factory: StepFactory):
    return process_shard(shard, folder, factory, report=_report)


def run_local(shards: list[Shard], folder: RunFolder, factory: StepFactory, workers: int, progress: Progress) -> None:
    """Process ``shards`` with ``workers`` processes, feeding ``progress``; failures are recorded, not raised.

    A worker that dies (out of memory, a crash in native code) breaks the pool: its shard and those still
    queued are reported as failed, and a rerun of the same command picks them up.
    """
    if workers <= 1 or len(shards) <= 1:
        _run_here(shards, folder, factory, progress)
        return
    context = multiprocessing.get_context("spawn")
    reports = context.Queue()
    with ProcessPoolExecutor(
        min(workers, len(shards)), mp_context=context, initializer=_init_worker, initargs=(reports,)
    ) as pool:
        pending = {pool.submit(_run_in_worker, shard, folder, factory): shard.name for shard in shards}
        try:
            while pending:
                _drain(reports, progress, wait=0.2)
                finished, _ = wait(pending, timeout=0, return_when=FIRST_COMPLETED)
                for future in finished:
                    name = pending.pop(future)
                    try:
                        progress.shard_done(future.result(), counted_docs=True)
                    except Exception as exc:  # the worker raised or died: record it, go on with the others
                        progress.shard_failed(ShardFailure(name, f"{type(exc).__name__}: {exc}"))
        except BaseException:
            for future in pending:
                future.cancel()
            raise
        _drain(reports, progress, wait=0.0)


def _drain(reports, progress: Progress, wait: float) -> None:
    """Move every queued (docs, bytes) report into the progress bar; block up to ``wait`` for the first."""
    try:
        docs, text_bytes = reports.get(timeout=wait) if wait else reports.get_nowait()
    except queue.Empty:
        return
    total_docs, total_bytes = docs, text_bytes
    while True:
        try:
            docs, text_bytes = reports.get_nowait()
        except queue.Empty:
            break
        total_docs += docs
        total_bytes += text_bytes
    progress.docs(total_docs, total_bytes)


def _run_here(shards: list[Shard], folder: RunFolder, factory: StepFactory, progress: Progress) -> None:
    for shard in shards:
        try:
            result = process_shard(shard, folder, factory, report=progress.docs)
        except Exception as exc:
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            progress.shard_failed(ShardFailure(shard.name, detail))
            continue
        progress.shard_done(result, counted_docs=True)

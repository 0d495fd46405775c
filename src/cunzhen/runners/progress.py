"""The progress bar of a sharded run (shards, docs, MB/s) and the tally that becomes its summary."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

from cunzhen.runners.job import ShardResult


@dataclass
class ShardFailure:
    """A shard that could not be processed (unreadable file, worker crash); the run goes on without it."""

    shard: str
    error: str


@dataclass
class Tally:
    """Everything an engine reports during one invocation."""

    started: float = field(default_factory=time.perf_counter)
    docs: int = 0
    text_bytes: int = 0
    results: list[ShardResult] = field(default_factory=list)
    failures: list[ShardFailure] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    @property
    def mb_per_second(self) -> float:
        return self.text_bytes / 1e6 / self.seconds if self.seconds > 0 else 0.0


class Progress:
    """Feeds a Tally and, unless quiet, a tqdm bar over shards with docs and MB/s alongside."""

    def __init__(self, total_shards: int, already_done: int = 0, quiet: bool = False):
        self.tally = Tally()
        self._bar = None
        if not quiet:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total_shards,
                initial=already_done,
                unit="shard",
                file=sys.stderr,
                dynamic_ncols=True,
                mininterval=0.5,
            )
        self._refresh()

    def docs(self, count: int, text_bytes: int) -> None:
        """Records processed inside a shard still running (the local engine reports these)."""
        self.tally.docs += count
        self.tally.text_bytes += text_bytes
        self._refresh()

    def shard_done(self, result: ShardResult, counted_docs: bool) -> None:
        """A finished shard; ``counted_docs`` says whether its docs were already reported through docs()."""
        self.tally.results.append(result)
        if not counted_docs:
            self.tally.docs += result.entry["records"]
            self.tally.text_bytes += result.text_bytes
        if self._bar is not None:
            self._bar.update(1)
        self._refresh()

    def shard_failed(self, failure: ShardFailure) -> None:
        self.tally.failures.append(failure)
        if self._bar is not None:
            self._bar.write(f"cunzhen: shard {failure.shard} failed: {failure.error}")
        self._refresh()

    def _refresh(self) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self.tally.docs} docs, {self.tally.mb_per_second:.2f} MB/s", refresh=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

"""The run folder: output shards, the resolved config, done-markers, the manifest and a log of invocations.

  OUT/<shard outputs>         one per input shard, at the input's relative path
  OUT/config.json             the resolved config of the latest invocation (step, engine, inputs)
  OUT/manifest.json           per-shard and total counts; deterministic, so an interrupted-and-resumed run,
                              an uninterrupted one and a Ray run of the same job write the same bytes
  OUT/.cunzhen/done/*.json    one marker per finished shard (its manifest entry), written by rename
  OUT/.cunzhen/runs.jsonl     one line per invocation: engine, workers, time, throughput, peak memory

A folder is tied to its step config: resuming with another model, table or command would mix outputs of
two configurations, so it is refused.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from cunzhen.io.jsonl import temporary_beside
from cunzhen.runners.shards import Shard

MANIFEST = "manifest.json"
CONFIG = "config.json"
STATE_DIR = ".cunzhen"


class RunFolderError(RuntimeError):
    """The run folder belongs to a run with a different step configuration, or is in use by another run."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: readers see all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def dump_json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


class RunFolder:
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)
        self.state = self.root / STATE_DIR
        self.done_dir = self.state / "done"

    def __reduce__(self):
        return (RunFolder, (str(self.root),))

    # -- setting up ---------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder for one run. Two runs on one folder would delete each other's temporary files;
        the lock is an flock, so the kernel releases it when its holder dies, even by ``kill -9``."""
        self.state.mkdir(parents=True, exist_ok=True)
        with open(self.state / "lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RunFolderError(f"{self.root} is in use by another cunzhen run") from None
            yield

    def prepare(self, config: dict) -> None:
        """Create the folder, refuse a folder of another step config, drop temporaries of a killed run."""
        previous = self.read_config()
        if previous is not None and previous.get("step") != config.get("step"):
            raise RunFolderError(
                f"{self.root} holds a run with another configuration ({CONFIG}: step {previous.get('step')}); "
                "use a new output folder, or delete this one to start over"
            )
        self.done_dir.mkdir(parents=True, exist_ok=True)
        self.remove_temporaries()
        write_atomic(self.root / CONFIG, dump_json(config))

    def read_config(self) -> dict | None:
        path = self.root / CONFIG
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def remove_temporaries(self) -> int:
        """Delete the ``.NAME.*.tmp`` files writers leave when killed mid-shard; returns how many."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for dirpath, _, files in os.walk(self.root):
            for name in files:
                if name.startswith(".") and name.endswith(".tmp"):
                    os.unlink(os.path.join(dirpath, name))
                    removed += 1
        return removed

    # -- shard state --------------------------------------------------------------------------------------

    def _marker(self, shard: Shard) -> Path:
        return self.done_dir / (quote(shard.name, safe="") + ".json")

    def is_done(self, shard: Shard) -> bool:
        """Finished = marker present and the output it describes still there."""
        return self._marker(shard).is_file() and (self.root / shard.name).is_file()

    def done_entry(self, shard: Shard) -> dict | None:
        marker = self._marker(shard)
        return json.loads(marker.read_text(encoding="utf-8")) if marker.is_file() else None

    def mark_done(self, shard: Shard, entry: dict) -> None:
        write_atomic(self._marker(shard), dump_json(entry))

    # -- records of the run -------------------------------------------------------------------------------

    def write_manifest(self, shards: list[Shard], command: str) -> dict:
        """Rebuild ``manifest.json`` from the markers of ``shards``; returns it."""
        entries = [self.done_entry(s) for s in shards if self.is_done(s)]
        totals: Counter = Counter()
        for entry in entries:
            totals.update({k: v for k, v in entry.items() if isinstance(v, int) and not isinstance(v, bool)})
        manifest = {
            "command": command,
            "complete": len(entries) == len(shards),
            "shards_total": len(shards),
            "shards_done": len(entries),
            "totals": dict(sorted(totals.items())),
            "shards": entries,
        }
        write_atomic(self.root / MANIFEST, dump_json(manifest))
        return manifest

    def log_invocation(self, record: dict) -> None:
        """Append one line to runs.jsonl (timings differ between runs, so they stay out of the manifest)."""
        self.state.mkdir(parents=True, exist_ok=True)
        with open(self.state / "runs.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")

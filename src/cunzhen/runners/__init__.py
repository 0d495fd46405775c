"""Sharded runs at crawl scale: shards in, one output shard each, a manifest, resume after a kill.

    from cunzhen.runners import RestoreStep, run_sharded
    report = run_sharded(["crawl/"], "out/", RestoreStep(), workers=8)        # or engine="ray"
    print(report.summary())

The runners move records; what happens to a record is a *step factory* (runners/steps.py), so every
record-level command (restore, clean) runs on every engine the same way.
"""

from cunzhen.runners.run import ENGINES, RunReport, default_workers, run_sharded
from cunzhen.runners.run_folder import RunFolderError
from cunzhen.runners.shards import Shard, ShardError, discover
from cunzhen.runners.steps import CleanStep, RestoreStep, StepFactory

__all__ = [
    "run_sharded",
    "RunReport",
    "RestoreStep",
    "CleanStep",
    "StepFactory",
    "Shard",
    "discover",
    "default_workers",
    "ENGINES",
    "ShardError",
    "RunFolderError",
]

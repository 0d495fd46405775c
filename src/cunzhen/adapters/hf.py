"""A batch function for ``datasets.Dataset.map``: restore (or clean) a Hugging Face dataset in place.

    from datasets import load_dataset
    from cunzhen.adapters.hf import restore_batch
    ds = load_dataset("json", data_files="crawl/*.jsonl.gz", split="train")
    ds = ds.map(restore_batch, batched=True, num_proc=8)
    ds.filter(lambda row: row["cunzhen_spun"])        # the documents that were spun

Columns written: ``text`` (the step's output text), ``cunzhen`` (the step's ``cunzhen`` object as JSON text,
as in the JSONL output), ``cunzhen_error`` ("" or why the row was left as it was), and one flat column per
summary field of the step for filtering (restore: ``cunzhen_spun``, ``cunzhen_spin_score``). Every other
column is kept by ``datasets``. Rows are never removed: use ``ds.filter`` on the columns. A row that could
not be processed keeps its text, gets ``cunzhen`` = "{}" and neutral summary values (not spun, score 0).
"""

from __future__ import annotations

import orjson

from cunzhen.runners.steps import RestoreStep, StepFactory

# Summary fields per command with the value a row that could not be processed gets: flat columns next to
# the JSON object, for ``ds.filter``. No column is ever None, because ``datasets`` fixes a column's type from
# the first batch written, and a batch of Nones would fix it to null.
SUMMARY_FIELDS = {
    "restore": {"spun": False, "spin_score": 0.0},
    "clean": {"verdict": "", "spun": False, "spin_score": 0.0},
}


class BatchFunction:
    """A picklable ``batch -> columns`` callable around a step factory (built lazily, once per process)."""

    def __init__(self, factory: StepFactory):
        self.factory = factory
        self.fields = SUMMARY_FIELDS.get(factory.command, {})

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        step = self.factory.build()
        size = len(next(iter(batch.values()), []))
        columns: dict[str, list] = {"text": [], "cunzhen": [], "cunzhen_error": []}
        columns.update({f"cunzhen_{name}": [] for name in self.fields})
        for row in range(size):
            record = {name: values[row] for name, values in batch.items()}
            out = step(record)
            failed = "error" in out
            meta = {} if failed else out.get("cunzhen") or {}
            columns["text"].append(record.get("text") if failed else out["text"])
            columns["cunzhen"].append(orjson.dumps(meta).decode())
            columns["cunzhen_error"].append(out["error"] if failed else "")
            for name, default in self.fields.items():
                columns[f"cunzhen_{name}"].append(meta.get(name, default))
        return columns


def batch_function(factory: StepFactory) -> BatchFunction:
    """The ``Dataset.map(..., batched=True)`` function for any step factory."""
    return BatchFunction(factory)


# The default restore, ready to pass to ``Dataset.map``.
restore_batch = BatchFunction(RestoreStep())

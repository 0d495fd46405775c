"""The datatrove step and the datasets.map batch function, each in the real library, against the CLI step."""

from __future__ import annotations

import gzip
import itertools
import json

import pytest
from shared_corpus import genre_lines
from spinner import Spinner

from cunzhen.api import builtin_table
from cunzhen.steps.restore import restore_record


@pytest.fixture(scope="module")
def docs(shared) -> list[dict]:
    spinner = Spinner.from_table(builtin_table(families=False), seed=5)
    lines = list(itertools.islice(genre_lines("reviews", "report"), 96))
    texts = ["\n".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]
    return [{"id": f"r{i}", "text": spinner.spin(t)[0] if i % 2 else t, "source": "test"} for i, t in enumerate(texts)]


@pytest.fixture(scope="module")
def expected(docs, restorer) -> dict[str, dict]:
    """What `cunzhen restore` makes of each document."""
    return {d["id"]: restore_record(d, restorer) for d in docs}


def test_datatrove_pipeline_with_one_added_line(docs, expected, tmp_path):
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from cunzhen.adapters.datatrove import CunzhenRestore

    src = tmp_path / "in"
    src.mkdir()
    for part in range(2):
        rows = docs[part::2]
        (src / f"part-{part}.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in rows))
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(src)),
            CunzhenRestore(),  # the one line a pipeline adds
            JsonlWriter(str(tmp_path / "out"), output_filename="${rank}.jsonl.gz"),
        ],
        tasks=2,
        workers=2,  # separate processes: the step must pickle and build its engine there
        logging_dir=str(tmp_path / "logs"),
    )
    stats = executor.run()

    outputs = {}
    for path in (tmp_path / "out").glob("*.jsonl.gz"):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                outputs[row["id"]] = row
    assert sorted(outputs) == sorted(expected)
    for doc_id, row in outputs.items():
        assert row["text"] == expected[doc_id]["text"]
        assert row["metadata"]["cunzhen"] == expected[doc_id]["cunzhen"]
        assert row["metadata"]["source"] == "test"
    spun = sum(r["cunzhen"]["spun"] for r in expected.values())
    assert spun >= 8
    step_stats = next(s for s in stats.stats if "cunzhen" in s.name)
    assert step_stats.stats["spun"].total == spun and step_stats.stats["documents"].total == len(docs)


def test_datasets_map_batch_function(docs, expected):
    from datasets import Dataset

    from cunzhen.adapters.hf import restore_batch

    rows = docs + [{"id": "bad", "text": None, "source": "test"}]
    mapped = Dataset.from_list(rows).map(restore_batch, batched=True, batch_size=7, num_proc=2)
    assert mapped.column_names[:3] == ["id", "text", "source"]
    assert {"cunzhen", "cunzhen_error", "cunzhen_spun", "cunzhen_spin_score"} <= set(mapped.column_names)
    for row in mapped:
        if row["id"] == "bad":
            assert "missing 'text'" in row["cunzhen_error"] and row["cunzhen"] == "{}" and not row["cunzhen_spun"]
            continue
        want = expected[row["id"]]
        assert row["text"] == want["text"] and row["cunzhen_error"] == ""
        assert json.loads(row["cunzhen"]) == want["cunzhen"]
        assert row["cunzhen_spun"] == want["cunzhen"]["spun"]
    assert sum(mapped["cunzhen_spun"][:-1]) >= 8

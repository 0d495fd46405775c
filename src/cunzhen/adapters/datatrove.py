"""A datatrove ``PipelineStep`` that runs a cunzhen record step on every Document.

A FineWeb-2-style pipeline adds cunzhen in one line, usually right after text extraction and before the
quality filters, so that the filters and deduplication see restored text:

    from cunzhen.adapters.datatrove import CunzhenRestore
    pipeline = [
        WarcReader(...), Trafilatura(...),
        CunzhenRestore(),                       # <- restore spun text (bundled model and table)
        LanguageFilter(...), GopherRepetitionFilter(...), FineWebQualityFilter(...), GopherQualityFilter(...),
        JsonlWriter(...),
    ]

Each Document's text is replaced by the step's output text and ``metadata["cunzhen"]`` gets the step's
``cunzhen`` object (spun, spin_score, edits; for clean also verdict, reasons, removed). A document the step
could not process is passed on unchanged with ``metadata["cunzhen_error"]``. Documents with a ``drop``
verdict (clean) are removed from the stream unless ``keep_dropped``; counters ``spun``, ``edits``,
``dropped``, ``errors`` appear in datatrove's stats.
"""

from __future__ import annotations

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from cunzhen.runners.steps import RestoreStep, StepFactory


class CunzhenStep(PipelineStep):
    """Runs any cunzhen step factory over a datatrove document stream."""

    name = "存真 cunzhen"
    type = "✂️ - FORMAT"

    def __init__(self, factory: StepFactory, keep_dropped: bool = False):
        super().__init__()
        self.factory = factory
        self.keep_dropped = keep_dropped
        self.name = f"存真 cunzhen {factory.command}"

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        step = self.factory.build()  # built in the worker, once per process
        for doc in data:
            self.stat_update("documents")
            with self.track_time():
                out = step({**doc.metadata, "id": doc.id, "text": doc.text})
            if "error" in out:
                self.stat_update("errors")
                doc.metadata["cunzhen_error"] = out["error"]
                yield doc
                continue
            meta = out.get("cunzhen") or {}
            doc.text = out["text"]
            doc.metadata["cunzhen"] = meta
            self._count(meta)
            if meta.get("verdict") == "drop" and not self.keep_dropped:
                continue
            yield doc

    def _count(self, meta: dict) -> None:
        if meta.get("spun"):
            self.stat_update("spun")
        if meta.get("edits"):
            self.stat_update("edits", value=len(meta["edits"]))
        if "verdict" in meta:
            self.stat_update("dropped" if meta["verdict"] == "drop" else f"verdict_{meta['verdict']}")


class CunzhenRestore(CunzhenStep):
    """``cunzhen restore`` as a datatrove step: the bundled model and table unless told otherwise."""

    def __init__(self, lm: str | None = None, tables: tuple[str, ...] = (), use_builtin_table: bool = True):
        super().__init__(RestoreStep(lm, tuple(tables), use_builtin_table))

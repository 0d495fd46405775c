"""cunzhen inside pipelines people already run: a datatrove PipelineStep and a ``datasets.Dataset.map`` batch
function. Each wraps a step factory (runners/steps.py), so it ships paths, not engines, to its workers.

    from cunzhen.adapters.datatrove import CunzhenRestore      # datatrove: one more step in the list
    from cunzhen.adapters.hf import restore_batch              # datasets: ds.map(restore_batch, batched=True)
"""

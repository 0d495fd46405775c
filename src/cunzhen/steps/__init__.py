"""Record-level steps: one input record (a dict) in, exactly one output record out.

Steps sit between the text engine and everything that moves records (the CLI, the shard runner, Ray, the
datatrove and HF adapters). They never raise on bad input: a record they cannot process comes back with an
``error`` field, and ``RunStats`` counts it.
"""

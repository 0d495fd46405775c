"""The `restore` step: a record with ``text`` in, the same record with restored ``text`` and a ``cunzhen``
object (spun, spin_score, edits) out."""

from __future__ import annotations

from cunzhen.engine.restore import Restorer

# Longer texts are not restored but passed through with an error, so that one giant record cannot stall a
# worker; 5M characters is far beyond any real article.
MAX_CHARS = 5_000_000


def restore_record(record: dict, restorer: Restorer) -> dict:
    """One output record for one input record; problems become an ``error`` field, never an exception."""
    text = record.get("text")
    if not isinstance(text, str):
        problem = "missing 'text' field" if text is None else f"'text' is {type(text).__name__}, not a string"
        return {**record, "error": problem}
    if len(text) > MAX_CHARS:
        return {**record, "error": f"text has {len(text)} characters, more than the limit of {MAX_CHARS}"}
    result = restorer.restore(text)
    return {**record, "text": result.text, "cunzhen": result.as_dict()}

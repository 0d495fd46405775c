"""Parquet in and out, record by record, in bounded memory.

Reading streams one row group batch at a time and yields each row as a dict, like ``read_jsonl``. Writing
buffers ``batch_rows`` records, then appends them as a row group of a temporary file that is renamed into
place on ``close()``, so a killed run never leaves a half-written shard that looks finished.

The schema of the output: every input column keeps its input type; ``text`` is a string; the ``cunzhen``
object (whose shape differs between commands) and any ``error`` are stored as JSON text and plain strings,
so that every row group of every shard has the same schema whatever the records held. Top-level fields a step
adds beyond these are not written (the record steps add none).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import orjson

from cunzhen.io.jsonl import AtomicWriter, ReadError, temporary_beside
from cunzhen.io.limits import MAX_ROW_GROUP_BYTES, lost

# Columns whose values vary in shape between records or commands; written as JSON text.
JSON_COLUMNS = ("cunzhen",)
# Rows buffered before they are written as one row group: bounds memory, keeps row groups a useful size.
DEFAULT_BATCH_ROWS = 1000


def read_parquet(
    path: str, batch_rows: int = DEFAULT_BATCH_ROWS, max_row_group_bytes: int = MAX_ROW_GROUP_BYTES
) -> Iterator[dict | ReadError]:
    """Yield each row as a dict. A file that cannot be opened raises (the whole shard is unreadable).

    Row groups are read one at a time: pyarrow decodes a whole row group's column chunk at once, so one
    larger than ``max_row_group_bytes`` uncompressed (by the footer) is not read, and each of its rows comes
    out as a ReadError in its place."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as source:
        row = 0
        for group in range(source.metadata.num_row_groups):
            meta = source.metadata.row_group(group)
            if meta.total_byte_size > max_row_group_bytes:
                message = (
                    f"row group {group} holds {meta.total_byte_size} bytes uncompressed, more than the limit of "
                    f"{max_row_group_bytes} (not read)"
                )
                entry = (lost("row_group_too_large", bytes=meta.total_byte_size),)
                for index in range(meta.num_rows):
                    yield ReadError(row + index + 1, message, entry if index == 0 else ())
                row += meta.num_rows
                continue
            for batch in source.iter_batches(batch_size=batch_rows, row_groups=[group]):
                yield from batch.to_pylist()
            row += meta.num_rows


def parquet_schema(path: str):
    """The arrow schema of a Parquet file, read from its footer only."""
    import pyarrow.parquet as pq

    return pq.read_schema(path)


class ParquetWriter(AtomicWriter):
    """Writes records to ``path`` atomically, with the input's schema plus cunzhen's output columns."""

    def __init__(self, path: str, input_schema=None, batch_rows: int = DEFAULT_BATCH_ROWS):
        import pyarrow as pa

        self.path = path
        self.count = 0
        self._pa = pa
        self._schema = _output_schema(input_schema)
        self._batch_rows = batch_rows
        self._buffer: list[dict] = []
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = temporary_beside(target)  # pyarrow reopens it by name: truncated, its mode kept
        os.close(fd)
        self._writer = None

    def write(self, record: dict) -> None:
        self._buffer.append(record)
        self.count += 1
        if len(self._buffer) >= self._batch_rows:
            self._flush()

    def _flush(self) -> None:
        import pyarrow.parquet as pq

        if not self._buffer:
            return
        rows = [_encode_row(record, self._schema.names) for record in self._buffer]
        table = self._pa.Table.from_pylist(rows, schema=self._schema)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._tmp, self._schema, compression="zstd")
        self._writer.write_table(table)
        self._buffer.clear()

    def close(self) -> None:
        import pyarrow.parquet as pq

        self._flush()
        if self._writer is None:  # no records: still a valid, empty Parquet file
            pq.write_table(self._schema.empty_table(), self._tmp, compression="zstd")
        else:
            self._writer.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if os.path.exists(self._tmp):
            os.unlink(self._tmp)


def _output_schema(input_schema):
    import pyarrow as pa

    fields = [] if input_schema is None else [f for f in input_schema if f.name not in ("text", "error", "line")]
    fields = [f for f in fields if f.name not in JSON_COLUMNS]
    names = [f.name for f in fields]
    extra = [pa.field("text", pa.string())]
    extra += [pa.field(name, pa.string()) for name in JSON_COLUMNS]
    extra += [pa.field("error", pa.string()), pa.field("line", pa.int64())]
    if "id" not in names and input_schema is None:
        extra.insert(0, pa.field("id", pa.string()))
    return pa.schema(fields + extra)


def _encode_row(record: dict, names: list[str]) -> dict:
    row = {name: record.get(name) for name in names}
    for name in JSON_COLUMNS:
        value = record.get(name)
        row[name] = None if value is None else orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        row["text"] = None  # the record carries an error saying why
    return row

"""Any input path to a stream of page records, one per page, in order.

- ``.jsonl`` / ``.jsonl.gz`` / ``-`` (stdin): one record a line, with ``text`` or ``html`` (bad lines come as
  error records, see io/jsonl.py);
- ``.warc`` / ``.warc.gz``: one record per response record (io/warc.py);
- ``.html`` / ``.htm``: one record, ``html`` decoded from the file's bytes (io/decode.py);
- ``.txt`` (optionally ``.gz``): one record, the whole file as ``text`` (one page, like the example page);
- a directory: the files above inside it, recursively, in sorted order.
``id`` is the input's own id where it has one (a JSONL field, the WARC-Record-ID) and the file name otherwise.
A path that cannot be read at all becomes one error record.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from pathlib import Path

from cunzhen.io.decode import decode_bytes
from cunzhen.io.jsonl import ReadError, read_jsonl

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".ndjson")
WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
TEXT_SUFFIXES = (".txt", ".txt.gz")
ALL_SUFFIXES = JSONL_SUFFIXES + WARC_SUFFIXES + HTML_SUFFIXES + TEXT_SUFFIXES


def read_sources(paths: Iterable[str]) -> Iterator[dict]:
    for name in paths:
        yield from read_source(name)


def expand(paths: Iterable[str]) -> list[str]:
    """Directories replaced by the input files inside them (sorted); other paths as given."""
    out: list[str] = []
    for name in paths:
        path = Path(name)
        if name != "-" and path.is_dir():
            out.extend(str(p) for p in sorted(path.rglob("*")) if p.is_file() and p.name.lower().endswith(ALL_SUFFIXES))
        else:
            out.append(name)
    return out


def read_source(name: str) -> Iterator[dict]:
    lower = name.lower()
    if name != "-" and Path(name).is_dir():
        yield from read_sources(expand([name]))
        return
    try:
        if name == "-" or lower.endswith(JSONL_SUFFIXES):
            for item in read_jsonl(name):
                yield item.as_record() if isinstance(item, ReadError) else item
        elif lower.endswith(WARC_SUFFIXES):
            from cunzhen.io.warc import read_warc

            yield from read_warc(name)
        elif lower.endswith(HTML_SUFFIXES):
            html, codec = decode_bytes(_read_bytes(name))
            yield {"id": Path(name).name, "html": html, "charset": codec}
        elif lower.endswith(TEXT_SUFFIXES):
            text, codec = decode_bytes(_read_bytes(name))
            yield {"id": Path(name).name.removesuffix(".gz").removesuffix(".txt"), "text": text}
        else:
            yield {"id": name, "error": f"unsupported input (expected one of {', '.join(ALL_SUFFIXES)})"}
    except OSError as exc:
        yield {"id": name, "error": f"cannot read input: {exc}"}


def _read_bytes(name: str) -> bytes:
    with open(name, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if name.lower().endswith(".gz") else data

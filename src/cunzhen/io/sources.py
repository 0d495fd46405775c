"""Any input path to a stream of page records, one per page, in order.

- ``.jsonl`` / ``.jsonl.gz`` / ``-`` (stdin): one record a line, with ``text`` or ``html`` (bad lines come as
  error records, see io/jsonl.py);
- ``.warc`` / ``.warc.gz``: one record per response record (io/warc.py);
- ``.html`` / ``.htm``: one record, ``html`` decoded from the file's bytes (io/decode.py);
- ``.txt`` (optionally ``.gz``): one record, the whole file as ``text`` (one page, like the example page);
- a directory: the files above inside it, recursively, in sorted order.
``id`` is the input's own id where it has one (a JSONL field, the WARC-Record-ID) and the file name otherwise.
A path that cannot be read at all becomes one error record; so does a whole-file page larger than
MAX_PAGE_BYTES once decompressed (io/limits.py: decompression stops there, so a gzip bomb costs no more), and
a stream that breaks part way (a truncated gzip) ends with one error record after what could be read.
"""

from __future__ import annotations

import glob
import gzip
from collections.abc import Iterable, Iterator
from pathlib import Path

from cunzhen.io.decode import decode_bytes
from cunzhen.io.jsonl import STREAM_ERRORS, ReadError, read_jsonl
from cunzhen.io.limits import MAX_PAGE_BYTES, lost

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".ndjson")
WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
TEXT_SUFFIXES = (".txt", ".txt.gz")
ALL_SUFFIXES = JSONL_SUFFIXES + WARC_SUFFIXES + HTML_SUFFIXES + TEXT_SUFFIXES


def read_sources(paths: Iterable[str]) -> Iterator[dict]:
    for name in paths:
        yield from read_source(name)


def expand(paths: Iterable[str]) -> list[str]:
    """Directories replaced by the input files inside them (sorted), globs (quoted, so the shell left them) by
    the files they match (sorted); other paths as given."""
    out: list[str] = []
    for name in paths:
        path = Path(name)
        if name != "-" and glob.has_magic(name) and not path.exists():
            out.extend(expand(p for p in sorted(glob.glob(name, recursive=True))))
        elif name != "-" and path.is_dir():
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
        elif lower.endswith(HTML_SUFFIXES + TEXT_SUFFIXES):
            yield _whole_file_page(name, lower.endswith(HTML_SUFFIXES))
        else:
            yield {"id": name, "error": f"unsupported input (expected one of {', '.join(ALL_SUFFIXES)})"}
    except (OSError, *STREAM_ERRORS) as exc:
        yield {"id": name, "error": f"cannot read input: {exc}"}


def _whole_file_page(name: str, is_html: bool) -> dict:
    """One page record for a whole .html/.txt file (gzipped or not), or an error record past the size limit."""
    page_id = Path(name).name if is_html else Path(name).name.removesuffix(".gz").removesuffix(".txt")
    data = read_bounded(name, MAX_PAGE_BYTES)
    if len(data) > MAX_PAGE_BYTES:
        return {
            "id": page_id,
            "error": f"page larger than the limit of {MAX_PAGE_BYTES} bytes (decompressed; not read)",
            "lost": [lost("page_too_large", bytes=len(data), at_least=True)],
        }
    text, codec = decode_bytes(data)
    return {"id": page_id, "html": text, "charset": codec} if is_html else {"id": page_id, "text": text}


def read_bounded(name: str, limit: int) -> bytes:
    """The file's bytes (decompressed if it ends in .gz), at most ``limit`` + 1 of them: one byte more than the
    limit says the file is larger, without decompressing a bomb to the end."""
    with gzip.open(name, "rb") if name.lower().endswith(".gz") else open(name, "rb") as f:
        return f.read(limit + 1)

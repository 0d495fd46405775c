"""Coverage-guided fuzzing of cunzhen's readers of untrusted bytes with atheris (libFuzzer), for `make fuzz`.

    python tools/fuzz_atheris.py TARGET [libFuzzer options, e.g. -max_total_time=600 -artifact_prefix=DIR/]

Targets: jsonl, gzip (JSONL in gzip), decode (charset detection), html (extraction, flattening, the tag
stripper), warc, parquet (pyarrow's C++ reader behind read_parquet), source (whole .html/.txt files). Each
feeds the fuzzer's bytes to the reader and fails on any exception but the documented ones (a broken gzip
stream: ReadFailure; a file that is not Parquet: an Arrow or OS error). A crash is written by libFuzzer as
``crash-*`` beside the artifact prefix; turn it into a regression test in tests/test_fuzz.py.

The hypothesis properties of tests/test_fuzz.py check the invariants on structured input; this harness
explores the byte-level corners (gzip headers, WARC framing, Parquet footers) by coverage.
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports(include=["cunzhen", "warcio"]):
    from cunzhen.io.decode import decode_bytes
    from cunzhen.io.html import extract_html, flatten_deep, strip_tags
    from cunzhen.io.jsonl import ReadError, ReadFailure, read_jsonl
    from cunzhen.io.sources import read_source
    from cunzhen.io.warc import read_warc

_DIR = tempfile.mkdtemp(prefix="cunzhen-fuzz-")


def _file(data: bytes, suffix: str) -> str:
    path = os.path.join(_DIR, "input" + suffix)
    with open(path, "wb") as f:
        f.write(data)
    return path


def fuzz_jsonl(data: bytes) -> None:
    items = list(read_jsonl(_file(data, ".jsonl")))
    assert all(isinstance(i, (dict, ReadError)) for i in items)
    assert len(items) == sum(1 for line in data.split(b"\n") if line.strip())


def fuzz_gzip(data: bytes) -> None:
    try:
        items = list(read_jsonl(_file(data, ".jsonl.gz")))
    except ReadFailure:
        return
    assert all(isinstance(i, (dict, ReadError)) for i in items)


def fuzz_decode(data: bytes) -> None:
    declared = data[:8].decode("latin-1") if data[:1] == b"!" else None
    text, codec = decode_bytes(data, declared)
    assert isinstance(text, str) and codec


def fuzz_html(data: bytes) -> None:
    html, _ = decode_bytes(data)
    flat, _ = flatten_deep(html)
    assert flatten_deep(flat)[1] == 0
    assert strip_tags(flat).split() == strip_tags(html).split()
    page = extract_html(html, timeout=5)
    assert isinstance(page.text, str)


def fuzz_warc(data: bytes) -> None:
    for suffix in (".warc", ".warc.gz"):
        assert all(isinstance(r, dict) for r in read_warc(_file(data, suffix)))


def fuzz_parquet(data: bytes) -> None:
    import pyarrow as pa

    from cunzhen.io.parquet import read_parquet

    try:
        for _ in read_parquet(_file(data, ".parquet")):
            pass
    except (pa.ArrowException, OSError):
        pass


def fuzz_source(data: bytes) -> None:
    for suffix in (".html", ".txt.gz"):
        assert all(isinstance(r, dict) for r in read_source(_file(data, suffix)))


TARGETS = {
    "jsonl": fuzz_jsonl,
    "gzip": fuzz_gzip,
    "decode": fuzz_decode,
    "html": fuzz_html,
    "warc": fuzz_warc,
    "parquet": fuzz_parquet,
    "source": fuzz_source,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        raise SystemExit(f"usage: fuzz_atheris.py {{{','.join(TARGETS)}}} [libFuzzer options]")
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

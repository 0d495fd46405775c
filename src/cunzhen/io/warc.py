"""WARC files (``.warc``, ``.warc.gz``, Common Crawl style) to page records, with warcio.

One record per ``response`` record, in file order: ``id`` (WARC-Record-ID), ``url`` (WARC-Target-URI),
``warc_date``, ``content_type``, and ``html`` (decoded, for HTML) or ``text`` (for text/plain); other content
types come as a record with ``content_type`` and no page, which the clean step drops with a reason.
A record that cannot be parsed becomes ``{"id": "FILE@OFFSET", "error": ...}`` and reading resumes at the next
record header (the next gzip member of a .warc.gz, or the next ``WARC/1.`` line of a plain .warc), so one
broken record never hides the records after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from cunzhen.io.decode import charset_from_content_type, decode_bytes
from cunzhen.io.limits import MAX_WARC_BODY_BYTES, MAX_WARC_HEADER_BYTES, lost

# Bodies larger than this are not decoded (a page is far smaller; huge bodies are media or archives).
MAX_BODY_BYTES = MAX_WARC_BODY_BYTES
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
_SCAN_BLOCK = 1 << 20


def read_warc(path: str) -> Iterator[dict]:
    """Page records of the response records of ``path``; unreadable records become error records."""
    with open(path, "rb") as stream:
        gzipped = stream.read(3) == _GZIP_MAGIC
        offset = 0
        while offset is not None:
            offset = yield from _read_from(stream, path, offset, gzipped)


class WarcHeadersTooLarge(ValueError):
    """A record's header lines (WARC and HTTP) ran past MAX_WARC_HEADER_BYTES."""


def _bounded_reader(stream: IO[bytes]):
    """warcio's decompressing reader with ``readline`` bounded: warcio reads header lines with an unbounded
    readline, so one 300 MB header line in a .warc.gz cost 950 MB of memory. Lines read for one record's
    headers may add up to MAX_WARC_HEADER_BYTES; past that the record is broken (WarcHeadersTooLarge) and
    reading resumes at the next record."""
    from warcio.archiveiterator import BUFF_SIZE
    from warcio.bufferedreaders import DecompressingBufferedReader

    class BoundedReader(DecompressingBufferedReader):
        header_bytes = 0  # read by readline since the last record began; reset by _read_from

        def readline(self, length=None):
            room = MAX_WARC_HEADER_BYTES - self.header_bytes + 1
            line = super().readline(room if length is None or length > room else length)
            self.header_bytes += len(line)
            if self.header_bytes > MAX_WARC_HEADER_BYTES:
                raise WarcHeadersTooLarge(f"header lines longer than the limit of {MAX_WARC_HEADER_BYTES} bytes")
            return line

    return BoundedReader(stream, block_size=BUFF_SIZE)


def _read_from(stream: IO[bytes], path: str, offset: int, gzipped: bool) -> Iterator[dict]:
    """Records from ``offset`` on; returns the offset to resume at after a broken record, or None at the end."""
    from warcio.archiveiterator import ArchiveIterator

    stream.seek(offset)
    records = ArchiveIterator(stream)
    records.reader = _bounded_reader(records.fh)  # nothing is read before the first next()
    record_start = offset  # where the record being read begins (absolute offset)
    try:
        for record in records:
            page = _page_record(record) if record.rec_type == "response" else None
            # Asking warcio for offsets reads the record to its end, so only after its content was read.
            record_start = records.get_record_offset() + records.get_record_length()
            records.reader.header_bytes = 0
            if page is not None:
                yield page
    except Exception as exc:  # warcio raises many types on corrupt input; each becomes one error record
        yield {
            "id": f"{path}@{record_start}",
            "error": f"unreadable WARC record: {type(exc).__name__}: {_printable(exc)}",
        }
        return _next_record_start(stream, record_start + 1, _GZIP_MAGIC if gzipped else _WARC_MAGIC)
    return None


def _printable(exc: Exception, limit: int = 160) -> str:
    """The exception's message without the binary garbage warcio quotes from a corrupt record."""
    message = "".join(ch if ch.isprintable() else " " for ch in str(exc)[:limit])
    return " ".join(message.split())


def _next_record_start(stream: IO[bytes], start: int, magic: bytes) -> int | None:
    """Offset of the next ``magic`` at or after ``start`` (a record boundary), or None."""
    position = start
    while True:
        stream.seek(position)
        block = stream.read(_SCAN_BLOCK + len(magic))
        if len(block) < len(magic):
            return None
        found = block.find(magic)
        if found >= 0:
            return position + found
        position += _SCAN_BLOCK


def _page_record(record) -> dict:
    headers = record.rec_headers
    out = {
        "id": headers.get_header("WARC-Record-ID") or headers.get_header("WARC-Target-URI"),
        "url": headers.get_header("WARC-Target-URI"),
        "warc_date": headers.get_header("WARC-Date"),
    }
    http = record.http_headers
    content_type = (http.get_header("Content-Type") if http else None) or ""
    out["content_type"] = content_type.split(";")[0].strip().lower() or None
    body = record.content_stream().read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return {
            **out,
            "error": f"response body larger than the limit of {MAX_BODY_BYTES} bytes (not read)",
            "lost": [lost("page_too_large", bytes=len(body), at_least=True)],
        }
    kind = page_kind(out["content_type"], body)
    if kind is None:
        return out
    text, codec = decode_bytes(body, charset_from_content_type(content_type))
    out["charset"] = codec
    out[kind] = text
    return out


def page_kind(content_type: str | None, body: bytes) -> str | None:
    """'html', 'text' or None (not a page) for a response's Content-Type (sniffing the body if it has none)."""
    if content_type in ("text/html", "application/xhtml+xml"):
        return "html"
    if content_type == "text/plain":
        return "text"
    if not content_type and b"<html" in body[:2048].lower():
        return "html"
    return None

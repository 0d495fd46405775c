"""The explicit limits of what cunzhen reads, and how a record says that one was hit.

A crawl holds whatever its pages held: a 1 GB line inside a 1 MB gzip file, a page of 200,000 unclosed tags, a
response that is a video. Every reader and step works within the bounds below, so that one such input costs a
bounded amount of memory and time and never stops the run; and where text is cut or left out because of a
bound, the output record says so in a ``lost`` list (at the top level of an error record, inside ``cunzhen``
otherwise), each entry ``{"reason": ..., "chars": N}`` (or ``"bytes": N`` for input never decoded), which the run
summary and the manifest count (steps/stats.py).

Reasons (README, *Limits*):
  line_too_long        a JSONL line longer than MAX_LINE_BYTES: an error record in its place; bytes = its length
  page_too_large       a whole-file page (.html, .txt, gzipped or not) or a WARC response body larger than its
                       bound: an error record; bytes = what was read before stopping (``"at_least": true``)
  row_group_too_large  a Parquet row group whose uncompressed size exceeds MAX_ROW_GROUP_BYTES: one error
                       record per row, bytes = the row group's size
  text_too_long        a page whose extracted text exceeds the clean step's MAX_CHARS: the first MAX_CHARS
                       characters (to a line end) are cleaned, chars = what was cut off
  extraction_timeout   HTML extraction ran past EXTRACT_SECONDS: the page's text is read by the tag stripper
                       instead (io/html.py), so chars = 0, but the layout is plainer and trafilatura's
                       boilerplate removal did not run
  extraction_failed    the extractor raised: the same fallback, chars = 0
"""

from __future__ import annotations

# A JSONL line is one record. 32 MiB holds the longest text the restore step takes (5M characters, 15 MB of
# UTF-8, or 30 MB as \\u escapes) with room for its other fields, while one line read, parsed and copied
# stays near 200 MB of memory. Lines beyond it are skipped in 1 MiB pieces, never held whole: this is what
# keeps a gzip bomb (one 1 GB line in a 1 MB .jsonl.gz) within bounded memory.
MAX_LINE_BYTES = 32 * 2**20
# A page read from a whole file (.html, .txt and their .gz) after decompression. A real page is well under
# 1 MB (Common Crawl truncates responses at 1 MiB); 32 MiB leaves room for bloated markup, and decompression
# stops at the bound, so a gzip bomb costs no more than that.
MAX_PAGE_BYTES = 32 * 2**20
# A WARC response body (io/warc.py reads at most this much of it). Larger bodies are media or archives.
MAX_WARC_BODY_BYTES = 20_000_000
# The header lines of one WARC record, WARC and HTTP headers together (real ones are a few KB). warcio reads
# them with an unbounded readline; io/warc.py bounds it, and a record past it is an unreadable record.
MAX_WARC_HEADER_BYTES = 1 << 20
# A Parquet row group is the unit pyarrow decodes; one whose uncompressed size exceeds this is not read (its
# rows come out as error records), so a row group of giant strings cannot exhaust memory.
MAX_ROW_GROUP_BYTES = 512 * 2**20
# Wall-clock seconds trafilatura may spend on one page. Typical pages take 10-200 ms; pathological markup can
# take minutes, and a stuck worker costs more than a plainer extraction of one page.
EXTRACT_SECONDS = 20.0
# HTML deeper than this is flattened before parsing (io/html.py): libxml2 stops building the tree at depth
# 256 (2048 with huge_tree) and silently drops everything nested deeper; tags below this depth carry no text
# of their own that matters for extraction.
MAX_HTML_DEPTH = 160


def lost(reason: str, *, chars: int | None = None, bytes: int | None = None, at_least: bool = False) -> dict:
    """One entry of a record's ``lost`` list."""
    entry: dict = {"reason": reason}
    if chars is not None:
        entry["chars"] = chars
    if bytes is not None:
        entry["bytes"] = bytes
    if at_least:
        entry["at_least"] = True
    return entry

"""Bytes to text for crawled pages, whatever the page declares or fails to declare.

Chinese sites serve UTF-8, GBK/GB2312/GB18030 and Big5, and their declarations are often wrong (a GBK page that
says UTF-8, or says nothing). Order of evidence, strongest first:
1. a byte-order mark;
2. strict UTF-8 (real GBK or Big5 text practically never decodes as valid UTF-8);
3. charset-normalizer's reading among the declared charset (HTTP header, ``<meta charset>``) and the charsets
   Chinese pages use: the declared one wins unless it decodes into clearly messier text;
5. GB18030 with replacement characters (it maps every byte sequence, and most undeclared pages are GBK).
GBK and GB2312 are read as GB18030, their superset; Big5 as CP950 (Big5 with the common vendor extensions).
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb18030": "gb18030",
    "big5": "cp950",
    "big5-hkscs": "big5hkscs",
    "cp936": "gb18030",
    "x-euc-cn": "gb18030",
}
_CANDIDATES = ["utf_8", "gb18030", "cp950", "big5hkscs"]
_BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


def canonical_charset(name: str | None) -> str | None:
    """A Python codec name for a declared charset (with Chinese supersets applied), or None if unknown."""
    if not name:
        return None
    key = name.strip().strip("\"'").lower()
    key = _SUPERSETS.get(key, key)
    try:
        name = codecs.lookup(key).name
        "".encode(name)  # a codec that is no text encoding (uu, base64, rot13) is no charset: LookupError
    except (LookupError, ValueError):  # ValueError: a NUL in the name (found by tests/test_fuzz.py)
        return None
    return name


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag in its first 4 KB, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, codec used). ``declared`` is the HTTP header's charset, if known."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declarations = [c for c in (canonical_charset(declared), canonical_charset(declared_charset(data))) if c]
    guess = _guess(data, declarations)
    if guess:
        return data.decode(guess, errors="replace"), guess
    return data.decode("gb18030", errors="replace"), "gb18030"


# A declared charset wins over charset-normalizer's best guess unless its decoding is messier by more than this
# (charset-normalizer's "chaos" ratio): Big5 bytes declared as GBK decode without error into nonsense.
DECLARED_TOLERANCE = 0.05


def _guess(data: bytes, declarations: list[str]) -> str | None:
    from charset_normalizer import from_bytes

    candidates = list(dict.fromkeys([*declarations, *_CANDIDATES]))
    results = from_bytes(data[:65536], cp_isolation=candidates)
    best = results.best()
    if best is None:
        return next((c for c in declarations if _decodes(data, c)), None)
    chaos = {canonical_charset(r.encoding): r.chaos for r in results}
    for codec in declarations:
        if codec in chaos and chaos[codec] <= best.chaos + DECLARED_TOLERANCE:
            return codec
    return canonical_charset(best.encoding)


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True

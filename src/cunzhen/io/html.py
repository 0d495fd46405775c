"""HTML to text with trafilatura: the main content as paragraphs (one a line) and the page title.

trafilatura drops navigation, footers and comments itself; what it keeps of a site-farm template (a
breadcrumb inside the article block, an injected line) is the page cleaner's job. When trafilatura finds no
main content (it declines short or unusual pages), the visible text of ``<body>`` is used instead, so a page
is never silently lost.

Hostile markup is handled before and around the parser (limits in io/limits.py):
- **depth**: libxml2, under trafilatura and lxml, stops building the tree at a nesting depth of 256 and drops
  the rest of the page without a word (a page of ``<font color=red>一句话`` repeated 1,000 times kept a
  quarter of its text). A linear tag scan finds such pages and removes the start and end tags nested deeper
  than MAX_HTML_DEPTH, keeping their text (a block tag becomes ``<br>``, so lines stay lines);
- **time**: trafilatura runs under a deadline (EXTRACT_SECONDS, SIGALRM, in the main thread of a process:
  where the step runs in every runner); past it, or when it raises, the page's text is read by the tag
  stripper below, and the page says so in ``lost``.
"""

from __future__ import annotations

import contextlib
import functools
import html as html_lib
import re
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from cunzhen.io.limits import EXTRACT_SECONDS, MAX_HTML_DEPTH, lost


@dataclass(frozen=True)
class ExtractedPage:
    title: str | None
    text: str
    extractor: str  # trafilatura | body-text | tags (the fallback tag stripper)
    lost: tuple[dict, ...] = ()  # io/limits.py: why the text may be plainer or shorter than the page's


_BLOCK_BREAK = re.compile(r"\n\s*\n+")


def extract_html(html: str, url: str | None = None, timeout: float | None = EXTRACT_SECONDS) -> ExtractedPage:
    """Title and main text of an HTML page (paragraphs separated by blank lines); never raises."""
    html = flatten_deep(html)[0]
    try:
        with deadline(timeout):
            return _extract(html, url)
    except ExtractionTimeout:
        return _fallback(html, "extraction_timeout")
    except Exception:  # any failure of the parser on hostile bytes: the tag stripper reads what it can
        return _fallback(html, "extraction_failed")


def _extract(html: str, url: str | None) -> ExtractedPage:
    import trafilatura

    _lift_parser_limits()
    doc = trafilatura.bare_extraction(
        html, url=url, include_comments=False, include_tables=True, favor_recall=True, with_metadata=True
    )
    title = getattr(doc, "title", None) if doc is not None else None
    text = getattr(doc, "text", None) if doc is not None else None
    if text and text.strip():
        return ExtractedPage(title, _paragraphs(text), "trafilatura")
    return ExtractedPage(title or _title_tag(html), _body_text(html), "body-text")


@functools.cache
def _huge_parser():
    """lxml's HTML parser as trafilatura configures it, with ``huge_tree``: without it libxml2 also truncates
    a text node beyond 10 MB (a flattened page of 200,000 sentences kept 3,189 of its 4.7M characters)."""
    import lxml.html

    options = {"collect_ids": False, "default_doctype": False, "remove_comments": True, "remove_pis": True}
    return lxml.html.HTMLParser(encoding="utf-8", huge_tree=True, **options)


def _lift_parser_limits() -> None:
    """trafilatura parses with its module-level ``HTML_PARSER``; give it the same parser with ``huge_tree``
    (trafilatura's own source names the option), so its tree holds the whole page."""
    import trafilatura.utils

    trafilatura.utils.HTML_PARSER = _huge_parser()


def _fallback(html: str, reason: str) -> ExtractedPage:
    return ExtractedPage(_title_tag(html), _paragraphs(strip_tags(html)), "tags", (lost(reason, chars=0),))


def _paragraphs(text: str) -> str:
    """One paragraph a line, separated by blank lines (the layout of the example pages)."""
    lines = [line.strip() for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)


def _title_tag(html: str) -> str | None:
    """The first ``<title>``'s text. Found with str.find, not a lazy regex: a page of thousands of unclosed
    ``<title>`` tags made the regex quadratic."""
    lower = html.lower()
    start = lower.find("<title")
    if start < 0:
        return None
    open_end = lower.find(">", start)
    close = lower.find("</title", open_end)
    if open_end < 0 or close < 0:
        return None
    return " ".join(html_lib.unescape(html[open_end + 1 : close]).split()) or None


def _body_text(html: str) -> str:
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html, parser=_huge_parser())
    except Exception:  # lxml refuses empty or binary documents
        return _paragraphs(strip_tags(html))
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    body = root.find("body")
    text = (body if body is not None else root).text_content()
    return _paragraphs(text)


# -- a tag scanner that needs no tree ------------------------------------------------------------------------

# A comment, or a start/end tag. Attributes holding ">" end the tag early for this scan: the rest reads as
# text, which costs a wrong depth estimate by one at worst. A tag runs to the next ">" but never over a "<":
# with ``[^>]*`` each of thousands of unterminated "<a b" scanned to the end of the page (quadratic: 17 s for
# 20,000 of them); a "<" inside an attribute value is rare enough to misread.
_TOKEN = re.compile(r"<!--.*?(?:-->|\Z)|<(/?)([A-Za-z][A-Za-z0-9:-]*)([^<>]*)>", re.DOTALL)


def _names(names: str) -> frozenset[str]:
    return frozenset(names.split())


_VOID = _names(
    "area base basefont bgsound br col command embed frame hr image img input keygen link meta param source track wbr"
)
# Elements whose content is not markup: skipped to their end tag (and, but for title, not text either).
_RAW = _names("script style textarea title xmp iframe noembed noframes noscript template")
_NOT_TEXT = _RAW - {"textarea"}
_BLOCK = _names(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr html li main menu nav ol p pre section summary table tbody td tfoot "
    "th thead tr ul"
)
# The open element a start tag closes implicitly (HTML's "optional end tags"), as parsers do. Only the element
# on top of the stack is closed: enough to keep the depth estimate of ordinary sloppy pages (<p>a<p>b, <li>s
# without </li>) near the parser's, which is all the scan is for.
_CLOSES: dict[str, frozenset[str]] = {
    **{tag: frozenset({"p"}) for tag in _BLOCK - {"li", "dd", "dt", "td", "th", "tr", "body", "html"}},
    "li": frozenset({"li", "p"}),
    "dd": frozenset({"dd", "dt", "p"}),
    "dt": frozenset({"dd", "dt", "p"}),
    "tr": frozenset({"tr", "td", "th"}),
    "td": frozenset({"td", "th"}),
    "th": frozenset({"td", "th"}),
    "option": frozenset({"option"}),
}


def _tokens(html: str) -> Iterator[tuple[int, int, bool, str]]:
    """(start, end, is_end_tag, name) of every tag, in order; a comment is named "#comment", the content of a
    raw-text element (script, style, ...) "#raw"."""
    position = 0
    lower: str | None = None
    while True:
        match = _TOKEN.search(html, position)
        if match is None:
            return
        position = match.end()
        if match.group(2) is None:
            yield match.start(), match.end(), False, "#comment"
            continue
        name = match.group(2).lower()
        closing = match.group(1) == "/"
        yield match.start(), match.end(), closing, name
        if not closing and name in _RAW and not match.group(3).rstrip().endswith("/"):
            lower = html.lower() if lower is None else lower
            close = lower.find("</" + name, position)
            if close < 0:
                return
            yield position, close, True, "#raw"  # the raw content, for strip_tags
            position = close


def flatten_deep(html: str, limit: int = MAX_HTML_DEPTH) -> tuple[str, int]:
    """``html`` with the tags nested deeper than ``limit`` removed (their text kept), and how many were.

    Pages that never nest that deep come back as the same object, after one linear scan."""
    if html.count("<") <= limit:
        return html, 0
    stack: list[tuple[str, bool]] = []  # (name, kept in the output)
    open_count: Counter[str] = Counter()  # elements of each name on the stack: a stray end tag costs O(1)
    depth = 0  # kept elements on the stack
    pieces: list[str] = []
    copied = dropped = 0  # html[:copied] is in pieces
    for start, end, closing, name in _tokens(html):
        if name in ("#raw", "#comment") or name in _VOID:
            continue
        if closing:
            if not open_count[name]:
                continue  # a stray end tag: parsers ignore it, so does the depth
            keep = True
            while stack:
                open_name, kept = stack.pop()
                open_count[open_name] -= 1
                depth -= kept
                if open_name == name:
                    keep = kept
                    break
        else:
            closes = _CLOSES.get(name, ())
            while stack and stack[-1][0] in closes:
                open_name, kept = stack.pop()
                open_count[open_name] -= 1
                depth -= kept
            # Raw-text elements (script, style) are leaves and always kept: dropping <script> would turn its
            # code into page text.
            keep = depth < limit or name in _RAW
            stack.append((name, keep))
            open_count[name] += 1
            depth += keep
        if not keep:
            pieces += (html[copied:start], "<br>" if name in _BLOCK else "")
            copied = end
            dropped += 1
    if not dropped:
        return html, 0
    pieces.append(html[copied:])
    return "".join(pieces), dropped


def strip_tags(html: str) -> str:
    """The page's visible text without a parser: text between tags, entities decoded, a line break for each
    block tag; script, style and comments left out. Linear in the page, any depth; the fallback extractor."""
    pieces: list[str] = []
    position = 0
    skip_raw = False
    for start, end, closing, name in _tokens(html):
        if name == "#raw":
            if not skip_raw:
                pieces.append(html[start:end])
            position = end
            continue
        pieces.append(html[position:start])
        position = end
        if name == "#comment":
            continue
        skip_raw = not closing and name in _NOT_TEXT
        if name in _BLOCK or name == "br":
            pieces.append("\n")
    pieces.append(html[position:])
    return html_lib.unescape("".join(pieces))


# -- the extraction deadline -----------------------------------------------------------------------------------


class ExtractionTimeout(BaseException):
    """Raised by the alarm inside the extractor. A BaseException: trafilatura catches Exception in places,
    and must not swallow its own deadline."""


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise ExtractionTimeout in the block after ``seconds`` of wall time.

    Only in the main thread of a process, and only when no other interval timer is running (a test runner's
    own timeout, a caller's alarm): a signal handler can be set nowhere else, and another's alarm must not be
    taken over. Elsewhere the block runs without a deadline."""
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise ExtractionTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

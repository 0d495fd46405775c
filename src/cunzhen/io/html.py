"""HTML to text with trafilatura: the main content as paragraphs (one a line) and the page title.

trafilatura drops navigation, footers and comments itself; what it keeps of a site-farm template (a
breadcrumb inside the article block, an injected line) is the page cleaner's job. When trafilatura finds no
main content (it declines short or unusual pages), the visible text of ``<body>`` is used instead, so a page
is never silently lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractedPage:
    title: str | None
    text: str
    extractor: str  # trafilatura | body-text


_BLOCK_BREAK = re.compile(r"\n\s*\n+")


def extract_html(html: str, url: str | None = None) -> ExtractedPage:
    """Title and main text of an HTML page (paragraphs separated by blank lines)."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, include_comments=False, include_tables=True, favor_recall=True, with_metadata=True
    )
    title = getattr(doc, "title", None) if doc is not None else None
    text = getattr(doc, "text", None) if doc is not None else None
    if text and text.strip():
        return ExtractedPage(title, _paragraphs(text), "trafilatura")
    return ExtractedPage(title or _title_tag(html), _body_text(html), "body-text")


def _paragraphs(text: str) -> str:
    """One paragraph a line, separated by blank lines (the layout of the example pages)."""
    lines = [line.strip() for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)


def _title_tag(html: str) -> str | None:
    match = re.search(r"<title[^>]*>(.*?)</title>", html, re.IGNORECASE | re.DOTALL)
    return " ".join(match.group(1).split()) if match else None


def _body_text(html: str) -> str:
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except Exception:  # lxml refuses empty or binary documents
        return ""
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    body = root.find("body")
    text = (body if body is not None else root).text_content()
    return _paragraphs(text)

"""Markup a chat assistant's tools leave in text pasted from it: citation markers (``citeturn0search3``,
``【4†source】``, ``:contentReference[oaicite:1]{index=1}``) and entity wrappers
(``entity["people", "刘伯温", "明朝政治家"]``, of which the name stays). These are the syntax of the tools'
output formats, which no human writes; their private-use delimiters (U+E200-U+E2FF) go with them.
"""

from __future__ import annotations

import re

from cunzhen.engine.pollution.base import Cut, Page

_PRIVATE = "\ue200-\ue2ff"
# A tool numbers its turns and sources from 0, rarely past 99; pasted without its private-use delimiters, a
# marker runs into the article's digits (citeturn0search52001年: source 5, then the year 2001), so a two-digit
# number is read only where no digit follows it.
_INDEX = r"(?:\d\d(?!\d)|\d)"
_CITATION = re.compile(
    rf"[{_PRIVATE}]*(?:cite|navlist|filecite)?(?:[{_PRIVATE}]*turn{_INDEX}(?:search|news|view|fetch|file|image|"
    rf"academia|finance|sports|weather|forecast){_INDEX})+[{_PRIVATE}]*"
    r"|【\d+(?::\d+)?†[^】\n]{0,40}】"
    r"|:?contentReference\[oaicite:\d+\]\{index=\d+\}"
)
# Any other tool block between its private-use delimiters (image_group{...}, navlist[...]): no text of the page.
_BLOCK = re.compile(r"\ue200(?!entity)[a-z_]+\ue202[^\ue201\n]{0,400}\ue201")
# entity["type", "name", ...]: the wrapper goes, the name (group 2) stays. The arguments after the name are
# JSON values: strings (a description), or a number or a literal.
_ARGUMENT = r"(?:\"[^\"\n]*\"|-?\d+(?:\.\d+)?|true|false|null)"
_ENTITY = re.compile(
    rf"[{_PRIVATE}]*entity[{_PRIVATE}]*\[\s*\"([a-z_]+)\"\s*,\s*\"([^\"\n]+)\"((?:\s*,\s*{_ARGUMENT})*)\s*\][{_PRIVATE}]*"
)


# Every artefact holds one of these: checked first, so that the regular expressions run on few pages.
_MARKERS = ("turn", "†", "contentReference", "entity", "\ue200")


def artefact_cuts(page: Page) -> list[Cut]:
    if not any(marker in page.text for marker in _MARKERS):
        return []
    cuts = [Cut(m.start(), m.end(), "artefact", "tool_citation") for m in _CITATION.finditer(page.text)]
    cuts += [Cut(m.start(), m.end(), "artefact", "tool_block") for m in _BLOCK.finditer(page.text)]
    for m in _ENTITY.finditer(page.text):
        cuts.append(Cut(m.start(), m.start(2), "artefact", "tool_entity"))
        cuts.append(Cut(m.end(2), m.end(), "artefact", "tool_entity"))
    return sorted(cuts, key=lambda c: c.start)

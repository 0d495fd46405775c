"""Masking: a word blotted out by one character repeated (他是**公司的人, 操××, □□市), as a farm's filter leaves
sensitive words. The masked word cannot be read back; the mask, which is no text, goes.

A mask is a run of two or more of one masking character (``* ＊ × ✕ □ ■ ● ○ 〇``) standing after a Han
character, before a Han character, a clause mark, an opening quote or bracket, or a digit. Markdown's
``**bold**`` (a run that opens or closes a pair of at most 80 characters on the same line) is left alone, and
so is a run of 〇 or ○ beside a Chinese digit, the zero of a numeral (二〇〇七年: a law's year was cut as a
mask); a page must show ``min_per_page`` masks (a filter masks every sensitive word; a writer's one ○○ is a
riddle's blank). Two ``**`` masks a few words apart on one line read as a bold pair and stay: of the kinds
``bench/bench_pollution.py`` injects, masks are the one left most often.
"""

from __future__ import annotations

import re

from cunzhen.engine.pollution.base import Cut, Page

# The mask character first and the look-behind after it (``(?<=[Han])(m)`` as ``(m)(?<=[Han][m])``, the same
# matches): the regex engine then skips to mask characters instead of trying every position of the page.
_MASK = re.compile(
    r"([*＊×✕□■●○〇])(?<=[\u3400-\u9fff][*＊×✕□■●○〇])\1+(?=[\u3400-\u9fff，。,.！？!?、；;：:”’）)\s“‘《（(0-9]|$)"
)
# A markdown pair holds a phrase: masks two words apart on one line (三角洲**的一个**眼的) are no pair.
_MARKDOWN_PAIR = re.compile(r"(\*\*|__|~~)[^\n]{1,80}?\1")
_ZEROS = "〇○"
_DIGITS = frozenset("零〇○一二三四五六七八九十百千万亿两")


def mask_cuts(page: Page, min_per_page: int = 2) -> list[Cut]:
    text = page.text
    found = list(_MASK.finditer(text))
    if len(found) < min_per_page:
        return []
    paired = [m.span() for m in _MARKDOWN_PAIR.finditer(text)]
    cuts = [
        Cut(m.start(), m.end(), "masking", "mask_run")
        for m in found
        if not any(a <= m.start() < b for a, b in paired) and not _is_numeral(text, m)
    ]
    return cuts if len(cuts) >= min_per_page else []


def _is_numeral(text: str, m: re.Match[str]) -> bool:
    """A run of zeros with a Chinese digit on either side: 二〇〇七, 一九〇〇."""
    if m.group(1) not in _ZEROS:
        return False
    before = text[m.start() - 1] if m.start() else ""
    after = text[m.end()] if m.end() < len(text) else ""
    return before in _DIGITS or after in _DIGITS

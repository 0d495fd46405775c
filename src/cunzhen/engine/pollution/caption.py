"""Repeated captions: one sentence a farm pastes again and again into an article it has nothing to do with
(a caption six times through a report on another subject).

The model: a sentence (``min_chars``..``max_chars`` characters, up to its end mark or line end) that occurs
``min_repeats`` times or more on the page, and whose character pairs the rest of the page hardly uses (less
than ``max_shared`` of them outside its own occurrences). A caption repeated under each photo of its own
article (2月18日,武继民为顾客修鞋。 in a report on 武继民) shares the article's words and stays (the duplicate-line
step keeps its first occurrence); an injected one shares none, and every occurrence goes.
"""

from __future__ import annotations

import re
from collections import Counter

from cunzhen.engine.pollution.base import Cut, Page

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_HAN_PAIR = re.compile(r"(?=([\u3400-\u9fff]{2}))")


def caption_cuts(
    page: Page, min_repeats: int = 3, min_chars: int = 6, max_chars: int = 80, max_shared: float = 0.3
) -> list[Cut]:
    text = page.simple
    spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]
    counts = Counter(text[a:b].strip() for a, b in spans)
    repeated = {s for s, n in counts.items() if n >= min_repeats and min_chars <= len(s) <= max_chars}
    cuts = []
    for sentence in repeated:
        rest = text.replace(sentence, "\x00")
        pairs = set(_HAN_PAIR.findall(sentence))
        if not pairs or sum(pair in rest for pair in pairs) >= max_shared * len(pairs):
            continue  # the article's own caption (or no Han to judge by)
        for a, b in spans:
            if text[a:b].strip() == sentence:
                start = a + (len(text[a:b]) - len(text[a:b].lstrip()))
                cuts.append(Cut(start, start + len(sentence), "caption", "repeated_caption"))
    return sorted(cuts, key=lambda c: c.start)

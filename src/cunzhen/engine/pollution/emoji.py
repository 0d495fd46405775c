"""Emoji floods: a farm that rewrites articles for feeds puts an emoji after most clauses (好吃😋,便宜🔥).

A page is flooded when it carries at least ``min_emoji`` emoji and one per ``max_chars_per_emoji`` characters or
more; then every emoji goes (with its variation selector, skin tone and joiners; a flag's two letters). A page
with a smiley or two keeps them: they are the writer's.
"""

from __future__ import annotations

import re

from cunzhen.engine.pollution.base import Cut, Page

# Regional indicators (U+1F1E6-1F1FF) are letters of a flag, two to a flag (🇨🇳): a run of them is one emoji.
_ONE_EMOJI = (
    "[\U0001f1e6-\U0001f1ff\U0001f300-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff][\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]*"
    "(?:\u200d[\U0001f300-\U0001faff\u2600-\u27bf][\ufe0e\ufe0f]*)*"
)
# ``(?:E)+`` written ``E(?:E)*`` (the same matches): a pattern that opens with a character class lets the regex
# engine skip to emoji instead of entering the group at every position of the page.
_EMOJI = re.compile(f"{_ONE_EMOJI}(?:{_ONE_EMOJI})*")


def emoji_cuts(page: Page, min_emoji: int = 5, max_chars_per_emoji: int = 80) -> list[Cut]:
    found = list(_EMOJI.finditer(page.text))
    if len(found) < min_emoji or len(page.text) > max_chars_per_emoji * len(found):
        return []
    return [Cut(m.start(), m.end(), "emoji", "emoji_flood") for m in found]

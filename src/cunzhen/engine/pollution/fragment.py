"""Title fragments interleaved into the article (今年的主力军国庆节, 周边周边城市): a farm cuts its page's title
into pieces and wedges them between words, so that the copy reads as a new page to a duplicate detector."""

from __future__ import annotations

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.pollution.base import Cut, Page


def fragment_cuts(page: Page, lm: LanguageModel) -> list[Cut]:
    return []

"""A farm site's prior odds that one of its pages is spun, from the pages its table was mined from.

The restorer judges a page alone against ``RestoreConfig.detect_threshold``, the evidence a page of an unknown
host needs where few pages are spun. A site the decipherer judged a farm, whose table was learned from its own
pages, is another population: most of its pages are spun. Its share of spun pages is measured on those pages:
a page carries the table's spun forms when it is spun, or when a clean page happens to write them (a real-word
form: 能够 is both 可以 spun and genuine). With ``k`` of the site's ``n`` pages carrying a form, and ``q_i`` the
chance that clean page ``i`` would (Poisson, from the shipped reference rates of the forms and the page's
length), the spun share is ``s = (k - sum q) / (n - sum q)`` (the carriers in excess of chance), smoothed by one
page each way (``(s n + 1) / (n + 2)``) so that n pages never claim more than n pages show. A clean site the
miner wrongly judged a farm carries its forms at about the chance rate, so its odds stay low; a farm whose every
page carries them gets log10((n + 1) / 1) at most (80 pages: 1.9).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import ahocorasick

from cunzhen.engine.decipher.reference import Reference
from cunzhen.engine.table import SpinTable


def site_odds(pages: Iterable[str], table: SpinTable, ref: Reference) -> float:
    """log10 prior odds that a page of the site ``pages`` come from is spun by the engine of ``table`` (learned
    from them); 0 (even odds) for no page or an empty table."""
    pages = list(pages)
    if not pages or not len(table):
        return 0.0
    automaton = ahocorasick.Automaton()
    for entry in table:
        automaton.add_word(entry.spun, entry.spun)
    automaton.make_automaton()
    rate = sum(ref.rate(entry.spun) for entry in table)  # clean occurrences per CJK character, all forms
    carriers = 0
    chance = 0.0
    for page in pages:
        carriers += next(automaton.iter(page), None) is not None
        chance += 1.0 - math.exp(-rate * sum("\u4e00" <= c <= "\u9fff" for c in page))
    n = len(pages)
    share = min(max((carriers - chance) / (n - chance), 0.0), 1.0) if n > chance else 0.0
    smoothed = (share * n + 1.0) / (n + 2.0)
    return math.log10(smoothed / (1.0 - smoothed))

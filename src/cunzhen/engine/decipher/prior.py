"""A farm site's prior odds that one of its pages holding its engine's forms is spun, from the pages its table
was mined from.

The restorer judges a page alone against ``RestoreConfig.detect_threshold``, the evidence a page of an unknown
host needs where few pages are spun. A site the decipherer judged a farm, whose table was learned from its own
pages, is another population: most of its pages are spun. A two-group model of the site's pages says how many:
- a clean page holds one of the table's spun forms by chance, ``q = 1 - exp(-L r_spun)`` (Poisson; ``L`` its
  CJK characters, ``r_spun`` the summed reference rates of the forms: 能够 is both 可以 spun and genuine);
- a spun page holds one also where the engine rewrote an original, ``c = 1 - exp(-L (r_spun + rate r_orig))``
  (``rate``: the share of an original's occurrences an engine rewrites, ``RestoreConfig.engine_rate``).
With ``k`` of the site's ``n`` pages holding a form, the spun share ``s`` solves ``k = s sum c + (1 - s) sum q``
(moments), smoothed by one page each way (``(s n + 1) / (n + 2)``: n pages never claim more than n pages show).
A page that holds a form is then spun with odds ``s sum c / ((1 - s) sum q)``. A clean site the miner wrongly
judged a farm holds its forms at about the chance rate (s near 0): its pages keep the threshold or a higher
one. A farm all of whose pages hold its forms gets odds of (n + 1) c / q at least; for forms clean Chinese
never writes, many more.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import ahocorasick

from cunzhen.engine.decipher.reference import Reference
from cunzhen.engine.restore import RestoreConfig
from cunzhen.engine.table import SpinTable


def site_odds(pages: Iterable[str], table: SpinTable, ref: Reference, rate: float | None = None) -> float:
    """log10 prior odds that a page of the site ``pages`` come from, holding a spun form of ``table`` (learned
    from them), is spun; 0 (even odds) for no page or an empty table. ``rate``: ``RestoreConfig.engine_rate``
    by default."""
    pages = list(pages)
    if not pages or not len(table):
        return 0.0
    rate = RestoreConfig().engine_rate if rate is None else rate
    automaton = ahocorasick.Automaton()
    for entry in table:
        automaton.add_word(entry.spun, entry.spun)
    automaton.make_automaton()
    r_spun = sum(ref.rate(entry.spun) for entry in table)  # occurrences per CJK character, all forms
    r_orig = sum(ref.rate(o) for o in {o for entry in table for o in entry.originals})
    holding, chance, spun = 0, 0.0, 0.0
    for page in pages:
        length = sum("\u4e00" <= ch <= "\u9fff" for ch in page)
        holding += next(automaton.iter(page), None) is not None
        chance += 1.0 - math.exp(-length * r_spun)
        spun += 1.0 - math.exp(-length * (r_spun + rate * r_orig))
    n = len(pages)
    share = min(max((holding - chance) / (spun - chance), 0.0), 1.0) if spun > chance else 0.0
    share = (share * n + 1.0) / (n + 2.0)
    return math.log10(share * spun / ((1.0 - share) * max(chance, 1e-12)))

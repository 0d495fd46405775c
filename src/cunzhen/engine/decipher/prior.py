"""A farm site's prior odds that one of its pages is spun, from the pages its table was mined from.

The restorer judges a page of an unknown host against ``RestoreConfig.detect_threshold``; read as a log10
likelihood-ratio test, that is a prior of 10^-threshold odds that a page is spun. A site the decipherer judged a
farm, whose table was learned from its own pages, is another population, and its pages say how much: a spinner
moves frequency from its originals to its spun forms, so the share ``s`` of the site's pages it spun shows twice,
each measured against clean Chinese (the shipped reference rates, Poisson in a page's ``L`` CJK characters):
- *forms in excess.* A clean page holds one of the table's forms by chance, ``q = 1 - exp(-L r_spun)`` (能够 is
  both 可以 spun and genuine); a spun page also where the engine rewrote an original,
  ``c = 1 - exp(-L (r_spun + rate r_orig))``. With ``k`` of the ``n`` pages holding a form,
  ``s_forms = (k - sum q) / (sum c - sum q)``.
- *originals in deficit.* The originals stand ``O`` times against ``E = sum L r_orig`` expected of clean pages,
  and an engine leaves ``1 - rate`` of them: ``s_originals = (1 - O / E) / rate``.
(``rate``: the share of an original's occurrences an engine rewrites, ``RestoreConfig.engine_rate``.) The spun
share is the smaller, clipped to [0, 1]: a clean site that writes its topic's words (a bank site's 银行, mined as
a form of 企业) shows the excess but not the deficit (tune crawl, slice 2%: s_originals < 0 for the one clean host
mined as a farm, 0.77-0.93 for the farms of random engines). The site's ``n`` pages then update the unknown
host's prior as a Beta prior of one page's weight: ``s~ = (s n + p0) / (n + 1)``, ``p0`` the prior's share; the
site's log10 odds are ``log10(s~ / (1 - s~))``: the unknown host's without pages or without a spinner's trace
(``-threshold - log10(n + 1)``, stricter), ``log10(n)`` at most for a farm all of whose pages it spun.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import ahocorasick

from cunzhen.engine.decipher.reference import Reference
from cunzhen.engine.restore import RestoreConfig
from cunzhen.engine.table import SpinTable


def site_odds(pages: Iterable[str], table: SpinTable, ref: Reference, config: RestoreConfig | None = None) -> float:
    """log10 prior odds that a page of the site ``pages`` come from is spun by the engine of ``table`` (learned
    from them), for a restorer of ``config`` (its ``engine_rate``, and its ``detect_threshold`` as the prior of an
    unknown host)."""
    config = config or RestoreConfig()
    pages = list(pages)
    prior = 10.0**-config.detect_threshold / (1.0 + 10.0**-config.detect_threshold)
    share = spun_share(pages, table, ref, config.engine_rate) if pages and len(table) else 0.0
    smoothed = (share * len(pages) + prior) / (len(pages) + 1.0)
    return math.log10(smoothed / (1.0 - smoothed))


def spun_share(pages: list[str], table: SpinTable, ref: Reference, rate: float) -> float:
    """The share of ``pages`` the engine of ``table`` spun: the smaller of the forms' excess and the originals'
    deficit estimates (module docstring), in [0, 1]."""
    forms = {entry.spun for entry in table}
    originals = {o for entry in table for o in entry.originals} - forms
    r_spun = sum(ref.rate(f) for f in forms)  # occurrences per CJK character, all forms
    r_orig = sum(ref.rate(o) for o in originals)
    holding, chance, spun, standing, expected = 0, 0.0, 0.0, 0, 0.0
    form_finder, original_finder = _finder(forms), _finder(originals)
    for page in pages:
        length = sum("\u4e00" <= ch <= "\u9fff" for ch in page)
        holding += next(form_finder.iter(page), None) is not None
        chance += 1.0 - math.exp(-length * r_spun)
        spun += 1.0 - math.exp(-length * (r_spun + rate * r_orig))
        # an original inside a spun form counts as standing: it can only lower the estimate
        standing += sum(1 for _ in original_finder.iter(page)) if originals else 0
        expected += length * r_orig
    by_forms = (holding - chance) / (spun - chance) if spun > chance else 0.0
    by_originals = (1.0 - standing / expected) / rate if expected > 0.0 and rate > 0.0 else 0.0
    return min(max(min(by_forms, by_originals), 0.0), 1.0)


def _finder(words: set[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    if words:
        automaton.make_automaton()
    return automaton

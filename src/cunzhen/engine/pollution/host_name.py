"""The brand a farm's host spells, written in Han characters into the article (``keyword``, ``host_name``).

A farm names its domain after the brand it promotes, in pinyin: its initials (新葡京 → xpj8.com) or its
syllables (金沙 → jinsha88.com), and writes the brand into the copied article, inside a sentence (由新葡京主要负
责) or where a name stood. ``domain.py`` cuts the Latin form of such a brand (beat365 of beat365cn.com); this is
the Han form. A string of the page spelling a letter run of the host's registered label (``domain.spells``:
``MIN_INITIALS`` initials at least, or whole syllables) is a candidate, but a site's own name is also written in
its genuine pages (在知乎上回答 on zhihu.com, 百度百科 on baidu.com), so the candidate is cut only when the
language model reads it as set into its sentence rather than part of it:

    log10 P(sentence without it) + log10 P(it alone) - log10 P(sentence with it)

(``cut_gain`` plus the string read from a sentence start), summed over the string's occurrences on the page,
reaches ``MIN_INSERTION``: an inserted string is about as likely alone as in its place, and its sentence reads
better closed over the gap; a name the sentence was written around reads far better in place than its two
pieces apart. Where the restorer has a word model, it reads the same three terms beside the character model
at the restorer's weight (``WORD_WEIGHT``). ``tools/calibrate_host_name.py`` sets the threshold on clean text
of every source read on hosts that spell the page's own words, and measures what it finds of brands set into
sentences.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.pollution.base import WORD_WEIGHT, Cut, Page, cut_gain, line_bounds
from cunzhen.engine.pollution.domain import MIN_INITIALS, registered
from cunzhen.engine.tokenize import char_tokens
from cunzhen.engine.wordlm import WordModel

# A brand is a short name: 2 to MAX_CHARS Han characters (新葡京, 威尼斯人, 澳门金沙).
MAX_CHARS = 6
# The summed insertion score (log10) a host-spelled string must reach. tools/calibrate_host_name.py --sum, tune
# split of the twelve sources, 897 documents of 800 characters: on a host spelling one of the page's own words
# (the harshest clean case: a site's name used in its own pages) 17 / 7 / 2 / 1 documents had a cut at 2 / 3 /
# 4 / 5, and none on random hosts; words of other pages set in three times were cut 77 / 70 / 59 / 51%, names of
# three random common characters 66 / 56 / 46 / 39%. 4 is the lowest that cuts under 0.5% of the clean pages.
MIN_INSERTION = 4.0
# The word model (Debian's word trigram, where installed) reads the same beside the character model, at the
# restorer's weight (RestoreConfig.word_weight), over WORD_CONTEXT characters a side. --word-model, the same
# documents: hosts spelling a page's own word 5 and 3 of 897 documents cut at 4 in two draws of the word (0.45%
# pooled; 3 and 2 at 5), random hosts 0; brands set in cut 70.0% (words) and 58.9% (made-up names) instead of
# 59.3% and 46%; sites named after their commonest word as without it. The same bar, 4, holds for both.
WORD_CONTEXT = 8
_LETTERS = re.compile(r"[a-z]+")


def host_name_cuts(
    page: Page,
    lm: LanguageModel,
    site: dict[str, float] | None = None,
    min_insertion: float = MIN_INSERTION,
    word_lm: WordModel | None = None,
) -> list[Cut]:
    """Cuts of the Han strings that spell the page's host where they read as set into their sentences: by the
    string's score on the site's pages where the site pass scored it (``site``: ``SiteHostNames.learned`` for
    the page's host), else by its score on this page (read with ``word_lm`` too, where given)."""
    site = site or {}
    cuts = []
    for a, b, score in scored_spans(page, lm, word_lm):
        name = page.simple[a:b]
        if site.get(name, score) >= min_insertion:
            cuts.append(Cut(a, b, "keyword", "host_name"))
    return cuts


def scored_spans(page: Page, lm: LanguageModel, word_lm: WordModel | None = None) -> list[tuple[int, int, float]]:
    """(start, end, score) of the Han strings of the page that spell its host; the score is the string's
    ``insertion_score`` summed over its occurrences (one string, one decision: a farm sets its brand in
    several places, and a site's own name fits most of the places it stands in)."""
    spans = occurrences(page, lm, word_lm)
    total: dict[str, float] = {}
    for start, end, score in spans:
        name = page.simple[start:end]
        total[name] = total.get(name, 0.0) + score
    return [(a, b, total[page.simple[a:b]]) for a, b, _ in spans]


def occurrences(page: Page, lm: LanguageModel, word_lm: WordModel | None = None) -> list[tuple[int, int, float]]:
    """(start, end, insertion score) of each Han string of the page that spells its host."""
    if not page.host:
        return []
    runs = [r for r in _LETTERS.findall(registered(page.host).split(".")[0]) if len(r) >= MIN_INITIALS]
    if not runs:
        return []
    return [(a, b, insertion_score(lm, page, a, b, word_lm)) for a, b in _spelled(page.simple, runs)]


class SiteHostNames:
    """The host-spelled strings of a site's pages scored over all of them (``cunzhen clean --site-pass``): a farm
    sets its brand into every page, and what a page's few sentences leave open, the site's decide; a site's own
    name, fitting most of its sentences, sums lower the more pages speak of it. ``learned()`` gives per site each
    string's summed score, which then decides for every page of the site (``host_name_cuts``)."""

    def __init__(self, lm: LanguageModel, word_lm: WordModel | None = None):
        self.lm = lm
        self.word_lm = word_lm
        self.scores: dict[str, dict[str, float]] = {}

    def add_page(self, page: Page) -> None:
        """``page`` with its host (the site) and its simplified reading, as the real pass reads it."""
        for start, end, score in occurrences(page, self.lm, self.word_lm):
            found = self.scores.setdefault(page.host or "", {})
            name = page.simple[start:end]
            found[name] = found.get(name, 0.0) + score

    def learned(self) -> dict[str, dict[str, float]]:
        return {
            site: {name: round(score, 3) for name, score in sorted(found.items())}
            for site, found in self.scores.items()
        }


def insertion_score(lm: LanguageModel, page: Page, start: int, end: int, word_lm: WordModel | None = None) -> float:
    """log10 of how much likelier the page reads with ``[start, end)`` set into it than as part of it; with
    ``word_lm``, its reading of the same (over ``WORD_CONTEXT`` characters a side) added at ``WORD_WEIGHT``."""
    alone = sum(lm.token_scores(char_tokens(page.simple[start:end])[0], bos=True))
    score = cut_gain(lm, page.text, start, end, reading=page.reading) + alone
    if word_lm is not None:
        text = page.simple
        line_start, line_end = line_bounds(text, start, end)
        left = text[max(line_start, start - WORD_CONTEXT) : start]
        right = text[end : min(line_end, end + WORD_CONTEXT)]
        middle = text[start:end]
        words = word_lm.score(left + right) + word_lm.score(middle) - word_lm.score(left + middle + right)
        score += WORD_WEIGHT * words
    return score


def _spelled(text: str, runs: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) of the Han strings of ``text`` that spell one of ``runs`` as ``domain.spells``
    reads a label (one initial per character, or one whole reading per character), longest first at each place.

    The page is read once as the initials of its characters (``_initials_table``), where every spelling of a run
    is a fixed string of initials (the run's letters, or the first letters of one way of reading it as
    syllables): a regular-expression search finds where each may stand, and each character's readings confirm
    it. (A pattern of the characters themselves, a class of thousands a letter, cost tens of milliseconds to
    compile for each new host.)"""
    spellings = _spellings(tuple(sorted(set(runs))))
    if not spellings:
        return []
    initials = text.translate(_initials_table())
    candidates: set[tuple[int, int]] = set()
    for parts in spellings:
        pattern, allowed = _search(parts)
        for m in pattern.finditer(initials):
            start = m.start()
            for chars, char in zip(allowed, text[start : start + len(parts)], strict=True):
                if char not in chars:
                    break
            else:
                candidates.add((start, start + len(parts)))
    found: list[tuple[int, int]] = []
    for start, end in sorted(candidates, key=lambda span: (span[0], -span[1])):
        if not found or start >= found[-1][1]:
            found.append((start, end))
    return found


@lru_cache(maxsize=4096)
def _spellings(runs: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every spelling of ``runs``, as what each character must be: a run of ``MIN_INITIALS``-``MAX_CHARS``
    letters read as initials (one letter a character), and each way of reading a run as syllables."""
    syllables = _syllables()
    out: set[tuple[str, ...]] = set()
    for run in runs:
        if MIN_INITIALS <= len(run) <= MAX_CHARS:
            out.add(tuple(run))
        out.update(tuple(split) for split in _syllable_splits(run, syllables))
    return sorted(out)


@lru_cache(maxsize=4096)
def _search(parts: tuple[str, ...]) -> tuple[re.Pattern, tuple[frozenset[str], ...]]:
    """For a spelling: the pattern of its initials in a page's initials (``*`` standing for any), and for each
    character the characters that may stand there (a part of one letter is an initial, of more a whole
    reading: the only syllables of one letter, a, e, o, n and m, mean the same as initials)."""
    pattern = re.compile("(?=" + "".join(f"[{part[0]}*]" for part in parts) + ")")
    return pattern, tuple(_characters_of(part) for part in parts)


@cache
def _characters_of(part: str) -> frozenset[str]:
    """The Han characters with the reading ``part`` (of one letter: with a reading of that initial)."""
    readings = _plain_readings()
    if len(part) == 1:
        return frozenset(chr(code) for code, found in readings.items() if any(r[0] == part for r in found))
    return frozenset(chr(code) for code, found in readings.items() if part in found)


def _syllable_splits(run: str, syllables: frozenset[str], limit: int = 64) -> list[list[str]]:
    """The ways of reading ``run`` as 2 to ``MAX_CHARS`` syllables (at most ``limit`` of them), fewer than its
    letters (as ``domain.spells`` asks: a label as long as the name is its initials)."""
    out: list[list[str]] = []
    if len(run) > 6 * MAX_CHARS:  # longer than MAX_CHARS syllables of six letters: no brand's spelling
        return out

    def walk(at: int, parts: list[str]) -> None:
        if len(out) >= limit or len(parts) > MAX_CHARS:
            return
        if at == len(run):
            if 2 <= len(parts) < len(run):
                out.append(list(parts))
            return
        for end in range(at + 1, min(len(run), at + 6) + 1):  # a syllable has at most six letters (zhuang)
            if run[at:end] in syllables:
                parts.append(run[at:end])
                walk(end, parts)
                parts.pop()

    walk(0, [])
    return out


@cache
def _syllables() -> frozenset[str]:
    """Every toneless reading of pypinyin's dictionary, ü written v (as domain labels write it)."""
    return frozenset(syllable for readings in _plain_readings().values() for syllable in readings)


@cache
def _initials_table() -> dict[int, str]:
    """``str.translate`` table: every Han character to the initial of its readings, ``*`` where they start with
    different letters (a spelling pattern lets ``*`` stand for any)."""
    table = {}
    for code, readings in _plain_readings().items():
        firsts = {reading[0] for reading in readings}
        table[code] = firsts.pop() if len(firsts) == 1 else "*"
    return table


@cache
def _plain_readings() -> dict[int, frozenset[str]]:
    """Han character (code point) -> its toneless readings in ASCII letters (ü as v), from pypinyin's dictionary."""
    from pypinyin.pinyin_dict import pinyin_dict

    from cunzhen.engine.pollution.pinyin import readings

    out = {}
    for code in pinyin_dict:
        if not (0x3400 <= code <= 0x9FFF):
            continue
        plain = {r.replace("ü", "v") for r in readings(chr(code))}
        plain = frozenset(r for r in plain if r.isascii() and r.isalpha())
        if plain:
            out[code] = plain
    return out

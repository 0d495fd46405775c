"""Detector 1, the lexicon: an Aho-Corasick scan for the phrases of ``data/spam_lexicon.tsv`` (or the caller's
list), for the strings a batch memory learned, and for one-letter misspellings of its Latin brands.

**Variants.** A farm writes a gambling brand a letter off so that a filter of the brand's name misses it
(beat365 for bet365, bet356 for bet365). A Latin token of letters *and* digits one edit (an insertion, a
deletion, a substitution or two neighbours swapped) from a Latin phrase of the lexicon that also mixes letters
and digits is that brand: a mixed token of six or more characters is a code, not a word, and genuine codes
(型号, a flight number) are not one edit from a gambling brand. Letters-only phrases are not varied (a word
one edit from a word is often another word).

**Spaced out.** A filter dodger also sets one separator between the characters of a phrase (草.榴.社.区, 草 榴 社 区,
草*榴*社*区): a phrase of ``SPACED_MIN_CHARS`` or more Han characters written with the same separator in every gap
is the phrase. Clean text does not space a spam phrase out character by character (the spaced names of a list,
张 三, are two characters)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cunzhen.engine.spam.types import SpamSpan
from cunzhen.engine.tsv import tsv_rows
from cunzhen.engine.wordfind import WordFinder


@dataclass(frozen=True)
class SpamPhrase:
    phrase: str
    kind: str  # porn | gambling | other


def normalize_phrase(phrase: str) -> str:
    """The form phrases are matched in: NFKC, lower case (ASCII keywords come in any case)."""
    return unicodedata.normalize("NFKC", phrase).strip().lower()


def load_spam_lexicon(path: str | Path) -> list[SpamPhrase]:
    """Read a lexicon TSV (``phrase  kind  source``, '#' comments, a header line)."""
    phrases: list[SpamPhrase] = []
    for where, fields in tsv_rows(path, "phrase"):
        if len(fields) < 2 or len(fields[0].strip()) < 2:
            raise ValueError(f"{where}: expected 'phrase<TAB>kind<TAB>source' with a phrase of 2+ chars")
        phrases.append(SpamPhrase(normalize_phrase(fields[0]), fields[1].strip()))
    return phrases


# A Latin token: letters and digits, not inside a longer run of them.
# (The look-behind after the first character, ``[..](?<![..][..])``, the same matches: the regex engine then
# skips to Latin letters and digits instead of trying every position of the page.)
_LATIN_TOKEN = re.compile(r"[A-Za-z0-9](?<![A-Za-z0-9][A-Za-z0-9])[A-Za-z0-9]*(?![A-Za-z0-9])")
_DIGIT = re.compile(r"[0-9]")
# Shortest brand varied: a five-character code one edit off is often another code (a model number); from six
# on, a letters-and-digits brand of the lexicon is the only thing one edit from it (bet365, 91porn).
VARIANT_MIN_CHARS = 6


SPACED_MIN_CHARS = 3
_SEPARATORS = r" .\-_*|/\\·~•+=#\u3000．－＊｜／"
# A run of Han characters with one separator, the same one, in every gap, matched from its first separator (the
# look-behind after it: the regex engine then skips to separators instead of trying every Han character).
_SPACED = re.compile(
    rf"([{_SEPARATORS}])(?<=[\u3400-\u9fff][{_SEPARATORS}])"
    rf"[\u3400-\u9fff](?:\1[\u3400-\u9fff]){{{SPACED_MIN_CHARS - 2},}}"
)


def _mixed(token: str) -> bool:
    return any(c.isdigit() for c in token) and any(c.isalpha() for c in token)


def variant_brands(phrases) -> tuple[str, ...]:
    """The lexicon's Latin phrases that a misspelling is looked for: letters and digits, six or more."""
    return tuple(
        sorted(p for p in phrases if p.isascii() and p.isalnum() and len(p) >= VARIANT_MIN_CHARS and _mixed(p))
    )


def one_edit(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` one edit apart (insertion, deletion, substitution, or a swap of neighbours)?"""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]


class LexiconDetector:
    """SpamDetector's lexicon and learned-string scans (``kind_of``, ``_automaton``, ``_learned_automaton``)."""

    def variant_spans(self, text: str) -> list[SpamSpan]:
        """Latin tokens one edit from a letters-and-digits brand of the lexicon (beat365 for bet365)."""
        brands = self._variant_brands
        if not brands or not _DIGIT.search(text):
            return []
        found = []
        for m in _LATIN_TOKEN.finditer(text):
            token = m.group(0).lower()
            if len(token) < VARIANT_MIN_CHARS - 1 or not _mixed(token):
                continue
            for brand in brands:
                if one_edit(token, brand):
                    found.append(SpamSpan(m.start(), m.end(), self.kind_of[brand], "lexicon_variant", 0.0))
                    break
        return found

    def lexicon_spans(self, text: str) -> list[SpamSpan]:
        if not self.kind_of:
            return []
        spans = [
            SpamSpan(start, end, self.kind_of[phrase], "lexicon", 0.0)
            for start, end, phrase in _matches(self._automaton, text)
        ]
        return spans + self._spaced_spans(text)

    def _spaced_spans(self, text: str) -> list[SpamSpan]:
        """Phrases spaced out with one separator between their characters (草.榴.社.区)."""
        found = []
        for run in _SPACED.finditer(text):
            first = run.start() - 1  # the Han character before the first separator
            squeezed = text[first : run.end() : 2]  # a character, its separator, a character, ...
            for start, end, phrase in _matches(self._automaton, squeezed):
                if end - start >= SPACED_MIN_CHARS:
                    at = first + 2 * start
                    found.append(SpamSpan(at, at + 2 * (end - start) - 1, self.kind_of[phrase], "lexicon_spaced", 0.0))
        return found

    def learned_spans(self, text: str) -> list[SpamSpan]:
        if self._learned_automaton is None:
            return []
        return [
            SpamSpan(start, end, "unknown", "memory", 0.0) for start, end, _ in _matches(self._learned_automaton, text)
        ]


def _matches(automaton: WordFinder, text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of every match in ``text``, case-insensitively."""
    lowered = text.lower()
    if len(lowered) != len(text):  # lower() changed lengths (rare scripts): fall back to exact matching
        lowered = text
    return [(end - len(word) + 1, end + 1, word) for end, word in automaton.iter(lowered)]

"""Detector 1, the lexicon: an Aho-Corasick scan for the phrases of ``data/spam_lexicon.tsv`` (or the caller's
list), and for the strings a batch memory learned."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from cunzhen.engine.spam.types import SpamSpan
from cunzhen.engine.tsv import tsv_rows


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


class LexiconDetector:
    """SpamDetector's lexicon and learned-string scans (``kind_of``, ``_automaton``, ``_learned_automaton``)."""

    def lexicon_spans(self, text: str) -> list[SpamSpan]:
        if not self.kind_of:
            return []
        return [
            SpamSpan(start, end, self.kind_of[phrase], "lexicon", 0.0)
            for start, end, phrase in _matches(self._automaton, text)
        ]

    def learned_spans(self, text: str) -> list[SpamSpan]:
        if self._learned_automaton is None:
            return []
        return [
            SpamSpan(start, end, "unknown", "memory", 0.0) for start, end, _ in _matches(self._learned_automaton, text)
        ]


def _automaton(words) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def _matches(automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of every match in ``text``, case-insensitively."""
    lowered = text.lower()
    if len(lowered) != len(text):  # lower() changed lengths (rare scripts): fall back to exact matching
        lowered = text
    return [(end - len(word) + 1, end + 1, word) for end, word in automaton.iter(lowered)]

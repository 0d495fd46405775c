"""A simulated site-farm spinner, for benchmarks and tests.

``Spinner(pairs)`` rewrites text the way the real engines do: a scan for the longest original form at each
position (inside words too: 人员 → 东谈主员), each occurrence replaced with probability ``rate`` by one of its
spun forms, and no rescanning of what it wrote, except by a ``chain`` spinner: a second dictionary that
rewrites each form this one writes (人→东道主, then 道→说念: 东说念主). Chains also come from the table itself
(考虑→沟通 and 沟通→一样: a document holds both).
It returns the spun text and the substitutions it made, so benchmarks know the truth.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from cunzhen.engine.table import SpinTable


@dataclass(frozen=True)
class Substitution:
    start: int  # offset in the original text
    original: str
    spun: str


class Spinner:
    def __init__(
        self, pairs: Iterable[tuple[str, str]], rate: float = 0.85, seed: int = 0, chain: Spinner | None = None
    ):
        """``pairs`` are (original, spun). An original with several spun forms picks one at random; ``chain``
        rewrites every form written (its substitutions are not reported apart: the pair is original→final)."""
        self.forms: dict[str, list[str]] = {}
        for original, spun in pairs:
            if original != spun and spun not in self.forms.setdefault(original, []):
                self.forms[original].append(spun)
        self.rate = rate
        self.chain = chain
        self.random = random.Random(seed)
        self._automaton = ahocorasick.Automaton()
        for original in self.forms:
            self._automaton.add_word(original, original)
        self._automaton.make_automaton()

    @classmethod
    def from_table(cls, table: SpinTable, **kwargs) -> Spinner:
        """The spinner a table undoes: every (spun, original) entry read backwards."""
        return cls(((o, e.spun) for e in table for o in e.originals), **kwargs)

    def spin(self, text: str) -> tuple[str, list[Substitution]]:
        if not self.forms:
            return text, []
        best_at: dict[int, str] = {}
        for end, original in self._automaton.iter(text):
            start = end - len(original) + 1
            if len(original) > len(best_at.get(start, "")):
                best_at[start] = original
        out: list[str] = []
        subs: list[Substitution] = []
        cursor = 0
        for start in sorted(best_at):
            original = best_at[start]
            if start < cursor or self.random.random() >= self.rate:
                continue
            spun = self.random.choice(self.forms[original])
            if self.chain is not None:
                spun = self.chain.spin(spun)[0]
            out.append(text[cursor:start])
            out.append(spun)
            subs.append(Substitution(start, original, spun))
            cursor = start + len(original)
        out.append(text[cursor:])
        return "".join(out), subs

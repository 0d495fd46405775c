"""Single-page decipherment: the character families one spun page shows by itself.

A character family is an engine that writes one character (or a word) as a string of two or more characters
wherever it stands, often chained: 人→东道主 and then 道→说念 gives 东说念主; 大→年夜. One page is enough to see
such a rendering, because of three things a spinner cannot hide:

1. **Candidates** (``_candidates``): a string of 2-6 Chinese characters recurring on the page, in at least
   ``min_contexts`` different contexts, far more often than clean Chinese could write it by chance: the
   Poisson tail of its count, at the most any genre of the shipped reference (``reference.py``) writes it,
   is below ``max_pvalue``. A form one character longer than a more frequent candidate inside it is a context
   of that candidate (年夜家 around 年夜), not a rendering of its own.
2. **Infilling** (``_judge``): at every context the language model reads the page with the candidate replaced
   by each common character and frequent two-character word of the reference; a spinner maps consistently,
   so one original must explain every occurrence. The key's evidence is its gain over the form summed over
   the distinct contexts (a repeated phrase counts once), plus how likely an engine that rewrites ``rate`` of
   an original leaves the page's count of it beside the forms it wrote (``channel.survival_llr``: a page
   that keeps 他 ten times does not write 曹力伟 for 他).
3. **Decision**: the key must improve every context (fit them all), and beat keeping the form and the best
   other key by ``min_lead`` in all. A genuine rare string (a name, a term) either reads best as itself or
   leaves several originals about as good (他/她/该 for a name): only a rendering has one original that
   clearly wins everywhere. Keys are accepted best lead first; a candidate overlapping an accepted one waits.

Rounds: the page is rewritten with what was learned and read again, so 东说念主 is read as 东道主 once 说念→道
is known, and 东道主→人 is learned as the chain it is; ``table.to_table`` also states it as the page writes it
(东说念主→人), since the restorer reads its table in one pass.

Real-word swaps (后来→厥后) are out of reach here: a real word is no rare string. A one-character swap neither:
its form is a common character.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from cunzhen.engine.decipher.channel import survival_llr
from cunzhen.engine.decipher.reference import Reference, reference
from cunzhen.engine.decipher.table import Learned, to_table
from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.table import SpinTable
from cunzhen.engine.tokenize import char_tokens

# The Chinese characters a rendering is made of: CJK unified ideographs of the basic plane and extension A.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass(frozen=True)
class PageConfig:
    """The page decipherer's parameters (log10 units of the language model where a gain is meant)."""

    # Lengths of a rendering: 年夜 and 说念 are two characters, 东说念主 four; the random engines' strings two or
    # three, chained up to four; six leaves room for a chain of two three-character strings.
    min_len: int = 2
    max_len: int = 6
    # Distinct contexts a form needs: one occurrence is a typo or a name; a spinner's form recurs.
    min_contexts: int = 2
    # A form is a candidate when clean Chinese would write it this often on a page of this length with at most
    # this probability (Poisson, at the highest genre's rate): 年夜 (8e-6 per character in news) seen 3 times
    # on 1500 characters has 3e-6; 美元 seen 3 times has 0.4.
    max_pvalue: float = 1e-3
    # Characters of context on each side: the language model is a 5-gram.
    context: int = 4
    # Originals tried: the reference's commonest characters and two-character words. A rendering a page shows
    # twice stands for a character the page would use twice or more, which the commonest 1500 characters
    # cover (a rate of about 1e-4 per character at rank 1500).
    chars: int = 1500
    words: int = 0
    # Options read at every context: the best of one context's reading.
    shortlist: int = 24
    # Share of an original's occurrences an engine rewrites: the seed page leaves about one in ten.
    rate: float = 0.9
    # The key must beat keeping the form and the best other key by this much, log10 over the page.
    min_lead: float = 4.0
    rounds: int = 3


@dataclass
class _Candidate:
    form: str  # as the round's text writes it
    positions: list[int]  # starts in the round's text
    pvalue: float


@dataclass
class _Verdict:
    form: str
    original: str
    positions: list[int]
    contexts: int
    gain: float  # the key's gain summed over the distinct contexts
    survival: float
    lead: float  # over keeping the form and over the best other key
    runner_up: str
    fits: bool  # the key improves every context
    examples: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{self.form}→{self.original}: lead {self.lead:.1f} over {self.runner_up or 'the form'}, gain "
            f"{self.gain:.1f}, survival {self.survival:.1f}, {self.contexts} contexts"
            + ("" if self.fits else ", does not fit every context")
        )


class PageDecipherer:
    """Learns a page's character families (``learn``); ``trace`` keeps why each candidate was or wasn't."""

    def __init__(self, lm: LanguageModel, ref: Reference | None = None, config: PageConfig | None = None):
        self.lm = lm
        self.ref = ref or reference()
        self.config = config or PageConfig()
        singles = [f for f in self.ref.forms if len(f) == 1]
        pairs = [f for f in self.ref.forms if len(f) == 2]
        self.options = singles[: self.config.chars] + pairs[: self.config.words]
        self._option_tokens = [" ".join(o) for o in self.options]
        self._cache: dict[str, float] = {}
        self.trace: dict[str, list[str]] = {}

    def learn(self, text: str, source: str = "page") -> SpinTable:
        """The page's table: renderings the page shows, each with the original it reads as."""
        cfg = self.config
        self.trace = {}
        learned: list[Learned] = []
        known: dict[str, str] = {}
        current = text
        for round_no in range(cfg.rounds):
            accepted = self._round(current, round_no)
            if not accepted:
                break
            for verdict in accepted:
                known[verdict.form] = verdict.original
                learned.append(
                    Learned(
                        verdict.form,
                        verdict.original,
                        count=len(verdict.positions),
                        docs=1,
                        confidence=1.0,
                        llr=verdict.gain / max(verdict.contexts, 1),
                        round=round_no,
                        lead=verdict.lead,
                        examples=verdict.examples,
                    )
                )
            current = _rewrite(current, known)
        # Entries as the page writes them (chains composed against the page), without batch evidence: a page
        # has no clean group to measure lift against.
        return to_table(learned, source, evidence=False, present=text.count)

    def _round(self, text: str, round_no: int) -> list[_Verdict]:
        tokens, token_of = char_tokens(text)
        verdicts = []
        for cand in _candidates(text, self.ref, self.config):
            verdict = self._judge(text, tokens, token_of, cand)
            if verdict is None:
                continue
            self._note(cand.form, f"round {round_no + 1}: p {cand.pvalue:.1e}; {verdict.describe()}")
            if verdict.fits and verdict.lead >= self.config.min_lead:
                verdicts.append(verdict)
        accepted: list[_Verdict] = []
        taken: list[tuple[int, int]] = []
        for verdict in sorted(verdicts, key=lambda v: -v.lead):
            spans = [(p, p + len(verdict.form)) for p in verdict.positions]
            if any(s < e2 and s2 < e for s, e in spans for s2, e2 in taken):
                self._note(verdict.form, "overlaps a key with a greater lead: waits")
                continue
            accepted.append(verdict)
            taken += spans
        return accepted

    def _judge(self, text: str, tokens: list[str], token_of: list[int], cand: _Candidate) -> _Verdict | None:
        cfg = self.config
        k, n = cfg.context, len(cand.form)
        windows: dict[tuple[str, str], int] = {}
        for p in cand.positions:
            left = " ".join(tokens[max(0, token_of[p] - k) : token_of[p]])
            right = " ".join(tokens[token_of[p + n] : token_of[p + n] + k])
            windows.setdefault((left, right), p)
        if len(windows) < cfg.min_contexts:
            self._note(cand.form, f"{len(windows)} distinct context(s)")
            return None
        contexts = list(windows)
        form_tokens = " ".join(cand.form)
        first = self._gains(contexts[:1], form_tokens, self._option_tokens)[0]
        short = np.argsort(-first)[: cfg.shortlist]
        options = [self.options[i] for i in short]
        gains = self._gains(contexts, form_tokens, [self._option_tokens[i] for i in short])  # contexts × options
        # Survival: the page's count of each option outside the form's occurrences, beside the forms written.
        blanked = _blank(text, cand.positions, n)
        survival = np.array([survival_llr(blanked.count(o), len(cand.positions), cfg.rate) for o in options])
        totals = gains.sum(axis=0) + survival
        order = np.argsort(-totals)
        best = int(order[0])
        runner_up = float(totals[order[1]]) if len(order) > 1 else -math.inf
        lead = float(totals[best]) - max(runner_up, 0.0)
        examples = [text[max(0, p - 6) : p + n + 6].replace("\n", " ") for p in list(windows.values())[:3]]
        return _Verdict(
            cand.form,
            options[best],
            cand.positions,
            len(contexts),
            float(gains[:, best].sum()),
            float(survival[best]),
            lead,
            options[int(order[1])] if runner_up > 0 else "",
            bool((gains[:, best] > 0).all()),
            examples,
        )

    def _gains(self, contexts: list[tuple[str, str]], form: str, options: list[str]) -> np.ndarray:
        """gains[i, j]: log10 P with option j in context i minus log10 P with the form there."""
        cache, score = self._cache, self.lm.score_joined
        out = np.empty((len(contexts), len(options)))
        for i, (left, right) in enumerate(contexts):
            row = [f"{left} {piece} {right}" for piece in (form, *options)]
            values = []
            for window in row:
                value = cache.get(window)
                if value is None:
                    value = cache[window] = score(window)
                values.append(value)
            out[i] = np.array(values[1:]) - values[0]
        return out

    def _note(self, form: str, message: str) -> None:
        self.trace.setdefault(form, []).append(message)


def _candidates(text: str, ref: Reference, cfg: PageConfig) -> list[_Candidate]:
    """Forms of ``min_len``-``max_len`` Chinese characters recurring on the page beyond chance in clean text."""
    positions: dict[str, list[int]] = {}
    han = 0
    for run in _HAN.finditer(text):
        start, chars = run.start(), run.group()
        han += len(chars)
        for n in range(cfg.min_len, cfg.max_len + 1):
            for i in range(len(chars) - n + 1):
                positions.setdefault(chars[i : i + n], []).append(start + i)
    found: dict[str, _Candidate] = {}
    for form, starts in positions.items():
        starts = _non_overlapping(starts, len(form))
        if len(starts) < cfg.min_contexts:
            continue
        pvalue = _poisson_tail(len(starts), han * ref.rate_max(form))
        if pvalue <= cfg.max_pvalue:
            found[form] = _Candidate(form, starts, pvalue)
    # A form one character longer than a more frequent candidate inside it is one of that candidate's contexts.
    return [
        cand
        for form, cand in found.items()
        if not any(
            inner in found and len(found[inner].positions) > len(cand.positions) for inner in (form[1:], form[:-1])
        )
    ]


def _non_overlapping(starts: list[int], n: int) -> list[int]:
    kept: list[int] = []
    for s in starts:
        if not kept or s >= kept[-1] + n:
            kept.append(s)
    return kept


def _poisson_tail(count: int, mean: float) -> float:
    """P(X >= count) for X ~ Poisson(mean), summed from the tail's first term (no cancellation for small means)."""
    if mean <= 0:
        return 0.0
    term = math.exp(-mean + count * math.log(mean) - math.lgamma(count + 1))
    total, i = 0.0, count
    while term > 1e-300 and (term > total * 1e-12):
        total += term
        i += 1
        term *= mean / i
        if i > count + 1000:
            break
    return min(total, 1.0)


def _blank(text: str, positions: list[int], n: int) -> str:
    """``text`` with the form's occurrences masked, so an option's count there is what the page keeps."""
    pieces, cursor = [], 0
    for p in positions:
        pieces += [text[cursor:p], "\x00" * n]
        cursor = p + n
    pieces.append(text[cursor:])
    return "".join(pieces)


def _rewrite(text: str, known: dict[str, str]) -> str:
    """``text`` with the longest known form at each position replaced by its original, left to right."""
    longest = max(map(len, known), default=0)
    out, i = [], 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            original = known.get(text[i : i + size])
            if original is not None:
                out.append(original)
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)

"""Single-page decipherment: the character families one spun page shows by itself.

A character family is an engine that writes one character as a string of two or more characters wherever it
stands, often chained: 人→东道主 and then 道→说念 gives 东说念主; 大→年夜. One page is enough to see such a
rendering, because of three things a spinner cannot hide:

1. **Candidates** (``_candidates``): a string of 2-5 Chinese characters recurring on the page in at least
   ``min_contexts`` different contexts, holding a junction (two adjacent characters) that clean Chinese
   almost never writes: no genre of the shipped reference (``reference.py``) writes it more than
   ``max_junction_rate`` per character, and its Poisson tail on a page of this length is below
   ``max_pvalue``. A rendering stands for a character that sits beside anything, so a string beside the same
   neighbour at most of its occurrences is a piece of a repeated word (``max_neighbour_share``), and a form one
   character longer than a more frequent candidate inside it is a context of that candidate (年夜家, 年夜).
2. **Infilling** (``PageDecipherer._judge``): at every distinct context (a repeated phrase counts once) the
   language model reads the page with the candidate replaced by each of the reference's commonest characters.
   A spinner maps consistently: one original must explain every occurrence. The original is the option with
   the best summed gain plus how likely an engine that rewrites ``rate`` of an original leaves the page's
   count of it beside the forms it wrote (``channel.survival_llr``: a page that keeps 我 six times does not
   write a name for 我).
3. **Decision**: the original must improve every context by more than dropping the form's extra characters
   would (each at what a character of this page costs the model on average: a shorter text is always
   likelier), and beat keeping the form and every other original by ``min_lead`` per context on average.
   A genuine rare string (a name, a term) either reads best as itself or leaves several originals about as
   good (他/她/我 for a name): only a rendering has one original that clearly wins everywhere. Keys are
   accepted best lead first; a candidate overlapping an accepted one waits for the next round.

Rounds: the page is rewritten with what was learned and read again. Two renderings of one original in one
frame are a chain (东道主 and 东说念主 for 人, where the chain skipped: 说念 stands for 道, ``_chain_links``).
``table.to_table`` states every entry as the page writes it (东说念主→人), since the restorer reads its table
in one pass.

Real-word swaps (后来→厥后) are out of reach here, by design: a real word is no rare string, and one page
cannot tell a swapped real word from a real word. A one-character swap neither: its form is a common character.
Nor, yet, a rendering of a character that a page writes mostly in one word (没 in 没有, 问 in 问题): its
rendering has the same neighbour at most occurrences, as a piece of a repeated word has.
"""

from __future__ import annotations

import math
import re
from collections import Counter
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
    """The page decipherer's parameters (log10 units of the language model where a gain is meant). Figures are
    from the tune split (news-1990s pages spun by the character families of the engines of seeds 1-4, and 180
    clean pages of twelve sources' tune splits): ``bench/bench_page.py``."""

    # Lengths of a rendering: 年夜 and 说念 are two characters, 东说念主 four; a three-character string holding
    # another character's chained three-character string (格没清 with 没→公或随) is five. On the tune pages
    # six-character candidates were all pieces of repeated phrases (文的章节名称→国).
    min_len: int = 2
    max_len: int = 5
    # Occurrences, in distinct contexts, a form needs: once is a typo or a name; a spinner's form recurs.
    min_contexts: int = 2
    # A form is a candidate when clean Chinese would write its rarest two-character junction this often on a
    # page of this length with at most this probability (Poisson, at the highest genre's rate): 说念 is absent
    # from the reference, 年夜 (8e-6 per character in news) seen 3 times on 1500 characters has p 3e-6, while
    # 美元 seen 3 times has 0.4. A long string of common junctions is rare as a whole (读了这本书) but no
    # rendering: one absurd junction at least is what makes a rendering.
    max_pvalue: float = 1e-3
    # ... and when that junction is near-absent from clean Chinese: no genre of the reference writes it more
    # often than this per character. Real renderings are far below (说念, 东说 absent; 年夜, of 年夜饭, 8e-6 in
    # news); bursty real words above (制作 2e-4, 欣赏 3e-5: on the tune split's clean pages a tech page's
    # 制作×5 was read as 做, an exam page's 欣赏 as 它, a law's 人民政府设 (府设 3e-5) as 副).
    max_junction_rate: float = 1e-5
    # A rendering stands for a character that sits beside anything; a piece of a repeated word or phrase has
    # the same neighbour at most of its occurrences (普通学 always before 校, 肋骨背侧骨 before 突). A form with
    # one neighbour, left or right, at more than this share of its occurrences is such a piece: with two
    # occurrences, both neighbours must differ. On the tune pages this kept 23 of the 24 renderings judged
    # with their right original and removed 62% of the clean pages' candidates that fit their contexts;
    # without it, 45 entries were learned on 356 clean tune pages (218 characters changed), with it none.
    max_neighbour_share: float = 0.75
    # Characters of context on each side: the language model is a 5-gram.
    context: int = 4
    # Originals tried: the reference's commonest characters. A rendering a page shows twice stands for a
    # character the page would use twice or more, which the commonest 1500 cover (rank 1500 is about 1e-4
    # per character). Two-character words as originals learned topic words for topic words on clean pages
    # (复兴→合作, 送餐→服务): a page cannot tell a real-word swap from a real word.
    chars: int = 1500
    # Options read at every context: the best of one context's reading.
    shortlist: int = 24
    # Share of an original's occurrences an engine rewrites: the seed page leaves about one in ten.
    rate: float = 0.9
    # The key must beat keeping the form and every other original by this much per context, on average
    # (log10: a hundred times likelier). Names read as pronouns (小孔→他, 肖山→他) and pieces of rare terms
    # read as some character lead by 1-1.5; of the 23 renderings above, 12 led by 2 or more (16 by 1.5, where
    # 小孔→他 and four others passed on clean pages).
    min_lead: float = 2.0
    # Rounds of reading the page rewritten with what was learned: a chain of two renderings takes two.
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
        self.options = [f for f in self.ref.forms if len(f) == 1][: self.config.chars]
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
        learned += _chain_links(learned, text)
        # Entries as the page writes them (chains composed against the page), without batch evidence: a page
        # has no clean group to measure lift against.
        return to_table(learned, source, evidence=False, present=text.count)

    def _round(self, text: str, round_no: int) -> list[_Verdict]:
        tokens, token_of = char_tokens(text)
        # What a character of this page costs the model on average (-log10 P per token).
        cost = -self.lm.score(tokens) / max(len(tokens), 1)
        verdicts = []
        for cand in _candidates(text, self.ref, self.config):
            verdict = self._judge(text, tokens, token_of, cand, cost)
            if verdict is None:
                continue
            self._note(cand.form, f"round {round_no + 1}: p {cand.pvalue:.1e}; {verdict.describe()}")
            if verdict.fits and verdict.lead >= self.config.min_lead * verdict.contexts:
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

    def _judge(
        self, text: str, tokens: list[str], token_of: list[int], cand: _Candidate, cost: float
    ) -> _Verdict | None:
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
        # An original inside the form would be an insertion around it; the model always favours undoing one
        # (a shorter text is likelier: 红细胞 read as 细胞), so such options say nothing.
        ranked = [int(i) for i in np.argsort(-first) if self.options[i] not in cand.form]
        short = ranked[: cfg.shortlist]
        options = [self.options[i] for i in short]
        gains = self._gains(contexts, form_tokens, [self._option_tokens[i] for i in short])  # contexts × options
        # Survival: the page's count of each option outside the form's occurrences, beside the forms written.
        blanked = _blank(text, cand.positions, n)
        survival = np.array([survival_llr(blanked.count(o), len(cand.positions), cfg.rate) for o in options])
        best = int(np.argmax(gains.sum(axis=0) + survival))
        totals = gains.sum(axis=0)
        others = np.delete(totals, best)
        runner = int(np.argmax(others)) if len(others) else -1
        runner_total = float(others[runner]) if len(others) else -math.inf
        lead = float(totals[best]) - max(runner_total, 0.0)
        # Fits every context: the original improves each one by more than dropping the form's extra characters
        # would (each costs what a character of this page costs on average, ``cost``).
        fits = bool((gains[:, best] - (n - len(options[best])) * cost > 0).all())
        examples = [text[max(0, p - 6) : p + n + 6].replace("\n", " ") for p in list(windows.values())[:3]]
        runner_up = options[runner + (runner >= best)] if runner_total > 0 else ""
        return _Verdict(
            cand.form,
            options[best],
            cand.positions,
            len(contexts),
            float(gains[:, best].sum()),
            float(survival[best]),
            lead,
            runner_up,
            fits,
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
        junction = min((form[i : i + 2] for i in range(len(form) - 1)), key=ref.rate_max)
        pvalue = _poisson_tail(len(starts), han * ref.rate_max(junction))
        if ref.rate_max(junction) > cfg.max_junction_rate or pvalue > cfg.max_pvalue:
            continue
        if _neighbour_share(text, starts, len(form)) > cfg.max_neighbour_share:
            continue
        found[form] = _Candidate(form, starts, pvalue)
    # A form one character longer than a more frequent candidate inside it is one of that candidate's contexts.
    return [
        cand
        for form, cand in found.items()
        if not any(
            inner in found and len(found[inner].positions) > len(cand.positions) for inner in (form[1:], form[:-1])
        )
    ]


def _chain_links(learned: list[Learned], text: str) -> list[Learned]:
    """The chain two renderings of one original show: 东道主→人 beside 东说念主→人 (the same frame around 道 and
    说念) is 人→东道主 with 道→说念 chained, so 说念 stands for 道 wherever the page writes it (说念路 for 道路).
    The longer middle is the chained rendering; the link is learned unless a key for it is known already."""
    known = {e.spun for e in learned}
    links: list[Learned] = []
    for a in learned:
        for b in learned:
            if a is b or a.original != b.original or len(a.spun) >= len(b.spun):
                continue
            head = len(_common_prefix(a.spun, b.spun))
            tail = len(_common_prefix(a.spun[head:][::-1], b.spun[head:][::-1]))
            short, long = a.spun[head : len(a.spun) - tail], b.spun[head : len(b.spun) - tail]
            if not short or not long or long in known or (head == 0 and tail == 0):
                continue
            known.add(long)
            count = text.count(long)
            links.append(Learned(long, short, count, 1, min(a.confidence, b.confidence), 0.0, max(a.round, b.round)))
    return links


def _common_prefix(a: str, b: str) -> str:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return a[:size]


def _neighbour_share(text: str, starts: list[int], n: int) -> float:
    """The largest share of the occurrences with the same character on the left, or on the right."""
    lefts = Counter(text[p - 1] if p > 0 else "" for p in starts)
    rights = Counter(text[p + n] if p + n < len(text) else "" for p in starts)
    return max(max(lefts.values()), max(rights.values())) / len(starts)


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

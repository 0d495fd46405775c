"""Find strings injected into a page: porn and gambling keywords in titles, between paragraphs and mid-sentence.

Detectors, cheapest first:
1. **Lexicon.** An Aho-Corasick scan for the phrases of ``data/spam_lexicon.tsv`` (or the caller's list).
2. **Look.** Injected strings look alike: 在线播放, 性爱, 娱乐, 彩票 recur across keywords that no list holds.
   ``SpamLook`` is a character bigram model of the lexicon's phrases; per LM token it gives the log-likelihood
   ratio of "spam phrase" against "clean text" (the KenLM model's own bigram probability). Runs of positive ratio
   are candidates. Cheap: dictionary look-ups, no LM query, on every line of every page.
3. **Sentence break.** A candidate is removed only if cutting it out makes its sentence *more* fluent than a
   genuine span of that length would: the language model scores the sentence with and without the candidate.
   Injected text is off topic and breaks the sentence it sits in; genuine words that merely look spammy
   (在线, 视频, 美女 in a report) fit their sentence and stay.
4. **Break scan.** Keywords that share no look with the lexicon (an actress's name, a lottery brand) are found
   by the language model alone: per-token log-probabilities of each line (one C++ call) show where a run of
   tokens is far less likely than genuine text; each such run is judged by how much more fluent its sentence is
   without it, its look, and whether its characters recur elsewhere on the page (genuine rare words are usually
   the topic of the page; injected strings are not). Segments set apart by spaces or line edges (a keyword
   line, a keyword before the title) are judged alone. Both cost an LM pass over the page, so they run on
   pages that show evidence of injection (a lexicon, learned or look cut).
5. **Batch memory.** The same injected strings recur across pages of a crawl, genuine rare words rarely do:
   ``SpamMemory`` counts break candidates (a looser threshold than a cut) over a first pass, and strings that
   were candidates on several pages are cut everywhere in the second pass (``SpamDetector.learn``).
Then **echo**: once a string is known to be injected on a page, its other occurrences on the page go too.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
import numpy as np

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.tokenize import char_tokens
from cunzhen.engine.tsv import tsv_rows


@dataclass(frozen=True)
class SpamPhrase:
    phrase: str
    kind: str  # porn | gambling | other


@dataclass(frozen=True)
class SpamSpan:
    """``text[start:end]`` was injected. ``reason`` names the detector; ``score`` its evidence (log10 units)."""

    start: int
    end: int
    kind: str
    reason: str
    score: float = 0.0


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


@dataclass(frozen=True)
class SpamFindings:
    spans: list[SpamSpan]
    # Look-model candidates the LM found to fit their sentence: spammy words used genuinely. Many of them per
    # page means the page itself is porn or gambling text rather than an article with injections.
    uncut_candidates: int


@dataclass(frozen=True)
class SpamConfig:
    """Thresholds in log10 units. Calibrated as a set on the *tune* split with ``bench/bench_clean.py --tune``;
    re-run it after changing the model, the lexicon or any value here.
    """

    # A run of tokens whose summed look ratio reaches this is a candidate (a bigram that only spam has scores ~3).
    look_threshold: float = 3.5
    # Candidates shorter than this many tokens are ignored (single characters are never judged alone).
    min_tokens: int = 2
    # Expected cost (−log10 P) of one genuine token: cutting a genuine span gains about this much per token.
    token_cost: float = 2.0
    # Context tokens on each side when the LM compares the sentence with and without a candidate.
    context: int = 4
    # A candidate is cut when look + sentence-break evidence reaches this.
    cut_threshold: float = 5.0
    # Weight of the look ratio in that sum (the LM's gain counts with weight 1).
    look_weight: float = 0.5
    # Added to a candidate set apart by spaces or line edges on both sides.
    apart_bonus: float = 2.0
    # Echo only strings at least this long: short ones (两字) may occur genuinely elsewhere on the page.
    echo_min_chars: int = 3
    # Candidate boundaries are refined by moving each edge up to this many tokens.
    edge_slack: int = 2
    # An edge then moves out to a boundary at most this many tokens away (punctuation, space, line edge,
    # Latin/digit next to Han) if the wider cut scores at least cut_threshold - snap_tolerance.
    snap_reach: int = 3
    snap_tolerance: float = 3.0
    # Break scan: a window of 2..break_max_tokens tokens is a candidate when its surprisal (−log10 P) exceeds
    # break_token_cost per token by break_min_excess.
    break_token_cost: float = 2.0
    break_min_excess: float = 5.0
    break_max_tokens: int = 8
    # Windows of a region scored exactly with the LM (those with the most surprisal beyond cost).
    break_judged_windows: int = 8
    # A candidate is cut when break_look_weight * look + LM gain (+ apart_bonus) − break_reuse_penalty * (share
    # of its character bigrams found elsewhere on the page) reaches break_cut.
    break_look_weight: float = 1.0
    # Weight of a negative look (the string looks like no known keyword, as unknown keywords often do).
    break_unlike_weight: float = 1.0
    break_reuse_penalty: float = 3.0
    break_cut: float = 8.0
    # Batch memory: candidates scoring at least memory_min_score count; a string found in memory_min_places
    # different places (its neighbouring characters) is learned.
    memory_min_score: float = 3.0
    memory_min_places: int = 2
    memory_unlike_weight: float = 0.0
    memory_min_excess: float = 3.0
    # A segment set apart by line edges or spaces at a line's start or end (a keyword line, a keyword before
    # the title) of 2..apart_max_chars characters without punctuation is cut if its mean surprisal per token,
    # read alone, plus apart_look_weight * its mean look ratio if positive, minus apart_reuse_penalty * (share
    # of its bigrams found elsewhere on the page) reaches apart_surprisal. Headings read more fluently than
    # keywords and share words with the article below them.
    apart_max_chars: int = 10
    apart_surprisal: float = 2.2
    apart_look_weight: float = 0.5
    apart_reuse_penalty: float = 4.0


class SpamLook:
    """Character bigram model of injected phrases against the clean LM: per-token log10 likelihood ratios."""

    # Interpolation weights of the spam bigram, spam unigram and a uniform floor over this many symbols.
    BIGRAM, UNIGRAM, FLOOR = 0.6, 0.35, 0.05
    VOCAB = 8000

    def __init__(self, phrases: list[str], lm: LanguageModel):
        self.lm = lm
        self.unigrams: Counter[str] = Counter()
        self.bigrams: Counter[tuple[str, str]] = Counter()
        for phrase in phrases:
            tokens = char_tokens(phrase)[0]
            self.unigrams.update(tokens)
            self.bigrams.update(zip(tokens, tokens[1:], strict=False))
        self.total = max(1, sum(self.unigrams.values()))
        self._ratio: dict[tuple[str, str], float] = {}
        self._clean_unigram: dict[str, float] = {}

    def ratios(self, tokens: list[str]) -> list[float]:
        """log10 P_spam(t_i | t_i-1) − log10 P_clean(t_i | t_i-1) for every token (the first uses no context)."""
        out: list[float] = []
        prev = "<s>"
        cache = self._ratio
        for token in tokens:
            key = (prev, token)
            value = cache.get(key)
            if value is None:
                value = cache[key] = self._compute(prev, token)
            out.append(value)
            prev = token
        return out

    def _compute(self, prev: str, token: str) -> float:
        unigram = self.unigrams.get(token, 0)
        if not unigram:
            # A character no known phrase has: the floor against its clean frequency, so that common characters
            # (的, 在) speak for genuine text while rare ones (撸, 宫) stay open, as unknown keywords need.
            return min(max(math.log10(self.FLOOR / self.VOCAB) - self._unigram(token), -3.0), 0.5)
        bigram = self.bigrams.get((prev, token), 0)
        p_spam = self.UNIGRAM * unigram / self.total + self.FLOOR / self.VOCAB
        prev_count = self.unigrams.get(prev, 0)
        if prev_count:
            p_spam += self.BIGRAM * bigram / prev_count
        # The clean LM's log10 P(token | prev); at a line start, its unigram.
        p_clean = self._unigram(token) if prev == "<s>" else self.lm.score([prev, token]) - self._unigram(prev)
        return math.log10(p_spam) - p_clean

    def _unigram(self, token: str) -> float:
        value = self._clean_unigram.get(token)
        if value is None:
            value = self._clean_unigram[token] = self.lm.score([token])
        return value


class SpamDetector:
    """Finds injected spans in text (one page). Thread-compatible; caches grow with the vocabulary only."""

    def __init__(
        self,
        lm: LanguageModel,
        lexicon: list[SpamPhrase],
        config: SpamConfig | None = None,
        spun_forms: Iterable[str] = (),
    ):
        """``spun_forms`` are the spun words of the restorer's spin table: they break sentences too (东谈主),
        and recur across pages, but they are spin to restore, not injections, so the break scan leaves them."""
        self.lm = lm
        self.config = config or SpamConfig()
        self.kind_of = {p.phrase: p.kind for p in lexicon}
        self._automaton = ahocorasick.Automaton()
        for phrase in self.kind_of:
            self._automaton.add_word(phrase, phrase)
        if self.kind_of:
            self._automaton.make_automaton()
        self.look = SpamLook(list(self.kind_of), lm)
        self._cues = self._cue_automaton()
        self.learned: tuple[str, ...] = ()
        self._learned_automaton: ahocorasick.Automaton | None = None
        self.spun_forms = tuple(sorted(set(spun_forms)))
        self._spun_automaton = _automaton(self.spun_forms) if self.spun_forms else None

    def __reduce__(self):
        lexicon = [SpamPhrase(p, k) for p, k in self.kind_of.items()]
        return (_rebuilt_detector, (self.lm, lexicon, self.config, self.spun_forms, self.learned))

    def learn(self, strings: list[str]) -> None:
        """Cut these strings wherever they occur from now on (strings a ``SpamMemory`` learned over a batch)."""
        self.learned = tuple(sorted({normalize_phrase(s) for s in strings} - set(self.kind_of)))
        self._learned_automaton = _automaton(self.learned) if self.learned else None

    # -- public -------------------------------------------------------------------------------------------

    def find(self, text: str) -> list[SpamSpan]:
        """Injected spans of ``text``, sorted and non-overlapping."""
        return self.find_all(text).spans

    def find_all(self, text: str, template_lines: Sequence[tuple[int, int]] = ()) -> SpamFindings:
        """Injected spans, and how many look-model candidates the LM judged genuine (fit their sentence).

        ``template_lines`` are (start, end) of lines the caller found to be site template: they are cut whole,
        so the LM scans skip them. The LM scans (set-apart segments, sentence breaks) cost an LM pass, so they
        run only on pages with evidence of injection: a lexicon or learned string, or a look cut. (A template
        line is no such evidence: every site has a footer.)"""
        spans, uncut = self.evidence(text)
        if spans:
            spans.extend(self.apart_spans(text, spans, template_lines))
            cut = self.config.break_cut
            spans.extend(s for s in self.break_candidates(text, spans, template_lines) if s.score >= cut)
        spans.extend(self._echo_spans(text, spans))
        return SpamFindings(_merge(spans), uncut)

    def evidence(self, text: str) -> tuple[list[SpamSpan], int]:
        """Lexicon, learned and look cuts (the cheap detectors), and the number of look candidates left uncut."""
        spans = self.lexicon_spans(text) + self.learned_spans(text)
        uncut = 0
        for start, end in self._cue_windows(text):
            found, rejected = self._look_spans(text, start, end, spans)
            spans.extend(found)
            uncut += rejected
        return spans, uncut

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

    # -- set-apart segments: keyword lines, keywords before a title --------------------------------------

    def apart_spans(
        self, text: str, known: list[SpamSpan], template_lines: Sequence[tuple[int, int]] = ()
    ) -> list[SpamSpan]:
        """Short segments at a line's edge, set apart by spaces, that read as unlikely alone."""
        cfg = self.config
        skip = set(template_lines)
        article = _masked(text, [(k.start, k.end) for k in known] + list(template_lines))
        known = known + self._spun_spans(text)
        found = []
        for start, end in _line_ranges(text):
            if (start, end) in skip:
                continue
            line = text[start:end]
            for seg_start, seg_end in _edge_segments(line):
                a, b = start + seg_start, start + seg_end
                if b - a > cfg.apart_max_chars or any(k.start < b and a < k.end for k in known):
                    continue
                tokens = char_tokens(text[a:b])[0]
                if len(tokens) < cfg.min_tokens:
                    continue
                surprisal = -sum(self.lm.token_scores(tokens, bos=True)) / len(tokens)
                surprisal += cfg.apart_look_weight * max(0.0, sum(self.look.ratios(tokens)) / len(tokens))
                surprisal -= cfg.apart_reuse_penalty * _reuse_share(article, a, b)
                if surprisal >= cfg.apart_surprisal:
                    found.append(SpamSpan(a, b, "unknown", "lm_apart", round(surprisal, 2)))
        return found

    # -- break scan: where the language model sees a sentence broken --------------------------------------

    def break_candidates(
        self,
        text: str,
        known: list[SpamSpan],
        template_lines: Sequence[tuple[int, int]] = (),
        unlike_weight: float | None = None,
        min_excess: float | None = None,
    ) -> list[SpamSpan]:
        """The best cut of every surprising region of every line but ``template_lines``, not overlapping
        ``known`` spans or spun words, with its score.

        Nothing is thresholded at ``break_cut`` here: ``find_all`` cuts the sure ones, ``SpamMemory`` counts
        the looser ones over a batch (with a lower ``min_excess``, and ``unlike_weight``, the weight of a
        negative look, set lower: there recurrence in new places vouches for the string). Cost: one
        tokenisation and one LM call per line for the per-token scores, then numpy over the page; only the
        best few windows of each region are scored exactly."""
        page = _TokenPage(text, self.lm)
        blocked = page.blocked(known + self._spun_spans(text), template_lines)
        article = _masked(text, [(k.start, k.end) for k in known] + list(template_lines))
        cfg = self.config
        found = []
        excess = cfg.break_min_excess if min_excess is None else min_excess
        for lo, hi in page.regions(blocked, cfg.break_token_cost, excess, cfg.break_max_tokens):
            best = self._best_break(page, lo, hi, unlike_weight)
            if best is None:
                continue
            a, b, score = best
            span_start, span_end = page.char_start(a), page.char_end(b - 1)
            score -= cfg.break_reuse_penalty * _reuse_share(article, span_start, span_end)
            found.append(SpamSpan(span_start, span_end, "unknown", "lm_break", round(score, 2)))
        return found

    def _spun_spans(self, text: str) -> list[SpamSpan]:
        if self._spun_automaton is None:
            return []
        return [SpamSpan(s, e, "spin", "spun") for s, e, _ in _matches(self._spun_automaton, text)]

    def _best_break(
        self, page: _TokenPage, lo: int, hi: int, unlike_weight: float | None
    ) -> tuple[int, int, float] | None:
        """Best (start, end, score) window inside the region [lo, hi).

        The LM gain of a cut is log P(right context | left context) without the window, minus log P(window,
        right context) with it (read off the line's token scores), minus ``break_token_cost`` per cut token."""
        cfg = self.config
        k = cfg.context
        unlike = cfg.break_unlike_weight if unlike_weight is None else unlike_weight
        tokens, logp = page.tokens, page.logp
        best: tuple[int, int, float] | None = None
        left_scores: dict[int, float] = {}
        for a, b in page.best_windows(lo, hi, cfg.break_judged_windows):
            line_start, line_end = page.line_bounds(a)
            left = tokens[max(line_start, a - k) : a]
            if a not in left_scores:
                left_scores[a] = self.lm.score(left) if left else 0.0
            right_end = min(line_end, b + k)
            kept = float(logp[a:right_end].sum())
            cut = self.lm.score(left + tokens[b:right_end]) - left_scores[a]
            prev = tokens[a - 1 : a] if a > line_start else []
            look = sum(self.look.ratios(prev + tokens[a:b])[len(prev) :])
            look *= cfg.break_look_weight if look > 0 else unlike
            score = cut - kept - cfg.break_token_cost * (b - a) + look
            if page.apart_before(a) and page.apart_before(b):
                score += cfg.apart_bonus
            if best is None or score > best[2]:
                best = (a, b, score)
        return best

    # -- cues: where the look model is worth running ------------------------------------------------------

    # Characters of context scored on each side of a cue: longer than any injected phrase.
    CUE_WINDOW = 12
    # Look ratio a character or bigram needs to be a cue (10x likelier in spam). A run long enough to be
    # judged practically always holds one: checked on the tune split (bench/bench_clean.py reports misses).
    CUE_RATIO = 1.0

    def _cue_automaton(self) -> ahocorasick.Automaton | None:
        """Bigrams (and rare single characters) of the lexicon that the look model rates above clean text.

        Runs of high look ratio contain them, so scanning for them in C finds every place the
        look model could fire, and the per-token Python work is spent on a few windows per page, not on all of it.
        """
        cues: set[str] = set()
        for phrase in self.kind_of:
            for i, char in enumerate(phrase):
                if self.look.ratios(char_tokens(char)[0])[0] > self.CUE_RATIO:
                    cues.add(char)
                pair = phrase[i : i + 2]
                tokens = char_tokens(pair)[0]
                if len(pair) == 2 and len(tokens) == 2 and self.look.ratios(tokens)[1] > self.CUE_RATIO:
                    cues.add(pair)
        if not cues:
            return None
        return _automaton(cues)

    def _cue_windows(self, text: str) -> list[tuple[int, int]]:
        """Merged (start, end) windows around cue hits, each within one line."""
        if self._cues is None:
            return []
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = text
        windows: list[tuple[int, int]] = []
        w = self.CUE_WINDOW
        for end, cue in self._cues.iter(lowered):
            start = end - len(cue) + 1
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            lo, hi = max(line_start, start - w), min(line_end, end + 1 + w)
            if windows and lo <= windows[-1][1] and line_start <= windows[-1][0]:
                windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
            else:
                windows.append((lo, hi))
        return windows

    # -- look + sentence break ----------------------------------------------------------------------------

    def _look_spans(self, text: str, start: int, end: int, known: list[SpamSpan]) -> tuple[list[SpamSpan], int]:
        """Cut spans in the window [start, end), and the number of candidates left uncut."""
        line = text[start:end]
        tokens, token_of = char_tokens(line)
        if len(tokens) < self.config.min_tokens:
            return [], 0
        ratios = self.look.ratios(tokens)
        covered = _covered_tokens(known, start, end, token_of)
        at_line_start = start == 0 or text[start - 1] == "\n"
        at_line_end = end == len(text) or text[end] == "\n"
        apart = _set_apart(line, tokens, token_of, at_line_start, at_line_end)
        found, rejected = [], 0
        for first, last, _ in _positive_runs(ratios, self.config.look_threshold):
            if all(covered[i] for i in range(first, last)):
                continue  # the lexicon already has it
            best = self._judge(tokens, ratios, apart, first, last)
            if best is None:
                rejected += 1
                continue
            a, b, score = self._snap(tokens, ratios, _boundaries(line, tokens, token_of), *best)
            char_start, char_end = _token_range_to_chars(token_of, a, b)
            found.append(SpamSpan(start + char_start, start + char_end, "unknown", "look+lm", round(score, 2)))
        return found, rejected

    def _judge(
        self, tokens: list[str], ratios: list[float], apart: list[bool], first: int, last: int
    ) -> tuple[int, int, float] | None:
        """Best (start, end, score) cut around the run [first, last), or None if no cut clears the threshold.

        A candidate set apart by spaces or line edges on both sides (a keyword line, a keyword before the title)
        gets ``apart_bonus``: there is no sentence around it for the LM to see broken."""
        cfg = self.config
        best: tuple[int, int, float] | None = None
        for a in range(max(0, first - cfg.edge_slack), min(first + cfg.edge_slack, last - 1) + 1):
            for b in range(max(a + cfg.min_tokens, last - cfg.edge_slack), min(len(tokens), last + cfg.edge_slack) + 1):
                score = cfg.look_weight * sum(ratios[a:b]) + self._break_gain(tokens, a, b)
                if apart[a] and apart[b]:
                    score += cfg.apart_bonus
                if score >= cfg.cut_threshold and (best is None or score > best[2]):
                    best = (a, b, score)
        return best

    def _snap(self, tokens, ratios, boundary: list[bool], a: int, b: int, score: float) -> tuple[int, int, float]:
        """Move the cut's edges out to a nearby boundary (line edge, punctuation, space, script change) if the
        wider cut is still clearly spam: injected strings end where the text around them changes, and the LM
        alone cannot tell whether 性爱大师3 ends after 大 or after 3."""
        cfg = self.config
        floor = cfg.cut_threshold - cfg.snap_tolerance

        def scored(x: int, y: int) -> float:
            return cfg.look_weight * sum(ratios[x:y]) + self._break_gain(tokens, x, y)

        right = _nearest_boundary(boundary, tokens, b, +1, cfg.snap_reach)
        if right != b and (wider_score := scored(a, right)) >= floor:
            b, score = right, wider_score
        left = _nearest_boundary(boundary, tokens, a, -1, cfg.snap_reach)
        if left != a and (wider_score := scored(left, b)) >= floor:
            a, score = left, wider_score
        return a, b, score

    def _break_gain(self, tokens: list[str], a: int, b: int) -> float:
        """How much more fluent the sentence is without tokens[a:b], beyond what cutting genuine text gains."""
        k = self.config.context
        left, right = tokens[max(0, a - k) : a], tokens[b : b + k]
        keep = self.lm.score(left + tokens[a:b] + right)
        cut = self.lm.score(left + right)
        return cut - keep - self.config.token_cost * (b - a)

    # -- echo ---------------------------------------------------------------------------------------------

    def _echo_spans(self, text: str, spans: list[SpamSpan]) -> list[SpamSpan]:
        strings = {text[s.start : s.end]: s.kind for s in spans if s.reason != "lexicon"}
        found = []
        for string, kind in strings.items():
            if len(string.strip()) < self.config.echo_min_chars:
                continue
            at = text.find(string)
            while at >= 0:
                found.append(SpamSpan(at, at + len(string), kind, "echo", 0.0))
                at = text.find(string, at + 1)
        return found


# What an injected keyword looks like: letters, digits and Han, no punctuation or space (a candidate that runs
# over a comma is a piece of a sentence), at most 12 characters.
_KEYWORD_SHAPE = re.compile(r"[^\W_]{2,12}")


class SpamMemory:
    """Break candidates counted over a batch of pages: strings that broke sentences in several places are spam.

    A place is the characters on either side of the string: an article copied to many pages of a farm repeats
    its rare words in the same place each time (give or take a keyword injected next to them, so both sides
    must differ), while injected strings land in new places. Fill it in a first pass (``add_page``), then
    ``SpamDetector.learn(memory.learned())``; memories of shards merge.

    Most candidates are genuine rare words seen once: when more than ``max_strings`` strings are held, those seen
    in a single place are forgotten, so memory stays bounded over a crawl (a keyword injected across a farm
    comes back soon enough to be caught again).
    """

    def __init__(
        self,
        min_score: float = 3.0,
        min_places: int = 2,
        unlike_weight: float = 0.0,
        min_excess: float = 3.0,
        max_strings: int = 1_000_000,
    ):
        self.min_score = min_score
        self.min_places = min_places
        self.unlike_weight = unlike_weight
        self.min_excess = min_excess
        self.max_strings = max_strings
        self.places: dict[str, tuple[set[str], set[str]]] = {}  # string -> (left contexts, right contexts)

    @classmethod
    def for_detector(cls, detector: SpamDetector) -> SpamMemory:
        cfg = detector.config
        return cls(cfg.memory_min_score, cfg.memory_min_places, cfg.memory_unlike_weight, cfg.memory_min_excess)

    def add_page(
        self,
        detector: SpamDetector,
        text: str,
        template_lines: Sequence[tuple[int, int]] = (),
        evidence: bool | None = None,
    ) -> None:
        """Count the page's break candidates if it carries a lexicon or learned string (``evidence``: the caller
        already knows whether it does). Look cuts, which ``find_all`` also takes for evidence, are not worth
        their cost here: a site-farm page practically always carries a known keyword too."""
        known = detector.lexicon_spans(text) + detector.learned_spans(text)
        if not (known if evidence is None else evidence):
            return
        # Look cuts are not excluded from the scan: their edges are often off by a character or two, and the
        # memory learns the exact string.
        for span in detector.break_candidates(text, known, template_lines, self.unlike_weight, self.min_excess):
            string = normalize_phrase(text[span.start : span.end])
            if span.score < self.min_score or not _KEYWORD_SHAPE.fullmatch(string):
                continue
            left, right = self.places.setdefault(string, (set(), set()))
            if min(len(left), len(right)) < self._places_needed(string):  # beyond that, nothing new is learned
                left.add(text[max(0, span.start - 3) : span.start])
                right.add(text[span.end : span.end + 3])
        if len(self.places) > self.max_strings:
            self.places = {s: sides for s, sides in self.places.items() if max(map(len, sides)) > 1}

    def _places_needed(self, string: str) -> int:
        """Two-character strings are often common words or fragments of a keyword: they need twice the places."""
        return self.min_places * 2 if len(string) == 2 else self.min_places

    def merge(self, other: SpamMemory) -> None:
        for string, (other_left, other_right) in other.places.items():
            left, right = self.places.setdefault(string, (set(), set()))
            left.update(other_left)
            right.update(other_right)

    def learned(self) -> list[str]:
        return sorted(
            string
            for string, (left, right) in self.places.items()
            if min(len(left), len(right)) >= self._places_needed(string)
        )


def _rebuilt_detector(lm, lexicon, config, spun_forms, learned) -> SpamDetector:
    detector = SpamDetector(lm, lexicon, config, spun_forms)
    detector.learn(list(learned))
    return detector


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


# A segment without spaces or punctuation at a line's start (followed by a space or the line end) or at its end
# (after a space): a keyword line, or a keyword set before or after a title. Not next to a Latin word across the
# space: "适合 Python" is mixed-script prose.
_EDGE_SEGMENT = re.compile(
    r"^[ \t\u3000]*([^\W_]{2,})(?=[ \t\u3000]+[^\x00-\x7f]|[ \t\u3000]*$)"
    r"|(?<=[^\x00-\x7f][ \t\u3000])([^\W_]{2,})[ \t\u3000]*$"
)


def _edge_segments(line: str) -> list[tuple[int, int]]:
    """(start, end) of the segments at the edges of ``line`` (a whole line counts once)."""
    segments: list[tuple[int, int]] = []
    for match in _EDGE_SEGMENT.finditer(line):
        span = match.span(1 if match.group(1) is not None else 2)
        if span not in segments:
            segments.append(span)
    return segments


_SPACE = frozenset(" \t\n\r\u3000\xa0")


class _TokenPage:
    """A page as LM tokens with per-token log10 probabilities (each line scored from a sentence start) and
    the character range of each token, for the break scan."""

    def __init__(self, text: str, lm: LanguageModel):
        self.text = text
        self.tokens: list[str] = []
        self.line_ranges: list[tuple[int, int]] = []  # token range of every line with tokens
        token_of_parts: list[np.ndarray] = []
        line_of: list[int] = []
        logp: list[float] = []
        for start, end in _line_ranges(text):
            tokens, token_of = char_tokens(text[start:end])  # per line: tokens never run across lines
            offset = len(self.tokens)
            # The line's last entry (one past its end) is its newline's: whitespace points at the next token.
            part = np.asarray(token_of, dtype=np.int64) + offset
            token_of_parts.append(part if end < len(text) else part[:-1])
            if tokens:
                self.line_ranges.append((offset, offset + len(tokens)))
                line_of.extend([len(self.line_ranges) - 1] * len(tokens))
                self.tokens.extend(tokens)
                logp.extend(lm.token_scores(tokens, bos=True))
        # Token index of every character and one past the end, as ``char_tokens`` gives it for one line.
        self.token_of = np.concatenate([*token_of_parts, np.array([len(self.tokens)], dtype=np.int64)])
        self.line_of = np.asarray(line_of, dtype=np.int32)
        self.logp = np.asarray(logp, dtype=np.float64)

    def char_start(self, token: int) -> int:
        index = int(np.searchsorted(self.token_of, token))
        while self.text[index] in _SPACE:  # whitespace before a token points at it
            index += 1
        return index

    def char_end(self, token: int) -> int:
        return int(np.searchsorted(self.token_of, token + 1))

    def line_bounds(self, token: int) -> tuple[int, int]:
        return self.line_ranges[self.line_of[token]]

    def apart_before(self, token: int) -> bool:
        """Is the gap before ``token`` (``len(tokens)`` for the end) whitespace or a line edge?"""
        if token == 0 or token >= len(self.tokens):
            return True
        return self.text[self.char_start(token) - 1] in _SPACE or self.line_of[token] != self.line_of[token - 1]

    def blocked(self, spans: list[SpamSpan], template_lines: Sequence[tuple[int, int]]) -> np.ndarray:
        """Tokens no window may touch: inside ``spans`` or on a template line."""
        blocked = np.zeros(len(self.tokens), dtype=bool)
        for start, end in [(s.start, s.end) for s in spans] + list(template_lines):
            blocked[self.token_of[start] : self.token_of[end]] = True
        return blocked

    def regions(self, blocked: np.ndarray, cost: float, min_excess: float, max_tokens: int) -> list[tuple[int, int]]:
        """Merged token ranges covering every window of 2..max_tokens tokens within a line, touching no blocked
        token, that starts surprising (−log10 P > cost) and whose surprisal beyond ``cost`` per token reaches
        ``min_excess``."""
        n = len(self.tokens)
        self._excess = np.concatenate(([0.0], np.cumsum(-self.logp - cost)))
        self._cost = cost
        self._max_tokens = max_tokens
        self._blocked_before = np.concatenate(([0], np.cumsum(blocked)))
        self._opens = self.logp < -cost
        self._valid = {length: self._valid_starts(length) for length in range(2, min(max_tokens, n) + 1)}
        marks = np.zeros(n + 1, dtype=np.int32)  # +1 where a window starts, -1 after it ends
        for length, valid in self._valid.items():
            starts = np.flatnonzero(valid & (self._excess[length:] - self._excess[:-length] >= min_excess))
            np.add.at(marks, starts, 1)
            np.add.at(marks, starts + length, -1)
        inside = np.cumsum(marks[:n]) > 0
        edges = np.flatnonzero(np.diff(np.concatenate(([0], inside.view(np.int8), [0]))))
        return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]

    def _valid_starts(self, length: int) -> np.ndarray:
        """For every start token: is the window of ``length`` tokens from it within one line, unblocked, opening
        on a surprising token?"""
        n = len(self.tokens)
        same_line = self.line_of[: n - length + 1] == self.line_of[length - 1 :]
        unblocked = self._blocked_before[length:] == self._blocked_before[:-length]
        return same_line & unblocked & self._opens[: n - length + 1]

    def best_windows(self, lo: int, hi: int, count: int) -> list[tuple[int, int]]:
        """The ``count`` most promising valid windows inside [lo, hi): most surprisal beyond cost, plus the
        surprisal of the token after the window (where the sentence resumes after an injection)."""
        scored = []
        n = len(self.tokens)
        for length in range(2, min(self._max_tokens, hi - lo) + 1):
            valid = self._valid[length]
            for a in range(lo, hi - length + 1):
                if valid[a]:
                    b = a + length
                    resumes = -self.logp[b] - self._cost if b < n and self.line_of[b] == self.line_of[a] else 0.0
                    scored.append((self._excess[b] - self._excess[a] + max(0.0, resumes), a, b))
        scored.sort(reverse=True)
        return [(a, b) for _, a, b in scored[:count]]


def _masked(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` with the ranges blanked out (same length): the page's article as far as it is known."""
    if not ranges:
        return text
    chars = list(text)
    for start, end in ranges:
        chars[start:end] = "\x00" * (end - start)
    return "".join(chars)


def _reuse_share(text: str, start: int, end: int) -> float:
    """Share of the span's character bigrams that occur elsewhere on the page (genuine rare words recur).

    ``text`` has known spam and template lines masked: keywords share bigrams with each other (视频, 娱乐), and
    that is no sign that the span is the page's topic."""
    span = text[start:end]
    pairs = [span[i : i + 2] for i in range(len(span) - 1) if not span[i : i + 2].isspace()]
    if not pairs:
        return 0.0
    rest = (text[:start] + "\n" + text[end:]).replace(span, "\x00")  # the same string again proves nothing
    return sum(pair in rest for pair in pairs) / len(pairs)


def _boundaries(line: str, tokens: list[str], token_of: list[int]) -> list[bool]:
    """For each token gap 0..n: does a natural boundary lie there (edge, punctuation, space, script change)?"""
    n = len(tokens)
    starts = [-1] * n
    ends = [0] * n
    for char_index, token_index in enumerate(token_of[:-1]):
        if token_index < n and not line[char_index].isspace():
            if starts[token_index] < 0:
                starts[token_index] = char_index
            ends[token_index] = char_index + 1
    out = [True] * (n + 1)
    for i in range(1, n):
        prev, cur = tokens[i - 1], tokens[i]
        spaced = starts[i] > ends[i - 1]
        punct = not prev.isalnum() or not cur.isalnum()
        script = prev.isascii() != cur.isascii()
        out[i] = spaced or punct or script
    return out


def _set_apart(line: str, tokens: list[str], token_of: list[int], line_start: bool, line_end: bool) -> list[bool]:
    """For each token gap 0..n: is it whitespace, or a true line edge?"""
    n = len(tokens)
    out = [False] * (n + 1)
    out[0], out[n] = line_start, line_end
    for char_index, char in enumerate(line):
        if char.isspace():
            gap = token_of[char_index]  # whitespace points at the next token
            if 0 < gap < n:
                out[gap] = True
    return out


def _nearest_boundary(boundary: list[bool], tokens: list[str], edge: int, step: int, reach: int) -> int:
    """The nearest boundary from ``edge`` in direction ``step`` (within ``reach`` tokens), or ``edge`` itself.

    An edge already on a boundary moves only over Latin letters and digits glued to the cut (性爱大师|3).
    """
    n = len(tokens)
    pos = edge
    on_boundary = boundary[edge]
    for _ in range(reach):
        token_index = pos if step > 0 else pos - 1
        if not 0 <= token_index < n or not tokens[token_index].isalnum():
            break
        if on_boundary and not tokens[token_index].isascii():
            break
        pos += step
        if boundary[pos]:
            return pos
    return edge


def _line_ranges(text: str) -> list[tuple[int, int]]:
    ranges, cursor = [], 0
    for line in text.split("\n"):
        ranges.append((cursor, cursor + len(line)))
        cursor += len(line) + 1
    return ranges


def _positive_runs(ratios: list[float], threshold: float) -> list[tuple[int, int, float]]:
    """Maximal-sum runs (start, end, sum) with sum >= threshold: a running sum that restarts below zero."""
    runs = []
    total, start, best, best_end = 0.0, 0, 0.0, 0
    for i, r in enumerate(ratios):
        if total <= 0.0:
            if best >= threshold:
                runs.append((start, best_end, best))
            total, start, best, best_end = 0.0, i, 0.0, i
        total += r
        if total > best:
            best, best_end = total, i + 1
    if best >= threshold:
        runs.append((start, best_end, best))
    return runs


def _covered_tokens(spans: list[SpamSpan], start: int, end: int, token_of: list[int]) -> list[bool]:
    n = token_of[-1]
    covered = [False] * n
    for span in spans:
        if span.end <= start or span.start >= end:
            continue
        a, b = token_of[max(span.start, start) - start], token_of[min(span.end, end) - start]
        for i in range(a, min(b, n)):
            covered[i] = True
    return covered


def _token_range_to_chars(token_of: list[int], a: int, b: int) -> tuple[int, int]:
    """Character range of tokens [a, b) in the line ``token_of`` describes (first char of a to last char of b-1)."""
    chars = len(token_of) - 1
    start = next(i for i in range(chars) if token_of[i] == a)
    end = max(i for i in range(chars) if token_of[i] == b - 1) + 1
    return start, end


def _merge(spans: list[SpamSpan]) -> list[SpamSpan]:
    """Overlapping or touching spans joined; the joined span keeps the first span's kind and reason."""
    merged: list[SpamSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                kind = last.kind if last.kind != "unknown" else span.kind
                merged[-1] = SpamSpan(last.start, span.end, kind, last.reason, max(last.score, span.score))
            continue
        merged.append(span)
    return merged

"""Detector 2, look + sentence break: a character bigram model of the lexicon's phrases finds strings that look
like them; a candidate is cut only if the language model finds its sentence more fluent without it."""

from __future__ import annotations

import math
from collections import Counter

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.spam.types import SpamSpan
from cunzhen.engine.tokenize import char_tokens
from cunzhen.engine.wordfind import WordFinder


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


class LookDetector:
    """SpamDetector's look + sentence-break cuts (needs ``config``, ``lm``, ``look``, ``kind_of``)."""

    # -- cues: where the look model is worth running ------------------------------------------------------

    # Characters of context scored on each side of a cue: longer than any injected phrase.
    CUE_WINDOW = 12
    # Look ratio a character or bigram needs to be a cue (10x likelier in spam). A run long enough to be
    # judged practically always holds one: checked on the tune split (bench/bench_clean.py reports misses).
    CUE_RATIO = 1.0

    def _cue_automaton(self) -> WordFinder | None:
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
        return WordFinder.of_words(cues)

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
        runs = _positive_runs(ratios, self.config.look_threshold)
        if not runs:  # most cue windows: nothing to judge, so none of the per-token tables below is needed
            return [], 0
        covered = _covered_tokens(known, start, end, token_of)
        at_line_start = start == 0 or text[start - 1] == "\n"
        at_line_end = end == len(text) or text[end] == "\n"
        apart = _set_apart(line, tokens, token_of, at_line_start, at_line_end)
        found, rejected = [], 0
        for first, last, _ in runs:
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
        cuts: list[tuple[int, int, float]] = []
        for a in range(max(0, first - cfg.edge_slack), min(first + cfg.edge_slack, last - 1) + 1):
            for b in range(max(a + cfg.min_tokens, last - cfg.edge_slack), min(len(tokens), last + cfg.edge_slack) + 1):
                score = cfg.look_weight * sum(ratios[a:b]) + self._break_gain(tokens, a, b)
                if apart[a] and apart[b]:
                    score += cfg.apart_bonus
                if score >= cfg.cut_threshold:
                    cuts.append((a, b, score))
        if not cuts:
            return None
        # A genuine rare word next to the keyword (细管 of 细管金沙娱乐) costs more than ``token_cost``, so cutting
        # it too scores a little higher: of the cuts scoring within ``edge_margin`` of the best, the one with the
        # fewest tokens that look genuine (look ratio <= 0); tokens that look like spam (久久 of a keyword list)
        # stay in the cut.
        top = max(score for _, _, score in cuts)

        def genuine_looking(cut: tuple[int, int, float]) -> int:
            return sum(r <= 0.0 for r in ratios[cut[0] : cut[1]])

        near = [c for c in cuts if c[2] >= top - cfg.edge_margin]
        return min(near, key=lambda c: (genuine_looking(c), -c[2]))

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

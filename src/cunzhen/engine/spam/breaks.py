"""Detector 4, the break scan: where the language model sees a sentence broken by a string that looks like
nothing known (an actress's name, a lottery brand)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.spam.lexicon import _matches
from cunzhen.engine.spam.types import _SPACE, SpamSpan, _masked, _reuse_share
from cunzhen.engine.tokenize import char_tokens
from cunzhen.engine.types import line_ranges


class BreakDetector:
    """SpamDetector's break scan (also what a batch memory counts)."""

    # -- break scan: where the language model sees a sentence broken --------------------------------------

    def break_candidates(
        self,
        text: str,
        known: list[SpamSpan],
        template_lines: Sequence[tuple[int, int]] = (),
        unlike_weight: float | None = None,
        min_excess: float | None = None,
        worth: Callable[[int, int], bool] | None = None,
        judged_windows: int | None = None,
        floor: float = -math.inf,
        region_look_weight: float | None = None,
        alone_weight: float | None = None,
    ) -> list[SpamSpan]:
        """The best cut of every surprising region of every line but ``template_lines``, not overlapping
        ``known`` spans or spun words, with its score.

        Nothing is thresholded at ``break_cut`` here: ``find_all`` cuts the sure ones, ``SpamMemory`` counts
        the looser ones over a batch (with a lower ``min_excess``, and ``unlike_weight``, the weight of a
        negative look, set lower: there recurrence in new places vouches for the string). Cost: one
        tokenisation and one LM call per line for the per-token scores, then numpy over the page; only the
        best few windows of each region are scored exactly; with ``worth``, only the regions whose character
        range it accepts (the page-recurrence scan wants those holding a string the page writes again);
        ``judged_windows``: how many windows of a region are scored exactly (default ``break_judged_windows``);
        ``floor``: the least score of interest before the reuse penalty (regions with nothing reaching it give no
        candidate, and their windows are mostly not scored exactly); ``region_look_weight``: the weight of a
        window's look in opening a region (default ``break_region_look_weight``); ``alone_weight``: that of the
        window read alone in its score (default ``break_alone_weight``)."""
        page = self._token_page(text)
        blocked = page.blocked(known + self._spun_spans(text), template_lines)
        article = _masked(text, [(k.start, k.end) for k in known] + list(template_lines))
        cfg = self.config
        raw = []  # (start, end, score before the reuse penalty)
        excess = cfg.break_min_excess if min_excess is None else min_excess
        look_weight = cfg.break_region_look_weight if region_look_weight is None else region_look_weight
        look = page.look_ratios(self.look) if look_weight else None
        regions = page.regions(blocked, cfg.break_token_cost, excess, cfg.break_max_tokens, look, look_weight)
        for lo, hi in regions:
            if worth is not None and not worth(page.char_start(lo), page.char_end(hi - 1)):
                continue
            best = self._best_break(page, lo, hi, unlike_weight, judged_windows, floor, alone_weight, bool(look_weight))
            if best is not None:
                a, b, score = best
                raw.append((page.char_start(a), page.char_end(b - 1), score))
        # Keywords share bigrams with each other (视频, 娱乐): candidates that break their sentence enough before
        # the penalty are masked too, so that only the article's own words count as reuse.
        article = _masked(article, [(a, b) for a, b, score in raw if score >= cfg.break_cut])
        found = []
        for span_start, span_end, score in raw:
            score -= cfg.break_reuse_penalty * _reuse_share(article, span_start, span_end, text[span_start:span_end])
            found.append(SpamSpan(span_start, span_end, "unknown", "lm_break", round(score, 2)))
        return found

    def _token_page(self, text: str) -> _TokenPage:
        """The page's tokens and their scores; the last page's are kept, as the clause-end scan reads them too."""
        cached = getattr(self, "_last_page", None)
        if cached is None or cached.text is not text:
            cached = self._last_page = _TokenPage(text, self.lm)
        return cached

    def _spun_spans(self, text: str) -> list[SpamSpan]:
        if self._spun_automaton is None:
            return []
        # The last page's are kept: the set-apart, break (twice) and clause-end scans of a page all ask.
        cached = getattr(self, "_last_spun", None)
        if cached is None or cached[0] is not text:
            spans = [SpamSpan(s, e, "spin", "spun") for s, e, _ in _matches(self._spun_automaton, text)]
            cached = self._last_spun = (text, spans)
        return list(cached[1])

    def _best_break(
        self,
        page: _TokenPage,
        lo: int,
        hi: int,
        unlike_weight: float | None,
        judged_windows: int | None = None,
        floor: float = -math.inf,
        alone_weight: float | None = None,
        rank_look: bool = True,
    ) -> tuple[int, int, float] | None:
        """Best (start, end, score) window inside the region [lo, hi), or None if none reaches ``floor``.
        ``rank_look``: are the windows to score exactly ranked with their look (``_TokenPage.best_windows``)? Not
        where the look opens no region either (the batch memory's pass: ranked by it, the memory learned the
        pieces keywords share, 娱乐, and cut them on clean pages: tune, 200 pages, batch, 163 -> 154 clean pages
        kept).

        The LM gain of a cut is log P(right context | left context) without the window, minus log P(window,
        right context) with it (read off the line's token scores), minus ``break_token_cost`` per cut token."""
        cfg = self.config
        k = cfg.context
        tokens, logp = page.tokens, page.logp
        alone_weight = cfg.break_alone_weight if alone_weight is None else alone_weight
        best: tuple[int, int, float] | None = None
        # A window's left-context and cut readings are the page's: the batch memory's pass over a page
        # (``SpamMemory.candidates``) judges many of the windows ``find_all``'s pass judged.
        left_scores, cut_scores = page.left_scores, page.cut_scores
        count = cfg.break_judged_windows if judged_windows is None else judged_windows
        unlike = cfg.break_unlike_weight if unlike_weight is None else unlike_weight
        ranking = (page.look_ratios(self.look), cfg.break_look_weight, unlike) if rank_look else None
        for a, b in page.best_windows(lo, hi, count, ranking):
            line_start, line_end = page.line_bounds(a)
            right_end = min(line_end, b + k)
            kept = float(logp[a:right_end].sum())
            prev = tokens[a - 1 : a] if a > line_start else []
            look = cfg.weighted_look(sum(self.look.ratios(prev + tokens[a:b])[len(prev) :]), unlike_weight)
            bonus = cfg.apart_bonus if page.apart_before(a) and page.apart_before(b) else 0.0
            # The cut reading and the window read alone have a probability of at most 1: a window whose score
            # could not reach the floor or the best so far even then is not scored (most of them).
            bar = floor if best is None else max(floor, best[2])
            fixed = -kept - cfg.break_token_cost * (b - a) + look + bonus
            if fixed + alone_weight * cfg.break_alone_cost * (b - a) < bar:
                continue
            # A keyword is a phrase in itself (美女直播 reads well alone), a genuine rare word is rare anywhere (a
            # name, 黄文灏, breaks its sentence as much): the window read alone, against a keyword's typical cost.
            if alone_weight:
                fixed += alone_weight * (self.lm.score(tokens[a:b]) + cfg.break_alone_cost * (b - a))
            if fixed < bar:
                continue
            left = tokens[max(line_start, a - k) : a]
            if (a, k) not in left_scores:
                left_scores[(a, k)] = self.lm.score(left) if left else 0.0
            cut = cut_scores.get((a, b, k))
            if cut is None:
                cut = cut_scores[(a, b, k)] = self.lm.score(left + tokens[b:right_end]) - left_scores[(a, k)]
            score = fixed + cut
            if best is None or score > best[2]:
                best = (a, b, score)
        return best


class _TokenPage:
    """A page as LM tokens with per-token log10 probabilities (each line scored from a sentence start) and
    the character range of each token, for the break scan."""

    def __init__(self, text: str, lm: LanguageModel):
        self.text = text
        # The break scan's LM score of the left context of a token and of a window's cut reading
        # (``BreakDetector._best_break``), per context length: the same for every pass over the page.
        self.left_scores: dict[tuple[int, int], float] = {}  # (start, context) -> the left context's score
        self.cut_scores: dict[tuple[int, int, int], float] = {}  # (start, end, context) -> the cut's LM term
        self._look: np.ndarray | None = None  # ``look_ratios``, once asked
        self._look_sums: list[float] | None = None  # their running sums, for ``best_windows``
        self.tokens: list[str] = []
        self.line_ranges: list[tuple[int, int]] = []  # token range of every line with tokens
        token_of_parts: list[np.ndarray] = []
        line_of: list[int] = []
        logp: list[float] = []
        for start, end in line_ranges(text):
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

    def look_ratios(self, look) -> np.ndarray:
        """Every token's look ratio (``SpamLook.ratios`` over each line), computed once per page."""
        if self._look is None:
            self._look = np.zeros(len(self.tokens))
            for lo, hi in self.line_ranges:
                self._look[lo:hi] = look.ratios(self.tokens[lo:hi])
        return self._look

    def regions(
        self,
        blocked: np.ndarray,
        cost: float,
        min_excess: float,
        max_tokens: int,
        look: np.ndarray | None = None,
        look_weight: float = 0.0,
    ) -> list[tuple[int, int]]:
        """Merged token ranges covering every window of 2..max_tokens tokens within a line, touching no blocked
        token, that starts surprising (−log10 P > cost) and whose surprisal beyond ``cost`` per token, plus
        ``look_weight`` times its look ratio where that is positive, reaches ``min_excess``."""
        n = len(self.tokens)
        self._excess = np.concatenate(([0.0], np.cumsum(-self.logp - cost)))
        looks = np.concatenate(([0.0], np.cumsum(look))) if look is not None else None
        self._lists = None  # best_windows' lists of the arrays (``_excess`` is this call's)
        self._cost = cost
        self._max_tokens = max_tokens
        self._blocked_before = np.concatenate(([0], np.cumsum(blocked)))
        self._opens = self.logp < -cost
        self._valid = {length: self._valid_starts(length) for length in range(2, min(max_tokens, n) + 1)}
        marks = np.zeros(n + 1, dtype=np.int32)  # +1 where a window starts, -1 after it ends
        for length, valid in self._valid.items():
            evidence = self._excess[length:] - self._excess[:-length]
            if looks is not None:
                evidence = evidence + look_weight * np.maximum(0.0, looks[length:] - looks[:-length])
            starts = np.flatnonzero(valid & (evidence >= min_excess))
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

    def best_windows(
        self, lo: int, hi: int, count: int, ranking: tuple[np.ndarray, float, float] | None = None
    ) -> list[tuple[int, int]]:
        """The ``count`` most promising valid windows inside [lo, hi): most surprisal beyond cost, plus the
        surprisal of the token after the window (where the sentence resumes after an injection), plus, given a
        ``ranking`` (the page's ``look_ratios``, the weight where positive, the weight where negative), the
        window's look ratio weighted as the exact score weighs it. Ranked by surprisal alone, a region's
        best windows were its longest, those taking a surprising article word or two along with the keyword,
        and a short keyword inside a word was never scored (环|毛片|境: its region's 16 judged windows all
        started on 心, the comma or 环). Tune, 200 pages, page by page, seeds 11 / 23: unknown keywords 81.4 /
        80.9% -> 81.6 / 81.3%, farm article loss 0.511 / 0.555% -> 0.510 / 0.554%."""
        scored = []
        n = len(self.tokens)
        # Python lists of the page's arrays, made once a page: a numpy scalar read in this loop cost ten times
        # a list's (the same doubles, so the same sums and the same order).
        if self._lists is None:
            self._lists = (self.logp.tolist(), self.line_of.tolist(), self._excess.tolist(), {})
        logp, line_of, excess, valid_at = self._lists
        if ranking is None:
            looks, like, unlike = None, 0.0, 0.0
        else:
            look_ratios, like, unlike = ranking
            if self._look_sums is None:  # one look array a page (``look_ratios``)
                self._look_sums = np.concatenate(([0.0], np.cumsum(look_ratios))).tolist()
            looks = self._look_sums
        for length in range(2, min(self._max_tokens, hi - lo) + 1):
            valid = valid_at.get(length)
            if valid is None:
                valid = valid_at[length] = self._valid[length].tolist()
            for a in range(lo, hi - length + 1):
                if valid[a]:
                    b = a + length
                    resumes = -logp[b] - self._cost if b < n and line_of[b] == line_of[a] else 0.0
                    look = looks[b] - looks[a] if looks is not None else 0.0
                    look *= like if look > 0 else unlike
                    scored.append((excess[b] - excess[a] + max(0.0, resumes) + look, a, b))
        scored.sort(reverse=True)
        return [(a, b) for _, a, b in scored[:count]]

"""Detector 4b, the clause-end scan: a string injected just before a clause mark (在…服务业推广免费毛片，只是…).

Farms put keywords where a clause ends (before ，。；, or at a line's end) as often as anywhere: there the
sentence without the string reads as well as the original did, since a clause mark follows almost any word.
Such a keyword, made of common words (江苏快三, 线上博彩), is seldom surprising enough for the break scan to open a
region around it, so this scan judges every window of ``clause_min_tokens``..``break_max_tokens`` tokens that
ends at a clause mark (two-character windows are the break scan's: a rare two-character name at a clause end,
金冠;, reads as a keyword to the model; leaving them out cost half a point of recall on the tune split).
It is the break scan's test (the language model's gain from the cut, the look, the reuse of its bigrams
elsewhere on the page), with a per-token cost and a threshold of its own: the candidates are far fewer (one
family per clause end rather than every window of every line), so a lower bar buys the same few false cuts.
An upper bound needs no LM call (the gain is at most the kept text's surprisal, since the cut reading has a
probability of at most 1), so only the windows that could clear the bar are scored exactly. A window that
clears it is narrowed to the best cut inside it (``_inner_cut``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cunzhen.engine.spam.types import SpamSpan, _masked

# Marks that end a clause. Not 、 (the items of a list are short nouns: a list reads as well without any one of
# them, so the test has no power there), nor brackets, quotes or the ASCII full stop (a decimal point).
CLAUSE_MARKS = frozenset("，,。；;！!？?：:")


class ClauseDetector:
    """SpamDetector's clause-end scan (needs the break scan's token page, ``lm``, ``look`` and ``config``)."""

    def clause_spans(
        self, text: str, known: list[SpamSpan], template_lines: Sequence[tuple[int, int]] = ()
    ) -> list[SpamSpan]:
        """Cuts ending at a clause mark or a line end, the best one per clause end, that reach ``clause_cut``
        after the reuse penalty; none overlaps ``known`` spans, spun words or ``template_lines``."""
        cfg = self.config
        page = self._token_page(text)
        tokens, logp = page.tokens, page.logp
        n = len(tokens)
        if n < 2:
            return []
        blocked = page.blocked(known + self._spun_spans(text), template_lines)
        # Per-token look ratios over each line (a window's look is the sum of its tokens', as in the break scan)
        # and prefix sums of surprisal and look, so that the bound of every window is a subtraction.
        look = page.look_ratios(self.look)
        surprisal = np.concatenate(([0.0], np.cumsum(-logp)))
        looks = np.concatenate(([0.0], np.cumsum(look)))
        word = np.fromiter((t.isalnum() for t in tokens), dtype=bool, count=n)
        k, cost, bar = cfg.context, cfg.clause_token_cost, cfg.clause_cut
        # The loop below reads the arrays as Python lists (a numpy scalar read cost ten times a list's): the same
        # doubles, so the same bounds and scores; ``_inner_cut`` gets the arrays themselves.
        word_at, blocked_at = word.tolist(), blocked.tolist()
        looks_at, surprisal_at = looks.tolist(), surprisal.tolist()
        raw: list[tuple[int, int, float, float]] = []  # (start, end, score, the bar it must reach)
        for line_start, line_end in page.line_ranges:
            for b in range(line_start + 2, line_end + 1):
                if b < line_end and tokens[b] not in CLAUSE_MARKS:
                    continue  # not a clause end
                right_end = min(line_end, b + k)
                best: tuple[int, int, float] | None = None
                for a in range(b - 1, max(line_start, b - cfg.break_max_tokens) - 1, -1):
                    if not word_at[a] or blocked_at[a]:
                        break  # a window holds no punctuation and no known span
                    if b - a < cfg.clause_min_tokens:
                        continue
                    window_look = cfg.weighted_look(looks_at[b] - looks_at[a])
                    kept = surprisal_at[right_end] - surprisal_at[a]  # −log10 P(window, right context | left)
                    bound = kept - cost * (b - a) + window_look
                    if bound + cfg.apart_bonus < bar:
                        continue  # even a cut reading of probability 1 would not reach the bar
                    bonus = cfg.apart_bonus if page.apart_before(a) and page.apart_before(b) else 0.0
                    if bound + bonus < bar:
                        continue
                    left = tokens[max(line_start, a - k) : a]
                    gain = self.lm.score(left + tokens[b:right_end]) - (self.lm.score(left) if left else 0.0) + kept
                    score = gain - cost * (b - a) + window_look + bonus
                    if best is None or score > best[2]:
                        best = (a, b, score)
                if best is not None and best[2] >= bar:  # the reuse penalty below only lowers a score
                    inner = self._inner_cut(page, best, looks, line_start, line_end)
                    if inner is not None:
                        x, y, score, needed = inner
                        raw.append((page.char_start(x), page.char_end(y - 1), score, needed))
        # Keywords share bigrams with each other (视频, 娱乐): the other candidates are masked too.
        article = _masked(text, [(s.start, s.end) for s in known] + list(template_lines) + [r[:2] for r in raw])
        found = []
        for start, end, score, needed in raw:
            score -= cfg.break_reuse_penalty * _shared_pairs(article, start, end, text[start:end])
            if score >= needed:
                found.append(SpamSpan(start, end, "unknown", "lm_clause", round(score, 2)))
        return found

    def _inner_cut(
        self,
        page,
        best: tuple[int, int, float],
        looks: np.ndarray,
        line_start: int,
        line_end: int,
    ) -> tuple[int, int, float, float] | None:
        """The cut a clause-end cut stands for, (start, end, score, the bar it must reach), or None.

        A keyword injected inside the clause (算力|免费毛片|大大减少，) makes every window from it to the clause mark
        read better cut, so the window reaching the mark takes genuine words along: every cut inside it is scored
        too, and the best taken (not the look detector's near-best with the fewest genuine-looking tokens: an
        unknown keyword's own characters often look genuine, 波多|野结衣). A cut that ends before the clause mark
        is no clause-end cut: it must clear the break scan's own test and bar, like any cut inside a sentence, or
        nothing is cut (大模子|六小虎|其中一家, 其中一家 cut with it)."""
        cfg = self.config
        tokens, k, cost = page.tokens, cfg.context, cfg.clause_token_cost
        a, b, _ = best
        cuts: list[tuple[int, int, float]] = []  # (x, y, evidence before the token cost)
        for x in range(a, b - cfg.clause_min_tokens + 1):
            left = tokens[max(line_start, x - k) : x]
            left_score = self.lm.score(left) if left else 0.0
            for y in range(x + cfg.clause_min_tokens, b + 1):
                right_end = min(line_end, y + k)
                kept = float(page.logp[x:right_end].sum())
                window_look = cfg.weighted_look(looks[y] - looks[x])
                bonus = cfg.apart_bonus if page.apart_before(x) and page.apart_before(y) else 0.0
                gain = self.lm.score(left + tokens[y:right_end]) - left_score - kept
                cuts.append((x, y, gain + window_look + bonus))
        x, y, evidence = max(cuts, key=lambda c: c[2] - cost * (c[1] - c[0]))
        if y == b:
            return x, y, evidence - cost * (y - x), cfg.clause_cut
        # Inside the sentence the break scan's whole test, how likely the cut reads alone included (its bar assumes
        # it). Not at the clause end: there the windows need not surprise, and common words read well alone too.
        alone = self.lm.score(tokens[x:y]) + cfg.break_alone_cost * (y - x)
        score = evidence + cfg.break_alone_weight * alone - cfg.break_token_cost * (y - x)
        return (x, y, score, cfg.break_cut) if score >= cfg.break_cut else None


def _shared_pairs(article: str, start: int, end: int, span: str) -> float:
    """Share of the span's character bigrams found elsewhere in ``article`` (the page, known spam masked).

    Unlike the break scan's reuse, the string written again elsewhere counts: at a clause end, where the test
    has less power and the bar is lower, a string the page writes in several places (六小虎 in an article on
    the AI start-ups) is its topic more often than a keyword injected twice."""
    pairs = [span[i : i + 2] for i in range(len(span) - 1) if not span[i : i + 2].isspace()]
    if not pairs:
        return 0.0
    rest = article[:start] + "\n" + article[end:]
    return sum(pair in rest for pair in pairs) / len(pairs)

"""Keyword edges: where a cut keyword begins and ends, once something around there is known to be injected.

The detectors find an injection but not always its edges. Farms compose keywords (日本 + 伦理片, 斗地主 + 赢钱,
草榴 + 社区), and a detector often finds one part: the lexicon knows 伦理片 but not 日本伦理片, the look model finds
赢钱 but 斗地主 looks like nothing it knows. And a cut found by the look model or the language-model scans often
takes a word of the article along (做爱图片|药物, 亚洲色情 with the Latin words around it), since a rare word
next to an injection breaks the sentence too.

With an injection known to stand there, the question is only which split of the stretch around it into article
and keyword is likeliest: the article read by the language model with the keyword taken out, times the keyword
read alone by the same model (a keyword is a phrase in itself: 斗地主赢钱 reads as one, 做爱图片药物 does not).
Both readings cover the same stretch, so their scores compare directly, and no per-token cost is needed: a
genuine word moved into the keyword costs its probability in the sentence less its probability inside the
keyword. The cut a detector made is kept unless another split beats it: by ``edge_cut`` where the split cuts
more (a wider cut must be sure), by ``edge_trim_margin`` where it only cuts less. Lexicon phrases are never
trimmed (they are exact), and a cut widens only over Han characters written against it (a space or a change of
script is where a keyword ends; a run of Latin letters or digits is one token to the model, which cannot weigh
it as a part of a word).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from cunzhen.engine.spam.types import SpamSpan

if TYPE_CHECKING:
    from cunzhen.engine.spam.breaks import _TokenPage

# Reasons whose spans are refined: the lexicon's (a known part of a longer keyword; widened only) and the
# detectors' (an edge off by a few characters). Not the strings a memory learned or the page repeats: those are
# exact strings found in several places.
_REFINED = frozenset({"lexicon", "look+lm", "lm_break", "lm_clause", "lm_apart"})


class EdgeDetector:
    """SpamDetector's edge refinement (needs the break scan's token page, ``lm`` and ``config``)."""

    def refined_spans(
        self, text: str, spans: list[SpamSpan], template_lines: Sequence[tuple[int, int]] = ()
    ) -> list[SpamSpan]:
        """``spans`` with the edges of each refined (see the module's docstring); the others unchanged."""
        cfg = self.config
        if cfg.edge_reach <= 0 or not spans:
            return spans
        page = self._token_page(text)
        if not page.tokens:
            return spans
        blocked = page.blocked(self._spun_spans(text), template_lines)
        taken = page.blocked(spans, ())
        out: list[SpamSpan] = []
        for span in spans:
            refined = self._refined(page, span, blocked, taken) if span.reason in _REFINED else None
            out.append(span if refined is None else refined)
        return out

    def _refined(self, page: _TokenPage, span: SpamSpan, blocked: np.ndarray, taken: np.ndarray) -> SpamSpan | None:
        """The better split around ``span``, or None to keep it."""
        cfg = self.config
        tokens = page.tokens
        a, b = int(page.token_of[span.start]), int(page.token_of[span.end])
        if b <= a or a >= len(tokens) or page.line_of[a] != page.line_of[b - 1]:
            return None
        line_start, line_end = page.line_bounds(a)
        lo = a
        while lo > max(line_start, a - cfg.edge_reach) and self._joined(page, blocked, taken, lo - 1, lo):
            lo -= 1
        hi = b
        while hi < min(line_end, b + cfg.edge_reach) and self._joined(page, blocked, taken, hi, hi - 1):
            hi += 1
        trim = 0 if span.reason == "lexicon" else cfg.edge_trim
        if lo == a and hi == b and (trim == 0 or b - a <= cfg.min_tokens):
            return None
        k = cfg.context
        left = tokens[max(line_start, lo - k) : lo]
        right = tokens[hi : min(line_end, hi + k)]

        def split(x: int, y: int) -> float:
            """log P(the stretch's article without tokens[x:y]) + log P(tokens[x:y] read alone)."""
            return self.lm.score(left + tokens[lo:x] + tokens[y:hi] + right) + self.lm.score(tokens[x:y])

        kept = split(a, b)
        # Each edge is placed with the other where the detector put it, then both moved edges are tried together:
        # two one-sided searches instead of every pair (a farm page carries a score of cuts, each refined).
        scores = {(x, b): split(x, b) for x in range(lo, min(a + trim, b - cfg.min_tokens) + 1) if x != a}
        scores.update({(a, y): split(a, y) for y in range(max(b - trim, a + cfg.min_tokens), hi + 1) if y != b})
        x = max((s, c[0]) for c, s in scores.items() if c[1] == b)[1] if any(c[1] == b for c in scores) else a
        y = max((s, c[1]) for c, s in scores.items() if c[0] == a)[1] if any(c[0] == a for c in scores) else b
        if x != a and y != b and y - x >= cfg.min_tokens:
            scores[x, y] = split(x, y)
        best: tuple[float, int, int] | None = None
        for (x, y), score in scores.items():
            bar = cfg.edge_cut if x < a or y > b else cfg.edge_trim_margin
            if score - kept >= bar and (best is None or score - kept - bar > best[0]):
                best = (score - kept - bar, x, y)
        if best is None:
            return None
        _, x, y = best
        start, end = page.char_start(x), page.char_end(y - 1)
        reason = "edge" if x < a or y > b else span.reason
        return SpamSpan(start, end, span.kind, reason, span.score)

    @staticmethod
    def _joined(page: _TokenPage, blocked: np.ndarray, taken: np.ndarray, index: int, neighbour: int) -> bool:
        """May token ``index`` join the cut at ``neighbour``? A Han character, free, with nothing between them."""
        token = page.tokens[index]
        if not (token.isalnum() and not token.isascii()) or blocked[index] or taken[index]:
            return False
        first, second = min(index, neighbour), max(index, neighbour)
        return page.char_start(second) == page.char_end(first)

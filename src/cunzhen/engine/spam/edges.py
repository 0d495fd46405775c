"""Keyword edges: a cut that holds only part of its keyword is widened over the rest of it.

Farms compose keywords (日本 + 伦理片, 斗地主 + 赢钱, 草榴 + 社区), and a detector often finds one part: the lexicon
knows 伦理片 but not 日本伦理片, the look model finds 赢钱 but 斗地主 looks like nothing it knows. What is left
beside the cut still breaks the sentence, and more surely than a string found from nothing, since the cut is
known to be injected: the question is only where the keyword ends. So the page is read with the cut taken out,
and the tokens next to it (up to ``edge_reach`` on each side, letters, digits and Han, no punctuation) go with
it if the reading without them too is more fluent by more than ``edge_token_cost`` per token than the reading
with them: the break scan's test, asked of a string beside a known injection, with a bar (``edge_cut``) lower
than that of a string alone. Genuine words beside a keyword (材料 of 新闻材料美女直播) fit the sentence the cut
leaves and stay.
"""

from __future__ import annotations

from collections.abc import Sequence

from cunzhen.engine.spam.types import SpamSpan

# Reasons whose spans are widened: the lexicon's (a known part of a longer keyword) and the detectors' (an edge
# off by a few characters). Not the strings a memory learned or echoed: they are exact already.
_WIDENED = frozenset({"lexicon", "look+lm", "lm_break", "lm_clause", "lm_apart"})


class EdgeDetector:
    """SpamDetector's edge widening (needs the break scan's token page, ``lm``, ``look`` and ``config``)."""

    def edge_spans(
        self, text: str, spans: list[SpamSpan], template_lines: Sequence[tuple[int, int]] = ()
    ) -> list[SpamSpan]:
        """Spans that widen ``spans`` over the rest of their keywords (the widened part with the cut it joins)."""
        cfg = self.config
        if cfg.edge_reach <= 0:
            return []
        page = self._token_page(text)
        tokens = page.tokens
        if not tokens:
            return []
        blocked = page.blocked(self._spun_spans(text), template_lines)
        taken = page.blocked(spans, ())
        k = cfg.context
        found: list[SpamSpan] = []
        for span in spans:
            if span.reason not in _WIDENED:
                continue
            a, b = int(page.token_of[span.start]), int(page.token_of[span.end])
            if b <= a or a >= len(tokens) or page.line_of[a] != page.line_of[b - 1]:
                continue
            line_start, line_end = page.line_bounds(a)
            # How far each side may reach: word tokens only, none blocked or already cut.
            lo = a
            while lo > max(line_start, a - cfg.edge_reach) and self._joined(page, blocked, taken, lo - 1, lo):
                lo -= 1
            hi = b
            while hi < min(line_end, b + cfg.edge_reach) and self._joined(page, blocked, taken, hi, hi - 1):
                hi += 1
            if lo == a and hi == b:
                continue
            core = tokens[a:b]
            alone = self.lm.score(core)
            best: tuple[float, int, int] | None = None
            for x in range(lo, a + 1):
                left = tokens[max(line_start, x - k) : x]
                for y in range(b, hi + 1):
                    if x == a and y == b:
                        continue
                    right = tokens[y : min(line_end, y + k)]
                    # With the cut gone: the reading without the added tokens against the reading with them...
                    gain = self.lm.score(left + right) - self.lm.score(left + tokens[x:a] + tokens[b:y] + right)
                    # ... against how likely they are as part of the keyword (the keyword read alone, with them
                    # and without): a rare word beside the cut (篮桥监狱 of 提篮桥监狱) is as unlikely there.
                    fits = self.lm.score(tokens[x:y]) - alone
                    score = gain + fits
                    if score >= cfg.edge_cut and (best is None or score > best[0]):
                        best = (score, x, y)
            if best is not None:
                score, x, y = best
                found.append(SpamSpan(page.char_start(x), page.char_end(y - 1), span.kind, "edge", round(score, 2)))
        return found

    @staticmethod
    def _joined(page, blocked, taken, index: int, neighbour: int) -> bool:
        """May token ``index`` join the cut at ``neighbour``? A Han character, free, with nothing between them:
        a space or a change of script is where a keyword ends (Latin letters and digits are one token each run,
        so the model cannot weigh them as parts of a word)."""
        token = page.tokens[index]
        if not (token.isalnum() and not token.isascii()) or blocked[index] or taken[index]:
            return False
        first, second = min(index, neighbour), max(index, neighbour)
        return page.char_start(second) == page.char_end(first)

"""Detector 3, set-apart segments: keyword lines and keywords before a title, read alone by the language model."""

from __future__ import annotations

import re
from collections.abc import Sequence

from cunzhen.engine.spam.types import SpamSpan, _masked, _reuse_share
from cunzhen.engine.tokenize import char_tokens
from cunzhen.engine.types import line_ranges


class ApartDetector:
    """SpamDetector's set-apart scan."""

    # -- set-apart segments: keyword lines, keywords before a title --------------------------------------

    def apart_spans(
        self, text: str, known: list[SpamSpan], template_lines: Sequence[tuple[int, int]] = ()
    ) -> list[SpamSpan]:
        """Short segments at a line's edge, set apart by spaces, that read as unlikely alone."""
        cfg = self.config
        skip = set(template_lines)
        article = _masked(text, [(k.start, k.end) for k in known] + list(template_lines))
        known = known + self._spun_spans(text)
        segments = []  # (start, end, surprisal before the reuse penalty)
        for start, end in line_ranges(text):
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
                segments.append((a, b, surprisal))
        # Keywords share bigrams with each other (视频 of 91视频 and 麻豆视频): segments that read as keywords
        # before the penalty are masked too, so that only the article's own words count as reuse.
        article = _masked(article, [(a, b) for a, b, surprisal in segments if surprisal >= cfg.apart_surprisal])
        found = []
        for a, b, surprisal in segments:
            surprisal -= cfg.apart_reuse_penalty * _reuse_share(article, a, b, text[a:b])
            if surprisal >= cfg.apart_surprisal:
                found.append(SpamSpan(a, b, "unknown", "lm_apart", round(surprisal, 2)))
        return found


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

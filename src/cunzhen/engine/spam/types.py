"""What the spam detectors share: the span they report, their thresholds, and text helpers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpamSpan:
    """``text[start:end]`` was injected. ``reason`` names the detector; ``score`` its evidence (log10 units)."""

    start: int
    end: int
    kind: str
    reason: str
    score: float = 0.0


@dataclass(frozen=True)
class SpamFindings:
    spans: list[SpamSpan]
    # Look-model candidates the LM found to fit their sentence: spammy words used genuinely. Many of them per
    # page means the page itself is porn or gambling text rather than an article with injections.
    uncut_candidates: int
    # Did the language-model scans run (the page showed evidence of injection)?
    scanned: bool = False


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
    # A candidate is cut when look + sentence-break evidence reaches this. 5.5 (was 5) since the keyword edges and
    # the wider break scan find what it let go: tune, 200 pages, page by page, two seeds, a clause-end bar of 4
    # then: unknown keywords 82.8 / 82.0% -> 82.8 / 82.2%, farm article loss 0.526 / 0.573% -> 0.526 / 0.570%,
    # clean pages kept +2 each (a look threshold of 3 as well gained 0.3 pp but cut a word of a clean real page).
    cut_threshold: float = 5.5
    # Weight of the look ratio in that sum (the LM's gain counts with weight 1).
    look_weight: float = 0.5
    # Added to a candidate set apart by spaces or line edges on both sides.
    apart_bonus: float = 2.0
    # Echo only strings at least this long: short ones (两字) may occur genuinely elsewhere on the page.
    echo_min_chars: int = 3
    # Candidate boundaries are refined by moving each edge up to this many tokens.
    edge_slack: int = 2
    # Of the cuts around a look candidate scoring within this of the best, the one cutting the fewest
    # genuine-looking tokens is taken (the best alone often takes a rare article word next to the keyword).
    # Tune, 200 pages: 0.0 -> 2.0 article chars lost on farm pages 0.494% -> 0.474%, unknown recall the same.
    edge_margin: float = 2.0
    # An edge then moves out to a boundary at most this many tokens away (punctuation, space, line edge,
    # Latin/digit next to Han) if the wider cut scores at least cut_threshold - snap_tolerance.
    snap_reach: int = 3
    snap_tolerance: float = 3.0
    # Break scan: a window of 2..break_max_tokens tokens is a candidate when its surprisal (−log10 P) exceeds
    # break_token_cost per token by break_min_excess.
    break_token_cost: float = 2.0
    # 5.0: at 3.0 keywords of common words (美女直播, 3.1 beyond cost) open a region too (tune recall of unknown
    # keywords +0.8 pp), but the scan then runs on more pages: `cunzhen clean` 45 -> 41 pages/s on bench_scale's
    # pages, one process, which the speed target (50) cannot spare for that.
    break_min_excess: float = 5.0
    # A window's positive look ratio, times this, counts toward break_min_excess: a keyword of common words that
    # looks like the known ones (激情视频, 1.1 beyond cost, look 3.3) opens a region too. Tune, 200 pages, page by
    # page, seeds 11 / 23: weight 1 / 2: unknown keywords 81.6 / 81.9% and 81.0 / 81.6%, farm article loss 0.514 /
    # 0.519% and 0.557 / 0.565%; LM calls on a farm page +0.5% against 0. At 2 the scan cuts article words of real
    # pages (俱樂部 of spun/037, tech4gamers of spun/009); at 1 no cut of a real page changes.
    break_region_look_weight: float = 1.0
    break_max_tokens: int = 8
    # Windows of a region scored exactly with the LM (those with the most surprisal beyond cost). Tune, 200
    # pages, page by page: 8 / 16 / 24 windows: unknown keywords 77.1 / 77.8 / 77.9%, farm article loss 0.533 /
    # 0.531 / 0.531%; but with 24 the batch memory finds 娱乐 (of X娱乐) in four places and cuts it on 9 of 200
    # clean pages, and a farm page costs ~25% more. 16 since the alone term below (with it, at a bar of 6: 81.6%,
    # loss 0.531%) and the bound that leaves most windows unscored; the memory keeps 8 (memory_judged_windows).
    break_judged_windows: int = 16
    # A candidate is cut when break_look_weight * look + LM gain (+ apart_bonus) + the alone term below −
    # break_reuse_penalty * (share of its character bigrams found elsewhere on the page) reaches break_cut.
    break_look_weight: float = 1.0
    # Weight of a negative look (the string looks like no known keyword, as unknown keywords often do).
    break_unlike_weight: float = 1.0
    break_reuse_penalty: float = 3.0
    # 6 with the alone term (8 without it). Tune, 200 pages, page by page, 8 windows: alone weight 0 / 0.8 at a bar
    # of 8 / 5.5: unknown keywords 79.5 / 81.1%, farm article loss 0.522 / 0.533%; weight 0.8, bar 7.5 / 6.5: 79.7 /
    # 80.5%, loss 0.518 / 0.527% (without it, a bar of 7 cut the example page's 黄文灏). At a break_min_excess of 3
    # (16 windows, bar 6): 82.8%, loss 0.534%, but LM calls on a farm page +23% and pages/s -5%.
    break_cut: float = 6.0
    # The bar of a two-token candidate: the bar before the alone term (8). A two-character word of the page reads
    # well alone and breaks its sentence as a keyword does (开元, a hotel's name in its reviews, after a look cut
    # of 不像开元 opened the scans on a clean page); two-character keywords are few (6 of the lexicon's 320).
    break_pair_cut: float = 8.0
    # Added to a break candidate's score: break_alone_weight * (log10 P(window read alone) + break_alone_cost per
    # token). Injected keywords are phrases (−2.7 per token alone, the median of bench_clean's tune pages); the
    # genuine strings that break sentences as much are rare words, names and word fragments (−5 per token).
    break_alone_weight: float = 0.8
    break_alone_cost: float = 3.0
    # Clause-end scan (clause.py): windows ending at a clause mark or a line end, judged as the break scan judges,
    # with this cost per cut token and this threshold (far fewer candidates than the break scan's), of at least
    # clause_min_tokens tokens. Tune, 100 pages, page by page: bar 4 / 5 / 6: unknown keywords 80.4 / 78.8 / 76.0%,
    # farm article loss 0.509 / 0.474 / 0.470% (64.3%, 0.398% without the scan); min 3 tokens instead of 2:
    # 78.1% against 78.6%, loss 0.468% against 0.466%, and no rare two-character name cut (the example page's 金冠).
    # With the keyword edges (edges.py) trimming the look cuts: tune, 200 pages, seed 11, page by page: bar 5 / 4.5 /
    # 4 / 3.5: unknown keywords 77.7 / 78.6 / 79.5 / 80.8%, farm article loss 0.508 / 0.514 / 0.522 / 0.539%. Yet 5
    # still: a bar below 4.7 cuts 著機臂 of a real page (spun/029, 一手摇著机臂 once its pinyin is out), which the
    # benchmark's pages cannot show (the real-page gate does not check a polluted page's article).
    clause_token_cost: float = 1.5
    clause_cut: float = 5.0
    clause_min_tokens: int = 3
    # What each place of a string recurring on one page must score (recur.py): the clause-end bar it was checked
    # with on clean documents of all twelve sources (clause_cut's value; kept apart from it while it was tried lower).
    recur_min_score: float = 5.0
    # Batch memory: candidates scoring at least memory_min_score count; a string found in memory_min_places
    # different places (its neighbouring characters) is learned.
    memory_min_score: float = 3.0
    memory_min_places: int = 2
    memory_unlike_weight: float = 0.0
    memory_min_excess: float = 3.0
    # Windows of a region the memory scores exactly: fewer than a cut's (break_judged_windows), since with more the
    # memory finds fragments shared by many keywords (娱乐 of X娱乐) in enough places to learn them, and cuts them on
    # clean pages (tune, 200 pages, batch: 16 windows: 娱乐 learned, 155 of 200 clean pages kept, 161 with 8).
    memory_judged_windows: int = 8
    # A segment set apart by line edges or spaces at a line's start or end (a keyword line, a keyword before
    # the title) of 2..apart_max_chars characters without punctuation is cut if its mean surprisal per token,
    # read alone, plus apart_look_weight * its mean look ratio if positive, minus apart_reuse_penalty * (share
    # of its bigrams found elsewhere on the page) reaches apart_surprisal. Headings read more fluently than
    # keywords and share words with the article below them. 2.0 (was 2.2) since the look cuts' bar went up: a
    # keyword line of common words (枪支出售, 2.19 per token) is cut; tune, 200 pages, two seeds: unknown keywords
    # +0.4 pp each, farm article loss +0.00 pp; no cut changed on a real page.
    apart_max_chars: int = 10
    apart_surprisal: float = 2.0
    apart_look_weight: float = 0.5
    apart_reuse_penalty: float = 4.0
    # Keyword edges (edges.py): a cut's edges move by up to edge_reach Han characters out (widening) and
    # edge_trim tokens in (trimming) to the likeliest split of the stretch into article and keyword, if that
    # beats the cut made by edge_cut (wider) or edge_trim_margin (narrower only). Tune, 200 pages, page by page:
    # trim margin 2 / 4: unknown keywords 76.6 / 77.7%, farm article loss 0.481 / 0.508% (a keyword's own common
    # characters are often likelier in the sentence: trimming takes them); widening at edge_cut 3 / 2 / 1.5 (reach
    # 4): 81.6 / 82.2 / 82.5%, loss 0.531 / 0.533 / 0.542%; at 2 with a reach of 3: 82.1%, 0.531%.
    edge_reach: int = 3
    edge_trim: int = 2
    edge_cut: float = 2.0
    edge_trim_margin: float = 4.0

    def weighted_look(self, look: float, unlike_weight: float | None = None) -> float:
        """A cut window's summed look ratio as the break and clause-end scans add it to the LM gain: weighted by
        ``break_look_weight`` where it looks like spam, by ``break_unlike_weight`` (or ``unlike_weight``) where it
        looks like clean text."""
        unlike = self.break_unlike_weight if unlike_weight is None else unlike_weight
        return look * (self.break_look_weight if look > 0 else unlike)


_SPACE = frozenset(" \t\n\r\u3000\xa0")


def _masked(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` with the ranges blanked out (same length): the page's article as far as it is known."""
    if not ranges:
        return text
    chars = list(text)
    for start, end in ranges:
        chars[start:end] = "\x00" * (end - start)
    return "".join(chars)


def _reuse_share(text: str, start: int, end: int, span: str | None = None) -> float:
    """Share of the span's character bigrams that occur elsewhere on the page (genuine rare words recur).

    ``text`` has known spam and template lines masked: keywords share bigrams with each other (视频, 娱乐), and
    that is no sign that the span is the page's topic. ``span``: the span's own text, where ``text`` has it
    masked too (default ``text[start:end]``)."""
    span = text[start:end] if span is None else span
    pairs = [span[i : i + 2] for i in range(len(span) - 1) if not span[i : i + 2].isspace()]
    if not pairs:
        return 0.0
    rest = (text[:start] + "\n" + text[end:]).replace(span, "\x00")  # the same string again proves nothing
    return sum(pair in rest for pair in pairs) / len(pairs)


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

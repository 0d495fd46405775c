"""Learn an unknown spinner's table from a batch of its pages.

A spinner leaves fingerprints across its pages: forms that clean Chinese rarely uses (东谈主, 年夜, 汗青)
recur again and again, and where the spinner wrote a real word, the context still wants the original (市集
where 市场 fits). The miner turns those fingerprints into a reviewable ``SpinTable``:

1. **Candidate forms.** Every run of 1-4 Chinese characters is counted over the batch (in numpy, so this
   costs about as much as reading the text). A form is a candidate when it recurs (``min_count``,
   ``min_docs``) and its batch frequency is far above what the language model expects of it: its
   *surprise* ``log10(count / batch chars) - log10 P_LM(form)`` clears ``min_surprise``.
2. **Candidate originals.** What a form stood for is used in the same places: the miner indexes which forms
   sit between the same neighbouring characters across the batch (unspun occurrences of the original and
   clean pages supply them) and keeps the forms sharing the most contexts with the candidate. Forms the
   language model finds very unlikely also try the model's most common characters, so a page with a
   character family (东说念主 for 人) needs no batch-wide statistics to find its original.
3. **The language model decides.** In sampled contexts of the form, each candidate original replaces it and
   the gain ``log10 P(left + original + right) - log10 P(left + form + right)`` is measured. A form is kept
   when an original wins a clear majority of its contexts; every original that wins a fair share is listed,
   so 期间 can stand for 时间 and 技术.
4. **Spun documents against the others.** When the batch mixes spun and clean documents, the entries of steps
   1-3 judge the documents: an entry whose documents hold many *other* entries is a spinner's (its forms keep
   company), one found where nothing else is (a genuine word, a boilerplate line) is not; a document is spun
   when such entries add up (``_spun_documents``). The contrast then decides a second round: a form must be
   ``min_lift`` times likelier in spun documents than in the others (this kills genuine words and boilerplate,
   and makes fluent spun words such as 好多 and 期间 candidates), occur in varied contexts, and its original
   must be a form the spun documents hold far less often (``max_depression``: the spinner removed it); the
   forms with the largest shortfall are tried as originals too (系包 for 人 shares nothing with 人). With the
   contrast the model's gain needs only to be small but consistent.
5. **Fluency in clean text** (no contrast: a single page, or a batch that is all one kind). An entry whose
   original the model would also choose in documents showing no other entry is dropped.

The result uses the project's table format (``engine.table``) with count, documents, confidence and
example contexts, so a person can review it and tables can be merged and shipped.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.table import SpinEntry, SpinTable
from cunzhen.engine.tokenize import char_tokens

__all__ = ["MineConfig", "MineReport", "Miner", "mine_page", "PAGE_CONFIG"]

# Chinese characters the miner counts: the CJK unified ideographs of the basic plane and extension A. Keeping
# to the basic plane lets a form of up to four characters pack into one 64-bit key (16 bits a character).
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_MAX_LEN = 4
# Contexts are one character on each side; non-basic-plane neighbours all read as this code.
_OTHER = 0xFFFF
# An entry adds to a document's spin evidence as far as its documents are this much richer in other entries.
_MIN_ENRICHMENT = 1.3
# How many of the language model's most probable characters ``Miner.common_chars`` lists.
COMMON_CHARS = 3000


@dataclass(frozen=True)
class MineConfig:
    """Thresholds of the miner; log10 units of the language model where a gain or surprise is meant.

    Calibrated as a set on the *tune* split with ``bench/bench_mine.py --split tune``; re-run it after
    changing the model or any value here.
    """

    # A form must occur this often, in this many documents, to be considered.
    min_count: int = 5
    min_docs: int = 2
    # Longest spun form considered, in characters (at most 4).
    max_len: int = 4
    # Mean in-context cost (-log10 P per token, over the form and the token after it) a form needs to be a
    # candidate; fluent text costs about 1.3 under the bundled model, spun forms 2-4.
    min_cost: float = 1.8
    # Single characters are judged on fewer tokens, so they need a clearer signal.
    min_cost_char: float = 2.6
    # A form is not examined when a form one character longer that contains it occurs at least this share
    # as often: 东谈 and 谈主 only ever occur inside 东谈主.
    closure: float = 0.8
    # Most surprising forms examined per batch, so huge batches stay bounded.
    max_candidates: int = 4000
    # Contexts sampled per form, and candidate originals tried in each. A form is first tried in
    # ``probe_contexts`` of them and dropped there unless one original wins two.
    contexts_per_form: int = 10
    probe_contexts: int = 4
    options_per_form: int = 12
    # Originals must occur this often in the batch; the most frequent ``words_per_character`` forms sharing
    # a character at the same place are also tried.
    min_option_count: int = 3
    words_per_character: int = 8
    # Forms of 2+ characters at least this costly are character-family suspects (东说念主 for 人).
    family_cost: float = 3.0
    # If set, family suspects also try the LM's most common characters: for a single page, where the batch
    # cannot supply originals by their shared contexts.
    family_chars: int = 0
    # An original wins a context when it beats the form by this much.
    min_gain: float = 1.0
    # A shorter text is always more probable: each token an original has fewer than the form costs it
    # this much (about the model's mean cost of a token of fluent text), each token more earns it back.
    length_cost: float = 1.3
    # Share of sampled contexts some original must win, and the fewest won contexts, to keep a form.
    min_confidence: float = 0.7
    min_wins: int = 3
    # An original is listed if it wins at least this share of the form's won contexts.
    min_option_share: float = 0.3
    # Clean-text check (``_clean_text_check``): it runs when at least ``clean_min_share`` of the documents
    # hold no entry; an entry is suspect when at least ``clean_min_seen`` of its documents hold no other
    # entry and their share of its documents is at least ``clean_lift`` times the batch's clean share; a
    # suspect is dropped if its original wins more than ``clean_max_win_share`` of ``clean_examined``
    # occurrences there.
    clean_min_share: float = 0.2
    clean_min_seen: int = 3
    clean_lift: float = 0.6
    clean_examined: int = 12
    clean_max_win_share: float = 0.34
    # Contrast between the documents judged spun and the others (``_spun_documents``), used when the batch
    # holds both: a form is kept only if it is ``min_lift`` times likelier in spun documents, and an original
    # only if spun documents hold it at most ``max_depression`` times as often as the others (the spinner
    # removed it). Forms that clear ``min_lift`` become candidates too if their cost reaches ``lift_min_cost``
    # (``lift_min_cost_char`` for one character); the ``depressed_options`` forms with the largest shortfall
    # are tried as originals of every candidate.
    min_lift: float = 2.5
    max_depression: float = 0.6
    lift_min_cost: float = 1.5
    lift_min_cost_char: float = 2.6
    depressed_options: int = 60
    # With that contrast a form needs less from the language model: an original wins a context by
    # ``contrast_min_gain`` and must win ``contrast_min_confidence`` of them (好多→很多 is fluent both ways).
    contrast_min_gain: float = 0.3
    contrast_min_confidence: float = 0.6
    # A form must occur between this many different pairs of two-character neighbours: a boilerplate line
    # repeated across pages (投稿请到) has one, a spinner's form is written wherever its original was.
    min_distinct_contexts: int = 3
    # Contexts with more distinct neighbours-forms than this say little about any one form.
    max_forms_per_context: int = 120
    # Context types per candidate used to find originals.
    contexts_for_options: int = 64


# A single page has no batch statistics beyond itself: forms need fewer occurrences but more surprise.
PAGE_CONFIG = MineConfig(min_count=3, min_docs=1, min_cost=3.0, min_cost_char=99.0, min_wins=2, family_chars=400)


@dataclass
class MineReport:
    """What a mining run saw and decided; counters add up across batches."""

    docs: int = 0
    chars: int = 0
    candidates: int = 0
    spun_docs: int = 0  # documents judged spun by the entries they hold (0 when the batch has no contrast)
    accepted: int = 0
    rejected_no_original: int = 0
    rejected_clean_fluency: int = 0
    rejected_redundant: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.docs} docs ({self.spun_docs} judged spun), {self.chars} chars; {self.candidates} candidate forms, "
            f"{self.accepted} entries "
            f"({self.rejected_no_original} without a consistent original, {self.rejected_clean_fluency} would "
            f"change clean text, {self.rejected_redundant} explained by shorter entries)"
        )


@dataclass
class _Batch:
    """The documents as one code-point array, with each document's span."""

    text: str
    codes: np.ndarray  # uint32 code points of ``text``
    cjk: np.ndarray  # bool, a counted Chinese character
    doc_starts: np.ndarray  # int64 offset of each document in ``text``
    doc_ends: np.ndarray
    _bmp_codes: np.ndarray | None = None  # codes with non-basic-plane characters read as _OTHER, on demand
    cost_sums: np.ndarray | None = None  # cumulative in-context LM cost per character, once computed

    @classmethod
    def of(cls, texts: Iterable[str]) -> _Batch:
        docs = [t for t in texts if t]
        starts, ends, cursor = [], [], 0
        for doc in docs:
            starts.append(cursor)
            ends.append(cursor + len(doc))
            cursor += len(doc) + 1
        text = "\n".join(docs)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint32)
        cjk = np.zeros(len(codes), dtype=bool)
        for low, high in _CJK_RANGES:
            cjk |= (codes >= low) & (codes <= high)
        return cls(text, codes, cjk, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))

    def doc_of(self, positions: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.doc_starts, positions, side="right") - 1

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

    def neighbours(self, positions: np.ndarray, n: int) -> np.ndarray:
        """32-bit key of the characters just before and just after each form (document edges read as _OTHER)."""
        if self._bmp_codes is None:
            self._bmp_codes = np.minimum(self.codes, _OTHER).astype(np.uint64)
        codes = self._bmp_codes
        left_pos = positions - 1
        right_pos = positions + n
        left = np.where(left_pos >= 0, codes[np.clip(left_pos, 0, len(codes) - 1)], _OTHER)
        right = np.where(right_pos < len(codes), codes[np.clip(right_pos, 0, len(codes) - 1)], _OTHER)
        return (left.astype(np.uint64) << np.uint64(16)) | right.astype(np.uint64)


class _ContextIndex:
    """Which forms of 1..max_len characters occur between each wanted pair of neighbours, and how often."""

    def __init__(self, batch: _Batch, wanted: np.ndarray, max_len: int, min_count: int):
        contexts, forms, lengths, weights = [], [], [], []
        for n in range(1, max_len + 1):
            positions, keys = batch.gram_keys(n)
            unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
            around = batch.neighbours(positions, n)
            mask = np.isin(around, wanted) & (counts[inverse] >= min_count)
            contexts.append(around[mask])
            forms.append(keys[mask])
            lengths.append(np.full(int(mask.sum()), n, dtype=np.int64))
            weights.append(1.0 / np.sqrt(counts[inverse[mask]] + 20.0))
        pairs = np.stack([np.concatenate(contexts), np.concatenate(forms)], axis=1)
        if len(pairs):
            self.pairs, first, self.counts = np.unique(pairs, axis=0, return_index=True, return_counts=True)
        else:
            self.pairs, first, self.counts = np.zeros((0, 2), dtype=np.uint64), np.zeros(0, dtype=np.int64), []
        self.lengths = np.concatenate(lengths)[first] if len(pairs) else first
        self.weights = np.concatenate(weights)[first] if len(pairs) else np.zeros(0)
        self.contexts = self.pairs[:, 0]

    def forms_in(self, context: int, limit: int) -> list[tuple[str, int, float]]:
        """(form, count in this context, 1/sqrt(form frequency)); empty for contexts with over ``limit`` forms."""
        lo = int(np.searchsorted(self.contexts, np.uint64(context), side="left"))
        hi = int(np.searchsorted(self.contexts, np.uint64(context), side="right"))
        if hi - lo > limit:
            return []
        return [
            (key_to_form(key, n), count, weight)
            for key, n, count, weight in zip(
                self.pairs[lo:hi, 1].tolist(),
                self.lengths[lo:hi].tolist(),
                self.counts[lo:hi].tolist(),
                self.weights[lo:hi].tolist(),
                strict=True,
            )
        ]


def key_to_form(key: int, n: int) -> str:
    return "".join(chr((key >> (16 * (n - 1 - k))) & 0xFFFF) for k in range(n))


def form_to_key(form: str) -> int:
    key = 0
    for char in form:
        key = (key << 16) | ord(char)
    return key


@dataclass
class _Candidate:
    form: str
    key: int
    n: int
    count: int
    docs: int
    cost: float  # mean -log10 P per token of the form and the token after it, in its contexts
    positions: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    options: list[str] = field(default_factory=list)
    originals: list[str] = field(default_factory=list)
    confidence: float = 0.0
    evidence: float = 0.0  # summed gain over the batch, estimated from the sampled contexts


class Miner:
    """Mines spin tables with one language model. Build once, call ``mine`` per batch."""

    def __init__(self, lm: LanguageModel, config: MineConfig | None = None):
        self.lm = lm
        self.config = config or MineConfig()
        self._context = lm.order - 1
        self._common_chars: list[str] | None = None

    # -- public -------------------------------------------------------------------------------------------

    def mine(self, texts: Iterable[str], source: str = "mined") -> tuple[SpinTable, MineReport]:
        """The table learned from ``texts`` (documents), and a report of the run."""
        import time

        started = time.perf_counter()
        batch = _Batch.of(texts)
        report = MineReport(docs=len(batch.doc_starts), chars=int(batch.cjk.sum()))
        candidates = self._candidates(batch)
        kept = self._decide_all(batch, candidates, report)
        spun_docs = _spun_documents(batch, kept)
        if spun_docs is None:
            # No clean documents to compare with (or no spinner at all): the language model alone decides.
            fluent = self._clean_text_check(batch, kept)
            report.rejected_clean_fluency = len(kept) - len(fluent)
        else:
            report.spun_docs = int(spun_docs.sum())
            contrast = _Contrast(batch, spun_docs, self.config.max_len)
            candidates = self._contrast_candidates(batch, candidates, contrast)
            fluent = self._decide_all(batch, candidates, report, contrast)
        report.candidates = len(candidates)
        table = SpinTable()
        for cand in fluent:
            table.add(self._entry(batch, cand, source))
        report.accepted = len(table)
        report.seconds = time.perf_counter() - started
        return table, report

    def _decide_all(
        self, batch: _Batch, candidates: list[_Candidate], report: MineReport, contrast: _Contrast | None = None
    ) -> list[_Candidate]:
        """Candidates with their originals decided, without fragments of longer forms or redundant frames."""
        cfg = self.config
        self._propose_options(batch, candidates, contrast)
        if contrast is None:
            accepted = [c for c in candidates if self._decide(batch, c, cfg.min_gain, cfg.min_confidence)]
        else:
            accepted = [
                c for c in candidates if self._decide(batch, c, cfg.contrast_min_gain, cfg.contrast_min_confidence)
            ]
        report.rejected_no_original = len(candidates) - len(accepted)
        kept = _drop_overlapping(len(batch.codes), _drop_redundant(accepted))
        report.rejected_redundant = len(accepted) - len(kept)
        return kept

    def _contrast_candidates(
        self, batch: _Batch, candidates: list[_Candidate], contrast: _Contrast
    ) -> list[_Candidate]:
        """Costly forms that live in spun documents, and forms far likelier there that are not quite fluent."""
        cfg = self.config
        kept = [c for c in candidates if contrast.lift(c.form) >= cfg.min_lift]
        kept = [c for c in kept if _distinct_contexts(batch, c) >= cfg.min_distinct_contexts]
        seen = {c.form for c in kept} | {c.form for c in candidates}
        allowed = {n: contrast.lifted(n, cfg.min_count, cfg.min_lift) for n in range(1, cfg.max_len + 1)}
        lifted = self._candidates(batch, (cfg.lift_min_cost_char, cfg.lift_min_cost), allowed)
        for cand in kept + lifted:
            cand.options, cand.originals = [], []
        lifted = [c for c in lifted if c.form not in seen]
        lifted = [c for c in lifted if _distinct_contexts(batch, c) >= cfg.min_distinct_contexts]
        return _closed(kept + lifted, cfg.closure)

    # -- 1. candidate forms --------------------------------------------------------------------------------

    def _candidates(
        self, batch: _Batch, floors: tuple[float, float] | None = None, allowed: dict[int, np.ndarray] | None = None
    ) -> list[_Candidate]:
        """Recurring forms whose mean in-context cost reaches ``floors`` (one character, longer), by default
        ``min_cost_char`` and ``min_cost``; with ``allowed``, only forms whose key is listed for their length."""
        cfg = self.config
        char_floor, form_floor = floors or (cfg.min_cost_char, cfg.min_cost)
        if batch.cost_sums is None:
            batch.cost_sums = np.concatenate([[0.0], np.cumsum(self._token_costs(batch))])
        cost_sums = batch.cost_sums
        found: list[_Candidate] = []
        for n in range(1, min(cfg.max_len, _MAX_LEN) + 1):
            positions, keys = batch.gram_keys(n)
            if not len(keys):
                continue
            unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
            # Mean cost of the form and of the token after it (which the form conditions) over its occurrences.
            occurrence_cost = (cost_sums[positions + n + 1] - cost_sums[positions]) / (n + 1)
            mean_cost = np.bincount(inverse, weights=occurrence_cost, minlength=len(unique)) / counts
            floor = char_floor if n == 1 else form_floor
            wanted = (counts >= cfg.min_count) & (mean_cost >= floor)
            if allowed is not None:
                wanted &= np.isin(unique, allowed.get(n, np.zeros(0, dtype=np.uint64)))
            chosen = np.flatnonzero(wanted)
            cands = [
                _Candidate(key_to_form(key, n), key, n, count, 0, cost)
                for key, count, cost in zip(
                    unique[chosen].tolist(), counts[chosen].tolist(), mean_cost[chosen].tolist(), strict=True
                )
            ]
            self._attach_positions(batch, positions, keys, cands)
            found += cands
        found = _closed([c for c in found if c.docs >= cfg.min_docs], cfg.closure)
        found.sort(key=lambda c: -c.cost * math.log2(1 + c.count))
        return found[: cfg.max_candidates]

    def _token_costs(self, batch: _Batch) -> np.ndarray:
        """-log10 P of every character in its left context (0 for whitespace), one KenLM call per batch.

        Documents are scored as one stream: only the first tokens of a document see the previous one's end.
        """
        tokens, token_of = char_tokens(batch.text)
        scores = _token_scores(self.lm, tokens)
        costs = np.zeros(len(batch.codes) + _MAX_LEN + 2)
        index = np.asarray(token_of[:-1], dtype=np.int64)
        real = np.flatnonzero(index < len(tokens))
        costs[real] = -scores[index[real]]
        return costs

    @staticmethod
    def _attach_positions(batch: _Batch, positions: np.ndarray, keys: np.ndarray, cands: list[_Candidate]) -> None:
        if not cands:
            return
        wanted = np.array([c.key for c in cands], dtype=np.uint64)
        mask = np.isin(keys, wanted)
        hit_keys, hit_pos = keys[mask], positions[mask]
        order = np.argsort(hit_keys, kind="stable")
        hit_keys, hit_pos = hit_keys[order], hit_pos[order]
        for cand in cands:
            lo = np.searchsorted(hit_keys, np.uint64(cand.key), side="left")
            hi = np.searchsorted(hit_keys, np.uint64(cand.key), side="right")
            cand.positions = hit_pos[lo:hi]
            cand.docs = int(len(np.unique(batch.doc_of(cand.positions))))

    # -- 2. candidate originals ----------------------------------------------------------------------------

    def _propose_options(
        self, batch: _Batch, candidates: list[_Candidate], contrast: _Contrast | None = None
    ) -> None:
        """Fill ``options`` of every candidate: the forms most used between the same neighbouring characters.

        Similarity is the dot product of context counts over the contexts the candidate uses, divided by
        the square root of the other form's frequency (a cosine up to the candidate's own norm), so that
        的 and 了, which sit everywhere, do not crowd out the original.
        """
        cfg = self.config
        if not candidates:
            return
        cand_contexts = []
        for cand in candidates:
            contexts, counts = np.unique(batch.neighbours(cand.positions, cand.n), return_counts=True)
            top = np.argsort(-counts, kind="stable")[: cfg.contexts_for_options]
            cand_contexts.append((contexts[top], counts[top]))
        wanted = np.unique(np.concatenate([c for c, _ in cand_contexts]))
        index = _ContextIndex(batch, wanted, max_len=3, min_count=cfg.min_option_count)
        excluded = {c.form for c in candidates if c.cost >= cfg.min_cost}
        words = self._fluent_words(batch, excluded)
        depressed = (
            contrast.depressed(3, cfg.min_option_count, cfg.max_depression, cfg.depressed_options) if contrast else []
        )
        for cand, (contexts, counts) in zip(candidates, cand_contexts, strict=True):
            scores: Counter[str] = Counter()
            for context, count in zip(contexts.tolist(), counts.tolist(), strict=True):
                for form, form_count, weight in index.forms_in(context, cfg.max_forms_per_context):
                    scores[form] += count * form_count * weight
            options = [f for f, _ in scores.most_common(cfg.options_per_form + 2) if f != cand.form]
            options = [f for f in options if f not in excluded][: cfg.options_per_form]
            # Spinners mostly keep a character and the length (暗示 for 表示, 市集 for 市场).
            for position, char in enumerate(cand.form):
                same_char = words.get((cand.n, position, char), ())
                options.extend(w for w in same_char if w not in options and w != cand.form)
            if cfg.family_chars and cand.n >= 2 and cand.cost >= cfg.family_cost:
                family = self.common_chars()[: cfg.family_chars]
                options.extend(c for c in family if c not in options and c != cand.form)
            if contrast is not None:
                # What the spinner removed is where an original may come from, even one sharing nothing
                # with the form, not even contexts the batch has enough of (系包 for 人, 遴荐 for 选择);
                # and only such forms can be originals.
                options.extend(o for o in depressed if o not in options and o != cand.form)
                options = [o for o in options if _removed(contrast, o, cfg.max_depression)]
            if cand.n == 1:
                options = [o for o in options if len(o) == 1]  # a character stands for a character
            cand.options = options

    def _fluent_words(self, batch: _Batch, excluded: set[str]) -> dict[tuple[int, int, str], list[str]]:
        """Frequent 2-3 character forms of the batch by (length, position, character), most frequent first."""
        cfg = self.config
        words: dict[tuple[int, int, str], list[str]] = {}
        for n in (2, 3):
            _, keys = batch.gram_keys(n)
            unique, counts = np.unique(keys, return_counts=True)
            frequent = np.flatnonzero(counts >= cfg.min_option_count)
            for i in frequent[np.argsort(-counts[frequent], kind="stable")].tolist():
                form = key_to_form(int(unique[i]), n)
                if form in excluded:
                    continue
                for position, char in enumerate(form):
                    bucket = words.setdefault((n, position, char), [])
                    if len(bucket) < cfg.words_per_character:
                        bucket.append(form)
        return words

    def common_chars(self) -> list[str]:
        """The language model's most probable Chinese characters (its unigram view), most common first."""
        if self._common_chars is None:
            scored = [(self.lm.score([chr(c)]), chr(c)) for c in range(0x4E00, 0xA000)]
            scored.sort(reverse=True)
            self._common_chars = [char for _, char in scored[:COMMON_CHARS]]
        return self._common_chars

    # -- 3. the language model decides ---------------------------------------------------------------------

    def _contexts(self, batch: _Batch, positions: np.ndarray, n: int, limit: int) -> list[tuple[list[str], list[str]]]:
        """Left and right LM tokens of up to ``limit`` occurrences spread over the batch, within their document."""
        if len(positions) > limit:
            positions = positions[np.linspace(0, len(positions) - 1, limit).astype(np.int64)]
        k = self._context
        out = []
        docs = batch.doc_of(positions)
        for pos, start, end in zip(
            positions.tolist(), batch.doc_starts[docs].tolist(), batch.doc_ends[docs].tolist(), strict=True
        ):
            left = char_tokens(batch.text[max(start, pos - 3 * k) : pos])[0][-k:]
            right = char_tokens(batch.text[pos + n : min(end, pos + n + 3 * k)])[0][:k]
            out.append((left, right))
        return out

    def _gains(self, contexts, form: str, options: list[str]) -> np.ndarray:
        """gains[i, j]: log10 gain of option j over ``form`` in context i, corrected for length."""
        score = self.lm.score
        form_tokens = list(form)
        length_bonus = np.array([self.config.length_cost * (len(o) - len(form)) for o in options])
        gains = np.empty((len(contexts), len(options)))
        for i, (left, right) in enumerate(contexts):
            base = score(left + form_tokens + right)
            for j, option in enumerate(options):
                gains[i, j] = score(left + list(option) + right) - base
        return gains + length_bonus

    def _decide(self, batch: _Batch, cand: _Candidate, min_gain: float, min_confidence: float) -> bool:
        """Choose the candidate's originals from its sampled contexts; False if none wins consistently."""
        cfg = self.config
        if not cand.options:
            return False
        positions = cand.positions
        if len(positions) > cfg.contexts_per_form:
            positions = positions[np.linspace(0, len(positions) - 1, cfg.contexts_per_form).astype(np.int64)]
        # Probe contexts spread over the batch first; the rest only for forms that pass the probe.
        stride = max(1, len(positions) // cfg.probe_contexts)
        probe_order = np.argsort(np.arange(len(positions)) % stride, kind="stable")
        positions = positions[probe_order]
        probe = self._contexts(batch, positions[: cfg.probe_contexts], cand.n, cfg.probe_contexts)
        gains = self._gains(probe, cand.form, cand.options)
        probe_wins = Counter(gains.argmax(axis=1)[gains.max(axis=1) >= min_gain].tolist())
        if not probe_wins or probe_wins.most_common(1)[0][1] < min(2, len(probe)):
            return False
        rest = self._contexts(batch, positions[cfg.probe_contexts :], cand.n, cfg.contexts_per_form)
        contexts = probe + rest
        if rest:
            # Only options that won a probe context, or came close, are worth the remaining contexts.
            promising = np.flatnonzero((gains >= min_gain).sum(axis=0) >= 1)
            cand.options = [cand.options[j] for j in promising.tolist()]
            gains = np.vstack([gains[:, promising], self._gains(rest, cand.form, cand.options)])
        best = gains.argmax(axis=1)
        best_gain = gains.max(axis=1)
        won = best_gain >= min_gain
        wins = Counter(best[won].tolist())
        if not wins:
            return False
        # A spinner writes a form for one original (rarely a few): the winners must agree, not merely all
        # beat a form the model finds absurd everywhere.
        needed = max(min(cfg.min_wins, len(contexts)), cfg.min_option_share * len(contexts))
        primary, primary_wins = wins.most_common(1)[0]
        listed = [primary] if primary_wins >= needed else []
        # A further original (期间: 时间 and 技术) must clearly beat the first in as many contexts as a form
        # needs in all, not merely edge it out where both fit.
        margin_over_primary = gains - gains[:, [primary]]
        for j, w in wins.most_common()[1:]:
            clear = int(((best == j) & won & (margin_over_primary[:, j] >= min_gain)).sum())
            if listed and w >= needed and clear >= cfg.min_wins:
                listed.append(j)
        cand.confidence = sum(wins[j] for j in listed) / len(contexts)
        cand.evidence = float(best_gain[won].sum()) / len(contexts) * cand.count
        if not listed or cand.confidence < min_confidence:
            return False
        cand.originals = [cand.options[j] for j in listed]
        return bool(cand.originals)

    # -- 4. fluency in clean text --------------------------------------------------------------------------

    def _clean_text_check(self, batch: _Batch, cands: list[_Candidate]) -> list[_Candidate]:
        """Drop entries that look like genuine words the model merely dislikes (宾馆 where it prefers 酒店).

        A spun form lives in spun documents, next to the spinner's other forms; a genuine word turns up as
        often in documents where no entry occurs at all. When the batch has such clean-looking documents, an
        entry found there about as often as documents in general are clean-looking, whose original the
        model would also choose there, would change clean text: it is dropped.
        """
        cfg = self.config
        if not cands:
            return cands
        forms_in_doc: dict[int, set[str]] = {}
        docs_of: dict[str, np.ndarray] = {}
        for cand in cands:
            docs = batch.doc_of(cand.positions)
            docs_of[cand.form] = docs
            for doc in np.unique(docs).tolist():
                forms_in_doc.setdefault(doc, set()).add(cand.form)
        n_docs = len(batch.doc_starts)
        clean_share = 1 - len(forms_in_doc) / n_docs if n_docs else 0.0
        if clean_share < cfg.clean_min_share:
            return cands  # (nearly) every document shows spinning: there is no clean text to compare with
        kept = []
        for cand in cands:
            docs = docs_of[cand.form]
            unique_docs = np.unique(docs).tolist()
            alone_docs = {d for d in unique_docs if forms_in_doc[d] == {cand.form}}
            alone_share = len(alone_docs) / len(unique_docs)
            # Forms as costly as a character family (东谈主) are no word of clean text: only real words
            # can be genuine, and documents holding just one junk form are usually spun too.
            suspect = cand.cost < cfg.family_cost and alone_share >= cfg.clean_lift * clean_share
            if len(alone_docs) < cfg.clean_min_seen or not suspect:
                kept.append(cand)
                continue
            alone = np.isin(docs, list(alone_docs))
            contexts = self._contexts(batch, cand.positions[alone], cand.n, cfg.clean_examined)
            gains = self._gains(contexts, cand.form, cand.originals).max(axis=1)
            if float((gains >= cfg.min_gain).mean()) <= cfg.clean_max_win_share:
                kept.append(cand)
        return kept

    # -- output --------------------------------------------------------------------------------------------

    def _entry(self, batch: _Batch, cand: _Candidate, source: str) -> SpinEntry:
        examples = []
        for pos in cand.positions[np.linspace(0, len(cand.positions) - 1, 3).astype(np.int64)].tolist():
            snippet = batch.text[max(0, pos - 8) : pos + cand.n + 8].replace("\n", " ")
            if snippet not in examples:
                examples.append(snippet)
        return SpinEntry(
            cand.form, list(cand.originals), cand.count, cand.docs, round(cand.confidence, 3), source, examples
        )


def _drop_redundant(cands: list[_Candidate]) -> list[_Candidate]:
    """Drop a longer form whose every original is a shorter entry's original in the same frame.

    东谈主员→人员 adds nothing when 东谈主→人 is kept; 锻真金不怕火→锻炼 stays if 真金不怕火 has no entry.
    """
    by_length = sorted(cands, key=lambda c: c.n)
    kept: list[_Candidate] = []
    for cand in by_length:
        if not any(_explains(short, cand) for short in kept if short.n < cand.n):
            kept.append(cand)
    return kept


def _token_scores(lm: LanguageModel, tokens: list[str]) -> np.ndarray:
    """log10 P of each token given the ones before it (KenLM full_scores, sentence start at the first)."""
    return np.asarray(lm.token_scores(tokens, bos=True), dtype=float)


def _closed(cands: list[_Candidate], closure: float) -> list[_Candidate]:
    """Candidates not swallowed by a one-character-longer candidate that occurs nearly as often."""
    count_of = {c.form: c.count for c in cands}
    longer_count: dict[str, int] = {}
    for form, count in count_of.items():
        for part in (form[1:], form[:-1]):
            if part:
                longer_count[part] = max(longer_count.get(part, 0), count)
    return [c for c in cands if longer_count.get(c.form, 0) < closure * c.count]


def _drop_overlapping(size: int, cands: list[_Candidate], max_share: float = 0.5) -> list[_Candidate]:
    """Of forms that occur at the same places (东谈主, 东谈, 谈主), keep the one with the most evidence.

    Fragments of a spun form also look spun and also find some original; taking forms by decreasing summed
    gain and dropping any whose occurrences are mostly covered already leaves the form the spinner wrote.
    """
    covered = np.zeros(size + _MAX_LEN, dtype=bool)
    kept = []
    for cand in sorted(cands, key=lambda c: -c.evidence):
        spans = cand.positions[:, None] + np.arange(cand.n)[None, :]
        overlapping = covered[spans].any(axis=1).mean() if len(spans) else 1.0
        if overlapping > max_share:
            continue
        covered[spans] = True
        kept.append(cand)
    return kept


def _explains(short: _Candidate, long: _Candidate) -> bool:
    start = long.form.find(short.form)
    if start < 0:
        return False
    prefix, suffix = long.form[:start], long.form[start + short.n :]
    expected = {prefix + o + suffix for o in short.originals}
    return all(o in expected for o in long.originals)


class _Contrast:
    """How often every form occurs in the documents judged spun and in the others (per ``_Batch`` n-gram key)."""

    def __init__(self, batch: _Batch, spun_docs: np.ndarray, max_len: int):
        in_spun = spun_docs[batch.doc_of(np.arange(len(batch.codes)))]
        self.spun_chars = max(int((batch.cjk & in_spun).sum()), 1)
        self.clean_chars = max(int((batch.cjk & ~in_spun).sum()), 1)
        self._by_len: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for n in range(1, max_len + 1):
            positions, keys = batch.gram_keys(n)
            unique, inverse = np.unique(keys, return_inverse=True)
            spun = np.bincount(inverse, weights=in_spun[positions], minlength=len(unique))
            total = np.bincount(inverse, minlength=len(unique)).astype(float)
            self._by_len[n] = (unique, spun, total - spun)

    def counts(self, form: str) -> tuple[float, float]:
        """(occurrences in spun documents, in the others) of ``form``."""
        unique, spun, clean = self._by_len.get(len(form), (None, None, None))
        if unique is None or not len(unique):
            return 0.0, 0.0
        key = np.uint64(form_to_key(form))
        i = int(np.searchsorted(unique, key))
        if i >= len(unique) or unique[i] != key:
            return 0.0, 0.0
        return float(spun[i]), float(clean[i])

    def lift(self, form: str) -> float:
        """Rate in spun documents over rate in the others (one clean occurrence added, so it stays finite)."""
        spun, clean = self.counts(form)
        return (spun / self.spun_chars) / ((clean + 1.0) / self.clean_chars)

    def depression(self, form: str) -> float | None:
        """Rate in spun documents over rate in the others; None when the others hold it too rarely to tell."""
        spun, clean = self.counts(form)
        if clean < 2:
            return None
        return (spun / self.spun_chars) / (clean / self.clean_chars)

    def lifted(self, n: int, min_spun: int, min_lift: float) -> np.ndarray:
        """Keys of n-character forms seen ``min_spun`` times in spun documents and ``min_lift`` times likelier there."""
        unique, spun, clean = self._by_len[n]
        lift = (spun / self.spun_chars) / ((clean + 1.0) / self.clean_chars)
        return unique[(spun >= min_spun) & (lift >= min_lift)]

    def depressed(self, max_len: int, min_clean: int, max_ratio: float, limit: int) -> list[str]:
        """Forms the spun documents hold far less often than the others, the largest shortfall first.

        A spinner's originals are what it removed: they are rare in its pages and common in clean ones.
        """
        found: list[tuple[float, str]] = []
        for n in range(1, max_len + 1):
            unique, spun, clean = self._by_len[n]
            ratio = (spun / self.spun_chars) / np.maximum(clean, 1e-9) * self.clean_chars
            shortfall = clean / self.clean_chars - spun / self.spun_chars
            chosen = np.flatnonzero((clean >= min_clean) & (ratio <= max_ratio))
            found += [
                (float(shortfall[i]), key_to_form(int(unique[i]), n)) for i in chosen.tolist()
            ]
        found.sort(reverse=True)
        listed: list[str] = []
        for _, form in found:
            # 人民 and 人员 are short of 人 because 人 is: only forms not made of a listed one say something new.
            if not any(part in form for part in listed):
                listed.append(form)
                if len(listed) == limit:
                    break
        return listed


def _spun_documents(batch: _Batch, cands: list[_Candidate], rounds: int = 4, min_share: float = 0.1):
    """Which documents the spinner wrote, judged by the entries they hold; None if the batch has no contrast.

    Each entry is weighted by how much richer in *other* entries its documents are than the rest of the batch
    (a spinner's forms keep company with each other; a genuine word or a boilerplate line turns up in clean
    and spun documents alike). A document is spun when its weighted entries sum to at least one.
    """
    n_docs = len(batch.doc_starts)
    if not cands or n_docs < 10:
        return None
    docs_of = [np.unique(batch.doc_of(c.positions)) for c in cands]
    weights = np.ones(len(cands))
    for _ in range(rounds):
        score = np.zeros(n_docs)
        for w, docs in zip(weights, docs_of, strict=True):
            score[docs] += w
        total = score.sum()
        for i, docs in enumerate(docs_of):
            inside = score[docs].sum() - weights[i] * len(docs)
            mean_in = inside / len(docs)
            mean_out = (total - score[docs].sum()) / max(n_docs - len(docs), 1)
            enrichment = mean_in / max(mean_out, 1e-9)
            weights[i] = min(max(enrichment - _MIN_ENRICHMENT, 0.0), 1.0)
    score = np.zeros(n_docs)
    for w, docs in zip(weights, docs_of, strict=True):
        score[docs] += w
    spun = score >= 1.0
    if min(spun.mean(), 1 - spun.mean()) < min_share:
        return None
    return spun


def _distinct_contexts(batch: _Batch, cand: _Candidate) -> int:
    """Number of different (two characters before, two after) around the candidate's occurrences."""
    codes = batch.codes.astype(np.uint64)
    size = len(codes)
    key = np.zeros(len(cand.positions), dtype=np.uint64)
    for offset in (-2, -1, cand.n, cand.n + 1):
        at = np.clip(cand.positions + offset, 0, size - 1)
        key = key * np.uint64(0x110001) + codes[at]
    return int(len(np.unique(key)))


def _removed(contrast: _Contrast, form: str, max_depression: float) -> bool:
    """Whether spun documents hold ``form`` rarely enough, next to the others, to be an original the spinner took."""
    depression = contrast.depression(form)
    return depression is not None and depression <= max_depression


def mine_page(text: str, lm: LanguageModel, config: MineConfig = PAGE_CONFIG) -> SpinTable:
    """A table learned from one page alone: the character families (东说念主→人) a single page reveals.

    Meant for the Restorer's single-page path: merge it with the known tables before restoring that page.
    """
    table, _ = Miner(lm, config).mine([text], source="page")
    return table

"""Stage 1, candidates: every form of 1-4 CJK characters of a batch, counted, against its expected count.

Expected count = the batch's Chinese characters × the form's reference rate (``reference.py``), or, when the
batch has documents judged clean, their own rate smoothed towards the reference (``prior_chars`` characters
of weight): clean pages of the same crawl are the best reference there is, the artifact the prior.
*Excess* forms (observed ≥ ``min_excess`` × expected at the highest genre's rate) are spun-form candidates;
every reference form expected often enough is an original candidate (``originals``), for the channel to judge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cunzhen.engine.decipher.reference import Reference
from cunzhen.engine.mine import _Batch, form_to_key, keys_to_forms


@dataclass
class Form:
    """A form of the batch with its observed and expected counts."""

    text: str
    count: int  # occurrences in the documents mined
    docs: int
    expected: float  # at the reference's mean rate
    expected_max: float  # at the highest genre's rate
    positions: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)

    @property
    def n(self) -> int:
        return len(self.text)

    @property
    def excess(self) -> float:
        """Occurrences beyond what clean text would hold: the most the spinner can have written."""
        return max(self.count - self.expected, 0.0)

    @property
    def surplus_z(self) -> float:
        """The count's Poisson z over its expected count (at the reference's median rate)."""
        return (self.count - self.expected) / float(np.sqrt(self.expected + 1.0))

    @property
    def spun_share(self) -> float:
        """Prior share of the form's occurrences that are spun (the rest are its genuine uses)."""
        return float(np.clip(self.excess / max(self.count, 1), 0.02, 0.98))


class Counts:
    """The batch's grams (documents in ``mask``), their counts and expectations."""

    def __init__(
        self,
        batch: _Batch,
        mask: np.ndarray,
        ref: Reference,
        max_len: int = 4,
        clean: np.ndarray | None = None,
        prior_chars: float = 200_000.0,
    ):
        self.batch = batch
        self.ref = ref
        self.mask = mask
        self.max_len = max_len
        doc_chars = batch.doc_chars()
        self.docs = int(mask.sum())
        self.chars = float(doc_chars[mask].sum())
        self.clean_chars = float(doc_chars[clean].sum()) if clean is not None else 0.0
        self.prior_chars = prior_chars
        doc_at = batch.doc_of(np.arange(len(batch.codes)))
        self._by_len: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]] = {}
        self._gram_keys: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._originals: tuple[list[str], np.ndarray, np.ndarray, np.ndarray] | None = None
        self._original_rows: dict[str, int] | None = None
        self._spread: float | None = None
        self.edges = np.zeros((0, 2), dtype=np.int64)  # ``originals``' first and last characters in ``Reference.pmi``
        for n in range(1, max_len + 1):
            positions, keys = self._keys(n)
            docs = doc_at[positions]
            inside = mask[docs]
            unique, inverse, counts = np.unique(keys[inside], return_inverse=True, return_counts=True)
            pairs = np.unique(inverse.astype(np.int64) * batch.n_docs + docs[inside])
            doc_counts = np.bincount(pairs // batch.n_docs, minlength=len(unique))
            clean_counts = None
            if clean is not None and clean.any():
                in_clean = clean[docs]
                where = np.searchsorted(unique, keys[in_clean])
                found = (where < len(unique)) & (unique[np.minimum(where, len(unique) - 1)] == keys[in_clean])
                clean_counts = np.bincount(where[found], minlength=len(unique))
            self._by_len[n] = (unique, counts, doc_counts, positions[inside], clean_counts)

    # -- lookups -------------------------------------------------------------------------------------------

    def _index(self, text: str) -> int | None:
        n = len(text)
        if n not in self._by_len or any(ord(c) > 0xFFFF for c in text):
            return None
        unique = self._by_len[n][0]
        key = np.uint64(form_to_key(text))
        i = int(np.searchsorted(unique, key))
        return i if i < len(unique) and unique[i] == key else None

    def count(self, text: str) -> int:
        i = self._index(text)
        return 0 if i is None else int(self._by_len[len(text)][1][i])

    def expected(self, text: str, highest: bool = False) -> float:
        """Occurrences clean text would hold in the batch's characters."""
        rate = self.ref.rate_max(text) if highest else self.ref.rate(text)
        i = self._index(text)
        clean_counts = self._by_len[len(text)][4] if len(text) in self._by_len else None
        if clean_counts is not None and self.clean_chars:
            own = float(clean_counts[i]) if i is not None else 0.0
            rate = (own + self.prior_chars * rate) / (self.clean_chars + self.prior_chars)
        return self.chars * rate

    def form(self, text: str) -> Form:
        i = self._index(text)
        count, docs = (0, 0) if i is None else (int(self._by_len[len(text)][1][i]), int(self._by_len[len(text)][2][i]))
        return Form(text, count, docs, self.expected(text), self.expected(text, highest=True))

    def positions(self, form: Form) -> np.ndarray:
        """Start offsets of the form's occurrences in the batch (documents mined only)."""
        all_positions, all_keys = self._keys(form.n)
        found = all_positions[all_keys == np.uint64(form_to_key(form.text))]
        return found[self.mask[self.batch.doc_of(found)]] if len(found) else found

    def _keys(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        cached = self._gram_keys.get(n)
        if cached is None:
            cached = self._gram_keys[n] = self.batch.gram_keys(n)
        return cached

    # -- candidates ------------------------------------------------------------------------------------------

    def frequent_forms(self, min_count: int, min_docs: int, lengths: tuple[int, ...] | None = None) -> list[Form]:
        """Forms (of ``lengths`` characters, default every length counted) seen ``min_count`` times in
        ``min_docs`` documents, with their expected counts."""
        found: list[Form] = []
        for n, (unique, counts, doc_counts, _, _) in self._by_len.items():
            if lengths is not None and n not in lengths:
                continue
            index = np.flatnonzero((counts >= min_count) & (doc_counts >= min_docs))
            if not len(index):
                continue
            for i, text in zip(index.tolist(), keys_to_forms(unique[index], n), strict=True):
                found.append(
                    Form(text, int(counts[i]), int(doc_counts[i]), self.expected(text), self.expected(text, True))
                )
        return found

    def excess_forms(self, min_count: int, min_docs: int, min_excess: float, min_z: float) -> list[Form]:
        """Forms at least ``min_excess`` times as frequent as the most any genre writes them, Poisson z ≥
        ``min_z``, seen ``min_count`` times in ``min_docs`` documents."""
        found = self.frequent_forms(min_count, min_docs)
        return [
            f
            for f in found
            if f.count >= min_excess * f.expected_max
            and (f.count - f.expected_max) / np.sqrt(f.expected_max + 1.0) >= min_z
        ]

    def originals(self, max_len: int, min_expected: float) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """The reference forms of up to ``max_len`` characters expected ``min_expected`` times or more, as
        arrays: (texts, lengths, expected counts, observed counts in the documents mined), computed once."""
        if self._originals is None:
            floor = 0.5 * min_expected / max(self.chars, 1.0)
            all_texts, all_lengths, all_rates, all_highs, all_keys, all_edges = self.ref.short_forms()
            pick = np.flatnonzero((all_lengths <= max_len) & (all_highs >= floor))
            lengths, rates, keys = all_lengths[pick], all_rates[pick], all_keys[pick]
            observed = np.zeros(len(pick), dtype=np.int64)
            clean = np.zeros(len(pick))
            for n in range(1, max_len + 1):
                rows = np.flatnonzero(lengths == n)
                if not len(rows) or n not in self._by_len:
                    continue
                unique, counts, _, _, clean_counts = self._by_len[n]
                if not len(unique):
                    continue
                where = np.minimum(np.searchsorted(unique, keys[rows]), len(unique) - 1)
                hit = unique[where] == keys[rows]
                observed[rows[hit]] = counts[where[hit]]
                if clean_counts is not None:
                    clean[rows[hit]] = clean_counts[where[hit]]
            if self.clean_chars:  # as ``expected``: the crawl's clean rate, smoothed towards the reference
                rates = (clean + self.prior_chars * rates) / (self.clean_chars + self.prior_chars)
            expected = self.chars * rates
            keep = np.flatnonzero(expected >= min_expected)
            texts = [all_texts[i] for i in pick[keep].tolist()]
            lengths, expected, observed = lengths[keep], expected[keep], observed[keep]
            self.edges = all_edges[pick[keep]]
            self._originals = (texts, lengths, expected, observed)
        return self._originals

    def spread(self, floor: float, min_expected: float = 20.0, low: float = 0.3, high: float = 1.56) -> float:
        """How far this batch's genre moves a word's rate from the reference: the robust standard deviation
        (1.4826 × the median absolute value) of log(observed / expected) over the reference forms expected at
        least ``min_expected`` times (Poisson noise then adds at most 0.22), within [``low``, ``high``]. A spinner
        moves a few dozen of the thousands of words counted, so the median speaks for the genre. ``high`` is the
        reference's own spread between genres: one genre's rate is within 13× of the reference's for 90% of its
        forms seen 200 times or more (``DecipherConfig.max_genre_ratio``), ln 13 / 1.645 = 1.56."""
        if self._spread is None:
            _, _, expected, observed = self.originals(3, floor)  # ``floor``: as every caller asks (cached)
            common = expected >= min_expected
            logs = np.log((observed[common] + 0.5) / expected[common])
            found = 1.4826 * float(np.median(np.abs(logs))) if len(logs) >= 50 else high
            self._spread = float(np.clip(found, low, high))
        return self._spread

    def original_rows(self) -> dict[str, int]:
        """Row of each reference form in ``originals``."""
        if self._original_rows is None:
            assert self._originals is not None
            self._original_rows = {t: i for i, t in enumerate(self._originals[0])}
        return self._original_rows

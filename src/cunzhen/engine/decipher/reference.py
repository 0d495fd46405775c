"""Reference frequencies of clean Chinese: how often a form should occur in a batch that nobody spun.

A spinner moves frequency from each original to its spun form. With clean pages in the batch their counts
tell what to expect; a farm site's pages are all spun, so the expectation has to come from elsewhere: the
shipped artifact ``data/reference_freq.tsv.gz`` (``make reference``, built by tools/build_reference.py from the
train split of the four in-domain sources: per-source counts of every CJK character and of the frequent 2- and
3-character runs). ``rate`` is the median of the four sources' rates (each genre weighs the same, so news does not
decide alone what "clean" looks like, and a word only one genre uses is not "common") and
``rate_max`` the highest of them: a form is in *excess* only
beyond what every clean genre writes, and an original in *deficit* against the mean.

Forms the artifact does not hold get a Markov estimate from their parts (r(abc) = r(ab) r(bc) / r(b)),
capped at the rate of the rarest form kept of their length: absence means "rarer than that".
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import numpy as np

from cunzhen.resources import DATA_DIR, verified

REFERENCE_FREQ = DATA_DIR / "reference_freq.tsv.gz"
# Characters in the neighbour-fit matrix (``Reference.pmi``): the commonest cover ~99% of running text.
PMI_CHARS = 3000


class Reference:
    """Per-source rates of the forms of the artifact, and estimates for those it lacks."""

    def __init__(self, path: Path = REFERENCE_FREQ):
        self.path = path
        self.sources: list[str] = []
        totals: list[int] = []
        forms: list[str] = []
        rows: list[list[int]] = []
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                if line.startswith("# chars\t"):
                    for cell in line.rstrip("\n").split("\t")[1:]:
                        name, total = cell.split("=")
                        self.sources.append(name)
                        totals.append(int(total))
                    continue
                if line.startswith("#"):
                    continue
                cells = line.rstrip("\n").split("\t")
                forms.append(cells[0])
                rows.append([int(c) for c in cells[1:]])
        self.totals = np.array(totals, dtype=float)
        rates = np.array(rows, dtype=float) / self.totals[None, :]
        # The median of the sources: a form is "common" when the genres commonly write it, not when one of
        # them does (床 and 楼 are hotel-review words), nor rare because one genre never writes it (laws do
        # not say 今天 or 我们).
        mean = np.median(np.maximum(rates, 0.5 / self.totals[None, :]), axis=1)  # half an occurrence at least
        high = rates.max(axis=1)
        self._rates: dict[str, tuple[float, float]] = dict(zip(forms, zip(mean.tolist(), high.tolist())))
        # The rarest rate kept per length: what "not in the artifact" bounds a form's rate by.
        self._floor: dict[int, float] = {}
        for form, (m, _) in self._rates.items():
            n = len(form)
            self._floor[n] = min(self._floor.get(n, 1.0), m)
        self._floor[1] = min(self._floor.get(1, 1.0), 0.5 / float(self.totals.sum()))
        self.forms = forms  # most frequent first within each length
        self._pmi: tuple[dict[str, int], np.ndarray] | None = None
        self._short: tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def __contains__(self, form: str) -> bool:
        return form in self._rates

    def known(self, form: str) -> bool:
        return form in self._rates

    def rate(self, form: str) -> float:
        """Median per-character rate of ``form`` over the sources (an estimate if the artifact lacks it)."""
        found = self._rates.get(form)
        return found[0] if found else self._estimate(form, False)

    def rate_max(self, form: str) -> float:
        """The highest source's rate of ``form``: the most any clean genre writes it."""
        found = self._rates.get(form)
        return found[1] if found else self._estimate(form, True)

    def _estimate(self, form: str, high: bool) -> float:
        """A form the artifact lacks: of 1-3 characters, rarer than the rarest kept (a Markov estimate from its
        parts, capped there); of 4, the Markov estimate r(abc) r(bcd) / r(bc), which no count bounds."""
        n = len(form)
        if n <= 1:
            return self._floor[1]
        rate = self.rate_max if high else self.rate
        if n == 2:
            markov = rate(form[0]) * rate(form[1])
        else:
            middle = rate(form[1:-1])
            markov = rate(form[:-1]) * rate(form[1:]) / middle if middle > 0 else 0.0
        return markov if n > 3 else min(markov, self._floor.get(n, self._floor[1]))

    def short_forms(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The forms of 1-3 characters as arrays, computed once: (texts, lengths, rates, highest rates, 16-bit
        packed keys, index of the first and last characters in ``pmi``'s matrix as two columns, -1 if not)."""
        if self._short is None:
            texts = [f for f in self.forms if len(f) <= 3]
            lengths = np.array([len(f) for f in texts], dtype=np.int64)
            rates = np.array([self._rates[f][0] for f in texts])
            highs = np.array([self._rates[f][1] for f in texts])
            keys = np.zeros(len(texts), dtype=np.uint64)
            for f_index, f in enumerate(texts):
                key = 0
                for char in f:
                    key = (key << 16) | (ord(char) & 0xFFFF)
                keys[f_index] = key
            index, _ = self.pmi()
            edges = np.array([[index.get(f[0], -1), index.get(f[-1], -1)] for f in texts], dtype=np.int64)
            self._short = (texts, lengths, rates, highs, keys, edges)
        return self._short

    def pmi(self) -> tuple[dict[str, int], np.ndarray]:
        """(index of the ``PMI_CHARS`` commonest characters, their pointwise mutual information matrix):
        log r(ab) / (r(a) r(b)) for the 2-grams the artifact holds, and for those it lacks the same with
        the rarest kept 2-gram's rate, at most 0 (a pair of common characters never seen together is a poor
        fit, a pair of rare ones tells nothing)."""
        if self._pmi is None:
            chars = [f for f in self.forms if len(f) == 1][:PMI_CHARS]
            index = {c: i for i, c in enumerate(chars)}
            single = np.array([self.rate(c) for c in chars])
            floor = self._floor.get(2, self._floor[1])
            matrix = np.minimum(np.log(floor / np.outer(single, single)), 0.0).astype(np.float32)
            for form, (mean, _) in self._rates.items():
                if len(form) == 2 and form[0] in index and form[1] in index:
                    a, b = index[form[0]], index[form[1]]
                    matrix[a, b] = np.log(mean / (single[a] * single[b]))
            self._pmi = (index, matrix)
        return self._pmi


@cache
def reference() -> Reference:
    """The shipped reference (checksum verified), loaded once per process."""
    return Reference(verified(REFERENCE_FREQ))

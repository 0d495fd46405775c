"""Stage 2, channel: how likely the batch is with a spun form read as an original, under the language model.

The spinner is a substitution channel: each occurrence of an original ``o`` is written as the spun form ``s``
with the engine's rate, and ``s`` also has genuine uses. At an occurrence of ``s`` in context ``x`` the
batch's likelihood under "s stands for o" against "s is genuine" is

    L(x) = (1 - π) + π · P(o | x) / P(s | x)

where π, the prior share of the form's occurrences that are spun, is its excess over the reference
(``Form.spun_share``: 东说念主 ~0.98, a real word the engine also writes, such as 本年, less). log10 L is the
per-occurrence log-likelihood ratio: it rewards an original that makes the text more probable where the
form is spun, and costs at most log10(1 - π) where the form is genuine, so a real word keeps its real uses.
Its mean over the form's contexts (``llr``) is the evidence for the pair, one figure in log10 units; the
share of contexts where ``o`` is both the best option and more likely spun than genuine (``wins``) is the
entry's confidence. The language model's ratio P(o|x)/P(s|x) is the gain of the 4+4-character window
(``_ContextScorer``), so originals of any length compare on one scale. For a form that is a real word
(a swap candidate, ``swaps.py``) the ratio is read with the model's own prior odds r(o) / r(s) taken out
(``Decipherer._context_gains``): π already holds how often the form is spun, and the model's genres would
otherwise speak for o wherever it stands.

The key's total adds, per option, the restored batch's counts (``count_llr``): the original's count with the
form's excess given back against its count as it stands, both under a Poisson-lognormal at the reference's
expected count and the batch's own spread (``Counts.spread``). An original in deficit is filled; a common word
(a null) gains nothing from more occurrences.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import lgamma, log

import numpy as np

from cunzhen.engine.decipher.counts import Form


@dataclass
class Verdict:
    """An option's evidence as the original of a form, over the contexts read."""

    original: str
    llr: float  # mean log10 likelihood ratio per occurrence
    wins: float  # share of contexts where it is the best option and the posterior favours "spun"
    gain: float  # mean language-model gain (log10) over the contexts
    contexts: int
    lead: float = 0.0  # per occurrence, the key's log-likelihood over the best other option's (nulls included)
    total: float = 0.0  # the key's log10 likelihood ratio over the form's occurrences, survival term included

    def describe(self) -> str:
        return (
            f"{self.original}: llr {self.llr:.2f}, wins {self.wins:.2f}, gain {self.gain:.2f}, lead {self.lead:.2f} "
            f"({self.contexts} ctx)"
        )


def survival_llr(kept: float, spun: float, rate: float) -> float:
    """log10 of how likely an engine that rewrites ``rate`` of an original's occurrences leaves ``kept`` of
    them beside the ``spun`` it rewrote, relative to the likeliest split (binomial, ≤ 0): a form read as an
    original the batch still holds in abundance, or not at all beside hundreds of spun forms, is a worse fit."""
    total = kept + spun
    if total <= 0:
        return 0.0
    q = 1.0 - rate

    def log_pmf(k: float) -> float:
        return lgamma(total + 1) - lgamma(k + 1) - lgamma(total - k + 1) + k * log(q) + (total - k) * log(1 - q)

    mode = min(max(round(q * (total + 1) - 0.5), 0), total)
    return (log_pmf(kept) - log_pmf(mode)) / log(10.0)


# Gauss-Hermite nodes for the Poisson-lognormal's integral over the genre's log-rate shift: 24 nodes hold the
# log-probabilities of counts up to a few hundred to within 0.01 log10 at the spreads batches show (0.5-1.5).
_NODES, _WEIGHTS = np.polynomial.hermite.hermgauss(24)


def count_log10(count: float, expected: float, spread: float) -> float:
    """log10 P(count) of a form expected ``expected`` times in clean text, when the batch's genre moves its rate by
    a factor exp(N(0, spread)) (Poisson-lognormal): a word's count in a genre it is rare in is unusual, not
    impossible."""
    rates = np.maximum(expected, 1e-9) * np.exp(np.sqrt(2.0) * spread * _NODES)
    log_pmf = count * np.log(rates) - rates - lgamma(count + 1.0)
    top = float(log_pmf.max())
    return (top + log(float(np.sum(_WEIGHTS * np.exp(log_pmf - top))) / np.sqrt(np.pi))) / log(10.0)


def count_llr(kept: float, restored: float, expected: float, spread: float) -> float:
    """log10 of how much more probable an original's count is with ``restored`` occurrences given back than as
    the batch holds it (``kept``), against its expected count: the deficit an entry fills is its evidence, an
    original already at its expected count gains nothing from more."""
    if restored <= 0:
        return 0.0
    return count_log10(kept + restored, expected, spread) - count_log10(kept, expected, spread)


def verdicts(form: Form, options: list[str], gains: np.ndarray) -> list[Verdict]:
    """Each option's verdict from ``gains[i, j]`` (log10 P with option j in context i minus with the form)."""
    if not len(gains) or not options:
        return []
    prior = form.spun_share
    # log10((1 - π) + π · 10^g), computed stably for large gains.
    g = gains * np.log(10.0)
    llr = np.logaddexp(np.log1p(-prior), np.log(prior) + g) / np.log(10.0)
    best = gains.argmax(axis=1)
    spun_more_likely = llr > np.log10(2.0 * (1.0 - prior))  # posterior of "spun" above one half
    out = []
    for j, original in enumerate(options):
        wins = float(np.mean((best == j) & spun_more_likely[:, j]))
        out.append(Verdict(original, float(llr[:, j].mean()), wins, float(gains[:, j].mean()), len(gains)))
    out.sort(key=lambda v: -v.llr)
    return out

"""Stage 1b, candidates for real-word swaps: forms nominated by an original in deficit.

A spinner that swaps a common word for another common word (可以→能够, 消息 for 信息) moves ~0.9 of the
original's occurrences onto a form that clean Chinese writes too, so the form is rarely ``min_excess`` times
what the most generous genre writes (能够 stays within a genre's spread): the excess forms of ``counts.py`` miss
it. The original's side shows it instead: a word the batch should hold ``E`` times stands ``c ≤ max_survival ×
E`` times (an engine at rate 0.9 leaves 0.1). Each such original nominates the forms related to it (its
thesaurus synonyms and the same-length words sharing one of its characters in place: ``Decipherer._related``)
that the batch holds in excess of their own expected count: the pair's two counts moved against each other.
The nominated pairs are then judged as any other by the channel and the key's evidence (``decode.py``):
contexts read by the language model, the same gate.
"""

from __future__ import annotations

from collections.abc import Callable, Container

import numpy as np

from cunzhen.engine.decipher.counts import Counts, Form


def swap_candidates(
    counts: Counts,
    related: Callable[[str, Container[str]], list[str]],
    synonyms: Callable[[str], Container[str]],
    skip: set[str],
    min_count: int,
    min_docs: int,
    max_survival: float,
    min_ratio: float,
    min_expected: float,
    min_z: float,
    per_original: int,
    max_excess: float,
) -> dict[str, tuple[Form, list[str]]]:
    """Form → (its ``Form``, the originals in deficit that nominated it), for forms not in ``skip`` (the round's
    excess forms, judged already). An original of 2-3 characters is in deficit when the batch holds at most
    ``max_survival`` of its expected count (expected ≥ ``min_expected``); it nominates the forms ``related``
    to it (``Decipherer._related``) that are among the batch's surplus forms (``surplus_forms``): its
    ``synonyms`` (the thesaurus') wherever they stand, the words sharing one of its characters only beyond
    the most any genre writes them; and, when its deficit is beyond chance (z ≥ ``min_z``), the
    ``per_original`` largest surpluses of its length beyond every genre, whatever their relation.

    The genres' bound is what keeps a genre's own words out (十五→十八, below); a thesaurus pair is its own
    evidence of a swap a genre does not make. On the real tables' engines (tune split) the bound left 依据
    (17 times, 1.9 expected, 18.4 in laws) unread beside 根据 (0 of 14), and 体现's site repaired 0.239;
    without it for synonyms 0.267, 厥后's 0.501 → 0.508, with no wrong entry more."""
    texts, lengths, expected, observed = counts.originals(3, min_expected)
    surplus = {
        text: form for text, form in surplus_forms(counts, min_count, min_docs, min_ratio).items() if text not in skip
    }
    beyond_genres = {text for text, form in surplus.items() if form.count > form.expected_max}
    found: dict[str, tuple[Form, list[str]]] = {}
    deficit = np.flatnonzero((lengths >= 2) & (observed <= max_survival * expected))
    # The deepest deficits first: an original's nominations are listed in that order, so its options are too.
    for i in deficit[np.argsort(observed[deficit] / expected[deficit], kind="stable")].tolist():
        original = texts[i]
        near = synonyms(original)
        for text in related(original, beyond_genres):
            if text == original or not (text in beyond_genres or text in near and text in surplus):
                continue
            if text in found:
                found[text][1].append(original)
            else:
                found[text] = (surplus[text], [original])
    # Unrelated pairs: an original missing beyond chance (deficit z ≥ ``min_z``) also nominates the largest
    # surpluses of its length (``per_original`` of them), related or not: a spinner's commonest swaps are often
    # between words no thesaurus groups (可以→能够: 12 of 205 expected beside 100 of 11). On the real tables'
    # engines (tune split, farm sites alone) 体现's site repaired 0.267 → 0.507 and 厥后's 0.508 → 0.554.
    z = _deficit_z(expected, observed)
    largest: dict[int, list[str]] = {}
    # Real words only: a form the excess forms' bar would take (``max_excess`` × the most generous genre) is the
    # excess forms' to judge, and one not among them is a piece of a longer one (仅推 of an engine's rendering).
    words = [t for t in beyond_genres if surplus[t].count < max_excess * surplus[t].expected_max]
    for text in sorted(words, key=lambda t: -surplus[t].surplus_z):
        largest.setdefault(len(text), []).append(text)
    for i in deficit[np.argsort(-z[deficit], kind="stable")].tolist():
        if z[i] < min_z:
            break
        original = texts[i]
        for text in largest.get(len(original), [])[:per_original]:
            if text == original:
                continue
            if text not in found:
                found[text] = (surplus[text], [original])
            elif original not in found[text][1]:
                found[text][1].append(original)
    return found


def surplus_forms(counts: Counts, min_count: int, min_docs: int, min_ratio: float) -> dict[str, Form]:
    """The batch's forms of 2-3 characters a swap may have written: seen ``min_count`` times in ``min_docs``
    documents, ``min_ratio`` times their own expected count (at the reference's median rate: the spun
    occurrences are on top of their genuine ones) and ``min_count`` above it. A word sharing a character with
    its original must also stand more often than the most generous genre writes it (``swap_candidates``: a
    number such as 十五, which laws write 67 times where a news site holds 15, is a genre's word, not a swap's
    form). On the tune engines that bound costs recall (422 right pairs without it, 397 with) and saves
    precision: without it every one of the eight engines learned 十五→十八, the 1990s' 十五大 read by a model
    that knows 十八大."""
    return {
        form.text: form
        for form in counts.frequent_forms(min_count, min_docs, lengths=(2, 3))
        if form.count >= min_ratio * form.expected and form.count - form.expected >= min_count
    }


def deficits(counts: Counts, min_expected: float, ceiling: float) -> dict[str, float]:
    """The originals (expected ≥ ``min_expected``) the batch holds at most ``ceiling`` × their expected count, with
    their deficit z ((expected - observed) / sqrt(expected)): the words a spun form may stand for, deepest
    first."""
    texts, _, expected, observed = counts.originals(3, min_expected)
    z = _deficit_z(expected, observed)
    keep = np.flatnonzero(observed <= ceiling * expected)
    return {texts[i]: float(z[i]) for i in keep.tolist()}


def _deficit_z(expected: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Each original's deficit as a Poisson z: (expected - observed) / sqrt(expected)."""
    return (expected - observed) / np.sqrt(np.maximum(expected, 1e-9))

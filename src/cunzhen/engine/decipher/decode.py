"""Stage 3, decoding: the key (spun form → original) that makes the batch most probable, read off in rounds.

Each round counts the batch (``counts.py``), takes the forms in excess, shortest first, and for each puts its
candidate originals before the language model (``channel.py``): the deficits its excess fits, the
same-length forms that share a character in the same place (本年/今年), and its thesaurus synonyms. The
option with the best mean log-likelihood ratio is learned when that ratio and its win share clear the
thresholds; its deficit is then claimed, so two forms cannot both be 人's full deficit. A form holding a form
learned in this round waits for the next: the batch is rewritten with everything learned so far and counted
again, so 东说念主 is read as 东道主 once 说念→道 is known (a chain: 人→东道主 then 道→说念), its contexts are
read with their other spun words undone, and deficits the learned entries refilled are gone.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from cunzhen.engine.decipher.channel import Verdict, verdicts
from cunzhen.engine.decipher.counts import Counts, Form
from cunzhen.engine.decipher.reference import Reference, reference
from cunzhen.engine.decipher.table import Learned, to_table
from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.mine import MineReport, _Batch, _ContextScorer, _rewrite_batch
from cunzhen.engine.table import SpinTable
from cunzhen.engine.thesaurus import Thesaurus


@dataclass(frozen=True)
class DecipherConfig:
    """The decipherer's parameters; each is discussed in the README (*Mining with no clean page*)."""

    max_len: int = 4
    # An entry must be seen this often, in this many documents. A spinner's form recurs across pages; a topical
    # word clusters in a few (weather words 小雨, 转阴; 比分): on the tune split (news-1990s, 100 farm pages,
    # five engines) every wrong entry seen at most 10 times was in at most 4 documents.
    min_count: int = 5
    min_docs: int = 5
    # Excess: observed ≥ min_excess × the most any clean genre writes the form, Poisson z ≥ min_excess_z.
    min_excess: float = 4.0
    min_excess_z: float = 3.0
    # Deficit: expected ≥ min_expected, observed ≤ max_survival × expected (a spinner at rate 0.9 leaves 0.1).
    min_expected: float = 3.0
    max_survival: float = 0.5
    max_forms: int = 400
    # Options per form: deficits whose remaining deficit the form's excess fits within [1/max_capacity,
    # max_capacity] (genres differ from the reference by a factor of a few), nearest first.
    options_per_form: int = 24
    max_capacity: float = 3.0
    related_per_form: int = 6
    contexts: int = 8
    second_contexts: int = 24
    finalists: int = 4
    # Learned when the mean log10 likelihood ratio per occurrence and the win share clear these.
    min_llr: float = 0.3
    min_wins: float = 0.5
    # ... and when the key with the original beats the key with the best other option (the nulls included)
    # by this much in all, log10 over the form's occurrences (its count × the mean lead per occurrence): a
    # pair must explain the batch, not a context or two. Right pairs of the tune split had 8.5 (弗成, 7×1.21)
    # and more; 晓得→希望 2.6, 们期望→希望 3.0, 转阴→平台 0.1.
    min_evidence: float = 5.0
    rounds: int = 3
    # Where the batch has clean documents, their rate of a form is its expected rate, smoothed towards the
    # reference by this many characters: the reference is the prior, the crawl's own clean pages the data.
    prior_chars: float = 200_000.0
    # A crawl's farm pages are told from its clean ones when the clean group's mean seed score (log1p) is at
    # most this share of the farm group's.
    split_contrast: float = 0.3
    # The commonest reference words of an original's length an original must beat (its win share counts
    # contexts where it is the best of the options and of these).
    null_words: int = 8
    context_chars: int = 4


class Decipherer:
    """Learns a spinner's table from its pages alone, against the shipped reference frequencies."""

    def __init__(
        self,
        lm: LanguageModel,
        config: DecipherConfig | None = None,
        thesaurus: Thesaurus | None = None,
        ref: Reference | None = None,
    ):
        self.lm = lm
        self.config = config or DecipherConfig()
        self.thesaurus = thesaurus
        self.ref = ref or reference()
        self._related_index: dict[tuple[int, int, str], list[str]] | None = None
        self._traces: dict[str, list[str]] = {}
        self._nulls: dict[int, list[str]] = {}

    # -- the run ---------------------------------------------------------------------------------------------

    def mine(
        self,
        texts: Iterable[str],
        source: str = "mined",
        explain: Iterable[str] = (),
        mask: np.ndarray | None = None,
    ) -> tuple[SpinTable, MineReport]:
        """The table learned from ``texts``; ``mask``: the documents to mine (default: those judged spun, all of
        them when the batch shows no cleaner group, as a farm site's pages)."""
        started = time.perf_counter()
        cfg = self.config
        batch = _Batch.of(texts)
        if mask is None:
            mask = self._spun_docs(batch)
        clean = ~mask if (~mask).any() else None
        report = MineReport(docs=batch.n_docs, chars=int(batch.cjk.sum()), spun_docs=int(mask.sum()))
        self._traces = {asked: [] for asked in explain}
        learned: list[Learned] = []
        known: dict[str, str] = {}
        original = batch
        for round_ in range(1, cfg.rounds + 1):
            if batch.n_docs == 0:
                break
            counts = Counts(batch, mask, self.ref, cfg.max_len, clean=clean, prior_chars=cfg.prior_chars)
            found = self._round(batch, counts, round_, report)
            if not found:
                break
            learned += found
            known.update({e.spun: e.original for e in found})
            batch = _rewritten(original, known)
        self.learned = learned
        table = to_table(learned, source)
        for asked, lines in self._traces.items():
            spun = _asked_form(asked)
            entry = table.get(spun)
            lines.append(f"table: {spun}→{'|'.join(entry.originals)}" if entry else f"table: no entry for {spun}")
        report.traces = self._traces
        report.accepted = len(table)
        report.seconds = time.perf_counter() - started
        return table, report

    def _spun_docs(self, batch: _Batch) -> np.ndarray:
        """Which documents to mine: in a crawl slice, the farm pages among clean ones; all of them when the
        batch shows no clearly separate group (a farm site alone).

        A spinner's renderings of common words are forms clean Chinese never writes (东说念主, 年夜, 弗成): of
        the batch's excess forms of 2+ characters, those the reference expects less than once in the whole
        batch seed a score per document (occurrences × log10 of the excess, per 100 characters). Farm
        pages hold dozens of them, clean pages a stray name or two; Otsu's two-class threshold on log1p of the
        scores separates them, and the split is kept when the low class scores at most ``split_contrast`` of
        the high one.
        """
        cfg = self.config
        everything = np.ones(batch.n_docs, dtype=bool)
        if batch.n_docs < 10:
            return everything
        counts = Counts(batch, everything, self.ref, cfg.max_len)
        forms = counts.excess_forms(cfg.min_count, cfg.min_docs, cfg.min_excess, cfg.min_excess_z)
        forms = [f for f in forms if f.n >= 2 and f.expected_max < 1.0]
        forms = _closed(forms, counts, cfg.min_count, cfg.min_docs)
        score = np.zeros(batch.n_docs)
        for f in forms:
            weight = min(math.log10(f.count / max(f.expected_max, 1e-3)), 3.0)
            score += weight * np.bincount(batch.doc_of(f.positions), minlength=batch.n_docs)
        score = 100.0 * score / np.maximum(batch.doc_chars(), 1)
        split = _two_class(np.log1p(score), cfg.split_contrast)
        return everything if split is None else split

    def _round(self, batch: _Batch, counts: Counts, round_: int, report: MineReport) -> list[Learned]:
        cfg = self.config
        forms = counts.excess_forms(cfg.min_count, cfg.min_docs, cfg.min_excess, cfg.min_excess_z)
        forms = _closed(forms, counts, cfg.min_count, cfg.min_docs)
        forms.sort(key=lambda f: -(f.count - f.expected_max) / math.sqrt(f.expected_max + 1.0))
        forms = forms[: cfg.max_forms]
        forms.sort(key=lambda f: f.n)  # stable: shortest first, most significant first within a length
        deficits = counts.deficit_forms(3, cfg.min_expected, cfg.max_survival)
        by_text = {d.text: d for d in deficits}
        report.candidates += len(forms)
        report.originals = max(report.originals, len(deficits))
        for asked in self._traces:
            spun = _asked_form(asked)
            form = counts.form(spun)
            status = "an excess form" if any(f.text == spun for f in forms) else "not among the excess forms"
            self._note(
                spun,
                f"round {round_}: {spun} seen {form.count}× in {form.docs} docs, expected "
                f"{form.expected:.1f} (highest genre {form.expected_max:.1f}): {status}",
            )
            wanted = _asked_original(asked)
            if wanted:
                o = counts.form(wanted)
                self._note(
                    spun,
                    f"round {round_}: {wanted} seen {o.count}×, expected {o.expected:.1f}"
                    + (" (a deficit)" if wanted in by_text else " (no deficit)"),
                )
        scorer = _ContextScorer(self.lm, batch, cfg.context_chars)
        found: list[Learned] = []
        this_round: list[str] = []
        for form in forms:
            if any(short in form.text for short in this_round):
                self._note(
                    form.text,
                    f"round {round_}: holds {[s for s in this_round if s in form.text]}, learned "
                    "in this round: read again in the next",
                )
                continue
            if not len(form.positions):
                form.positions = counts.positions(form)
            options = self._options(form, deficits, counts)
            if not options:
                report.rejected_no_original += 1
                self._note(form.text, f"round {round_}: no option fits its excess {form.excess:.0f}")
                continue
            verdict = self._judge(form, options, scorer)
            if verdict is None:
                report.rejected_no_original += 1
                continue
            this_round.append(form.text)
            target = by_text.get(verdict.original)
            if target is not None:
                target.remaining -= form.excess
            o = counts.form(verdict.original)
            found.append(
                Learned(
                    form.text,
                    verdict.original,
                    form.count,
                    form.docs,
                    verdict.wins,
                    verdict.llr,
                    round_,
                    lead=verdict.lead,
                    lift=float(np.clip(form.count / max(form.expected, 1e-9), 1.0, 1000.0)),
                    survival=float(min((o.count + 0.5) / max(o.expected, 0.5), 1.0)),
                    examples=_examples(batch, form),
                )
            )
        report.lm_windows += scorer.windows
        return found

    # -- options and verdicts --------------------------------------------------------------------------------

    def _options(self, form: Form, deficits: list[Form], counts: Counts) -> list[str]:
        cfg = self.config
        fits: list[tuple[float, str]] = []
        for d in deficits:
            if d.text == form.text or d.remaining <= 0 or d.n > form.n:
                continue
            capacity = form.excess / d.remaining
            if 1.0 / cfg.max_capacity <= capacity <= cfg.max_capacity:
                fits.append((abs(math.log(capacity)), d.text))
        # Ranked by how well the original's reference neighbours match the form's neighbours in the batch
        # (the reference's 2-grams: 知 before 道, 道 before 路), a cheap stand-in for the model, which then
        # reads the best ``options_per_form`` in context.
        ranked = self._neighbour_fit(form, [text for _, text in fits], counts)
        options = ranked[: cfg.options_per_form]
        # Real-word swaps: a synonym or a word sharing a character in place may keep a count that the
        # reference cannot tell from its genre's (an engine writing 本年 leaves 今年 in deficit, mostly, but the
        # laws genre rarely says 今年 at all). They need no deficit, only room for the form's excess.
        related = self._related(form.text)
        for text in related:
            if text in options or text == form.text:
                continue
            o = counts.form(text)
            if (
                o.expected >= cfg.min_expected
                and o.count <= 1.5 * o.expected
                and form.excess <= cfg.max_capacity * o.expected
            ):
                options.append(text)
        return options

    def _neighbour_fit(self, form: Form, options: list[str], counts: Counts) -> list[str]:
        """``options`` ordered by the mean pointwise mutual information, in the reference, between each
        original's first (last) character and the characters the form has on its left (right) in the batch."""
        if len(options) <= self.config.options_per_form:
            return options
        text, positions = counts.batch.text, form.positions
        left = Counter(text[p - 1] for p in positions.tolist() if p > 0)
        right = Counter(text[p + form.n] for p in positions.tolist() if p + form.n < len(text))
        rate = self.ref.rate
        scores = []
        for option in options:
            first, last = option[0], option[-1]
            total = weight = 0.0
            for side, neighbours in ((0, left), (1, right)):
                for char, count in neighbours.most_common(20):
                    pair = char + first if side == 0 else last + char
                    if not self.ref.known(pair):
                        continue
                    total += count * math.log(rate(pair) / (rate(char) * rate(first if side == 0 else last)))
                    weight += count
            scores.append(total / (weight + 5.0))
        order = np.argsort(-np.array(scores), kind="stable")
        return [options[i] for i in order.tolist()]

    def _related(self, text: str) -> list[str]:
        cfg = self.config
        if self._related_index is None:
            index: dict[tuple[int, int, str], list[str]] = {}
            for form in self.ref.forms:
                if 2 <= len(form) <= 3:
                    for i, char in enumerate(form):
                        index.setdefault((len(form), i, char), []).append(form)
            self._related_index = index
        out: list[str] = []
        if self.thesaurus is not None:
            out += sorted(w for w in self.thesaurus.synonyms(text) if len(w) == len(text) and w in self.ref)
        if len(text) >= 2:
            for i, char in enumerate(text):
                out += self._related_index.get((len(text), i, char), [])[: cfg.related_per_form]
        return list(dict.fromkeys(out))

    def _judge(self, form: Form, options: list[str], scorer: _ContextScorer) -> Verdict | None:
        cfg = self.config
        contexts = scorer.contexts(form.positions, form.n, cfg.contexts)
        first = verdicts(form, options, scorer.gains(contexts, form.text, options))
        finalists = [v.original for v in first[: cfg.finalists]]
        # The null hypothesis: the commonest words of the finalists' lengths. Against a form the model has
        # never seen almost any word gains; an original must beat them, or the form's best reading is a word
        # the batch holds no deficit of, and no entry is learned.
        nulls = [w for n in sorted({len(o) for o in finalists}) for w in self._commonest(n) if w not in finalists]
        contexts = scorer.contexts(form.positions, form.n, cfg.second_contexts)
        judged_all = verdicts(form, finalists + nulls, scorer.gains(contexts, form.text, finalists + nulls))
        judged = list(judged_all)
        judged = [v for v in judged if v.original in finalists]
        if judged:
            rival = max((v.llr for v in judged_all if v.original != judged[0].original), default=0.0)
            judged[0].lead = judged[0].llr - rival
        if not judged:
            return None
        best = judged[0]
        ok = (
            best.llr >= cfg.min_llr
            and best.wins >= cfg.min_wins
            and best.lead * min(form.count, len(form.positions)) >= cfg.min_evidence
        )
        if form.text in self._traces or any(_asked_form(a) == form.text for a in self._traces):
            self._note(form.text, f"{len(options)} options; first look: " + "; ".join(v.describe() for v in first[:6]))
            self._note(
                form.text,
                "second look: "
                + "; ".join(v.describe() for v in judged)
                + (
                    f" -> {best.original} learned"
                    if ok
                    else f" -> none (needs llr {cfg.min_llr}, wins {cfg.min_wins}, count×lead {cfg.min_evidence})"
                ),
            )
        return best if ok else None

    def _commonest(self, n: int) -> list[str]:
        """The reference's most frequent forms of length ``n``."""
        cfg = self.config
        found = self._nulls.get(n)
        if found is None:
            found = self._nulls[n] = [f for f in self.ref.forms if len(f) == n][: cfg.null_words]
        return found

    def _note(self, form: str, message: str) -> None:
        for asked, lines in self._traces.items():
            if _asked_form(asked) == form:
                lines.append(message)


# -- helpers -----------------------------------------------------------------------------------------------


def _two_class(scores: np.ndarray, contrast: float) -> np.ndarray | None:
    """Otsu's split of ``scores`` (the high class), None unless the low class's mean is at most ``contrast``
    of the high one's."""
    values = np.sort(scores)
    n = len(values)
    cumulative = np.cumsum(values)
    cut = np.arange(1, n)
    low_mean = cumulative[:-1] / cut
    high_mean = (cumulative[-1] - cumulative[:-1]) / (n - cut)
    between = cut * (n - cut) * (high_mean - low_mean) ** 2
    if not len(between):
        return None
    best = int(np.argmax(between))
    threshold = (values[best] + values[best + 1]) / 2
    spun = scores > threshold
    if spun.all() or not spun.any() or scores[~spun].mean() > contrast * scores[spun].mean():
        return None
    return spun


def _asked_form(asked: str) -> str:
    return asked.replace("->", "→").split("→")[0]


def _asked_original(asked: str) -> str:
    parts = asked.replace("->", "→").split("→")
    return parts[1] if len(parts) > 1 else ""


def _closed(forms: list[Form], counts: Counts, min_count: int, min_docs: int) -> list[Form]:
    """Each excess form kept to its own occurrences: those not inside a longer excess form (念 inside 说念,
    作念 and 念念; 东说 inside 东说念主) nor overlapping a more significant one (是东说念 across 东说念主). The
    piece 说念 keeps its uses in 知说念 and 报说念, where it is the spinner's character-level swap of 道; a
    piece with too few occurrences of its own is no substitution of its own and goes."""
    batch = counts.batch
    for f in forms:
        f.positions = counts.positions(f)
    significance = {f.text: (f.count - f.expected_max) / math.sqrt(f.expected_max + 1.0) for f in forms}
    size = len(batch.codes) + 8
    kept: list[Form] = []
    # owner[p]: the strongest excess form occurrence spanning offset p (index into ``order``, -1 none).
    order = sorted(forms, key=lambda f: (-f.n, -significance[f.text]))
    rank = {f.text: i for i, f in enumerate(order)}
    claimed = np.full(size, len(order), dtype=np.int64)  # best (lowest) rank of a form spanning each offset
    for f in order:
        n, positions = f.n, f.positions
        # Ranks of forms already spanning each character of each occurrence: a longer form (lower rank by
        # length) contains or overlaps it; the occurrence is the form's own if nothing stronger spans it.
        spans = positions[:, None] + np.arange(n)[None, :]
        blockers = claimed[spans].min(axis=1) if len(positions) else np.zeros(0, dtype=np.int64)
        own = positions[blockers >= rank[f.text]] if len(positions) else positions
        docs = len(np.unique(batch.doc_of(own))) if len(own) else 0
        if len(own) >= min_count and docs >= min_docs:
            if len(own) < len(positions):
                f.count, f.docs = len(own), docs
                f.expected = f.expected * len(own) / len(positions)
                f.expected_max = f.expected_max * len(own) / len(positions)
            f.positions = own
            kept.append(f)
            np.minimum.at(claimed, spans[blockers >= rank[f.text]].ravel(), rank[f.text])
    return kept


def _examples(batch: _Batch, form: Form, limit: int = 3, width: int = 8) -> list[str]:
    out = []
    for position in form.positions[:: max(len(form.positions) // limit, 1)][:limit].tolist():
        out.append(batch.text[max(position - width, 0) : position + form.n + width].replace("\n", " "))
    return out


def _rewritten(original: _Batch, known: dict[str, str]) -> _Batch:
    """The batch with every learned form undone (longest first), documents kept apart."""
    text, offset = _rewrite_batch(original.text, known)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint32)
    cjk = np.zeros(len(codes), dtype=bool)
    for low, high in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        cjk |= (codes >= low) & (codes <= high)
    return _Batch(text, codes, cjk, offset[original.doc_starts], offset[original.doc_ends])

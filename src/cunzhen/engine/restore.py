"""Detect spun text and restore the original wording.

How it works, per document:
1. **Candidates.** An Aho-Corasick automaton over every spun form of the table finds the spans a spinner
   may have written (inside words too: 东谈主员). Overlapping matches (以至极他 = 以至 + 至极) form one
   candidate whose options are every reading of the overlap.
2. **Scoring.** Each candidate is judged in context by the character n-gram model: the gain of an original
   is ``log10 P(left + original + right) - log10 P(left + spun + right)`` with ``order - 1`` tokens of context
   on each side. Keeping the text as it is, is always an option.
3. **Detection.** A sweep over the candidates, left to right with the left context already restored (so
   东谈主工老本 judges 老本 after 人工), sums the clipped gains, weighted by the confidence of their table
   entries, into a document statistic; below
   ``detect_threshold`` the document is judged clean and returned untouched. Each occurrence of an original
   the engine would have rewritten, left standing outside every candidate, counts against the document:
   log10 of the share of occurrences the engine leaves (``1 - engine_rate`` for reviewed entries; the measured
   ``survival`` for mined ones, which also add log10 of their ``lift`` per occurrence of the spun form:
   engine/table.py). A page is spun by one engine, so the statistic is summed per engine (the ``source`` of the
   table entries) and the document takes the highest: the originals of the built-in engine that a page of
   another engine uses say nothing against that other engine. ``detect_threshold`` is the evidence a page of
   an unknown host needs; an engine whose pages' prior odds of being spun were measured (a farm site's own
   table, applied to that site's pages: ``engine_odds``) is judged by the Bayes decision instead, the statistic
   read as a log10 likelihood ratio: spun when statistic + log10 prior odds >= 0.
4. **Restoration.** For a spun document, a second sweep (now with restored text on both sides) changes a span
   where the gain clears its margin, so genuine words (还是, 期间, 关系) stay; close calls are settled with
   the word model's gain added (engine/wordlm.py).

The table and the models are simplified Chinese, so a text in traditional script (``ScriptModel.script``) is
judged and restored through its simplified reading, offset for offset, and each restored word is written back
in traditional characters: the text keeps its script.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.pollution.script import TRADITIONAL, ScriptModel
from cunzhen.engine.table import SpinTable
from cunzhen.engine.tokenize import char_tokens, char_tokens_at
from cunzhen.engine.types import Edit, RestoreResult, apply_edits
from cunzhen.engine.wordfind import WordFinder
from cunzhen.engine.wordlm import WordModel


@dataclass(frozen=True)
class RestoreConfig:
    """Decision thresholds, all in log10 units of the language model.

    Calibrated as a set on the *tune* split (tools/shared_corpus.py) with ``bench/tune_restore.py``; re-run
    it after changing a model, the table or any value here. Re-checked where users are (news-1990s' tune
    split, its leave-one-source-out model, the seed engine at 0.9): margin 0 and word weight 0.5 remain the
    best (repaired 0.968; margins 0.25-1.0 gave 0.967-0.960, word weights 0-2 gave 0.963-0.968), and the
    residual is mostly genuine real words the model prefers the engine's original for (经过→通过, 职工→员工:
    84 of 137 differences), which no threshold separates.
    """

    # A candidate adds max(0, gain - detect_floor), capped at detect_cap, to the document statistic. The cap
    # is high enough that one form absent from clean Chinese (东谈主, gain ~15) seen twice flags a short page;
    # on the tune split it widened the gap between clean and spun documents (clean max 5.6, spun min 9.6).
    detect_floor: float = 1.0
    detect_cap: float = 8.0
    # Each spun form counts at most this many times, so one ambiguous word cannot make a document spun. A
    # candidate's contribution is also weighted by its table entry's confidence: a mined entry's share of the
    # contexts its original won (a real word the spinner swaps, 增强 for 加强, keeps genuine uses: on the tune
    # split two such matches flagged a clean page), 1 for the built-in table and reviewed entries.
    detect_per_form: int = 2
    # Batch evidence of mined entries, read as a naive-Bayes likelihood ratio per occurrence, both ways: a
    # spun form 10 times as frequent in the batch's spun documents as in its clean ones adds 1 per
    # occurrence; an original the spinner left at a tenth of its clean rate subtracts 1 (a clean page uses
    # its originals, a spun one hardly does). Counted up to ``detect_per_form`` times per form, as gains
    # are. On the tune split (bench_mine) the held-out built-in spinner's short reviews with two or three
    # real-word swaps (条款, 嗅觉) went from 98.8% to 99.6% flagged at 60 docs/genre (99.0% to 99.5% at
    # 120), and the highest clean statistic of any spinner fell from 6.4 to 0.7. Built-in and reviewed
    # entries carry no such evidence, so tables without it are judged as before.
    batch_evidence: bool = True
    # Share of an original's occurrences an engine rewrites, for entries with no measured survival (the
    # built-in table, reviewed tables): each original left standing counts log10(1 - engine_rate) against the
    # document, up to ``detect_per_form`` times per original. 0.9 is the seed page's engine (its 人, 美, 做, 道
    # and 持 stand unspun about once in ten or less). On the tune splits (four in-domain genres and news-1990s,
    # the built-in engine at 0.9, with each source's leave-one-out model) it moved the highest clean statistic
    # from 5.7 to below 0 and the lowest spun one from 13.1 to 11.1.
    engine_rate: float = 0.9
    # Document statistic at which a document is judged spun (spin_score 0.5). With surviving originals counted
    # against their engine, the tune splits above (built-in table with the family tables, seed engine at 0.9)
    # put the highest clean statistic at 3.2 and the lowest spun one at 6.9: 5.0 is the middle of that gap.
    # (Before survival was counted it was 7.0, with the clean maximum at 5.7.)
    detect_threshold: float = 5.0
    # Minimum gain to change a span in a document judged spun.
    change_margin: float = 0.0
    # Lowered margin for a spun form the spinner itself would have rewritten (还是 is spun 已经, and a genuine
    # 还是 would have become 如故): in a spun document such a form is rarely genuine.
    rewritable_bonus: float = 1.5
    # Weight of the word model's gain beside the character model's (when a word model is given), and how
    # close to the margin a character gain must be for the word model to be asked (clear cases skip it).
    word_weight: float = 0.5
    word_band: float = 3.0


@dataclass
class _Candidate:
    start: int
    end: int
    spun: str
    spun_tokens: list[str]
    options: list[tuple[str, list[str]]]  # (original, its tokens); the spun form itself is not listed
    choice: int = -1  # index into options, -1 = keep the spun form
    gain: float = 0.0  # best option's gain over keeping, last sweep
    margin: float = 0.0  # the gain it had to clear, last sweep
    confidence: float = 1.0  # of the table entries matched (a mined entry's share of contexts won; reviewed: 1)
    evidence: float = 0.0  # log10 of the entry's batch lift per occurrence (0 without batch evidence)
    engines: frozenset[str] = frozenset()  # the engines (table sources) whose entries matched: evidence is per engine
    # The spun form's tokens and each option's, joined with spaces (what the sweeps' windows are made of).
    joined: tuple[str, ...] = ()


class Restorer:
    """Restores spun documents with one table and one language model. Thread-compatible, not thread-safe.

    ``engine_odds``: engine (table ``source``) → log10 prior odds that a page holding its forms is spun, where
    that is known from outside the page (a farm site's share of spun pages, ``engine/decipher/prior.py``). Such
    an engine's statistic is judged against ``-odds`` instead of ``detect_threshold``; every other engine, and
    every restorer built without it, is judged as before."""

    def __init__(
        self,
        lm: LanguageModel,
        table: SpinTable,
        config: RestoreConfig | None = None,
        name: str = "",
        word_lm: WordModel | None = None,
        engine_odds: Mapping[str, float] | None = None,
    ):
        self.lm = lm
        self.engine_odds = dict(engine_odds or {})
        self.word_lm = word_lm
        self.table = table
        self.config = config or RestoreConfig()
        self.name = name
        self.reason = f"table:{name}" if name else "table"
        self._context = lm.order - 1
        self._automaton = WordFinder.of_words(entry.spun for entry in table)
        self._tokens: dict[str, list[str]] = {}
        # A one-match candidate's parts (options, tokens, confidence, evidence, engines) per spun form, made on
        # first use: a page has hundreds of matches of the same few forms, and each read its table entry anew.
        self._single: dict[str, tuple] = {}
        for entry in table:
            for form in (entry.spun, *entry.originals):
                self._tokens[form] = char_tokens(form)[0]
        originals = {o for e in table for o in e.originals}
        self._margin = {e.spun: self._margin_for(e.spun, originals) for e in table}
        self._survivors = _survivor_automaton(table, self.config)
        # Added to an engine's statistic, so that ``detect_threshold`` stands for -odds: one comparison for all.
        self._offsets = {engine: self.config.detect_threshold + odds for engine, odds in self.engine_odds.items()}
        self._script = ScriptModel(lm)  # OpenCC, loaded when a text first needs it

    def __reduce__(self):
        # Rebuild the automaton in the receiving process rather than shipping it.
        return (Restorer, (self.lm, self.table, self.config, self.name, self.word_lm, self.engine_odds))

    def _margin_for(self, spun: str, originals: set[str]) -> float:
        """Change margin for a spun form: lower if the spinner would have rewritten a genuine occurrence."""
        rewritable = any(spun[i:j] in originals for i in range(len(spun)) for j in range(i + 1, len(spun) + 1))
        return self.config.change_margin - (self.config.rewritable_bonus if rewritable else 0.0)

    # -- public -------------------------------------------------------------------------------------------

    def restore(self, text: str, script: str | None = None) -> RestoreResult:
        """Judge ``text`` and, if it is spun, restore it. Edits carry offsets into ``text``.

        ``script``: the text's script where the caller knows it (a page's, read before its cuts); otherwise it
        is read off the text."""
        if (script or self._script.script(text)) != TRADITIONAL:
            return self._restore(text)
        reading = self._script.simplified(text)
        result = self._restore(reading)
        if not result.edits:
            return RestoreResult(text, result.spun, result.spin_score, [])
        ends_before = [0, *(e.end for e in result.edits[:-1])]  # each edit's left bound: the previous one's end
        starts_after = [*(e.start for e in result.edits[1:]), len(text)]  # its right bound: the next one's start
        edits = [
            self._written_back(text, reading, e, lo, hi)
            for e, lo, hi in zip(result.edits, ends_before, starts_after, strict=True)
        ]
        return RestoreResult(apply_edits(text, edits), result.spun, result.spin_score, edits)

    def _written_back(self, text: str, reading: str, edit: Edit, after_previous: int, before_next: int) -> Edit:
        """``edit`` of a traditional text's simplified reading, written in traditional characters as the
        converter writes the restored sentence: the word converted with its neighbours for context, and a
        neighbour the converter wrote as part of the spun word's phrase written anew (闡明瞭 restored is
        證實了, not 證實瞭), up to the edits beside it. Offsets and the simplified reading stay the same."""
        convert = self._script.convert  # keeps offsets: one character for one
        start, end = max(after_previous, edit.start - 2), min(before_next, edit.end + 2)
        left, right = text[start : edit.start], text[edit.end : end]
        written = convert("s2t", reading[start : edit.start] + edit.after + reading[edit.end : end])
        was = convert("s2t", reading[start:end])
        new_left, new_right = written[: len(left)], written[len(written) - len(right) :]
        was_left, was_right = was[: len(left)], was[len(was) - len(right) :]
        # A neighbour joins the edit where the converter wrote it for the spun word and writes it otherwise for
        # the restored one; a neighbour the page writes its own way (裏 where the converter says 裡) stays.
        grow_left = grow_right = 0
        while grow_left < len(left) and was_left[-1 - grow_left] == left[-1 - grow_left] != new_left[-1 - grow_left]:
            grow_left += 1
        while grow_right < len(right) and was_right[grow_right] == right[grow_right] != new_right[grow_right]:
            grow_right += 1
        a, b = edit.start - grow_left, edit.end + grow_right
        word = written[len(left) : len(written) - len(right)]
        after = new_left[len(left) - grow_left :] + word + new_right[:grow_right]
        return Edit(a, b, text[a:b], after, edit.score, edit.reason)

    def _restore(self, text: str) -> RestoreResult:
        """``restore`` of a text in the script of the table and the models."""
        candidates = self._candidates(text)
        if not candidates:
            return RestoreResult(text, False, 0.0, [])
        # The page's tokens, and the token index of each candidate's start and end (all _Slots reads of it).
        tokens, edges = char_tokens_at(text, [p for c in candidates for p in (c.start, c.end)])
        slots = _Slots(tokens, edges, candidates)
        # Window scores of this text: the restoring sweep reads most windows the detection sweep read (a
        # candidate whose neighbours kept their choice has the same context).
        scores: dict[str, float] = {}
        self._sweep(slots, restoring=False, scores=scores)
        survivals = self._survival_evidence(text, candidates)
        per_engine = self._engine_statistics(candidates, survivals)
        statistic = max(per_engine.values())
        spin_score = max(statistic, 0.0) / (max(statistic, 0.0) + self.config.detect_threshold)
        if statistic < self.config.detect_threshold:
            return RestoreResult(text, False, spin_score, [])
        self._sweep(slots, restoring=True, engines=self._spinners(candidates, survivals, per_engine), scores=scores)
        edits = [
            Edit(c.start, c.end, c.spun, c.options[c.choice][0], c.gain - c.margin, self.reason)
            for c in candidates
            if c.choice >= 0
        ]
        return RestoreResult(apply_edits(text, edits), True, spin_score, edits)

    # -- steps --------------------------------------------------------------------------------------------

    def _candidates(self, text: str) -> list[_Candidate]:
        if not len(self.table):
            return []
        matches = sorted((end - len(spun) + 1, end + 1, spun) for end, spun in self._automaton.iter(text))
        candidates: list[_Candidate] = []
        cluster: list[tuple[int, int, str]] = []
        cluster_end = 0  # max(m[1] for m in cluster), kept as it grows (a page has hundreds of matches)
        for match in matches:
            if cluster and match[0] >= cluster_end:
                candidates.append(self._candidate(text, cluster))
                cluster = []
            cluster_end = max(cluster_end, match[1]) if cluster else match[1]
            cluster.append(match)
        if cluster:
            candidates.append(self._candidate(text, cluster))
        return candidates

    def _candidate(self, text: str, cluster: list[tuple[int, int, str]]) -> _Candidate:
        """One decision unit: a match, or overlapping matches (以至|至极 in 以至极他) decided together."""
        if len(cluster) == 1:
            start, end, spun = cluster[0]
            parts = self._single.get(spun)
            if parts is None:
                entry = self.table.get(spun)
                options = [(o, self._tokens[o]) for o in entry.originals]
                tokens = self._tokens[spun]
                parts = (tokens, options, entry.confidence, self._lift_evidence(spun), _engines(entry))
                parts += (_joined(tokens, options),)
                self._single[spun] = parts
            # The options list is shared by every candidate of the form: it is only read.
        else:
            start, end = cluster[0][0], max(m[1] for m in cluster)
            spun = text[start:end]
            rewrites = _rewrites(text, start, end, cluster, self.table) - {spun}
            options = [(r, char_tokens(r)[0]) for r in sorted(rewrites)]
            tokens = char_tokens(spun)[0]
            parts = (
                tokens,
                options,
                max(self.table.get(m[2]).confidence for m in cluster),
                max(self._lift_evidence(m[2]) for m in cluster),
                frozenset().union(*(_engines(self.table.get(m[2])) for m in cluster)),
                _joined(tokens, options),
            )
        tokens, options, confidence, evidence, engines, joined = parts
        return _Candidate(
            start, end, spun, tokens, options, confidence=confidence, evidence=evidence, engines=engines, joined=joined
        )

    def _lift_evidence(self, spun: str) -> float:
        lift = self.table.get(spun).lift
        return math.log10(lift) if self.config.batch_evidence and lift is not None else 0.0

    def _sweep(
        self, slots: _Slots, restoring: bool, engines: set[str] | None = None, scores: dict[str, float] | None = None
    ) -> None:
        """Re-decide every candidate left to right, each seeing its neighbours' current choices.

        The detection sweep takes any gain above zero, so that evidence accumulates along the document
        (东谈主工老本: 老本 is judged after 人工); restoring sweeps apply each form's change margin. Both ask the
        word model (if any) about the close calls, a gain within ``word_band`` of the margin, so a page is
        judged by the scores it is restored with: on news-1990s' tune split (its leave-one-out model) the
        lowest spun statistic rose from 28.2 to 30.4 and the highest clean one stayed at 3.2; on medical's
        tune split the two spun documents below the threshold (0.0, 0.6) rose to 4.5 and 8.0.

        ``scores``: the character model's score of each window (its tokens joined), kept over the sweeps of a
        text.
        """
        k = self._context
        score_joined = self.lm.score_joined  # ``score`` of tokens already joined
        known = {} if scores is None else scores
        change_margin = self.config.change_margin
        for index, cand in enumerate(slots.candidates):
            left = slots.left(index, k)
            right = slots.right(index, k)
            head, tail = " ".join(left), " ".join(right)
            found = []
            for middle in cand.joined:
                # " ".join(left + tokens + right), from the parts (an empty one left out, as the join has it)
                window = (
                    f"{head} {middle} {tail}"
                    if head and middle and tail
                    else " ".join(filter(None, (head, middle, tail)))
                )
                value = known.get(window)
                if value is None:
                    value = known[window] = score_joined(window)
                found.append(value)
            base = found[0]
            gains = [value - base for value in found[1:]]
            margin = self._margin.get(cand.spun, change_margin) if restoring else 0.0
            best = _best(gains)
            if self.word_lm is not None and self._close_call(gains, best, margin):
                gains = self._with_word_model(gains, cand, left, right)
                best = _best(gains)
            cand.gain, cand.margin = gains[best], margin
            allowed = engines is None or not cand.engines.isdisjoint(engines)
            cand.choice = best if gains[best] > margin and allowed else -1

    def _close_call(self, gains: list[float], best: int, margin: float) -> bool:
        """Whether the character model's verdict is close: to keeping, or between two originals (期间: 时间/技术)."""
        band = self.config.word_band
        if abs(gains[best] - margin) < band:
            return True
        return any(i != best and gains[best] - gain < band for i, gain in enumerate(gains))

    def _with_word_model(self, gains: list[float], cand: _Candidate, left: list[str], right: list[str]) -> list[float]:
        """Character gains plus the weighted word-model gains of the same windows."""
        word = self.word_lm.score
        head, tail = "".join(left), "".join(right)
        base = word(head + "".join(cand.spun_tokens) + tail)
        weight = self.config.word_weight
        return [
            gain + weight * (word(head + "".join(tokens) + tail) - base)
            for gain, (_, tokens) in zip(gains, cand.options)
        ]

    def _spin_statistic(self, candidates: list[_Candidate], text: str) -> float:
        """The document statistic: the highest engine's (``_engine_statistics``)."""
        return max(self._engine_statistics(candidates, self._survival_evidence(text, candidates)).values())

    def _spinners(
        self, candidates: list[_Candidate], survivals: dict[str, float], per_engine: dict[str, float]
    ) -> set[str]:
        """The engines that rewrote the document, explaining away: the strongest engine over the threshold, then
        each next one judged again on the candidates the chosen ones do not explain. Only they restore: another
        table's forms on the page (a family's 能够 for 可以, on a page of the seed engine) are genuine there, and
        a form two tables share (模子) is evidence for the engine the rest of the page points to."""
        threshold = self.config.detect_threshold
        chosen: set[str] = set()
        for engine in sorted(per_engine, key=per_engine.__getitem__, reverse=True):
            unexplained = [c for c in candidates if chosen.isdisjoint(c.engines)]
            if self._engine_statistics(unexplained, survivals).get(engine, float("-inf")) >= threshold:
                chosen.add(engine)
        return chosen

    def _engine_statistics(self, candidates: list[_Candidate], survivals: dict[str, float]) -> dict[str, float]:
        """Per engine (the ``source`` of the candidates' entries): its candidates' clipped gains and batch lifts
        and its surviving originals (``survivals``, from ``_survival_evidence``), plus its offset where its prior
        odds are known (``engine_odds``)."""
        cfg = self.config
        by_engine: dict[str, list[tuple[str, float]]] = {}
        lifts: dict[str, list[tuple[str, float]]] = {}
        for cand in candidates:
            contribution = cand.confidence * min(max(cand.gain - cfg.detect_floor, 0.0), cfg.detect_cap)
            for engine in cand.engines:
                evidence = by_engine.setdefault(engine, [])
                if contribution > 0.0:
                    evidence.append((cand.spun, contribution))
                if cand.evidence:
                    lifts.setdefault(engine, []).append((cand.spun, cand.evidence))
        return {
            engine: _capped_sum(evidence, cfg.detect_per_form)
            + _capped_sum(lifts.get(engine, []), cfg.detect_per_form)
            + survivals.get(engine, 0.0)
            + self._offsets.get(engine, 0.0)
            for engine, evidence in by_engine.items()
        }

    def _survival_evidence(self, text: str, candidates: list[_Candidate]) -> dict[str, float]:
        """Per engine, the sum of log10 survival (negative) over the originals it would have rewritten that
        ``text`` still uses outside every candidate, each original counted up to ``detect_per_form`` times:
        evidence that the engine did not pass over the document. (An original inside a candidate, 还是 read as
        a spun 已经, is the candidate's to judge.)"""
        if self._survivors is None:
            return {}
        covered = _Spans([(c.start, c.end) for c in candidates])
        per_engine: dict[str, list[tuple[str, float]]] = {}
        per_form = self.config.detect_per_form
        counted: dict[str, int] = {}  # occurrences of each original listed so far
        for end, found in self._survivors.iter(text):
            # one original per automaton word (its items differ by engine only): one overlap test for them all
            original = found[0][0]
            if counted.get(original, 0) >= per_form:
                continue  # ``_capped_sum`` reads no more of it: a page uses 人 hundreds of times
            if covered.overlaps(end - len(original) + 1, end + 1):
                continue
            counted[original] = counted.get(original, 0) + 1
            for original, engine, log_ratio in found:
                per_engine.setdefault(engine, []).append((original, log_ratio))
        return {engine: _capped_sum(items, self.config.detect_per_form) for engine, items in per_engine.items()}


def _best(gains: list[float]) -> int:
    """The index of the highest gain (most forms have one original: no search)."""
    return 0 if len(gains) == 1 else max(range(len(gains)), key=gains.__getitem__)


def _joined(tokens: list[str], options: list[tuple[str, list[str]]]) -> tuple[str, ...]:
    """A candidate's ``joined``: its spun tokens and each option's tokens, joined with spaces."""
    return (" ".join(tokens), *(" ".join(option_tokens) for _, option_tokens in options))


def _capped_sum(items: Iterable[tuple[str, float]], per_key: int) -> float:
    """Sum of the values of (key, value) ``items``, each key counted at its first ``per_key`` items: one form
    (or original) seen many times in a document is no more evidence than a few."""
    seen: dict[str, int] = {}
    total = 0.0
    for key, value in items:
        if seen.get(key, 0) < per_key:
            seen[key] = seen.get(key, 0) + 1
            total += value
    return total


def _survivor_automaton(table: SpinTable, config: RestoreConfig) -> WordFinder | None:
    """Originals mapped to [(original, engine, log10 survival)], one item per engine that rewrites them; None
    if there are none.

    A mined entry's measured survival (its batch's rate of the original in spun over clean documents) is used
    when ``batch_evidence`` is on, ratios of 1 or more left out (an original the spun documents do not lack says
    nothing); other entries take ``1 - engine_rate``, weighted by their confidence. Where an engine has
    several entries with the same original, the lowest ratio (its strongest gap) is kept."""
    ratios: dict[tuple[str, str], float] = {}
    for entry in table:
        if entry.survival:
            if not config.batch_evidence:
                continue
            items = [(o, math.log10(r)) for o, r in entry.survival.items() if 0.0 < r < 1.0]
        elif config.engine_rate > 0.0:
            log_left = entry.confidence * math.log10(max(1.0 - config.engine_rate, 1e-6))
            items = [(o, log_left) for o in entry.originals]
        else:
            continue
        for original, log_ratio in items:
            for engine in _engines(entry):
                key = (original, engine)
                ratios[key] = min(log_ratio, ratios.get(key, log_ratio))
    if not ratios:
        return None
    by_original: dict[str, list[tuple[str, str, float]]] = {}
    for (original, engine), log_ratio in ratios.items():
        by_original.setdefault(original, []).append((original, engine, log_ratio))
    return WordFinder(by_original.items())


def _engines(entry) -> frozenset[str]:
    """The engines an entry belongs to: its ``source``, '|'-separated where tables were merged (engine/table.py)."""
    return frozenset(entry.source.split("|"))


class _Spans:
    """Disjoint spans sorted by start (the candidates: overlapping matches were merged into one), asked whether
    a span overlaps any of them by bisection: a long page has thousands of candidates and as many originals
    to ask about, and a linear scan per original was the restorer's largest cost on such pages."""

    def __init__(self, spans: list[tuple[int, int]]):
        self._starts = [s for s, _ in spans]
        self._ends = [e for _, e in spans]

    def overlaps(self, start: int, end: int) -> bool:
        # the last span starting before ``end`` is the only one that can reach past ``start``: spans are disjoint
        i = bisect.bisect_left(self._starts, end) - 1
        return i >= 0 and self._ends[i] > start


class _Slots:
    """The document as token runs between candidates, so context can be read across current choices."""

    def __init__(self, tokens: list[str], edges: list[int], candidates: list[_Candidate]):
        """``edges``: the token index of each candidate's start and end, in turn (``tokenize.char_tokens_at``)."""
        self.candidates = candidates
        self.gaps: list[list[str]] = []  # gaps[i] = tokens before candidate i; gaps[-1] = after the last
        cursor = 0
        for i in range(len(candidates)):
            self.gaps.append(tokens[cursor : edges[2 * i]])
            cursor = edges[2 * i + 1]
        self.gaps.append(tokens[cursor:])

    def _current(self, index: int) -> list[str]:
        cand = self.candidates[index]
        return cand.options[cand.choice][1] if cand.choice >= 0 else cand.spun_tokens

    def left(self, index: int, k: int) -> list[str]:
        gap = self.gaps[index]
        if len(gap) >= k:  # most candidates: the text before reaches back k tokens (no copy of the whole gap)
            return gap[len(gap) - k :] if k else []
        out: list[str] = []
        i = index
        while len(out) < k:
            out = self.gaps[i] + out
            if i == 0 or len(out) >= k:
                break
            i -= 1
            out = self._current(i) + out
        return out[-k:] if k else []

    def right(self, index: int, k: int) -> list[str]:
        gap = self.gaps[index + 1]
        if len(gap) >= k:
            return gap[:k]
        out: list[str] = []
        i = index + 1
        while len(out) < k:
            out = out + self.gaps[i]
            if i == len(self.candidates) or len(out) >= k:
                break
            out = out + self._current(i)
            i += 1
        return out[:k]


# Overlapping matches rarely chain more than three deep; the cap bounds the work on adversarial input.
MAX_REWRITES = 64


def _rewrites(text: str, start: int, end: int, cluster: list[tuple[int, int, str]], table: SpinTable) -> set[str]:
    """Every reading of text[start:end] that restores a non-overlapping subset of the cluster's matches."""
    by_start: dict[int, list[tuple[int, str]]] = {}
    for s, e, spun in cluster:
        by_start.setdefault(s, []).append((e, spun))
    found: set[str] = set()

    def walk(pos: int, prefix: str) -> None:
        if len(found) >= MAX_REWRITES:
            return
        if pos == end:
            found.add(prefix)
            return
        walk(pos + 1, prefix + text[pos])
        for e, spun in by_start.get(pos, ()):
            for original in table.get(spun).originals:
                walk(e, prefix + original)

    walk(start, "")
    return found

"""The detector that runs them all, cheapest first (``find_all``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.spam.apart import ApartDetector
from cunzhen.engine.spam.breaks import BreakDetector
from cunzhen.engine.spam.clause import ClauseDetector
from cunzhen.engine.spam.echo import EchoDetector
from cunzhen.engine.spam.edges import EdgeDetector
from cunzhen.engine.spam.lexicon import LexiconDetector, SpamPhrase, normalize_phrase, variant_brands
from cunzhen.engine.spam.look import LookDetector, SpamLook
from cunzhen.engine.spam.recur import RecurDetector
from cunzhen.engine.spam.types import SpamConfig, SpamFindings, SpamSpan, _merge
from cunzhen.engine.tokenize import char_tokens
from cunzhen.engine.wordfind import WordFinder


class SpamDetector(
    LexiconDetector,
    LookDetector,
    ApartDetector,
    BreakDetector,
    ClauseDetector,
    RecurDetector,
    EdgeDetector,
    EchoDetector,
):
    """Finds injected spans in text (one page). Thread-compatible; caches grow with the vocabulary only."""

    def __init__(
        self,
        lm: LanguageModel,
        lexicon: list[SpamPhrase],
        config: SpamConfig | None = None,
        spun_forms: Iterable[str] = (),
    ):
        """``spun_forms`` are the spun words of the restorer's spin table: they break sentences too (东谈主),
        and recur across pages, but they are spin to restore, not injections, so the break scan leaves them."""
        self.lm = lm
        self.config = config or SpamConfig()
        self.kind_of = {p.phrase: p.kind for p in lexicon}
        self._automaton = WordFinder.of_words(self.kind_of)
        self._variant_brands = variant_brands(self.kind_of)
        self.look = SpamLook(list(self.kind_of), lm)
        self._cues = self._cue_automaton()
        self.learned: tuple[str, ...] = ()
        self._learned_automaton: WordFinder | None = None
        self.spun_forms = tuple(sorted(set(spun_forms)))
        self._spun_automaton = WordFinder.of_words(self.spun_forms) if self.spun_forms else None

    def __reduce__(self):
        lexicon = [SpamPhrase(p, k) for p, k in self.kind_of.items()]
        return (_rebuilt_detector, (self.lm, lexicon, self.config, self.spun_forms, self.learned))

    def learn(self, strings: list[str]) -> None:
        """Cut these strings wherever they occur from now on (strings a ``SpamMemory`` learned over a batch)."""
        self.learned = tuple(sorted({normalize_phrase(s) for s in strings} - set(self.kind_of)))
        self._learned_automaton = WordFinder.of_words(self.learned) if self.learned else None

    # -- public -------------------------------------------------------------------------------------------

    def find(self, text: str) -> list[SpamSpan]:
        """Injected spans of ``text``, sorted and non-overlapping."""
        return self.find_all(text).spans

    def find_all(self, text: str, template_lines: Sequence[tuple[int, int]] = (), farm: bool = False) -> SpamFindings:
        """Injected spans, and how many look-model candidates the LM judged genuine (fit their sentence).

        ``template_lines`` are (start, end) of lines the caller found to be site template: they are cut whole,
        so the LM scans skip them. The LM scans (set-apart segments, sentence breaks, recurrence) cost an LM
        pass, so they run only on pages with evidence of injection: a lexicon or learned string, or a look cut.
        ``farm`` is the caller's own evidence that the page is a farm's (it was spun): it gets the recurrence
        scan, the surest of them, even without such a cut (the break and clause-end scans cut the rare names of
        real novel pages that carry no keyword). (A template line is no evidence: every site has a footer.)"""
        spans, uncut = self.evidence(text)
        scanned = bool(spans) or farm
        if spans:
            spans.extend(self.apart_spans(text, spans, template_lines))
            cut = self.config.break_cut
            candidates = self.break_candidates(text, spans, template_lines, floor=cut)
            spans.extend(s for s in candidates if s.score >= self._break_bar(text, s, cut))
            spans.extend(self.clause_spans(text, spans, template_lines))
        if scanned:
            spans.extend(self.recurring_spans(text, spans, template_lines))
        spans = self.refined_spans(text, spans, template_lines)
        spans.extend(self._echo_spans(text, spans))
        return SpamFindings(_merge(spans), uncut, scanned)

    def _break_bar(self, text: str, span: SpamSpan, cut: float) -> float:
        """The bar a break candidate must reach: higher for two tokens, which are a word of the page (a hotel's
        name in its reviews, 开元) far more often than a keyword."""
        return max(cut, self.config.break_pair_cut) if len(char_tokens(text[span.start : span.end])[0]) <= 2 else cut

    def evidence(self, text: str) -> tuple[list[SpamSpan], int]:
        """Lexicon, learned and look cuts (the cheap detectors), and the number of look candidates left uncut."""
        spans = self.lexicon_spans(text) + self.learned_spans(text)
        spans += [v for v in self.variant_spans(text) if not any(s.start < v.end and v.start < s.end for s in spans)]
        uncut = 0
        for start, end in self._cue_windows(text):
            found, rejected = self._look_spans(text, start, end, spans)
            spans.extend(found)
            uncut += rejected
        return spans, uncut


def _rebuilt_detector(lm, lexicon, config, spun_forms, learned) -> SpamDetector:
    detector = SpamDetector(lm, lexicon, config, spun_forms)
    detector.learn(list(learned))
    return detector

"""Clean one page of extracted text: cut site-template lines and injected spam, judge the page, restore the rest.

``PageCleaner.clean(text, title)`` returns a ``PageResult``:
- ``extracted``: the text the offsets refer to (``title`` first if it was given and is not already the first line);
- ``removed``: spans ``{start, end, kind, text, reason}`` of ``extracted`` that were cut, kind ``template``,
  ``spam``, ``duplicate`` or a kind of pollution of ``engine.pollution`` (``pinyin``, ``noise``, ``jammer``, ...).
  Cutting them out of ``extracted`` gives the text after cuts (spans take the whitespace they leave behind
  with them, so no blank-line debris remains);
- ``repairs``: characters replaced in place in the text after cuts (``script``: a converter's slip such as 瞭
  for 了; ``lookalike``: a Hangul letter standing for a Han character), offsets into that text; a repair keeps
  its length, so the repaired text is the restore input and edit offsets are into it too;
- ``script``: ``simplified`` or ``traditional``, a property of the page: it is kept (the language-model
  detectors read a traditional page's simplified reading, offset for offset);
- ``restore``: the RestoreResult of that text (edit offsets are into it), ``text`` the final text;
- ``verdict``: ``keep`` (nothing changed), ``clean`` (spans cut and/or spin restored) or ``drop`` (nothing worth
  keeping: ``text`` is ""), with ``reasons``;
- ``flags``: what the page is judged to be without anything being cut (``garbled``: characters dropped
  throughout, ``engine/pollution/garble.py``); a flag is also among the ``reasons`` and leaves the verdict as
  the changes make it: the user decides what a flagged page is worth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cunzhen.engine.langid import LanguageGuess, LanguageId
from cunzhen.engine.pollution import TRADITIONAL, OffsetMap, Page, PollutionScanner, Repair, cut_text
from cunzhen.engine.restore import Restorer
from cunzhen.engine.spam import SpamDetector, SpamFindings, SpamMemory
from cunzhen.engine.template import KnownSiteLines, SiteLines, TemplateRules, normalize_line
from cunzhen.engine.types import RestoreResult, line_ranges

KEEP, CLEAN, DROP = "keep", "clean", "drop"

# Characters that carry content (CJK, letters, digits); what is left of a line without them is debris.
_CONTENT = re.compile(r"[\w\u3400-\u9fff]")
# Its complement: a page's content characters are what is left when runs of these go. Counted that way, not as
# ``len(_CONTENT.findall(text))`` (a list of one string per character: 0.74 ms for a 6,600-character page, 0.25).
_NOT_CONTENT = re.compile(r"[^\w\u3400-\u9fff]+")
_SENTENCE_END = re.compile(r"[。！？!?；;…]|\.\s|\.$")
_CLAUSE = re.compile(r"[，,](?=\S)")  # a comma with more of the line after it


@dataclass(frozen=True)
class Removal:
    start: int
    end: int
    kind: str  # template | spam | duplicate
    text: str
    reason: str

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "kind": self.kind, "text": self.text, "reason": self.reason}


@dataclass
class PageResult:
    extracted: str
    text: str
    verdict: str
    reasons: list[str]
    removed: list[Removal] = field(default_factory=list)
    restore: RestoreResult | None = None
    language: LanguageGuess | None = None
    repairs: list[Repair] = field(default_factory=list)
    script: str | None = None
    flags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        restore = self.restore.as_dict() if self.restore else {"spun": False, "spin_score": 0.0, "edits": []}
        out = {
            "verdict": self.verdict,
            "reasons": self.reasons,
            "removed": [r.as_dict() for r in self.removed],
            "repairs": [r.as_dict() for r in self.repairs],
            **restore,
            "chars_in": len(self.extracted),
        }
        if self.flags:
            out["flags"] = list(self.flags)
        if self.script is not None:
            out["script"] = self.script
        if self.language is not None:
            out["language"] = {"lang": self.language.lang, "score": round(self.language.score, 3)}
        return out


@dataclass(frozen=True)
class PageConfig:
    """Page verdict thresholds. Calibrated on the tune split with bench/bench_clean.py --tune."""

    # Pages in another language are passed over untouched ("keep") or dropped.
    other_languages: str = KEEP
    # A page with fewer content characters than this left after cutting is dropped.
    min_content_chars: int = 30
    # A page whose cut spam is at least this share of its content characters is mostly keywords: dropped.
    max_spam_share: float = 0.5
    # Look-model candidates the LM kept (spammy words that fit their sentence) per 1000 content characters
    # above which the page is itself porn or gambling text: dropped.
    max_spam_text_density: float = 4.0
    # ... counted only from this many candidates: two on a short page are no density (a 600-character report
    # on 榴莲 prices with two spammy-looking words is an article).
    spam_text_min_candidates: int = 3
    # A page of at least this many lines whose prose is under ``min_prose_share`` of its characters is a link
    # list or menu: dropped. Prose is a line with sentence punctuation, or a line of clauses: a comma inside a
    # line longer than a link's text (``prose_clause_chars``; a headline is rarely longer). Posts and reviews
    # often end without a full stop: on the tune split of the twelve sources, 3 of 1,700 clean documents (a
    # page of weibo posts, two of shopping reviews) fell under the share counting sentence punctuation
    # alone, and none counting clauses.
    link_list_min_lines: int = 8
    min_prose_share: float = 0.3
    prose_clause_chars: int = 30
    # Repeated lines shorter than this are not taken for duplicates (a short heading may recur).
    duplicate_min_chars: int = 6
    # A line with spam cut from it whose rest has at most this many content characters (no sentence) goes whole.
    debris_max_chars: int = 2
    # A line of at least keyword_list_items items (split at | , ， 、 and spaces) with no full stop, of
    # whose content characters spam cuts took keyword_list_share, is a keyword list: it goes whole (the
    # detectors find most of its items, rarely all: 中文字幕亚洲综合久久综合,江苏极品身材白嫩少妇自拍,...).
    keyword_list_items: int = 3
    keyword_list_share: float = 0.4


class PageCleaner:
    """Template and spam excision, page verdict, then restoration. Thread-compatible, not thread-safe."""

    def __init__(
        self,
        restorer: Restorer,
        spam: SpamDetector,
        templates: TemplateRules,
        language: LanguageId | None = None,
        config: PageConfig | None = None,
        site_lines: SiteLines | KnownSiteLines | None = None,
        pollution: PollutionScanner | None = None,
    ):
        """``pollution``: the detectors of ``engine.pollution`` (None: template and spam cuts only)."""
        self.restorer = restorer
        self.pollution = pollution
        self.spam = spam
        self.templates = templates
        self.language = language
        self.config = config or PageConfig()
        self.site_lines = site_lines

    def clean(self, text: str, title: str | None = None, site: str | None = None) -> PageResult:
        extracted = _with_title(text.replace("\r\n", "\n").replace("\r", "\n"), title)
        if not _CONTENT.search(extracted):
            return PageResult(extracted, "", DROP, ["empty"])
        # The language is guessed on the text without its pollution: a page glossed in pinyin reads as Latin.
        found = self._pollution(extracted, site, title)
        guess = self.language.guess(found.rest) if self.language else None
        if guess is not None and not guess.is_chinese:
            reason = f"not_chinese:{guess.lang}"
            if self.config.other_languages == DROP:
                return PageResult(extracted, "", DROP, [reason], language=guess)
            return PageResult(extracted, extracted, KEEP, [reason], language=guess)
        lines = line_ranges(found.reading)
        norms = [normalize_line(found.reading[start:end]) for start, end in lines]
        rules = [self.templates.match_normalized(norm) for norm in norms]
        template_lines = [line for line, rule in zip(lines, rules, strict=True) if rule is not None]
        findings = self.spam.find_all(found.reading, template_lines)
        result = self._cut_and_restore(extracted, found, guess, findings, site, lines, rules, norms)
        if result.restore is not None and result.restore.spun and not findings.scanned:
            # A spun page is a farm's, and farms inject keywords: the page is read again with the language-model
            # scans, which a page without a known keyword does not get (the restorer's gate flags no clean page
            # of the benchmarks, so this costs clean pages nothing and is paid on spun pages alone).
            farm = self.spam.find_all(found.reading, template_lines, farm=True)
            if farm.spans:
                result = self._cut_and_restore(extracted, found, guess, farm, site, lines, rules, norms)
        return result

    def _cut_and_restore(
        self,
        extracted: str,
        found: _Found,
        guess: LanguageGuess | None,
        findings: SpamFindings,
        site: str | None,
        lines: list[tuple[int, int]],
        rules: list[str | None],
        norms: list[str],
    ) -> PageResult:
        """The page with the pollution, template and spam ``findings`` cut, judged, repaired and restored."""
        later = self._removals(found.reading, findings.spans, site, lines, rules, norms)
        removed = found.removals(extracted, later)
        survived = cut_text(found.rest, [(r.start, r.end) for r in later])
        repairs = _shifted(found.repairs, [(r.start, r.end) for r in later])
        reasons = self._drop_reasons(extracted, survived, removed, findings.uncut_candidates)
        if reasons:
            return PageResult(extracted, "", DROP, reasons, removed, None, guess, script=found.script)
        text = _repaired(survived, repairs)
        # What the page flags read: a traditional page's simplified reading (the restorer reads it so too).
        traditional = found.script == TRADITIONAL and self.pollution is not None
        reading = self.pollution.script.simplified(text) if traditional else text
        restored = self.restorer.restore(text, found.script)
        kinds = {r.kind for r in removed} | {r.kind for r in repairs}
        reasons = sorted(kinds) + (["spun"] if restored.spun else [])
        verdict = CLEAN if reasons else KEEP
        flags = self.pollution.flags(reading) if self.pollution is not None else []
        return PageResult(
            extracted, restored.text, verdict, reasons + flags, removed, restored, guess, repairs, found.script, flags
        )

    def _pollution(self, extracted: str, site: str | None, title: str | None) -> _Found:
        """The pollution detectors' cuts and repairs, and the reading the template and spam steps see."""
        if self.pollution is None:
            return _Found([], extracted, None, [], extracted, None)
        script = self.pollution.script.script(extracted)  # a page property: what is cut does not change it
        cuts = self.pollution.cuts(Page(extracted, site, title), script)
        rest = cut_text(extracted, [(c.start, c.end) for c in cuts])
        offsets = OffsetMap(len(extracted), [(c.start, c.end) for c in cuts]) if cuts else None
        repairs = self.pollution.repairs(rest, script, site)
        fixed = _repaired(rest, repairs)
        reading = self.pollution.script.simplified(fixed) if script == TRADITIONAL else fixed
        return _Found(cuts, rest, offsets, repairs, reading, script)

    def remember(self, memory: SpamMemory, text: str, title: str | None = None, site: str | None = None) -> None:
        """First pass of a batch: count the page's break candidates in ``memory`` (then ``spam.learn`` them).

        The page is read as the real pass's spam step reads it (without its pollution, repaired, simplified).
        Evidence of injection is a lexicon or learned string, or pollution the detectors found: a page glossed
        in pinyin or jammed is a farm's, and its keywords are worth counting though none is in the lexicon."""
        extracted = _with_title(text.replace("\r\n", "\n").replace("\r", "\n"), title)
        found = self._pollution(extracted, site, title)
        reading = found.reading
        if not (found.cuts or self.spam.lexicon_spans(reading) or self.spam.learned_spans(reading)):
            return  # checked before the template rules: most pages have no evidence of injection
        lines = line_ranges(reading)
        template_lines = [(start, end) for start, end in lines if self.templates.match(reading[start:end])]
        memory.add_page(self.spam, reading, template_lines, evidence=True)

    # -- what to cut --------------------------------------------------------------------------------------

    def _removals(
        self,
        text: str,
        spam_spans: list,
        site: str | None,
        lines: list[tuple[int, int]],
        rules: list[str | None],
        norms: list[str],
    ) -> list[Removal]:
        """Whole template/duplicate/debris lines and inline spam spans, merged and widened over whitespace.

        ``lines`` are the text's line ranges, ``rules`` the template rule each matched (or None) and ``norms``
        each line normalised (``normalize_line``)."""
        cuts: list[tuple[int, int, str, str]] = []  # (start, end, kind, reason)
        spam_iter = iter(spam_spans)
        pending = next(spam_iter, None)
        navigation = {
            name
            for (start, end), rule in zip(lines, rules, strict=True)
            if (rule or "").startswith("breadcrumb")
            for name in self.templates.navigation_names(text[start:end])
        }
        seen_lines: set[str] = set()
        for (start, end), line_rule, norm in zip(lines, rules, norms, strict=True):
            line = text[start:end]
            in_line = []
            while pending is not None and pending.start < end:
                if pending.end > start:
                    in_line.append(pending)
                if pending.end > end:
                    break
                pending = next(spam_iter, None)
            if not line.strip():
                continue
            rule = line_rule
            if rule is None and self.site_lines is not None and site and len(line) <= 80:
                rule = "site_repeat" if self.site_lines.is_template(site, line) else None
            if rule is not None:
                cuts.append((start, end, "template", f"template:{rule}"))
                continue
            rest = (
                normalize_line(cut_text(line, [(s.start - start, s.end - start) for s in in_line])) if in_line else norm
            )
            whole = None
            if in_line and _is_debris(rest, self.config):
                whole = ("spam", "spam_line")
            elif in_line and _is_keyword_list(line, in_line, start, self.config):
                whole = ("spam", "keyword_list")
            elif rest in navigation:
                whole = ("template", "template:navigation")
            elif len(rest) >= self.config.duplicate_min_chars and rest in seen_lines:
                whole = ("duplicate", "duplicate_line")
            if whole is not None:
                cuts.append((start, end, *whole))
                continue
            for span in in_line:
                cuts.append((max(span.start, start), min(span.end, end), "spam", f"{span.reason}:{span.kind}"))
            seen_lines.add(rest)
        return [Removal(s, e, kind, text[s:e], reason) for s, e, kind, reason in _widen(text, cuts)]

    # -- verdict ------------------------------------------------------------------------------------------

    def _drop_reasons(self, extracted: str, survived: str, removed: list[Removal], uncut: int) -> list[str]:
        cfg = self.config
        content = _content_chars(survived)
        spam_chars = sum(_content_chars(r.text) for r in removed if r.kind == "spam")
        reasons = []
        if spam_chars and spam_chars >= cfg.max_spam_share * (spam_chars + content):
            reasons.append("mostly_spam")
        if content < cfg.min_content_chars:
            reasons.append("too_little_text")
        if content and uncut >= cfg.spam_text_min_candidates and uncut * 1000 / content > cfg.max_spam_text_density:
            reasons.append("spam_text")
        if _is_link_list(survived, cfg):
            reasons.append("link_list")
        return reasons


@dataclass
class _Found:
    """What the pollution detectors found on a page, and the text the later steps read."""

    cuts: list  # pollution Cuts, offsets into the extracted text
    rest: str  # the extracted text without them
    offsets: OffsetMap | None  # offsets of ``rest`` back to the extracted text (None: nothing was cut)
    repairs: list[Repair]  # offsets into ``rest``
    reading: str  # ``rest`` repaired, in simplified characters: what templates, spam and duplicates read
    script: str | None

    def removals(self, extracted: str, later: list[Removal]) -> list[Removal]:
        """The pollution cuts and the later steps' removals (offsets into ``rest``), in extracted offsets."""
        out = [Removal(c.start, c.end, c.kind, extracted[c.start : c.end], f"{c.kind}:{c.reason}") for c in self.cuts]
        for r in later:
            pieces = self.offsets.pieces(r.start, r.end) if self.offsets else [(r.start, r.end)]
            out.extend(Removal(a, b, r.kind, extracted[a:b], r.reason) for a, b in pieces)
        return sorted(out, key=lambda r: r.start)


def _shifted(repairs: list[Repair], cuts: list[tuple[int, int]]) -> list[Repair]:
    """Repairs moved to offsets of the text with ``cuts`` removed (those inside a cut are gone with it)."""
    out, cuts = [], sorted(cuts)
    removed_before, i = 0, 0
    for r in repairs:
        while i < len(cuts) and cuts[i][1] <= r.start:
            removed_before += cuts[i][1] - cuts[i][0]
            i += 1
        if i < len(cuts) and cuts[i][0] <= r.start < cuts[i][1]:
            continue
        out.append(Repair(r.start - removed_before, r.end - removed_before, r.before, r.after, r.kind, r.reason))
    return out


def _repaired(text: str, repairs: list[Repair]) -> str:
    if not repairs:
        return text
    chars = list(text)
    for r in repairs:
        chars[r.start : r.end] = r.after
    return "".join(chars)


def _content_chars(text: str) -> int:
    """How many characters of ``text`` carry content (match ``_CONTENT``)."""
    return len(_NOT_CONTENT.sub("", text))


def _is_debris(rest: str, cfg: PageConfig) -> bool:
    """What is left of a line after cutting spam from it is debris: a keyword's stray character or digit."""
    return _content_chars(rest) <= cfg.debris_max_chars and not _SENTENCE_END.search(rest)


_LIST_SPLIT = re.compile(r"[|｜,，、\s]+")


def _is_keyword_list(line: str, spans: list, offset: int, cfg: PageConfig) -> bool:
    """Is ``line`` (starting at ``offset``) a list of keywords, ``spans`` being the spam found on it?"""
    items = [item for item in _LIST_SPLIT.split(line) if _CONTENT.search(item)]
    # No full stop: a keyword may hold a "!" (啊!用力), a sentence list its "。".
    if len(items) < cfg.keyword_list_items or "。" in line:
        return False
    content = _content_chars(line)
    covered = sum(_content_chars(line[max(0, s.start - offset) : max(0, s.end - offset)]) for s in spans)
    return covered >= cfg.keyword_list_share * content


def _with_title(text: str, title: str | None) -> str:
    if not title or not title.strip():
        return text
    first = next((line for line in text.split("\n") if line.strip()), "")
    if normalize_line(first) == normalize_line(title):
        return text
    return f"{title.strip()}\n\n{text}"


def _cut(text: str, removed: list[Removal]) -> str:
    return cut_text(text, [(r.start, r.end) for r in removed])


def _widen(text: str, cuts: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Merge overlapping cuts and take the whitespace they would leave behind.

    A whole line goes with its newline and the blank lines after it; an inline span at a line's start or end
    takes the spaces that separated it from the rest (性爱宝典 漆黑中的 → 漆黑中的). A cut that reaches the end
    of the text takes the blank lines before it.
    """
    widened: list[tuple[int, int, str, str]] = []
    for start, end, kind, reason in sorted(cuts):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        before, after = text[line_start:start], text[end:line_end]
        if not before.strip() and not after.strip():  # the whole line
            start = line_start
            end = line_end
            while end < len(text) and text[end] == "\n":
                end += 1
                while end < len(text) and text[end] in " \t\u3000" and "\n" in text[end:]:
                    nxt = text.find("\n", end)
                    if text[end:nxt].strip():
                        break
                    end = nxt
        elif not before.strip():
            start = line_start
            end += len(after) - len(after.lstrip())
        elif not after.strip():
            start -= len(before) - len(before.rstrip())
            end = line_end
        elif before.endswith(" ") and after.startswith(" "):
            end += 1
        if widened and start < widened[-1][1]:
            last = widened[-1]
            widened[-1] = (last[0], max(last[1], end), last[2], last[3])
        else:
            widened.append((start, end, kind, reason))
    if widened and widened[-1][1] >= len(text):
        start, end, kind, reason = widened.pop()
        start = len(text[:start].rstrip())
        while widened and start < widened[-1][1]:
            start = min(start, widened.pop()[0])  # the trailing whitespace joined an earlier cut: absorb it
        widened.append((start, end, kind, reason))
    return widened


def _is_link_list(text: str, cfg: PageConfig) -> bool:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < cfg.link_list_min_lines:
        return False
    total = sum(len(line) for line in lines)
    prose = sum(len(line) for line in lines if _is_prose(line, cfg))
    return prose < cfg.min_prose_share * total


def _is_prose(line: str, cfg: PageConfig) -> bool:
    return bool(_SENTENCE_END.search(line)) or (len(line) >= cfg.prose_clause_chars and bool(_CLAUSE.search(line)))

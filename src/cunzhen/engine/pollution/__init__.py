"""Detectors of the kinds of pollution real farm pages carry, one module per kind (issue 13).

Each is a small model of how its pollution is made, not a list of what was seen:

- ``pinyin``: bracketed Latin that is a reading of the Han characters before it (機(jī)器 → 機器)
- ``site_name``: the page's own domain, and the name before it, written into the article (某某網(www.host.cn)訊)
- ``watermark``: another site's domain closing a line of Chinese text (更长。www.swkk.cn), and the site's name
  spelling that domain in pinyin (的关系。上网看看 of swkk.cn)
- ``keyword``: an ad line framing another site's domain, and its echoes (▓GGPoker[—ggn178.com—]…; ``domain.py``),
  and the brand the host spells written in Han into a sentence (由新葡京主要负责 on xpj8.com; ``host_name.py``)
- ``noise``: symbol runs glued to text, stacked clause marks, ``??`` in a word, HTML tag debris (价格*#%@, → 价格,),
  and a GBK stream read one byte out of step after a lost byte (市場?!惯@便是 → 市場?!便是)
- ``invisible``: characters that render as nothing inside a word (草\u200b榴社区 → 草榴社区; ``noise.py``)
- ``jammer``: lines of short random ASCII tokens between paragraphs (``* y5 P1 {8 u4 Y/ P(``)
- ``artefact``: markup a chat tool leaves in pasted text (``citeturn0search3``, ``entity["people", "X"]``)
- ``emoji``: a page whose clauses end in emoji (好吃😋,便宜🔥)
- ``masking``: a word blotted out by one character repeated (他是**公司的人)
- ``punct_split``: an enumeration comma inside a word (野、心 → 野心)
- ``fragment``: pieces of the page's own title wedged between words (今年的主力军国庆节)
- ``caption``: a sentence repeated three times or more that shares no words with the article around it
- page flags (nothing cut, the page marked for the user): ``garbled``, characters dropped throughout its
  sentences (曾国藩在兵前 for 在出兵前), read as gaps the character model bridges (``garble.py``)
- repairs: ``lookalike`` (Hangul letters, Greek and Cyrillic letters drawn like a Han character, radicals,
  compatibility forms for Han characters: 跪在눓上 → 跪在地上, 进入Φ国 → 进入中国)
  and ``script`` (a converter's slips in the page's script: 抄瞭 → 抄了, 由於 → 由于; ``script.py``)

``PollutionScanner.cuts`` runs the cutting detectors one after another, each on the text the ones before it
left (a pinyin gloss is read after the noise inside its word is gone), and returns their cuts in the page's
offsets; ``repairs`` gives the in-place repairs of a text; ``flags`` the page flags of the text the
restorer will read.
"""

from __future__ import annotations

from collections.abc import Callable

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.pollution import (
    artefact,
    caption,
    domain,
    emoji,
    fragment,
    garble,
    host_name,
    lookalike,
    masking,
    noise,
    pinyin,
    punct_split,
)
from cunzhen.engine.pollution.base import Cut, OffsetMap, Page, Repair, cut_text
from cunzhen.engine.pollution.script import SIMPLIFIED, TRADITIONAL, ScriptModel

__all__ = ["Cut", "OffsetMap", "Page", "PollutionScanner", "Repair", "SIMPLIFIED", "TRADITIONAL", "cut_text"]

Detector = Callable[[Page], list[Cut]]


class PollutionScanner:
    """The page cleaner's first step: cuts and repairs of the kinds above. Thread-compatible."""

    def __init__(self, lm: LanguageModel, word_lm=None, garble_config: garble.GarbleConfig | None = None):
        """``word_lm`` (the restorer's word model, or None) lets the comma splitter see words."""
        self.lm = lm
        self.word_lm = word_lm
        self.garble_config = garble_config or garble.GarbleConfig()
        self.script = ScriptModel(lm, word_lm=word_lm)
        # Per site, what a first pass found on its pages (steps/clean.py SitePass): sentences on several of
        # them, the Hangul look-alike cipher read off all of them, and the strings its host spells, scored
        # over all of them.
        self.site_captions: dict[str, list[str]] = {}
        self.site_lookalikes: dict[str, dict[str, str]] = {}
        self.site_host_names: dict[str, dict[str, float]] = {}  # site -> host-spelled string -> its site score
        # In order: what hides inside words first (tags, symbols, glosses), then what needs words whole.
        self.detectors: list[Detector] = [
            noise.invisible_cuts,
            artefact.artefact_cuts,
            noise.jammer_cuts,
            noise.noise_cuts,
            lambda page: noise.shift_cuts(page, self.lm, self.script.simplified),
            emoji.emoji_cuts,
            masking.mask_cuts,
            pinyin.annotation_cuts,
            domain.domain_cuts,
            lambda page: host_name.host_name_cuts(
                page, self.lm, self.site_host_names.get(page.host or ""), word_lm=self.word_lm
            ),
            lambda page: caption.caption_cuts(page, self.site_captions.get(page.host or "", ())),
            lambda page: punct_split.split_cuts(page, self.lm, self.word_lm),
            lambda page: fragment.fragment_cuts(page, self.lm, self.word_lm),
        ]

    def __reduce__(self):
        state = (
            self.lm,
            self.word_lm,
            self.site_captions,
            self.site_lookalikes,
            self.garble_config,
            self.site_host_names,
        )
        return (_rebuilt_scanner, state)

    def reading(self, text: str) -> str:
        """The text the models read: a traditional page's simplified reading, offset for offset."""
        return self.script.simplified(text) if self.script.script(text) == TRADITIONAL else text

    def cuts(self, page: Page, script: str | None = None) -> list[Cut]:
        """Every detector's cuts, in offsets of ``page.text``, sorted and not overlapping. ``script``: the
        page's, if the caller knows it."""
        found: list[Cut] = []
        text = page.text
        # The simplified reading, converted once: t2s keeps offsets, so each stage's reading is it cut alike.
        script = script or self.script.script(text)
        full_reading = self.script.simplified(text) if script == TRADITIONAL else None
        for detect in self.detectors:
            current = OffsetMap(len(page.text), [(c.start, c.end) for c in found]) if found else None
            ranges = [(c.start, c.end) for c in found]
            reading = None if full_reading is None else cut_text(full_reading, ranges) if found else full_reading
            view = Page(text, page.host, page.title, reading)
            for cut in detect(view):
                pieces = current.pieces(cut.start, cut.end) if current else [(cut.start, cut.end)]
                found.extend(Cut(a, b, cut.kind, cut.reason) for a, b in pieces)
            found.sort(key=lambda c: c.start)
            text = cut_text(page.text, [(c.start, c.end) for c in found])
        return _disjoint(found)

    def flags(self, reading: str) -> list[str]:
        """Page flags of ``reading``, the page as the restorer reads it (after cuts and repairs; a traditional
        page in its simplified reading): ``garbled``."""
        return [garble.GARBLED] if garble.garbled(reading, self.lm, self.garble_config) else []

    def repairs(self, text: str, script: str, site: str | None = None) -> list[Repair]:
        """Look-alike characters first (a Hangul 떚 hides the word its neighbour belongs to), then script."""
        known = self.site_lookalikes.get(site or "")
        fixed = lookalike.lookalike_repairs(text, self.lm, self.script, script, known=known, word_lm=self.word_lm)
        if fixed:
            chars = list(text)
            for r in fixed:
                chars[r.start] = r.after
            text = "".join(chars)
        done = {r.start for r in fixed}
        return sorted(
            fixed + [r for r in self.script.repairs(text, script) if r.start not in done], key=lambda r: r.start
        )


def _rebuilt_scanner(
    lm, word_lm, site_captions, site_lookalikes, garble_config=None, site_host_names=None
) -> PollutionScanner:
    scanner = PollutionScanner(lm, word_lm, garble_config)
    scanner.site_captions = site_captions
    scanner.site_lookalikes = site_lookalikes
    scanner.site_host_names = site_host_names or {}
    return scanner


def _disjoint(cuts: list[Cut]) -> list[Cut]:
    out: list[Cut] = []
    for cut in sorted(cuts, key=lambda c: (c.start, -c.end)):
        if out and cut.start < out[-1].end:
            if cut.end > out[-1].end:
                out[-1] = Cut(out[-1].start, cut.end, out[-1].kind, out[-1].reason)
            continue
        out.append(cut)
    return out

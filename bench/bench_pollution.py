"""Pollution injected into text of every source (issue 13): what a detector finds on text it was not built on.

The real pages (bench_realpages.py) show each kind on a page or two; here one kind at a time is injected into
clean documents of the corpus-ood sources, as a farm would, and the page cleaner's detector for it is measured:
- **Hangul cipher** (the kind of real page spun/015): nine frequent characters of a page (drawn among the 150
  most frequent of 1990s news present on it) written everywhere as nine random Hangul syllables, the
  page's first 900 characters. A syllable is *right* when every repair of it gives the character it hides,
  *wrong* when one gives another (a wrong read passes for genuine text), *unread* when it stays. Each page
  alone, and a farm site's pages together: ten pages of one cipher, read first over all of them
  (``SiteCipher``, as ``cunzhen clean --site-pass`` does), then page by page with the site's cipher.

    python bench/bench_pollution.py          # report split of every corpus-ood source
    python bench/bench_pollution.py --tune   # tune split of news-1990s (design choices are made here)
"""

from __future__ import annotations

import random
import time
from collections import Counter
from functools import cache

from flags import parse_flags
from restore_eval import make_docs
from shared_corpus import OOD_SOURCES

from cunzhen.api import default_restorer
from cunzhen.engine.pollution import lookalike
from cunzhen.engine.pollution.script import SIMPLIFIED, ScriptModel

PAGE_CHARS = 900
CIPHER_SYMBOLS = 9  # spun/015 hides nine characters
FREQUENT = 150
SEED = 2026  # the report's; --tune uses another
TUNE_SEED = 7


@cache
def frequent_characters() -> list[str]:
    """The ``FREQUENT`` most frequent Han characters of news-1990s' train split (the candidates a farm hides)."""
    counts = Counter("".join(make_docs("news-1990s", "train", 300)))
    return [c for c, _ in counts.most_common() if lookalike._HAN.match(c)][:FREQUENT]


def hangul_cipher(docs: list[str], seed: int) -> Counter:
    """right / wrong / unread syllables over ``docs``, each page with a cipher of its own."""
    restorer = default_restorer()
    script = ScriptModel(restorer.lm)
    rng = random.Random(seed)
    tally: Counter = Counter()
    for doc in docs:
        page = doc[:PAGE_CHARS]
        present = [c for c in frequent_characters() if c in page]
        hidden = rng.sample(present, min(CIPHER_SYMBOLS, len(present)))
        key = dict(zip(hidden, (chr(s) for s in rng.sample(range(0xAC00, 0xD7A4), len(hidden)))))
        spun = "".join(key.get(c, c) for c in page)
        reads: dict[str, set[str]] = {}
        for repair in lookalike.lookalike_repairs(spun, restorer.lm, script, SIMPLIFIED, word_lm=restorer.word_lm):
            reads.setdefault(repair.before, set()).add(repair.after)
        for char, symbol in key.items():
            got = reads.get(symbol)
            tally["unread" if not got else "right" if got == {char} else "wrong"] += 1
    return tally


def site_hangul_cipher(docs: list[str], seed: int, site_pages: int = 10) -> Counter:
    """As ``hangul_cipher``, the pages in sites of ``site_pages``, each site one cipher read over all its pages
    first; counted per page and syllable, as page by page."""
    restorer = default_restorer()
    script = ScriptModel(restorer.lm)
    rng = random.Random(seed)
    tally: Counter = Counter()
    for first in range(0, len(docs) - site_pages + 1, site_pages):
        pages = [doc[:PAGE_CHARS] for doc in docs[first : first + site_pages]]
        text = "".join(pages)
        present = [c for c in frequent_characters() if c in text]
        hidden = rng.sample(present, min(CIPHER_SYMBOLS, len(present)))
        key = dict(zip(hidden, (chr(s) for s in rng.sample(range(0xAC00, 0xD7A4), len(hidden)))))
        spun_pages = ["".join(key.get(c, c) for c in page) for page in pages]
        cipher = lookalike.SiteCipher()
        for spun in spun_pages:
            cipher.add_page("farm", spun)
        known = cipher.learned(restorer.lm, word_lm=restorer.word_lm).get("farm", {})
        for page, spun in zip(pages, spun_pages):
            reads: dict[str, set[str]] = {}
            repairs = lookalike.lookalike_repairs(
                spun, restorer.lm, script, SIMPLIFIED, known=known, word_lm=restorer.word_lm
            )
            for repair in repairs:
                reads.setdefault(repair.before, set()).add(repair.after)
            for char, symbol in key.items():
                if char not in page:
                    continue
                got = reads.get(symbol)
                tally["unread" if not got else "right" if got == {char} else "wrong"] += 1
    return tally


def _row(name: str, pages: int, tally: Counter) -> str:
    read = tally["right"] + tally["wrong"]
    total = max(sum(tally.values()), 1)
    return (
        f"| {name} | {pages} | {sum(tally.values())} | {tally['right'] / total:.1%} | {tally['wrong'] / total:.1%} | "
        f"{tally['right'] / max(read, 1):.1%} |"
    )


def run(quick: bool = False, tune: bool = False) -> str:
    sources = ["news-1990s"] if tune else list(OOD_SOURCES)
    split, seed, n = ("tune", TUNE_SEED, 40) if tune else ("report", SEED, 10 if quick else 30)
    rows = ["| source | pages | syllables | read right | read wrong | precision |", "|---|---:|---:|---:|---:|---:|"]
    total: Counter = Counter()
    pages = 0
    started = time.perf_counter()
    for source in sources:
        docs = make_docs(source, split, n, min_chars=PAGE_CHARS)
        tally = hangul_cipher(docs, seed)
        rows.append(_row(source, len(docs), tally))
        total += tally
        pages += len(docs)
    rows.append(_row("all", pages, total))
    site_docs = make_docs("news-1990s", split, 40, min_chars=PAGE_CHARS) if tune else []
    if not tune:
        for source in sources:
            site_docs += make_docs(source, split, 10 if quick else 20, min_chars=PAGE_CHARS)[: 10 if quick else 20]
    site = site_hangul_cipher(site_docs, seed)
    rows.append(_row("all, sites of 10 pages", len(site_docs), site))
    return (
        "## Pollution injected into text of every source (issue 13)\n\n"
        f"Command: `python bench/bench_pollution.py`. {split} split, up to {n} pages a source, "
        f"{time.perf_counter() - started:.0f} s. The design was chosen on the tune split of news-1990s "
        "(`--tune`).\n\n"
        f"### Hangul cipher (the kind of spun/015)\n\n{CIPHER_SYMBOLS} frequent characters of each "
        f"{PAGE_CHARS}-character page written everywhere as {CIPHER_SYMBOLS} random Hangul syllables; the page "
        "cleaner's look-alike decipherment (character model, word model re-scoring, margin 2) on each page alone, "
        "and on the pages of farm sites of ten pages, one cipher a site, read over the site first (`--site-pass`). "
        "A wrong read passes for genuine text, so a syllable the models cannot tell stays.\n\n" + "\n".join(rows)
    )


def main() -> None:
    args = parse_flags(__doc__, tune="tune split of news-1990s", quick="10 pages a source")
    print(run(quick=args.quick, tune=args.tune))


if __name__ == "__main__":
    main()

"""Pollution injected into text of every source (issue 13): what a detector finds on text it was not built on.

The real pages (bench_realpages.py) show each kind on a page or two; here one kind at a time is injected into
clean documents of the corpus-ood sources, as a farm would, and the page cleaner's detector for it is measured:
- **Hangul cipher** (the kind of real page spun/015): nine frequent characters of a page (drawn among the 150
  most frequent of 1990s news present on it) written everywhere as nine random Hangul syllables, the
  page's first 900 characters. A syllable is *right* when every repair of it gives the character it hides,
  *wrong* when one gives another (a wrong read passes for genuine text), *unread* when it stays. Each page
  alone, and a farm site's pages together: ten pages of one cipher, read first over all of them
  (``SiteCipher``, as ``cunzhen clean --site-pass`` does), then page by page with the site's cipher.

- **Injected into the text** (the kinds of the real pages' checks, and zero-width characters), each drawn at its own
  rate on every page: pinyin readings after characters (發(fā)揮) or words (宣布(xuān bù)), tone marks or numbers,
  round, full-width or lenticular brackets, half the pages in traditional script; symbol runs and arrow tokens
  between words (价格*#%, →No→); an emoji after most clauses; a chat tool's citation marks after sentences
  (citeturn0search3); a caption of unrelated text repeated; jammer lines; stacked commas; watermark domains;
  enumeration commas inside words (野、心); zero-width characters inside words (微\\u200b信); words masked by a repeated
  character (他是**的人); Greek and Cyrillic letters for characters they are drawn like (进入Φ国); a made-up brand set
  before clause marks on a host that spells it in pinyin (xpj8.com, 新葡京). The page goes through
  the whole page cleaner (``cunzhen clean``'s engine); *left* is the share of injected characters still in its
  output, *lost* the article characters gone with them (per 100k), from an alignment of the output with the page
  before injection.

    python bench/bench_pollution.py          # report split of every corpus-ood source
    python bench/bench_pollution.py --tune   # tune split of news-1990s (design choices are made here)
"""

from __future__ import annotations

import difflib
import random
import time
from collections import Counter
from collections.abc import Callable
from functools import cache

from flags import parse_flags
from pypinyin import Style, lazy_pinyin
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
        key = _draw_key(page, rng)
        spun = _encipher(page, key)
        repairs = lookalike.lookalike_repairs(spun, restorer.lm, script, SIMPLIFIED, word_lm=restorer.word_lm)
        tally += _reads(page, key, repairs)
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
        key = _draw_key("".join(pages), rng)
        spun_pages = [_encipher(page, key) for page in pages]
        cipher = lookalike.SiteCipher()
        for spun in spun_pages:
            cipher.add_page("farm", spun)
        known = cipher.learned(restorer.lm, word_lm=restorer.word_lm).get("farm", {})
        for page, spun in zip(pages, spun_pages):
            repairs = lookalike.lookalike_repairs(
                spun, restorer.lm, script, SIMPLIFIED, known=known, word_lm=restorer.word_lm
            )
            tally += _reads(page, key, repairs)
    return tally


def _draw_key(text: str, rng: random.Random) -> dict[str, str]:
    """A farm's cipher: ``CIPHER_SYMBOLS`` frequent characters of ``text``, each a random Hangul syllable."""
    present = [c for c in frequent_characters() if c in text]
    hidden = rng.sample(present, min(CIPHER_SYMBOLS, len(present)))
    return dict(zip(hidden, (chr(s) for s in rng.sample(range(0xAC00, 0xD7A4), len(hidden)))))


def _encipher(page: str, key: dict[str, str]) -> str:
    return "".join(key.get(c, c) for c in page)


def _reads(page: str, key: dict[str, str], repairs) -> Counter:
    """right / wrong / unread over the syllables of ``key`` whose character ``page`` holds."""
    reads: dict[str, set[str]] = {}
    for repair in repairs:
        reads.setdefault(repair.before, set()).add(repair.after)
    tally: Counter = Counter()
    for char, symbol in key.items():
        if char in page:
            got = reads.get(symbol)
            tally["unread" if not got else "right" if got == {char} else "wrong"] += 1
    return tally


# -- injected kinds ---------------------------------------------------------------------------------------

_BRACKETS = (("(", ")"), ("（", "）"), ("【", "】"))
_EMOJI = ("😋", "🔥", "👍", "😍", "🚀", "🎉", "🌟", "💪", "🍃", "🌈", "✨", "❤️", "😂", "🙏", "👍🏻")
_SYMBOLS = "*#%@&^~$"


def _is_han(char: str) -> bool:
    return bool(lookalike._HAN.match(char))


def inject_pinyin(page: str, rng: random.Random) -> tuple[str, str]:
    """One style a page (as a farm runs one gloss engine): char or word readings, marks or numbers, brackets;
    half the pages in traditional script first (most real glossed pages are)."""
    if rng.random() < 0.5:
        page = _to_traditional(page)
    style = rng.choice((Style.TONE, Style.TONE3))
    open_, close = rng.choice(_BRACKETS)
    words = rng.random() < 0.5
    out, i = [], 0
    while i < len(page):
        span = 2 if words and i + 1 < len(page) and _is_han(page[i + 1]) else 1
        piece = page[i : i + span]
        out.append(piece)
        if all(map(_is_han, piece)) and rng.random() < 0.08:
            out.append(open_ + " ".join(lazy_pinyin(piece, style=style)) + close)
        i += span
    return page, "".join(out)


@cache
def _converter():
    import opencc

    return opencc.OpenCC("s2t")


def _to_traditional(page: str) -> str:
    return _converter().convert(page)


def inject_symbols(page: str, rng: random.Random) -> tuple[str, str]:
    """Symbol runs of two to four mixed symbols, or an arrow-framed token, between two Han characters."""
    out = []
    for i, char in enumerate(page):
        out.append(char)
        if _is_han(char) and i + 1 < len(page) and _is_han(page[i + 1]) and rng.random() < 0.03:
            if rng.random() < 0.3:
                out.append("→" + rng.choice(("No", "Yes", "OK", "Hi")) + "→")
            else:
                run = rng.sample(_SYMBOLS, rng.randint(2, 4))
                out.append("".join(run))
    return page, "".join(out)


def inject_emoji(page: str, rng: random.Random) -> tuple[str, str]:
    """An emoji before most clause marks."""
    return page, "".join((rng.choice(_EMOJI) + c) if c in "，。！？；" and rng.random() < 0.8 else c for c in page)


def inject_citations(page: str, rng: random.Random) -> tuple[str, str]:
    """A chat tool's citation mark after some sentences."""
    return page, "".join(
        c + (f"citeturn{rng.randint(0, 3)}search{rng.randint(0, 9)}" if c == "。" and rng.random() < 0.5 else "")
        for c in page
    )


def inject_letters(page: str, rng: random.Random) -> tuple[str, str]:
    """Up to three characters written as a Greek or Cyrillic letter drawn like them (进入Φ国), each where it
    makes with a neighbour a pair the page writes again elsewhere (a farm disguises one occurrence of a word
    the article uses): the letters of ``data/glyph_lookalikes.tsv`` whose first three candidates hold it."""
    by_char: dict[str, list[str]] = {}
    for letter, candidates in lookalike.glyph_lookalikes().items():
        for char in candidates[:3]:
            by_char.setdefault(char, []).append(letter)
    places = [
        i
        for i in range(1, len(page) - 1)
        if page[i] in by_char
        and _is_han(page[i - 1])
        and _is_han(page[i + 1])
        and (page.count(page[i - 1 : i + 1]) > 1 or page.count(page[i : i + 2]) > 1)
    ]
    chosen = set(rng.sample(places, min(3, len(places))))
    return page, "".join(rng.choice(by_char[c]) if i in chosen else c for i, c in enumerate(page))


# page -> (the page as the farm had it before polluting it, the polluted page)
def inject_caption(page: str, rng: random.Random) -> tuple[str, str]:
    """One sentence of another source's text pasted after three to six of the page's sentences."""
    caption = rng.choice(_captions())
    ends = [i for i, c in enumerate(page) if c == "。"]
    at = set(rng.sample(ends, min(len(ends), rng.randint(3, 6))))
    return page, "".join(c + caption if i in at else c for i, c in enumerate(page))


@cache
def _captions() -> list[str]:
    """Sentences of 10-40 characters of the hotel reviews' tune split: text unrelated to the pages."""
    found = []
    for doc in make_docs("reviews", "tune", 60):
        for sentence in doc.replace("\n", "。").split("。"):
            if 10 <= len(sentence) <= 40 and all(_is_han(c) or c in "，、" for c in sentence):
                found.append(sentence + "。")
    return found


def inject_jammer(page: str, rng: random.Random) -> tuple[str, str]:
    """A jammer line (tokens of one or two ASCII characters) after most lines."""
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789{}()/:*"

    def jammer() -> str:
        return " ".join("".join(rng.choices(alphabet, k=rng.randint(1, 2))) for _ in range(rng.randint(6, 12)))

    lines = page.split("\n")
    return page, "\n".join(line + ("\n" + jammer() if rng.random() < 0.7 else "") for line in lines)


def inject_commas(page: str, rng: random.Random) -> tuple[str, str]:
    """A comma stacked before most clause marks."""
    return page, "".join(("，" + c) if c in "，。、；" and rng.random() < 0.6 else c for c in page)


def inject_watermark(page: str, rng: random.Random) -> tuple[str, str]:
    """Another site's domain at the end of some lines."""
    domain = "www." + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(4, 7))) + ".com"
    lines = page.split("\n")
    return page, "\n".join(line + (domain if line.endswith("。") and rng.random() < 0.5 else "") for line in lines)


def _inside_words(page: str, rng: random.Random, mark: Callable[[random.Random], str]) -> str:
    """``page`` with ``mark(rng)`` set inside one word in twenty: words of two to four Han characters (jieba's
    segmentation, as wordfreq ships it), at a random place between two of their characters."""
    import jieba

    out = []
    for word in jieba.lcut(page, HMM=False):
        if 2 <= len(word) <= 4 and all(map(_is_han, word)) and rng.random() < 0.05:
            at = rng.randint(1, len(word) - 1)
            word = word[:at] + mark(rng) + word[at:]
        out.append(word)
    return "".join(out)


def inject_splits(page: str, rng: random.Random) -> tuple[str, str]:
    """An enumeration comma inside some words (野、心, 隐、私、权), as a filter dodger splits the words it filters."""
    return page, _inside_words(page, rng, lambda _: "、")


def inject_invisible(page: str, rng: random.Random) -> tuple[str, str]:
    """A character that renders as nothing (zero-width space, word joiner, soft hyphen, zero-width joiner) inside
    some words, as a filter dodger hides the words it filters."""
    return page, _inside_words(page, rng, lambda r: r.choice("\u200b\u2060\u00ad\u200d"))


def inject_masks(page: str, rng: random.Random) -> tuple[str, str]:
    """Some two-character words blotted out by a run of one masking character (the word is lost with its
    mask: the reference is the page without it)."""
    mask = rng.choice("*×□■●")
    reference, polluted, i = [], [], 0
    while i < len(page):
        pair = page[i : i + 2]
        if len(pair) == 2 and all(map(_is_han, pair)) and i > 0 and _is_han(page[i - 1]) and rng.random() < 0.01:
            polluted.append(mask * 2)
            i += 2
            continue
        reference.append(page[i])
        polluted.append(page[i])
        i += 1
    return "".join(reference), "".join(polluted)


def inject_host_brand(page: str, rng: random.Random) -> tuple[str, str, str]:
    """A made-up brand (``_draw_brand``) set before three of the page's clause marks, on a host that spells it.
    A name no lexicon holds, so only the host tells it."""
    brand, host = _draw_brand(rng)
    return page, _set_brand(page, brand, 3, rng), host


def _draw_brand(rng: random.Random) -> tuple[str, str]:
    """A made-up brand of two to four characters of the 1990s news' commonest 600, and the host a farm would
    name after it: its initials from three characters, else its syllables, and digits (xpj8.com for 新葡京)."""
    brand = "".join(rng.choices(_brand_characters(), k=rng.randint(2, 4)))
    spelled = lazy_pinyin(brand, style=Style.FIRST_LETTER) if len(brand) >= 3 else lazy_pinyin(brand)
    return brand, f"www.{''.join(spelled)}{rng.randint(1, 999)}.com"


def _set_brand(page: str, brand: str, times: int, rng: random.Random) -> str:
    """``brand`` set before ``times`` of the page's clause marks that follow a Han character."""
    marks = [i for i, char in enumerate(page) if char in "，。" and i > 5 and _is_han(page[i - 1])]
    for at in sorted(rng.sample(marks, min(times, len(marks))), reverse=True):
        page = page[:at] + brand + page[at:]
    return page


def site_host_brand(docs: list[str], seed: int, site_pages: int = 10) -> Counter:
    """Farm sites of ``site_pages`` pages, one made-up brand and its host a site, the brand set once a page;
    cleaned as ``cunzhen clean --site-pass`` does (a first pass over the site's pages, then page by page), and
    page by page without it: characters injected and left, article and lost, per way."""
    from cunzhen.steps.clean import clean_record, learn_site_pass, make_page_cleaner

    rng = random.Random(seed)
    restorer = default_restorer()
    tally: Counter = Counter()
    for first in range(0, len(docs) - site_pages + 1, site_pages):
        brand, host = _draw_brand(rng)
        pages = [doc[:PAGE_CHARS] for doc in docs[first : first + site_pages]]
        records = [
            {"id": str(i), "url": f"https://{host}/{i}.html", "text": _set_brand(page, brand, 1, rng)}
            for i, page in enumerate(pages)
        ]
        alone = make_page_cleaner(restorer)
        site = make_page_cleaner(restorer)
        learn_site_pass(records, site).apply(site)
        for page, record in zip(pages, records, strict=True):
            for way, cleaner in (("alone", alone), ("site", site)):
                out = clean_record(dict(record), cleaner).get("text") or ""
                kept = _matched(page, out)
                tally.update(
                    {
                        f"{way} article": len(page),
                        f"{way} lost": len(page) - kept,
                        f"{way} injected": len(record["text"]) - _matched(page, record["text"]),
                        f"{way} left": len(out) - kept,
                    }
                )
    return tally


@cache
def _brand_characters() -> list[str]:
    counts = Counter("".join(make_docs("news-1990s", "train", 300)))
    return [c for c, _ in counts.most_common() if lookalike._HAN.match(c)][:600]


INJECTORS: dict[str, Callable[[str, random.Random], tuple[str, ...]]] = {
    "pinyin": inject_pinyin,
    "symbols": inject_symbols,
    "emoji": inject_emoji,
    "citations": inject_citations,
    "caption": inject_caption,
    "jammer": inject_jammer,
    "commas": inject_commas,
    "watermark": inject_watermark,
    "enumeration commas": inject_splits,
    "invisible characters": inject_invisible,
    "masks": inject_masks,
    "letters for characters": inject_letters,
    "brand the host spells": inject_host_brand,
}


def injected(docs: list[str], inject: Callable[[str, random.Random], tuple[str, ...]], seed: int, clean_fn) -> Counter:
    """Characters injected and left, article characters and lost, pages, over ``docs`` (their first
    ``PAGE_CHARS``). An injector gives (the page without its pollution, the page with it) and may add the host
    the page stands on (farm.example by default)."""
    rng = random.Random(seed)
    tally: Counter = Counter()
    for i, doc in enumerate(docs):
        page = doc[:PAGE_CHARS]
        page, polluted, *host = inject(page, rng)
        url = f"https://{host[0] if host else 'farm.example'}/{i}.html"
        out = clean_fn({"id": str(i), "url": url, "text": polluted}).get("text") or ""
        # What of the page before injection is missing from the output, and what of the output is not of it.
        kept = _matched(page, out)
        tally.update(
            pages=1,
            article=len(page),
            lost=len(page) - kept,
            injected=len(polluted) - _matched(page, polluted),
            left=len(out) - kept,
        )
    return tally


def _matched(a: str, b: str) -> int:
    """Characters of ``a`` and ``b`` aligned to each other (difflib, no junk heuristic)."""
    return sum(block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())


def _injected_table(sources: list[str], split: str, n: int, seed: int) -> str:
    from realpages import engine_clean_fn

    clean_fn = engine_clean_fn()
    head = "| kind | " + " | ".join(sources) + (" | all |" if len(sources) > 1 else " |")
    rows = [head, "|---|" + "---|" * (len(sources) + (len(sources) > 1))]
    docs = {source: make_docs(source, split, n, min_chars=PAGE_CHARS) for source in sources}
    for kind, inject in INJECTORS.items():
        cells, total = [], Counter()
        for source in sources:
            tally = injected(docs[source], inject, seed, clean_fn)
            total += tally
            cells.append(_injected_cell(tally))
        if len(sources) > 1:
            cells.append(_injected_cell(total))
        rows.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _injected_cell(tally: Counter) -> str:
    left = tally["left"] / max(tally["injected"], 1)
    return f"{left:.1%} / {1e5 * tally['lost'] / max(tally['article'], 1):.0f}"


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
    brands = site_host_brand(site_docs, seed)
    brand_rows = ["| pages | read | brand characters left | article characters lost /100k |", "|---:|---|---:|---:|"]
    for way, label in (("alone", "page by page"), ("site", "over the site first (`--site-pass`)")):
        brand_rows.append(
            f"| {len(site_docs)} | {label} | {brands[f'{way} left'] / max(brands[f'{way} injected'], 1):.1%} | "
            f"{1e5 * brands[f'{way} lost'] / max(brands[f'{way} article'], 1):.0f} |"
        )
    return (
        "## Pollution injected into text of every source (issue 13)\n\n"
        f"Command: `python bench/bench_pollution.py`. {split} split, up to {n} pages a source, "
        f"{time.perf_counter() - started:.0f} s. The design was chosen on the tune split of news-1990s "
        "(`--tune`).\n\n"
        f"### Hangul cipher (the kind of spun/015)\n\n{CIPHER_SYMBOLS} frequent characters of each "
        f"{PAGE_CHARS}-character page written everywhere as {CIPHER_SYMBOLS} random Hangul syllables; the page "
        "cleaner's look-alike decipherment (character model, word model re-scoring, margin 2) on each page alone, "
        "and on the pages of farm sites of ten pages, one cipher a site, read over the site first (`--site-pass`). "
        "A wrong read passes for genuine text, so a syllable the models cannot tell stays.\n\n"
        + "\n".join(rows)
        + "\n\n### Injected into the text\n\nEach kind injected into every page (its first "
        f"{PAGE_CHARS} characters), the page through `cunzhen clean`'s engine. Each cell: *left*, the share of "
        "injected characters still in the output / *lost*, article characters gone per 100k (clean text of "
        "these sources loses some on its own: the table of clean text in the real-page section).\n\n"
        + _injected_table(sources, split, n, seed)
        + "\n\n### The brand the host spells, on the pages of one site\n\nFarm sites of ten pages (the pages of "
        "the Hangul sites above), one made-up brand a site (two to four common characters) on a host that spells "
        "it in pinyin (initials from three characters, else syllables, and digits), set before one clause mark "
        "of each page: read page by page, and over the site's pages first, as `--site-pass` does (the string's "
        "insertion score summed over the site decides for all of its pages).\n\n" + "\n".join(brand_rows)
    )


def main() -> None:
    args = parse_flags(__doc__, tune="tune split of news-1990s", quick="10 pages a source")
    print(run(quick=args.quick, tune=args.tune))


if __name__ == "__main__":
    main()

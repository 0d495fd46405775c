"""Calibrate the host-name brand detector (engine/pollution/host_name.py) on the tune split of every source.

Documents of about 800 characters of the *tune* split of each source of tools/shared_corpus.py, up to
``--docs`` a source. Each is read three ways:
- *own word*: on a host that spells one of the document's own words (its initials when it has three characters
  or more, else its syllables: 知乎 on zhihu.com): a site's name used genuinely in its own pages. Nothing should
  be cut.
- *random host*: on a host of random letters (3-6), whose initials some strings of any page spell by chance.
  Nothing should be cut.
- *brand set in*: a word of another document (2-4 characters, a real word unrelated to the page) set into
  three places between words of the document, on a host spelling it: what a farm does. It should be cut.
  ``--made-up``: the brand is three random characters of the 1,500 commonest instead (a name, not a word).
Then, for ``--site-pass``, sites of ten documents of one source on a host spelling the word the most of them
use (a site named after its topic, the harshest clean site), scored over the site (``SiteHostNames``): the
sites and documents whose word would be cut.
Printed per source and pooled, for a grid of ``min_insertion``: documents with a cut, characters cut per 100k
(the clean readings), brands cut whole and article characters lost (the farm reading). The real pages are not
read.

usage: python tools/calibrate_host_name.py [--docs 100] [--grid 2 3 4 5] [--made-up] [--word-model]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shared_corpus import SOURCES  # noqa: E402

from cunzhen.api import load_lm, load_word_lm  # noqa: E402
from cunzhen.engine.pollution.base import Page  # noqa: E402
from cunzhen.engine.pollution.domain import MIN_INITIALS  # noqa: E402
from cunzhen.engine.pollution.host_name import SiteHostNames, scored_spans  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from restore_eval import make_docs  # noqa: E402


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def spelling(word: str) -> str:
    """The host label a site named ``word`` would take: initials from three characters, else syllables."""
    from pypinyin import Style, lazy_pinyin

    if len(word) >= MIN_INITIALS:
        return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))
    return "".join(lazy_pinyin(word))


def words_of(text: str, word_lm) -> list[tuple[int, str]]:
    """(offset, word) of the word model's words of 2-4 Han characters in ``text``."""
    out, at = [], 0
    for word in word_lm.segment(text):
        if 2 <= len(word) <= 4 and all(map(_is_han, word)):
            out.append((at, word))
        at += len(word)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--grid", type=float, nargs="+", default=[2.0, 3.0, 4.0, 5.0])
    parser.add_argument("--made-up", action="store_true", help="brands of three random common characters")
    parser.add_argument("--word-model", action="store_true", help="score with the word model too, as clean does")
    args = parser.parse_args()
    lm, word_lm = load_lm(), load_word_lm()
    scorer = word_lm if args.word_model else None
    rng = random.Random(11)
    pooled: dict[float, Counter] = {g: Counter() for g in args.grid}
    docs = {source: make_docs(source, "tune", args.docs, 800) for source in SOURCES}
    brands = [w for source in SOURCES for doc in docs[source] for _, w in words_of(doc, word_lm)]
    from cunzhen.engine.decipher.reference import reference

    common = [f for f in reference().forms if len(f) == 1][:1500]
    for source in SOURCES:
        tally: dict[float, Counter] = {g: Counter() for g in args.grid}
        for doc in docs[source]:
            own = words_of(doc, word_lm)
            readings: list[tuple[str, str, list]] = []
            if own:
                word = rng.choice(own)[1]
                readings.append(("own", doc, scored_spans(Page(doc, f"www.{spelling(word)}88.com"), lm, scorer)))
            label = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 6)))
            readings.append(("random", doc, scored_spans(Page(doc, f"{label}.com"), lm, scorer)))
            brand = "".join(rng.choices(common, k=3)) if args.made_up else rng.choice(brands)
            places = sorted(rng.sample([a for a, _ in own if a > 0], min(3, len(own) - 1))) if len(own) > 1 else []
            farm, shift, set_in = doc, 0, []
            for at in places:
                farm = farm[: at + shift] + brand + farm[at + shift :]
                set_in.append((at + shift, at + shift + len(brand)))
                shift += len(brand)
            found = scored_spans(Page(farm, f"m.{spelling(brand)}.com"), lm, scorer)
            for g in args.grid:
                for kind, text, got in readings:
                    cut = [(a, b) for a, b, s in got if s >= g]
                    tally[g][f"{kind} docs"] += 1
                    tally[g][f"{kind} cut docs"] += bool(cut)
                    tally[g][f"{kind} chars"] += len(text)
                    tally[g][f"{kind} cut chars"] += sum(b - a for a, b in cut)
                cut = [(a, b) for a, b, s in found if s >= g]
                tally[g]["brands"] += len(set_in)
                tally[g]["brands cut"] += sum(any(a <= x and y <= b for a, b in cut) for x, y in set_in)
                tally[g]["farm chars"] += len(doc)
                inside = sum(max(0, min(b, y) - max(a, x)) for a, b in cut for x, y in set_in)
                tally[g]["farm lost"] += sum(b - a for a, b in cut) - inside
        for g in args.grid:
            pooled[g] += tally[g]
        _print(source, tally)
    _print("all", pooled)
    _sites(lm, word_lm, docs, args.grid, scorer)
    return 0


def _sites(lm, word_lm, docs: dict[str, list[str]], grid: list[float], scorer=None) -> None:
    """``scorer``: the word model where the scores read it too (``--word-model``), else None."""
    cut_sites, cut_docs, sites, total_docs = Counter(), Counter(), 0, 0
    for source_docs in docs.values():
        for first in range(0, len(source_docs) - 9, 10):
            group = source_docs[first : first + 10]
            users = Counter(w for doc in group for w in {w for _, w in words_of(doc, word_lm)})
            word, count = users.most_common(1)[0]
            if count < 3:
                continue
            host = f"www.{spelling(word)}.com"
            site = SiteHostNames(lm, scorer)
            for doc in group:
                site.add_page(Page(doc, host))
            score = site.learned().get(host, {}).get(word)
            sites += 1
            total_docs += sum(word in doc for doc in group)
            for g in grid:
                if score is not None and score >= g:
                    cut_sites[g] += 1
                    cut_docs[g] += sum(word in doc for doc in group)
    for g in grid:
        print(
            f"sites named after their commonest word, min {g:+.1f}: {cut_sites[g]}/{sites} sites, "
            f"{cut_docs[g]}/{total_docs} documents using it would lose it"
        )


def _print(name: str, tally: dict[float, Counter]) -> None:
    for g, t in tally.items():
        print(
            f"{name:13s} min {g:+.1f}: own word {t['own cut docs']}/{t['own docs']} docs "
            f"({1e5 * t['own cut chars'] / max(t['own chars'], 1):.0f}/100k); random host {t['random cut docs']}/"
            f"{t['random docs']} ({1e5 * t['random cut chars'] / max(t['random chars'], 1):.0f}/100k); brands cut "
            f"{t['brands cut']}/{t['brands']}, article lost {1e5 * t['farm lost'] / max(t['farm chars'], 1):.0f}/100k",
            flush=True,
        )


if __name__ == "__main__":
    sys.exit(main())

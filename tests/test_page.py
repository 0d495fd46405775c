"""Single-page decipherment of character families (``cunzhen.engine.decipher.page``).

Pages are real clean text (tune split of ../shared/corpus and corpus-ood, the real clean pages of
../shared/realpages) and copies spun by a chained family the built-in table does not know: 人→东道主, then
道→说念 over what was written (东说念主), the way the real 东说念主 engine writes.
"""

from __future__ import annotations

import itertools

import pytest
import wordfreq
from rapidfuzz.distance import Levenshtein
from restore_eval import make_docs
from shared_corpus import genre_lines
from spinner import Spinner

from cunzhen.api import learn_table, load_lm
from cunzhen.engine.decipher.page import PageConfig, PageDecipherer, _candidates, _chain_links
from cunzhen.engine.decipher.reference import reference
from cunzhen.engine.decipher.table import Learned
from cunzhen.engine.restore import Restorer


def chained_spinner(seed: int = 1) -> Spinner:
    chain = Spinner([("道", "说念")], seed=seed + 1)
    return Spinner([("人", "东道主"), ("道", "说念")], rate=0.9, seed=seed, chain=chain)


@pytest.fixture(scope="module")
def page(shared) -> tuple[str, str]:
    """(original, spun): the first run of six news paragraphs (tune split) of 1000-2500 characters that uses 人
    six times or more and 道 in a word three times (知道, 报道, 道路, 渠道)."""
    lines = list(itertools.islice(genre_lines("news", "tune"), 3000))
    for i in range(len(lines) - 6):
        text = "\n".join(lines[i : i + 6])
        words = sum(text.count(w) for w in ("知道", "报道", "道路", "渠道"))
        if 1000 <= len(text) <= 2500 and text.count("人") >= 6 and words >= 3:
            return text, chained_spinner().spin(text)[0]
    raise AssertionError("no news page with enough 人 and 道")


@pytest.fixture(scope="module")
def decipherer() -> PageDecipherer:
    return PageDecipherer(load_lm())


def test_a_page_spun_by_a_chained_family_is_restored(page, decipherer):
    original, spun = page
    assert "东说念主" in spun and "说念" in spun.replace("东说念主", "")
    table = decipherer.learn(spun)
    assert table.get("东说念主") is not None and table.get("东说念主").originals == ["人"], table.pairs()
    # What was learned is absent from general Chinese by an independent word list: wordfreq's tokenizer
    # splits every learned rendering (东道主, a real word, is only learned as the root of the chain).
    assert all(len(wordfreq.tokenize(e.spun, "zh")) > 1 for e in table if e.spun != "东道主")
    restored = Restorer(load_lm(), table).restore(spun)
    assert restored.spun and "东说念主" not in restored.text
    damage, left = Levenshtein.distance(spun, original), Levenshtein.distance(restored.text, original)
    assert left <= 0.2 * damage, (left, damage)


def test_the_chain_is_learned_as_such(page, decipherer):
    """The page writes 东说念主 for 人 and, where the chain skipped, 东道主: the two renderings of 人 in one frame
    show 说念 for 道, which also explains the page's 说念 outside them (说念路 for 道路)."""
    _, spun = page
    table = decipherer.learn(spun)
    assert table.get("说念") is not None and table.get("说念").originals == ["道"], table.pairs()
    assert "说念" in spun.replace("东说念主", ""), "the page shows the chained form on its own"


def test_chain_links_come_from_two_renderings_of_one_original():
    learned = [Learned("东道主", "人", 3, 1, 1.0, 0.0, 0), Learned("东说念主", "人", 9, 1, 1.0, 0.0, 0)]
    links = _chain_links(learned, "东说念主说念路东道主")
    assert [(e.spun, e.original, e.count) for e in links] == [("说念", "道", 2)]
    # Renderings of different originals, or with nothing in common around the difference, link nothing.
    big = Learned("年夜", "大", 3, 1, 1.0, 0.0, 0)
    assert _chain_links([big, Learned("东说念主", "人", 9, 1, 1.0, 0.0, 0)], "") == []
    assert _chain_links([big, Learned("东说念主", "大", 9, 1, 1.0, 0.0, 0)], "") == []


def test_pieces_of_a_repeated_phrase_are_no_candidates():
    """A string always beside the same neighbour is a piece of a longer word (普通学 before 校), and a form one
    character longer than a more frequent candidate inside it is that candidate's context."""
    page = "他们在普通学校读书。我们的普通学校很好。仅推子叫张三，仅推子字也好，有仅推子的人，仅推子单上有。"
    found = {c.form for c in _candidates(page, reference(), PageConfig())}
    assert "仅推子" in found
    assert "普通学" not in found and "通学" not in found  # pieces of 普通学校, which the model then reads
    assert "仅推子叫" not in found and "有仅推子" not in found


def test_clean_pages_yield_empty_tables(shared, decipherer):
    """Clean pages of eight genres (tune split: news, laws, tech, hotel reviews, Weibo, encyclopedia, medical
    textbook, essays) and the real clean pages of ../shared/realpages, names and rare terms included: nothing
    is learned, so nothing can change."""
    sources = ("news", "laws", "tech", "reviews", "weibo", "encyclopedia", "medical", "essays")
    pages = [doc for source in sources for doc in make_docs(source, "tune", 4, 1000)]
    pages += [path.read_text(encoding="utf-8") for path in sorted((shared / "realpages" / "clean").glob("*.txt"))]
    assert len(pages) >= 50
    learned = {i: decipherer.learn(text).pairs() for i, text in enumerate(pages)}
    assert not any(learned.values()), {i: p for i, p in learned.items() if p}


def test_the_example_page_learns_its_family(shared, decipherer):
    """The seed page (../shared/examples) writes 东谈主 for 人: one page shows it, and nothing else is learned."""
    table = decipherer.learn((shared / "examples" / "000_54dc450ac175ef12.txt").read_text(encoding="utf-8"))
    assert table.pairs() == [("东谈主", "人")]


def test_learn_table_deciphers_a_lone_page(page):
    """``--learn`` on one document reads it as a page: its family, and a summary that says so."""
    _, spun = page
    table, summary = learn_table([spun])
    assert "one page at a time" in summary
    assert table.get("东说念主") is not None and table.get("东说念主").originals == ["人"]

"""The benchmark's engines (bench/engines.py) and the known engine read as an engine, not a word list."""

from __future__ import annotations

from engines import (
    Engine,
    char_family_engine,
    families_alone,
    known_engine,
    random_engine,
    real_engine,
    real_families,
    real_like_engine,
)
from restore_eval import make_docs
from shared_corpus import GENRES, OOD_SOURCES, SOURCES, split_of


def test_a_chain_rewrites_what_the_word_level_wrote():
    engine = Engine("chained", words=(("人们", "东道主们"),), chars=(("人", "东道主"), ("道", "说念")), rate=1.0)
    spun, subs = engine.spinner(0).spin("人们知道这个人。")
    assert spun == "东说念主们知说念这个东说念主。"
    # the pair reported is original -> final form, as a benchmark needs it
    assert [(s.original, s.spun) for s in subs] == [("人们", "东说念主们"), ("道", "说念"), ("人", "东说念主")]


def test_rate_leaves_some_occurrences():
    engine = Engine("half", words=(), chars=(("的", "之"),), rate=0.5)
    spun, subs = engine.spinner(3).spin("的" * 1000)
    assert 400 < len(subs) < 600 and spun.count("之") == len(subs)


def test_known_engine_swaps_characters_the_page_shows_as_swaps():
    engine = known_engine()
    assert ("道", "谈") in engine.chars and ("持", "执") in engine.chars
    always = Engine(engine.name, engine.words, engine.chars, rate=1.0, chained=engine.chained)
    assert always.spinner(0).spin("铁道部的报道很有道理")[0] == "铁谈部的报谈很有谈理"
    assert always.spinner(0).spin("关键")[0] == "要道"  # as on the page: no chain


def test_random_engines_differ_by_seed_and_have_a_chain():
    a, b = random_engine(1), random_engine(2)
    assert a.pairs != b.pairs and len(a.words) > 300
    first, second = a.chars[0], a.chars[1]
    assert len(first[1]) == 1 or second[0] in first[1]  # a string-valued first family holds the second's char


def test_real_like_engines_are_drawn_like_the_real_tables():
    """Few pairs of frequent words, same length, no original another pair's form; a character pair every other
    seed; a new table per seed."""
    a, b = real_like_engine(1), real_like_engine(2)
    assert a.pairs != b.pairs
    for engine in (a, b):
        assert 15 <= len(engine.words) <= 25
        assert all(len(o) == len(s) and o != s for o, s in engine.pairs)
        assert not {o for o, _ in engine.pairs} & {s for _, s in engine.pairs}
    assert len(a.chars) == 1 and not b.chars


def test_families_alone_keep_the_renderings_and_their_chain():
    engine = families_alone(char_family_engine())
    assert not engine.words and all(len(spun) > 1 for _, spun in engine.chars)
    assert ("人", "东道主") in engine.chars and ("道", "说念") in engine.chars
    spun, _ = Engine(engine.name, engine.words, engine.chars, rate=1.0).spinner(0).spin("他们后来知道，人多")
    assert "东说念主" in spun and "后来" in spun  # the chain applies; the real-word swap is not a family's
    one_char = Engine("x", (), (("道", "谈"),))
    assert families_alone(one_char).chars == ()


def test_real_tables_load():
    families = real_families()
    assert len(families) >= 4
    for family in families:
        assert len(real_engine(family).pairs) >= 10


def test_sources_split_is_deterministic_and_disjoint():
    assert len(SOURCES) == len(GENRES) + len(OOD_SOURCES) == 12
    docs = make_docs("news-1990s", "tune", 5)
    assert docs == make_docs("news-1990s", "tune", 5)
    assert all(split_of(line) == "tune" for doc in docs for line in doc.split("\n"))


def test_restorer_reads_character_swaps_everywhere(restorer):
    result = restorer.restore("据新华社报谈，铁谈部有关负责东谈主说，这条铁路的建设很有谈理，将执续推进。")
    assert result.spun
    assert result.text == "据新华社报道，铁道部有关负责人说，这条铁路的建设很有道理，将持续推进。"


def test_genuine_characters_of_a_swap_stay(restorer):
    text = "双方会谈时谈到了执行和坚持的问题，大家都认为应当执法如山。"
    result = restorer.restore(text)
    assert result.text == text and not result.edits

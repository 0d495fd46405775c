"""engine/wordfind.py finds what ahocorasick's automaton finds, in its order: the page cleaner's output rests on
both (the order of cue hits merges windows, the order of survivors sums floats)."""

from __future__ import annotations

import ahocorasick
from hypothesis import given, settings
from hypothesis import strategies as st

from cunzhen.engine import wordfind
from cunzhen.engine.wordfind import WordFinder

# A small alphabet, so that words overlap and share ends; the CJK range widens the id space (more bits per
# character: fewer characters per packed integer, so long words take the prefix-then-compare path).
SMALL = "ab中文字😀"
WIDE = [chr(0x4E00 + i) for i in range(700)]


def automaton_matches(items: list[tuple[str, object]], text: str) -> list[tuple[int, object]]:
    automaton = ahocorasick.Automaton()
    for word, value in items:
        automaton.add_word(word, value)
    if len(automaton):
        automaton.make_automaton()
        return list(automaton.iter(text))
    return []


words_st = st.lists(st.text(alphabet=SMALL, min_size=1, max_size=12), max_size=40)
wide_st = st.lists(st.text(alphabet=SMALL + "".join(WIDE[:6]), min_size=1, max_size=14), max_size=30)


def page_of(draw, words: list[str], filler: str) -> str:
    """A text made of the words themselves (so that long ones occur), their beginnings (a long word's packed
    prefix without the rest of it) and filler characters between them."""
    heads = [w[:n] for w in words for n in range(1, len(w))] or words
    pieces = draw(
        st.lists(st.sampled_from(words) | st.sampled_from(heads) | st.text(alphabet=filler, max_size=3), max_size=300)
    )
    return "".join(pieces)


@settings(max_examples=300, deadline=None)
@given(words_st, st.data(), st.booleans())
def test_the_finder_gives_the_automatons_matches_in_its_order(words, data, wide):
    # Values are the insertion index, so a word added twice must keep its last value, as add_word does.
    items = [(w, i) for i, w in enumerate(words)]
    if wide:  # hundreds of other characters in the set: 10 bits a character, six characters a packed key
        items += [(c, -1) for c in WIDE]
    text = page_of(data.draw, words or ["a"], SMALL + "x\n😀")
    finder = WordFinder(items)
    for piece in (text, text * 3, text * 20):  # short texts go to the automaton, long ones to numpy
        assert finder.iter(piece) == automaton_matches(items, piece)


@settings(max_examples=200, deadline=None)
@given(wide_st.filter(lambda words: any(len(w) > 6 for w in words)), st.data())
def test_long_words_are_compared_whole(words, data):
    items = [(w, w) for w in words] + [(c, c) for c in WIDE]
    text = page_of(data.draw, words, SMALL + "".join(WIDE[:6]) + " ")
    text = text * (wordfind.VECTOR_FROM // max(1, len(text)) + 1)
    assert WordFinder(items).iter(text) == automaton_matches(items, text)


def test_an_empty_set_finds_nothing():
    assert WordFinder([]).iter("任何文字" * 200) == [] and len(WordFinder([("", 1)])) == 0


def test_words_of_more_lengths_than_a_bit_each():
    # 80 lengths: the 64th bit of the pair filter stands for the 64th and every longer one.
    words = ["".join("ab中"[(i * j) % 3] for j in range(n)) for n in range(1, 81) for i in (1, 2)]
    items = [(w, len(w)) for w in words]
    text = "|".join(words) + "ab中" * 300
    assert WordFinder(items).iter(text) == automaton_matches(items, text)

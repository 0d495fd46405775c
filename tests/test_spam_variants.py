"""Variants of the lexicon's phrases (engine/spam/lexicon.py): one-edit misspellings of its letters-and-digits
brands, and phrases spaced out with a separator between their characters."""

from __future__ import annotations

import pytest

from cunzhen.engine.spam import SpamPhrase
from cunzhen.engine.spam.lexicon import one_edit, variant_brands
from cunzhen.steps.clean import make_page_cleaner


def test_one_edit_is_one_insertion_deletion_substitution_or_swap():
    assert one_edit("beat365", "bet365")  # insertion
    assert one_edit("bt365", "bet365")  # deletion
    assert one_edit("bet366", "bet365")  # substitution
    assert one_edit("bet356", "bet365")  # neighbours swapped
    assert not one_edit("bet365", "bet365")
    assert not one_edit("beat366", "bet365")
    assert not one_edit("bet3656x", "bet365")


def test_only_letters_and_digits_brands_are_varied():
    assert variant_brands(["bet365", "91porn", "poker", "ab12", "草榴电影"]) == ("91porn", "bet365")


@pytest.fixture(scope="module")
def cleaner(restorer):
    lexicon = [SpamPhrase("bet365", "gambling"), SpamPhrase("草榴电影", "porn")]
    return make_page_cleaner(restorer, lexicon=lexicon)


def test_a_brand_written_one_letter_off_is_cut_where_genuine_codes_stay(cleaner):
    text = "本次竞赛由beat365主要负责承办，参赛者使用iPhone14和Win10系统，航班CA1234准时起飞。"
    spans = cleaner.spam.find_all(text).spans
    assert [text[s.start : s.end] for s in spans] == ["beat365"]
    assert spans[0].reason == "lexicon_variant" and spans[0].kind == "gambling"


def test_an_exact_brand_is_the_lexicon_s_not_a_variant(cleaner):
    text = "今天下午bet365发布了公告。"
    assert [s.reason for s in cleaner.spam.find_all(text).spans] == ["lexicon"]


def test_a_phrase_spaced_out_character_by_character_is_the_phrase(cleaner):
    for spaced in ("草.榴.电.影", "草 榴 电 影", "草*榴*电*影", "草｜榴｜电｜影"):
        text = f"最新上映的{spaced}资源，今天的天气很好，我们去公园散步。"
        spans = cleaner.spam.find_all(text).spans
        assert [text[s.start : s.end] for s in spans] == [spaced], spaced
        assert spans[0].reason == "lexicon_spaced" and spans[0].kind == "porn"


def test_spaced_text_without_a_phrase_and_mixed_separators_stay(cleaner):
    for text in ("名单：张 三、李 四、王 五。", "经 过 多 年 的 发 展，企 业 壮 大。", "草.榴-电.影不是一个词。"):
        assert [s for s in cleaner.spam.lexicon_spans(text)] == [], text

"""Invariants of the bundled spam lexicon and template rules (data files reviewed like code)."""

from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cunzhen.engine.spam import load_spam_lexicon, normalize_phrase
from cunzhen.engine.template import TemplateRules, load_template_rules
from cunzhen.resources import verified
from cunzhen.steps.clean import SPAM_LEXICON, TEMPLATES


@pytest.fixture(scope="module")
def clean_lines(shared):
    from shared_corpus import GENRES, genre_lines

    return [line for genre in GENRES for line in itertools.islice(genre_lines(genre, "tune"), 5000)]


def test_lexicon_entries_are_normalised_unique_and_typed():
    raw = [
        line.split("\t")
        for line in verified(SPAM_LEXICON).read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ][1:]
    phrases = [fields[0] for fields in raw]
    assert len(phrases) == len(set(phrases)) >= 200
    for phrase, kind, source in raw:
        assert phrase == unicodedata.normalize("NFKC", phrase) == phrase.strip(), phrase
        assert len(normalize_phrase(phrase)) >= 2
        assert kind in {"porn", "gambling", "other"}
        assert source == "knowledge" or source.startswith("page:")
    assert len(load_spam_lexicon(SPAM_LEXICON)) == len(phrases)


def test_no_lexicon_phrase_occurs_in_clean_text(clean_lines):
    """A phrase is cut wherever it occurs, so a phrase with genuine uses would cut articles."""
    phrases = [p.phrase for p in load_spam_lexicon(SPAM_LEXICON)]
    hits = [(p, line) for line in clean_lines for p in phrases if p in line.lower()]
    assert hits == []


def test_template_rules_match_the_example_template_and_spare_clean_text(shared, clean_lines):
    rules = TemplateRules(load_template_rules(verified(TEMPLATES)))
    page = (shared / "examples" / "000_54dc450ac175ef12.txt").read_text(encoding="utf-8").splitlines()
    template = [line for line in page if any(m in line for m in ("你的位置", "发布日期", "Powered by", "Copyright"))]
    assert len(template) == 4 and all(rules.match(line) for line in template)
    assert rules.navigation_names(template[0]) == ["草榴电影", "美国艳星"]
    matched = [line for line in clean_lines if rules.match(line)]
    assert len(matched) <= len(clean_lines) * 0.002, matched[:10]


def test_a_credit_line_is_template_and_a_sentence_after_a_colon_is_not():
    rules = TemplateRules(load_template_rules(verified(TEMPLATES)))
    assert rules.match("责任编辑：王小明") == "author_source"
    assert rules.match("来源：新华社 作者：李华") == "author_source"
    # An editorial note opening with 编辑：, a sentence of the article.
    assert rules.match("编辑：各方正在共同努力，促使该地区紧张局势缓和。") is None


def test_bad_rule_files_fail_loudly(tmp_path):
    bad = tmp_path / "rules.tsv"
    bad.write_text("name\tmax_chars\tpattern\nbroken\t10\t(unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match="rules.tsv:2"):
        load_template_rules(bad)


def _rule_by_rule(rules: TemplateRules, norm: str) -> str | None:
    """What ``match_normalized`` gave before the one-search prefilter: each rule in turn."""
    for rule in rules.rules:
        if norm and len(norm) <= rule.max_chars and rule.pattern.search(norm):
            return rule.name
    return None


# Pieces of every bundled rule (case changed, full-width forms, digits), to draw lines from.
RULE_PIECES = (
    "你的位置",
    "当前位置",
    "您现在的位置",
    "：",
    ":",
    "首页",
    " > ",
    "»",
    "发布日期",
    "更新时间",
    "2024",
    "12",
    "点击次数",
    "人气",
    "来源",
    "作者",
    "责任编辑",
    "。",
    "!",
    "Powered",
    " by ",
    "POWERED BY",
    "rss 地图",
    "HTML地图",
    "sitemap",
    "Copyright",
    "©",
    "(c) 2024",
    "版权所有",
    "All Rights Reserved",
    "版权归本站所有",
    "ICP备",
    "公网安备",
    "上一篇",
    "下一页",
    "返回首页",
    "联系我们",
    "更多",
    "分享到",
    "扫一扫",
    "标签",
    "Tags",
    "相关文章",
    "热门推荐",
    "正文",
    "的",
    "新闻",
    " ",
    "\n",
    "a",
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(RULE_PIECES), max_size=12))
def test_the_one_search_prefilter_matches_as_rule_by_rule(pieces):
    rules = TemplateRules(load_template_rules(verified(TEMPLATES)))
    assert rules._any is not None  # the bundled rules are all put in the union
    norm = "".join(pieces).strip()
    assert rules.match_normalized(norm) == _rule_by_rule(rules, norm)


def test_rules_the_union_cannot_hold_go_rule_by_rule(tmp_path):
    path = tmp_path / "rules.tsv"
    path.write_text("name\tmax_chars\tpattern\nrepeat\t50\t(ab)\\1\nplain\t50\tcd\n", encoding="utf-8")
    rules = TemplateRules(load_template_rules(path))
    assert rules._any is None and rules.match("xxababx") == "repeat" and rules.match("cd") == "plain"
    path.write_text("name\tmax_chars\tpattern\ncase\t50\t(?i)^powered\nplain\t50\tcd\n", encoding="utf-8")
    rules = TemplateRules(load_template_rules(path))
    assert rules._any is not None and rules.match("POWERED x") == "case" and rules.match("x powered") is None

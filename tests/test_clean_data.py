"""Invariants of the bundled spam lexicon and template rules (data files reviewed like code)."""

from __future__ import annotations

import itertools
import unicodedata

import pytest

from cunzhen.engine.spam import load_spam_lexicon, normalize_phrase
from cunzhen.engine.template import TemplateRules, load_template_rules, normalize_line
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


def test_normalize_line_is_nfkc_stripped(clean_lines):
    """``normalize_line`` maps characters to their NFKC forms before the quick check: the same as NFKC itself,
    composing sequences (combining marks, half-width kana with voicing marks, Hangul jamo) included."""
    import random

    rng = random.Random(13)
    combining = [chr(c) for c in (*range(0x300, 0x370), *range(0x1100, 0x1200), *range(0xAC00, 0xAC10))]
    combining += list("eé，ｶﾞ゙゚ｱ\u3000⼤")
    other = [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000]
    texts = clean_lines[:2000] + [
        "".join(rng.choice(combining if rng.random() < 0.5 else other) for _ in range(rng.randint(1, 8)))
        for _ in range(20000)
    ]
    for text in texts:
        assert normalize_line(text) == unicodedata.normalize("NFKC", text).strip(), repr(text)

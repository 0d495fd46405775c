"""Patterns rewritten for speed (a look-behind moved after the first character, a prefilter) match exactly what
the patterns they replace matched: the page cleaner's output must not change."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cunzhen.engine.pollution import domain, emoji, lookalike, masking, noise, pinyin, punct_split
from cunzhen.engine.spam import lexicon

# The patterns as they were written before (look-behind first), the reference.
BEFORE = {
    "tag": re.compile(r"(?<![<A-Za-z/])/(?:p|div|span|li|td|tr|font|strong|em|h[1-6])>", re.IGNORECASE),
    "mask": re.compile(r"(?<=[\u3400-\u9fff])([*＊×✕□■●○〇])\1+(?=[\u3400-\u9fff，。,.！？!?、；;：:”’）)\s]|$)"),
    "lone": re.compile(r"(?<=[\u3400-\u9fff])[\u0391-\u03c9\u0400-\u04ff](?=[\u3400-\u9fff])"),
    "split": re.compile(r"(?<=[\u3400-\u9fff])、(?=[\u3400-\u9fff])"),
    "latin": re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]+(?![A-Za-z0-9])"),
    "emoji": re.compile(
        "(?:[\U0001f1e6-\U0001f1ff\U0001f300-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff][\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]*"
        "(?:\u200d[\U0001f300-\U0001faff\u2600-\u27bf][\ufe0e\ufe0f]*)*)+"
    ),
}
AFTER = {
    "tag": noise._TAG_DEBRIS,
    "mask": masking._MASK,
    "lone": lookalike._LONE_LETTER,
    "split": punct_split._SPLIT,
    "emoji": emoji._EMOJI,
    "latin": lexicon._LATIN_TOKEN,
}
# Characters each pattern reads, and their neighbours of every class (Han, Latin, digits, marks, line breaks).
ALPHABET = "中文字aZb/<>pPdivDIVh1h7 \n*＊×□●○〇，。、?!αЖяΩ😀☀\U0001f1e8\U0001f1f3\u200d\ufe0f\U0001f3fb#%@&^~$→←ab12"


def spans(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


@settings(max_examples=400)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_rewritten_patterns_match_what_they_replace(text):
    for name, before in BEFORE.items():
        assert spans(AFTER[name], text) == spans(before, text), name


@settings(max_examples=400)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_symbol_runs_need_their_hint(text):
    # noise_cuts skips _SYMBOL_RUN (and _QUESTION_RUN) on pages without their hint: no match may be lost.
    if noise._SYMBOL_RUN.search(text):
        assert noise._SYMBOL_HINT.search(text)
    if noise._QUESTION_RUN.search(text):
        assert "?" in text


# Domains and pinyin glosses, and what borders them.
NEAR = "ab.cnCOMxyz0-9.w/:@中文网（）()[]【】 āǎü12zhōng'ko\u212a\u017f"


# The top-level domains _DOMAIN knows.
TLDS = [f".{t}" for t in domain._DOMAIN.pattern.split("(?:com|")[1].split(")")[0].split("|")] + [".com"]
PIECES = ["www.", "abc", "Ab", "中文", "（", "）", "(", ")", "zhōng", " ", "-9", "【", "ge4", "\u212a", "/x", "@"]


@settings(max_examples=1000)
@given(
    st.text(alphabet=NEAR, max_size=40)
    | st.builds("".join, st.lists(st.sampled_from(PIECES + TLDS + [t.upper() for t in TLDS]), max_size=10))
)
def test_domains_and_glosses_need_their_hints(text):
    if domain._DOMAIN.search(text):
        assert domain._DOMAIN_HINT.search(text)
    if pinyin._ANNOTATION.search(text):
        assert pinyin._ANNOTATION_HINT.search(text)


@settings(max_examples=300)
@given(st.text(max_size=80) | st.text(alphabet=ALPHABET + "ひカ한_٣", max_size=80))
def test_counts_by_complement_equal_the_findall_counts(text):
    from cunzhen.engine import langid, page

    assert page._content_chars(text) == len(page._CONTENT.findall(text))
    assert len(langid._NOT_HAN.sub("", text)) == len(langid._HAN.findall(text))
    kana_or_hangul = any("\u3040" <= ch <= "\u30ff" or "\uac00" <= ch <= "\ud7af" for ch in text)
    assert langid._has_kana_or_hangul(text) == kana_or_hangul


def test_every_top_level_domain_is_hinted():
    for tld in TLDS + [t.upper() for t in TLDS]:
        for text in (f"中文 ab{tld}", f"看 www.x-9{tld}/p?q=1 吧", f"ab{tld}.cn"):
            assert domain._DOMAIN.search(text), text
            assert domain._DOMAIN_HINT.search(text), text

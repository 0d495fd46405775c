"""Injected strings the lexicon does not hold: the LM break scan, set-apart segments, the batch memory.

Pages are built from clean paragraphs of the tune split with real keywords taken out of the detector's lexicon,
so every cut below is found by the language model or by recurrence, never by a list.
"""

from __future__ import annotations

import copy
import itertools

import pytest

from cunzhen.engine.spam import SpamConfig, SpamMemory
from cunzhen.engine.spam.look import LookDetector
from cunzhen.steps.clean import builtin_spam_lexicon, make_page_cleaner

# Real keywords of the bundled lexicon, withheld from the detector in these tests.
UNKNOWN = ["三上悠亚", "波多野结衣", "大桥未久", "首存优惠", "黄色电影"]
# A keyword the detector does know: a page that carries one shows evidence of injection.
KNOWN = "草榴电影"


@pytest.fixture(scope="module")
def cleaner(restorer):
    lexicon = [p for p in builtin_spam_lexicon() if p.phrase not in UNKNOWN]
    assert KNOWN in {p.phrase for p in lexicon}
    return make_page_cleaner(restorer, lexicon=lexicon)


@pytest.fixture(scope="module")
def paragraphs(shared):
    from shared_corpus import genre_lines

    lines = itertools.islice(genre_lines("news", "tune"), 600)
    return [line for line in lines if len(line) >= 30 and line.count("，") >= 2]


def inject(paragraph: str, keyword: str, clause: int = 0) -> str:
    """``keyword`` before the ``clause``-th comma of the paragraph (where site farms like to put them)."""
    commas = [i for i, char in enumerate(paragraph) if char == "，" and 5 < i < len(paragraph) - 2]
    at = commas[clause % len(commas)]
    return paragraph[:at] + keyword + paragraph[at:]


def page(paragraphs: list[str]) -> str:
    return "\n\n".join([KNOWN, *paragraphs])


def cut_strings(text: str, spans) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def test_an_unknown_keyword_that_breaks_its_sentence_is_cut_whole(cleaner, paragraphs):
    """Per page, only sure cuts are made (the batch memory finds the rest): most places, and nothing else."""
    cut = 0
    for i in range(4, 14):
        text = page(paragraphs[:i] + [inject(paragraphs[i], "三上悠亚")] + paragraphs[i + 1 : i + 3])
        spans = cleaner.spam.find_all(text).spans
        strings = cut_strings(text, spans)
        # The clause-end scan takes a character of the place before it along once (南磨坊|乡三上悠亚，): the sentence
        # reads as well without it, and nothing tells a place name's suffix from the start of the keyword.
        assert strings == [KNOWN] or (strings[:1] == [KNOWN] and strings[1:] in (["三上悠亚"], ["乡三上悠亚"]))
        cut += len(spans) == 2 and spans[1].reason == "lm_break"
    # 6 of these 10 places with the four-genre model the break thresholds were tuned on, 5 with the all-sources
    # model (over 40 places: 26 -> 18 for this name, 70 -> 59 of 200 for the five withheld keywords). Retuning
    # the break scan for the new model is the cleaner's to do, on the tune split.
    assert cut >= 5


def test_keywords_before_a_comma_are_cut_by_the_clause_end_scan(restorer, paragraphs):
    """A keyword of common words set before a comma reads as well as genuine text to the break scan, which rarely
    opens a region there; the clause-end scan judges every window ending at a clause mark. Over the five
    withheld keywords in ten places each: 45 of 50 cut whole today, 20 with the scan switched off; one place per
    keyword is cut a character too wide or short (南磨坊|乡三上悠亚, 波多|野结衣), nothing else is cut."""
    lexicon = [p for p in builtin_spam_lexicon() if p.phrase not in UNKNOWN]
    counts = {}
    for bar in (SpamConfig().clause_cut, float("inf")):
        cleaner = make_page_cleaner(restorer, lexicon=lexicon, spam_config=SpamConfig(clause_cut=bar))
        whole = other = 0
        for keyword, i in itertools.product(UNKNOWN, range(4, 14)):
            text = page(paragraphs[:i] + [inject(paragraphs[i], keyword)] + paragraphs[i + 1 : i + 3])
            strings = cut_strings(text, cleaner.spam.find_all(text).spans)[1:]
            whole += keyword in strings
            other += sum(keyword not in string for string in strings)
        counts[bar] = whole, other
    assert counts[float("inf")][0] <= 25 and counts[SpamConfig().clause_cut][0] >= 40
    assert counts[SpamConfig().clause_cut][1] <= 8  # 5 today


def test_the_break_scan_runs_only_on_pages_with_evidence_of_injection(cleaner, paragraphs):
    with_keyword = paragraphs[:7] + [inject(paragraphs[7], "三上悠亚")] + paragraphs[8:10]
    text = "\n\n".join(with_keyword)  # no known keyword, no look cut: nothing says this page is a site farm
    assert cleaner.spam.find_all(text).spans == []


def test_keyword_lines_and_title_prefixes_are_cut_but_headings_kept(cleaner, paragraphs):
    body = paragraphs[20:24]
    heading = body[1][:6]  # a heading made of the words of the paragraph below it
    text = "\n\n".join(
        [KNOWN, f"首存优惠 {body[0][:18]}", body[0], "黄色电影", heading, body[1], "大桥未久", *body[2:]]
    )
    spans = cleaner.spam.find_all(text).spans
    assert cut_strings(text, spans) == [KNOWN, "首存优惠", "黄色电影", "大桥未久"]
    assert "lexicon" not in {s.reason for s in spans[1:]}
    result = cleaner.clean(text)
    assert heading in result.text and body[0][:18] in result.text


def test_keyword_lines_sharing_bigrams_with_each_other_are_no_topic(restorer, paragraphs):
    """Keywords share bigrams (视频 of 芭乐视频 and 麻豆视频): that the page writes 视频 in another keyword is no
    sign that it is the page's topic, so it costs a keyword line nothing."""
    withheld = {"芭乐视频", "麻豆视频", "91视频"}
    lexicon = [p for p in builtin_spam_lexicon() if p.phrase not in withheld]
    cleaner = make_page_cleaner(restorer, lexicon=lexicon)
    body = [line for line in paragraphs if "视" not in line and "频" not in line][30:34]
    text = "\n\n".join([KNOWN, body[0], "芭乐视频", body[1], "麻豆视频", body[2], "91视频", body[3]])
    spans = cleaner.spam.find_all(text).spans
    assert {"芭乐视频", "麻豆视频", "91视频"} <= set(cut_strings(text, spans))
    assert all(line in cleaner.clean(text).text for line in body)


def test_memory_learns_strings_that_break_sentences_in_different_places(cleaner, paragraphs):
    keyword = "波多野结衣"
    copied = paragraphs[40]  # an article copied to several pages: its rare words recur in the same place
    pages = [
        page([inject(paragraphs[50 + i], keyword, clause=i), copied, *paragraphs[60 + 3 * i : 63 + 3 * i]])
        for i in range(4)
    ]
    memory = SpamMemory.for_detector(cleaner.spam)
    for text in pages:
        cleaner.remember(memory, text)
    learned = memory.learned()
    assert keyword in learned
    assert not [s for s in learned if s in copied]

    detector = copy.deepcopy(cleaner.spam)  # a worker gets the learned strings with the detector
    detector.learn(learned)
    assert copy.deepcopy(detector).learned == detector.learned
    fresh = page([paragraphs[80][:12] + keyword + paragraphs[80][12:]])  # a place the scan alone would miss
    spans = detector.find_all(fresh).spans
    assert (keyword, "memory") in [(fresh[s.start : s.end], s.reason) for s in spans]


def test_memories_of_shards_merge(cleaner, paragraphs):
    keyword = "波多野结衣"
    halves = [SpamMemory.for_detector(cleaner.spam) for _ in range(2)]
    for i, memory in enumerate(halves):
        cleaner.remember(memory, page([inject(paragraphs[50 + i], keyword, clause=i)]))
        assert keyword not in memory.learned()  # one place is not enough
    halves[0].merge(halves[1])
    assert keyword in halves[0].learned()


def test_memory_forgets_strings_seen_once_when_full(cleaner, paragraphs):
    memory = SpamMemory.for_detector(cleaner.spam)
    keyword = "波多野结衣"
    for i in range(2):
        cleaner.remember(memory, page([inject(paragraphs[50 + i], keyword, clause=i)]))
    memory.max_strings = 2
    for i in range(6):
        cleaner.remember(memory, page(paragraphs[120 + 5 * i : 125 + 5 * i]))
        held = memory.places.values()
        assert len(memory.places) <= 2 or all(max(len(left), len(right)) > 1 for left, right in held)
    assert keyword in memory.learned()


def test_of_near_best_look_cuts_the_one_cutting_fewest_genuine_looking_tokens():
    """A rare article word next to a keyword costs more than ``token_cost``, so the cut that takes it scores a
    little higher; within ``edge_margin`` of the best, the cut that takes fewer genuine-looking tokens wins, and
    a spam-looking token beside the keyword stays in the cut."""

    class Judge(LookDetector):
        def __init__(self, extra: dict[tuple[int, int], float]):
            self.config = SpamConfig(edge_slack=1, cut_threshold=5.0, look_weight=1.0, edge_margin=2.0)
            self.extra = extra

        def _break_gain(self, tokens, a, b):
            return self.extra.get((a, b), 0.0)

    tokens = ["细", "管", "金", "沙", "娱", "乐", "，"]
    ratios = [-1.0, -1.0, 3.0, 2.0, 2.0, 1.0, -2.0]  # 细管 look genuine, 金沙娱乐 like spam
    apart = [False] * (len(tokens) + 1)
    # 管金沙娱乐 scores 10, 金沙娱乐 9 (管's surprisal beyond token_cost): within the margin of 2.
    a, b, _ = Judge({(1, 6): 3.0, (2, 6): 1.0})._judge(tokens, ratios, apart, 2, 6)
    assert (a, b) == (2, 6)
    # 管金沙娱乐 13, beyond the margin: then 管 goes too.
    a, b, _ = Judge({(1, 6): 6.0, (2, 6): 1.0})._judge(tokens, ratios, apart, 2, 6)
    assert (a, b) == (1, 6)


def test_a_string_breaking_two_unrelated_sentences_of_a_page_is_cut_there(cleaner, paragraphs):
    """Page recurrence: a keyword injected into two sentences of one page (inside a clause each time) is cut at
    both, on a page the caller vouches is a farm's though it carries no known keyword; the other scans do not
    run on such a page, and a page with no evidence at all gets none."""
    body = paragraphs[90:96]
    text = "\n\n".join(body[:1] + [inject(body[1], "三上悠亚")] + body[2:4] + [inject(body[4], "三上悠亚", 1)])
    assert cleaner.spam.find_all(text).spans == []
    spans = cleaner.spam.find_all(text, farm=True).spans
    assert [(text[s.start : s.end], s.reason) for s in spans] == [("三上悠亚", "lm_recur")] * 2


def test_a_recurring_string_that_opens_clauses_is_the_page_subject(cleaner, paragraphs):
    """A name a page is about opens its clauses (，占旭刚参加了): there the break test has no power, so a string
    that stands at a clause start anywhere on the page is not learned from the page."""
    body = paragraphs[90:96]
    opening = body[4].replace("，", "，三上悠亚", 1)
    text = "\n\n".join(body[:1] + [inject(body[1], "三上悠亚")] + body[2:4] + [opening])
    assert not [s for s in cleaner.spam.find_all(text, farm=True).spans if s.reason == "lm_recur"]


def test_a_spun_page_is_scanned_as_a_farm_page(restorer, cleaner, paragraphs):
    """The restorer's verdict is evidence of a farm: a spun page with no known keyword gets the recurrence scan."""
    from spinner import Spinner

    from cunzhen.api import builtin_table

    spinner = Spinner.from_table(builtin_table(families=False), rate=0.85, seed=3)
    body = [spinner.spin(p)[0] for p in paragraphs[90:96]]
    text = "\n\n".join(body[:1] + [inject(body[1], "三上悠亚")] + body[2:4] + [inject(body[4], "三上悠亚", 1)])
    result = cleaner.clean(text)
    assert result.restore is not None and result.restore.spun
    assert "三上悠亚" not in result.text
    assert {r.reason for r in result.removed} == {"lm_recur:unknown"}


def _word_joins(lm, paragraph: str) -> list[int]:
    """Places inside the paragraph between two Han characters that the model reads as one word (the second
    has P > 0.1 after the first): where a keyword set in splits a word (经|白癜风专科医院|营)."""
    han = [("\u4e00" <= char <= "\u9fff") for char in paragraph]
    return [
        i
        for i in range(6, len(paragraph) - 6)
        if han[i - 1] and han[i] and lm.score([paragraph[i - 1], paragraph[i]]) - lm.score([paragraph[i - 1]]) > -1.0
    ]


def test_a_keyword_set_inside_a_word_is_cut_and_a_clean_sentence_left_alone(cleaner, paragraphs):
    """Farms set keywords inside words as often as before a comma. The break scan ranks a region's windows by
    their surprisal and their look before it scores the best few exactly: ranked by surprisal alone, the longest
    windows (the keyword with a surprising article word or two) crowded out a short keyword inside a word.
    Over the five withheld keywords in 92 such places of 20 paragraphs: 78 cut whole today, 74 when ranked
    without the look; 3 cuts slide along a character the keyword shares with the word it splits (大|桥未久大 for
    大桥未久 set before 大: the same text is left). The same pages without the keyword lose nothing but the known
    keyword."""
    lm = cleaner.spam.lm
    whole = other = placed = 0
    for i in range(4, 24):
        joins = _word_joins(lm, paragraphs[i])
        for keyword, at in zip(UNKNOWN, joins[:: max(1, len(joins) // 5)], strict=False):
            injected = paragraphs[i][:at] + keyword + paragraphs[i][at:]
            text = page(paragraphs[i - 2 : i] + [injected] + paragraphs[i + 1 : i + 3])
            strings = cut_strings(text, cleaner.spam.find_all(text).spans)[1:]
            placed += 1
            whole += keyword in strings
            other += sum(keyword not in string for string in strings)
        clean = page(paragraphs[i - 2 : i + 3])
        assert cut_strings(clean, cleaner.spam.find_all(clean).spans) == [KNOWN]
    assert placed == 92 and whole >= 77 and other <= 4

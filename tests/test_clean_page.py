"""The page cleaner on real text: the example site-farm page, every verdict, the offset contract."""

from __future__ import annotations

import itertools

import pytest

from cunzhen.engine.page import PageConfig
from cunzhen.engine.types import undo_edits
from cunzhen.steps.clean import builtin_spam_lexicon, make_page_cleaner

# The page's injected strings and template markers, read off the page by hand (golden, human-reviewed).
EXAMPLE_SPAM = ["性爱宝典", "性爱大师3", "金瓶梅在线播放", "草榴电影", "美国艳星"]
TEMPLATE_MARKERS = ["你的位置", "发布日期", "点击次数", "Powered by", "RSS地图", "HTML地图", "Copyright", "站群"]
SPUN_FORMS = ["东谈主", "好意思", "大模子", "作念"]


@pytest.fixture(scope="module")
def cleaner(restorer):
    return make_page_cleaner(restorer)


@pytest.fixture(scope="module")
def example_text(shared):
    return (shared / "examples" / "000_54dc450ac175ef12.txt").read_text(encoding="utf-8")


def article_lines(page: str) -> list[str]:
    """The article's paragraphs as the page has them (spun), with the injected keywords taken out."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    first = next(i for i, line in enumerate(lines) if line.startswith("这是中国互联网历史上"))
    last = next(i for i, line in enumerate(lines) if line.startswith("(应被访者"))
    body = [line for line in lines[first : last + 1] if line != "金瓶梅在线播放"]
    for spam in EXAMPLE_SPAM:
        body = [line.replace(spam, "") for line in body]
    return body


def cut(text: str, removed) -> str:
    out, cursor = [], 0
    for span in sorted(removed, key=lambda r: r.start):
        out.append(text[cursor : span.start])
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)


def check_offsets(result) -> None:
    """removed spans index the extracted text; repairs and edits index the text after removal (a repair keeps
    its length: the edits undone give the text after removal, repaired)."""
    for span in result.removed:
        assert result.extracted[span.start : span.end] == span.text
    survived = cut(result.extracted, result.removed)
    repaired = list(survived)
    for repair in result.repairs:
        assert survived[repair.start : repair.end] == repair.before
        repaired[repair.start : repair.end] = repair.after
    if result.restore is not None:
        assert undo_edits(result.text, [e.as_dict() for e in result.restore.edits]) == "".join(repaired)


def test_example_page_comes_out_as_the_article(cleaner, example_text):
    result = cleaner.clean(example_text)
    assert result.verdict == "clean"
    assert {"spam", "template", "spun"} <= set(result.reasons)
    check_offsets(result)
    survived = cut(result.extracted, result.removed)
    survived_lines = [line.strip() for line in survived.splitlines() if line.strip()]
    assert survived_lines[0] == "漆黑中的大模子从业者:猖獗的期间正在畴昔"  # the title, once, keyword gone
    assert survived_lines.count(survived_lines[0]) == 1
    assert survived_lines[1:] == article_lines(example_text)  # every paragraph, in order, nothing else
    for needle in EXAMPLE_SPAM + TEMPLATE_MARKERS + SPUN_FORMS:
        assert needle not in result.text, needle
    assert result.text.startswith("黑暗中的大模型从业者")
    assert "人工智能" in result.text and "美国" in result.text


def test_injections_not_in_the_lexicon_are_found(restorer, example_text):
    lexicon = [p for p in builtin_spam_lexicon() if p.phrase not in EXAMPLE_SPAM]
    cleaner = make_page_cleaner(restorer, lexicon=lexicon)
    result = cleaner.clean(example_text)
    check_offsets(result)
    for spam in ["性爱宝典", "金瓶梅在线播放", "草榴电影", "美国艳星", "性爱大师"]:
        assert spam not in result.text, spam
    # The look model cannot know that the digit belongs to 性爱大师3; the article itself must be intact.
    survived = cut(result.extracted, result.removed).replace("时,3字节", "时,字节")
    assert [line for line in article_lines(example_text) if line not in survived] == []


def test_clean_page_is_kept_untouched(cleaner):
    from shared_corpus import genre_lines

    paragraphs = list(itertools.islice(genre_lines("news", "tune"), 30))
    text = "\n\n".join(paragraphs)
    result = cleaner.clean(text, title="新闻联播")
    assert result.verdict == "keep", result.reasons
    assert result.removed == []
    assert result.text == result.extracted == "新闻联播\n\n" + text


def test_page_of_keywords_is_dropped(cleaner):
    phrases = [p.phrase for p in builtin_spam_lexicon()[:40]]
    text = "\n".join(" ".join(phrases[i : i + 4]) for i in range(0, 40, 4))
    result = cleaner.clean(text)
    assert result.verdict == "drop"
    assert "mostly_spam" in result.reasons
    assert result.text == ""


def test_link_list_is_dropped(cleaner):
    links = [
        "首页新闻",
        "国内要闻",
        "国际新闻",
        "财经频道",
        "体育赛事",
        "娱乐八卦",
        "科技前沿",
        "汽车频道",
        "房产信息",
        "教育考试",
        "健康养生",
        "旅游攻略",
        "美食推荐",
        "时尚潮流",
        "读书频道",
        "视频专区",
    ]
    result = cleaner.clean("\n".join(links * 2))
    assert result.verdict == "drop"
    assert "link_list" in result.reasons


def test_posts_without_full_stops_are_not_a_link_list(cleaner):
    # Posts and comments often end without a full stop; their clauses make them prose, not links.
    posts = [
        "今天下班路上下了好大的雨，伞也被风吹坏了，到家的时候鞋子全湿了",
        "周末带孩子去了一趟动物园，熊猫一直在睡觉，孩子看了半天也没看到它动一下",
        "楼下新开的面馆味道不错，价格也实在，就是排队的人太多了",
        "终于把拖了三个月的报告写完了，感觉整个人都轻松了不少",
        "朋友推荐的这本小说一口气看完了，结局有点意外，还想再看一遍",
        "早上六点起床去跑步，跑了五公里，回来吃早饭的时候特别香",
        "手机屏幕又摔碎了，这已经是今年第二次了，以后一定要买个好点的壳",
        "晚上和老同学聚会，聊起以前上学的事情，大家都笑得停不下来",
    ]
    result = cleaner.clean("\n".join(posts))
    assert result.verdict != "drop"
    assert "link_list" not in result.reasons


def test_empty_and_tiny_pages_are_dropped(cleaner):
    assert cleaner.clean("  \n\n ").reasons == ["empty"]
    tiny = cleaner.clean("你好")
    assert tiny.verdict == "drop" and "too_little_text" in tiny.reasons


def test_other_languages_are_passed_over_with_a_reason(restorer):
    english = "The quick brown fox jumps over the lazy dog. " * 20
    keep = make_page_cleaner(restorer).clean(english)
    assert keep.verdict == "keep" and keep.reasons == ["not_chinese:en"] and keep.text == english
    drop = make_page_cleaner(restorer, page_config=PageConfig(other_languages="drop")).clean(english)
    assert drop.verdict == "drop" and drop.reasons == ["not_chinese:en"] and drop.text == ""


def test_result_serialises_with_the_restore_fields(cleaner, example_text):
    meta = cleaner.clean(example_text).as_dict()
    assert {"verdict", "reasons", "removed", "spun", "spin_score", "edits", "chars_in"} <= set(meta)
    assert {"start", "end", "kind", "text", "reason"} <= set(meta["removed"][0])

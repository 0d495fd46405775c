"""The detectors of engine/pollution, each on what it must cut or repair and on genuine text it must leave alone
(real models: the bundled character model, Debian's word model where installed, pypinyin, OpenCC)."""

from __future__ import annotations

import itertools

import pytest

from cunzhen.engine.pollution import (
    PollutionScanner,
    artefact,
    domain,
    emoji,
    fragment,
    host_name,
    masking,
    noise,
    pinyin,
    punct_split,
)
from cunzhen.engine.pollution import caption as caption_module
from cunzhen.engine.pollution.base import OffsetMap, Page, cut_text
from cunzhen.engine.pollution.script import SIMPLIFIED, TRADITIONAL


def _apply(text: str, cuts) -> str:
    return cut_text(text, [(c.start, c.end) for c in cuts])


@pytest.fixture(scope="module")
def scanner(restorer):
    return PollutionScanner(restorer.lm, restorer.word_lm)


@pytest.fixture(scope="module")
def word_lm(restorer):
    if restorer.word_lm is None:
        pytest.skip("Debian's word model is not installed")
    return restorer.word_lm


def test_offset_map_pieces_skip_cuts():
    offsets = OffsetMap(10, [(2, 4), (6, 7)])  # 0123456789 -> 01 45 789
    assert offsets.pieces(1, 6) == [(1, 2), (4, 6), (7, 9)]
    assert offsets.position(3) == 5


def test_pinyin_readings_of_the_characters_before_them():
    text = "第三波機(jī)器學(xué)習(xí)的浪潮,進(jìn)入(jìn rù)後期,他(ta)(ta)說(shuo)了"
    assert _apply(text, pinyin.annotation_cuts(Page(text))) == "第三波機器學習的浪潮,進入後期,他說了"


def test_pinyin_with_tone_numbers():
    text = "機(ji1)器學(xue2)習(xi2)的浪潮"
    assert _apply(text, pinyin.annotation_cuts(Page(text))) == "機器學習的浪潮"
    text = "機 [jī]器學【xué】習的浪潮,見 [https] 處"
    assert _apply(text, pinyin.annotation_cuts(Page(text))) == "機器學習的浪潮,見 [https] 處"


def test_injected_caption_goes_the_articles_own_stays():
    article = "榴莲价格接近腰斩,成都市场上金枕榴莲每斤不到二十元。商贩说今年进口量大增,价格还会再降。"
    caption = "美女荷官在线发牌实时开奖。"
    text = article + caption + "\n" + article + caption + "\n" + caption + "记者走访了多家水果店。"
    assert _apply(text, caption_module.caption_cuts(Page(text))).count("荷官") == 0
    own = "2月18日,武继民为顾客修鞋。"
    story = "68岁的武继民在街口修鞋已有四十年,顾客都说他的手艺好。\n" + (own + "\n") * 3
    assert caption_module.caption_cuts(Page(story)) == []


def test_site_evidence_learns_a_caption_pasted_once_a_page(restorer, tmp_path):
    from cunzhen.steps.clean import SitePass, clean_record, learn_site_pass, make_page_cleaner

    caption = "美女荷官在线发牌实时开奖。"
    stories = [
        "榴莲价格接近腰斩,成都市场上金枕榴莲每斤不到二十元。",
        "荔枝大量上市,价格半个月下跌一半,商贩说今年上市晚。",
        "小龙虾价格回落,杭州市民的餐桌上又热闹起来了。",
    ]
    records = [
        {"url": f"http://farm.example.cn/{i}.html", "text": s + caption + f"记者走访了{i + 3}家店铺。"}
        for i, s in enumerate(stories)
    ]
    cleaner = make_page_cleaner(restorer)
    learned = learn_site_pass(records, cleaner)
    assert learned.captions == {"farm.example.cn": [caption]}
    learned.save(tmp_path / "site_pass.json")
    SitePass.load(tmp_path / "site_pass.json").apply(cleaner)  # what a resumed sharded run applies
    for record in records:
        assert "荷官" not in clean_record(record, cleaner)["text"]
    other_site = {"url": "http://news.example.com/1.html", "text": records[0]["text"]}
    assert "荷官" in clean_record(other_site, cleaner)["text"]


def test_site_cipher_reads_lookalikes_over_a_sites_pages(restorer):
    import itertools

    from shared_corpus import genre_lines

    from cunzhen.engine.pollution.lookalike import SiteCipher

    cipher = {"大": "꺶", "子": "떚", "也": "껩"}
    lines = [line for line in itertools.islice(genre_lines("news", "report"), 400) if any(c in line for c in cipher)]
    pages = ["\n".join(lines[i : i + 8]).translate(str.maketrans(cipher)) for i in range(0, 48, 8)]
    site = SiteCipher()
    for page in pages:
        site.add_page("farm.example.cn", page)
    learned = site.learned(restorer.lm)["farm.example.cn"]
    assert learned == {v: k for k, v in cipher.items()}
    scanner = PollutionScanner(restorer.lm, restorer.word_lm)
    scanner.site_lookalikes = {"farm.example.cn": learned}
    fixed = {(r.before, r.after) for r in scanner.repairs(pages[0], SIMPLIFIED, "farm.example.cn")}
    assert fixed <= {(v, k) for k, v in cipher.items()} and fixed


def test_masks_go_markdown_stays():
    text = "他是**公司的人,操××的事,还有□□市的领导。"
    assert _apply(text, masking.mask_cuts(Page(text))) == "他是公司的人,操的事,还有市的领导。"
    markdown = "这是**重点**内容,也是**难点**所在。"
    assert masking.mask_cuts(Page(markdown)) == []
    riddle = "谜面是○○,打一字。"
    assert masking.mask_cuts(Page(riddle)) == []
    masks = "需要相■■“交通”的配合，争●●7月1日前完成。"
    assert _apply(masks, masking.mask_cuts(Page(masks))) == "需要相“交通”的配合，争7月1日前完成。"
    # 〇 and ○ beside a Chinese digit are the zero of a numeral, not a mask.
    years = "二〇〇七年以后的办法，二○○八年以后的规定。"
    assert masking.mask_cuts(Page(years)) == []


def test_compatibility_forms_and_radicals_written_as_characters(scanner):
    text = "这个\u2f08很好,\uf904雪场很大。"
    fixed = {(r.before, r.after) for r in scanner.repairs(text, SIMPLIFIED)}
    assert fixed == {("\u2f08", "人"), ("\uf904", "滑")}


def test_pinyin_leaves_brackets_that_are_no_reading():
    text = "詹姆斯(LeBron James)今天得分,甲狀腺(thyroid)結節,嫦娥(cháng é)奔月"
    # Only one reading on the page (a textbook gloss of a rare word): kept, and nothing else is a reading.
    assert pinyin.annotation_cuts(Page(text)) == []
    assert not pinyin.is_reading("thyroid", "甲狀腺")
    assert pinyin.is_reading("chang e", "嫦娥") and pinyin.is_reading("xuānbù", "宣布")


def test_jammer_lines_go_prose_stays():
    text = "第一段。\n* y5 P1 {8 u4 Y/ P( D: m\n第二段 A B 队。\n1 t! y& M, t! I5 |8 G1\n"
    assert _apply(text, noise.jammer_cuts(Page(text))) == "第一段。\n第二段 A B 队。\n"


def test_invisible_characters_inside_words_go_script_shapers_stay():
    text = "草\u200b榴社区,微\u2060信,发\u00ad展,\ufeff记者\u200d报道"
    assert _apply(text, noise.invisible_cuts(Page(text))) == "草榴社区,微信,发展,记者报道"
    # A joiner inside an emoji sequence and a non-joiner in Persian shape their script: no Han beside them.
    shaped = "程序员👩\u200d💻,می\u200cخواهم"
    assert noise.invisible_cuts(Page(shaped)) == []


def test_an_invisible_character_does_not_hide_a_keyword_from_the_lexicon(restorer):
    from cunzhen.steps.clean import clean_record, make_page_cleaner

    text = "这家企业已经成为当地最大的食品加工企业之一。草\u200b榴社区公司负责人介绍说，今年的销售额比去年增长了三成。"
    out = clean_record({"id": "p", "text": text}, make_page_cleaner(restorer))
    assert "榴社区" not in out["text"] and "\u200b" not in out["text"]  # the keyword went, not its joiner alone
    assert {r["kind"] for r in out["cunzhen"]["removed"]} >= {"invisible"}


def test_symbol_runs_and_stacked_commas():
    text = "价格已接近腰斩*#%@,6月可能更便宜@@#,市民说#%%*#。记者@@。"
    assert _apply(text, noise.noise_cuts(Page(text))) == "价格已接近腰斩,6月可能更便宜,市民说。记者。"
    markdown = "这是**重点**,C#语言,a@b.cn,涨了5%,~~删除~~,结果，，我们走了。"
    assert noise.noise_cuts(Page(markdown)) == []
    stacked = "新三年,、旧三年,、缝缝补补又三年,。身影,,如今,,发展,,"
    assert _apply(stacked, noise.noise_cuts(Page(stacked))) == "新三年、旧三年、缝缝补补又三年。身影,如今,发展,"


def test_question_runs_and_tag_debris():
    text = "電視??劇《主角》,追求?!?\n使用。/p>\n真的吗?我不信。<a>标签"
    assert _apply(text, noise.noise_cuts(Page(text))) == "電視劇《主角》,追求\n使用。\n真的吗?我不信。<a>标签"


def test_tool_artefacts_keep_the_entity_name():
    text = '明初谋士entity["people", "刘伯温", "明朝开国功臣"]辅佐朱元璋citeturn0search3。【4†source】'
    assert _apply(text, artefact.artefact_cuts(Page(text))) == "明初谋士刘伯温辅佐朱元璋。"
    numbered = '位于entity["city", "杭州", 0]西湖entity["place", "断桥", "景点", true]边'
    assert _apply(numbered, artefact.artefact_cuts(Page(numbered))) == "位于杭州西湖断桥边"
    delimited = '荔枝\ue200image_group\ue202{"query":["荔枝"]}\ue201上市了\ue200cite\ue202turn0news5\ue201。'
    assert _apply(delimited, artefact.artefact_cuts(Page(delimited))) == "荔枝上市了。"


def test_a_citation_marker_does_not_take_the_articles_digits():
    text = "他转会上海。citeturn0search52001年，他入选国家队。citeturn1news12又过了两年。citeturn0search3turn0news11"
    assert _apply(text, artefact.artefact_cuts(Page(text))) == "他转会上海。2001年，他入选国家队。又过了两年。"


def test_emoji_flood_only():
    flood = "好吃😋,便宜🔥,快来👍,真香😍,冲啊🚀,再来一单🎉。"
    assert _apply(flood, emoji.emoji_cuts(Page(flood))) == "好吃,便宜,快来,真香,冲啊,再来一单。"
    sequences = "国庆🇨🇳,点赞👍🏻,全家👨\u200d👩\u200d👧,晴天☀️,比心✌️。"  # flags, skin tones, joiners, selectors
    assert _apply(sequences, emoji.emoji_cuts(Page(sequences))) == "国庆,点赞,全家,晴天,比心。"
    writer = "今天去了西湖,风景很美😊。" + "湖边的柳树刚发芽,游人不多,走了一圈回来已是傍晚。" * 10
    assert emoji.emoji_cuts(Page(writer)) == []


def test_own_domain_with_its_name_ad_line_and_watermark():
    page = Page("中國花生交易網(www.zpzvwot.cn)訊 隨著春節臨近,價格上漲。", host="www.zpzvwot.cn")
    assert _apply(page.text, domain.domain_cuts(page)) == "訊 隨著春節臨近,價格上漲。"
    ad = (
        "标题\n▓WSOP冠军▓GGPoker[—ggn178.com—]为亚洲平台,加入立即玩\nWSOP冠军\n"
        "正文,登录www.12306.cn购票。\n更长。www.swkk.cn\n"
    )
    assert _apply(ad, domain.domain_cuts(Page(ad, host="6upaa.com"))) == "标题\n正文,登录www.12306.cn购票。\n更长。\n"


def test_a_watermarks_name_spelling_its_domain_in_pinyin():
    page = Page("有密切的关系。上网看看\n更长。www.swkk.cn\n她说上网看看\n看看\n")
    assert _apply(page.text, domain.domain_cuts(page)) == "有密切的关系。\n更长。\n她说上网看看\n看看\n"
    # In whole syllables; a name that spells no watermark of the page stays, and so does the host's own name.
    syllables = Page("新闻正文到此。看看网\n更长。kankanwang.com\n")
    assert _apply(syllables.text, domain.domain_cuts(syllables)) == "新闻正文到此。\n更长。\n"
    assert domain.domain_cuts(Page("新闻正文到此。上网看看\n", host="www.example.com")) == []
    assert domain.domain_cuts(Page("新闻中心\n正文。", host="www.xwzx.com")) == []
    before = Page("寿命更长。上网看看 www.swkk.cn\n她说上网看看 www.swkk.cn\n")
    assert _apply(before.text, domain.domain_cuts(before)) == "寿命更长。\n她说上网看看 www.swkk.cn\n"
    assert domain.spells("上网看看", "swkk") and domain.spells("看看", "kankan")
    assert not domain.spells("上网看看", "swkz") and not domain.spells("看看", "kk")  # two initials: too many words


def test_a_gbk_stream_out_of_step_after_a_lost_byte(restorer):
    text = "但真正讓你起飛的是二級市場?!惯@便是上市的意義。"
    cut = _apply(text, noise.shift_cuts(Page(text), restorer.lm, str))
    assert cut == "但真正讓你起飛的是二級市場?!便是上市的意義。"
    # The same shape without a decoder's mark before it is no lost byte (a keyword list's separator, A股).
    for genuine in ("必吃大瓜|香蕉视频", "在政策的提振下A股三大指数", "问题?我们在C语言里"):
        assert noise.shift_cuts(Page(genuine), restorer.lm, str) == []


def test_the_hosts_brand_inside_a_sentence():
    page = Page("决赛由我校承办,由beat365主要负责。Beat365说:", host="www.beat365cn.com")
    assert _apply(page.text, domain.domain_cuts(page)) == "决赛由我校承办,由主要负责。说:"
    other = Page("决赛由我校承办,由beat365主要负责。", host="www.example.com")
    assert domain.domain_cuts(other) == []
    digits_first = Page("决赛由我校承办,由365bet主要负责。", host="www.365bet.com")
    assert _apply(digits_first.text, domain.domain_cuts(digits_first)) == "决赛由我校承办,由主要负责。"


def _before_commas(paragraph: str, brand: str) -> str:
    """``brand`` set before each of the paragraph's first three commas, where farms like to put keywords."""
    for clause in (2, 1, 0):
        commas = [i for i, char in enumerate(paragraph) if char == "，" and 5 < i < len(paragraph) - 2]
        at = commas[clause % len(commas)]
        paragraph = paragraph[:at] + brand + paragraph[at:]
    return paragraph


@pytest.fixture(scope="module")
def news_paragraphs(shared):
    from shared_corpus import genre_lines

    lines = itertools.islice(genre_lines("news", "tune"), 600)
    return [line for line in lines if len(line) >= 30 and line.count("，") >= 2][:40]


@pytest.mark.parametrize("with_words", [False, True], ids=["characters", "characters+words"])
def test_the_brand_the_host_spells_set_into_sentences_goes_a_sites_own_name_stays(
    restorer, word_lm, news_paragraphs, with_words
):
    """A farm on xpj8.com (新葡京's initials) or jinsha88.com (金沙's syllables) sets its brand into the copied
    article; a site's own name in its genuine pages fits its sentences and stays. Measured here on 40 news
    paragraphs, by the character model alone and with the word model beside it (as `cunzhen clean` reads them):
    24 / 24 and 38 / 40 of them lose every brand set before three commas; on hosts spelling one of the
    paragraph's own words, one and none are cut."""
    from pypinyin import Style, lazy_pinyin

    lm, words_model = restorer.lm, word_lm if with_words else None
    for brand, host, floor in (("新葡京", "www.xpj8.com", 20), ("金沙", "jinsha88.com", 30)):
        whole = 0
        for paragraph in news_paragraphs:
            page = Page(_before_commas(paragraph, brand), host=host)
            cuts = host_name.host_name_cuts(page, lm, word_lm=words_model)
            assert {c.reason for c in cuts} <= {"host_name"}
            whole += _apply(page.text, cuts) == paragraph
        assert whole >= floor, (brand, whole)
    # The same pages on a host that spells nothing on them keep everything.
    page = Page(_before_commas(news_paragraphs[0], "新葡京"), host="www.example.com")
    assert host_name.host_name_cuts(page, lm, word_lm=words_model) == []
    own = 0
    for paragraph in news_paragraphs:
        words = [
            w for w in word_lm.segment(paragraph) if 2 <= len(w) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in w)
        ]
        word = words[len(words) // 2]
        label = "".join(lazy_pinyin(word, style=Style.FIRST_LETTER)) if len(word) >= 3 else "".join(lazy_pinyin(word))
        own += bool(host_name.host_name_cuts(Page(paragraph, host=f"www.{label}.com"), lm, word_lm=words_model))
    assert own <= 1


def test_site_evidence_decides_a_host_spelled_string_over_the_sites_pages(restorer, news_paragraphs, tmp_path):
    """Set into one place a page, a brand reads as set in on few pages alone; summed over the site's pages
    (``cunzhen clean --site-pass``) it goes from all of them. A word the site's pages use genuinely (中国 on
    zhongguo.com) sums the other way and stays everywhere."""
    from cunzhen.steps.clean import SitePass, clean_record, learn_site_pass, make_page_cleaner

    def once(paragraph: str, brand: str) -> str:
        at = paragraph.index("，", 6)
        return paragraph[:at] + brand + paragraph[at:]

    farm = [{"url": f"http://www.xpj8.com/{i}.html", "text": once(p, "新葡京")} for i, p in enumerate(news_paragraphs)]
    alone = sum("新葡京" not in host_name_text(restorer, r) for r in farm)
    cleaner = make_page_cleaner(restorer)
    learned = learn_site_pass(farm, cleaner)
    assert learned.host_names["www.xpj8.com"]["新葡京"] >= host_name.MIN_INSERTION
    learned.save(tmp_path / "site_pass.json")
    SitePass.load(tmp_path / "site_pass.json").apply(cleaner)
    site = sum("新葡京" not in clean_record(r, cleaner)["text"] for r in farm)
    assert site == len(farm) > alone
    genuine = [p for p in news_paragraphs if "中国" in p]
    own = [{"url": f"http://www.zhongguo.com/{i}.html", "text": p} for i, p in enumerate(genuine)]
    assert len(own) >= 5
    cleaner = make_page_cleaner(restorer)
    learn_site_pass(own, cleaner).apply(cleaner)
    assert all(clean_record(r, cleaner)["text"].count("中国") == r["text"].count("中国") for r in own)


def host_name_text(restorer, record: dict) -> str:
    """The record's text with the host-name cuts of the page alone."""
    from urllib.parse import urlsplit

    page = Page(record["text"], urlsplit(record["url"]).hostname)
    return _apply(page.text, host_name.host_name_cuts(page, restorer.lm, word_lm=restorer.word_lm))


def test_comma_splits_inside_words(restorer, word_lm):
    text = "后宫的女子,有野、心的,就想要那把椅子。皇上临、幸了一位宫妃,才算侍、寝。没有一点隐、私、权,宫女和太监都在。"
    cut = _apply(text, punct_split.split_cuts(Page(text), restorer.lm, word_lm))
    assert "野心" in cut and "临幸" in cut and "侍寝" in cut and "隐私权" in cut
    law = "第五条 市、县（市、区）人民政府和乡、镇人民政府负责本行政区域内的工作,主、次干道两侧的建筑。"
    assert punct_split.split_cuts(Page(law), restorer.lm, word_lm) == []


def test_title_fragments_wedged_into_sentences(restorer, word_lm):
    text = (
        "周边游自驾游成“主力军”\n\n今年的主力军国庆节正好碰上了中秋节,外出游玩成为不少市民的游自假期首选。"
        "记者了解到,驾游“双节”长假期间,自驾游受市民青睐。游自\n“难得放假,驾游就打算与家人一起出去玩几天。”"
        "长假第二天,游自市民丁先生就与妻子一起出游,驾游享受美好的亲子时光。"
    )
    cut = _apply(text, fragment.fragment_cuts(Page(text), restorer.lm, word_lm))
    assert "游自" not in cut.split("\n", 1)[1] and "驾游享受" not in cut
    assert "自驾游受市民青睐" in cut  # the title's word used in the article stays
    genuine = "武继民:修鞋四十年\n\n68岁的武继民在这条街上修鞋。武继民说,修鞋是手艺活。顾客都找武继民修鞋。"
    assert fragment.fragment_cuts(Page(genuine), restorer.lm, word_lm) == []


def test_script_is_a_page_property(scanner):
    traditional = (
        "說起和珅,大傢的第一印象就是清朝第一大貪官。嘉慶帝把和珅的傢給抄瞭,和珅的傢產竟達到清政府十五年的"
        "財政總收入。這下他還成瞭皇親國戚,這也為他後來貪污打下瞭基礎。"
    )
    assert scanner.script.script(traditional) == TRADITIONAL
    fixed = {(r.before, r.after) for r in scanner.repairs(traditional, TRADITIONAL)}
    assert fixed == {("傢", "家"), ("瞭", "了")}
    genuine = "本週的星象很重要,下周太陽進入雙子座,新髮型會讓妳更有自信,衝刺工作的好時機。這些檯子上的貨,檯子旁的人。"
    assert scanner.repairs(genuine, TRADITIONAL) == []
    simplified = (
        "进入2018年,由於木星的加持,狮子座在职场的人际关系会很不错,有需求时都会有人帮忙,财运上也有贵人的帮助。"
        "双鱼座在财运方面整体而言是相当稳固的,想要创业、做投资或者经商,都会有好运。雙魚座得把握好这样的运气。"
        "乾隆皇帝在乾清门召见了大臣。"
    )
    assert scanner.script.script(simplified) == SIMPLIFIED
    fixed = {(r.before, r.after) for r in scanner.repairs(simplified, SIMPLIFIED)}
    assert ("於", "于") in fixed and ("雙", "双") in fixed and not any(b == "乾" for b, _ in fixed)
    # A line in traditional script among simplified ones is a passage written so (a reader's review): it stays.
    reviews = (
        "送餐很快，味道也不错，就是米饭有点少，下次还会再点。\n"
        "卷很好吃，雞腿就沒什麼入味了，推薦到店裡面吃吧，送餐太慢了。\n"
        "包装很好，分量很足，老板还送了一瓶饮料，好评。"
    )
    assert scanner.script.script(reviews) == SIMPLIFIED
    assert scanner.repairs(reviews, SIMPLIFIED) == []


def test_a_proven_converters_other_slips_go_even_once(scanner):
    farm = (
        "說起和珅,大傢的第一印象就是清朝第一大貪官。嘉慶帝把和珅的傢給抄瞭,和珅的傢產竟達到清政府十五年的"
        "財政總收入。一些與和珅毫不相乾的罪過也算在他頭上,他需要專註於自保,未導致局麵惡化。"
    )
    fixed = {(r.before, r.after, r.reason) for r in scanner.repairs(farm, TRADITIONAL)}
    assert ("乾", "干", "script:same_converter") in fixed and ("註", "注", "script:same_converter") in fixed
    assert ("麵", "面", "script:same_converter") in fixed  # a form TSCharacters has and STCharacters lacks
    assert ("傢", "家", "script:one_to_many") in fixed
    # Without a systematic slip nothing proves a converter: a genuine page's one 乾 or 註 stays.
    genuine = "一些與和珅毫不相乾的罪過也算在他頭上,他需要專註於自保。說起和珅,大家的第一印象就是清朝大貪官。"
    assert scanner.repairs(genuine, TRADITIONAL) == []


def test_a_converters_rare_homophone_for_a_common_character(scanner):
    farm = (
        "必須有老師,別想著自我成才這壹說。何把壹個零件學好,能說壹句就說。就算妳認為樂器好學,妳覺得呢?"
        "妳看著別人彈琴,妳自己也想彈,給妳根棒子妳就能指揮嗎?"
    )
    assert scanner.script.script(farm) == TRADITIONAL
    fixed = {(r.before, r.after, r.reason) for r in scanner.repairs(farm, TRADITIONAL)}
    assert fixed == {("壹", "一", "script:homophone"), ("妳", "你", "script:homophone")}
    # The page writes the common character too (a genuine 妳 to a woman beside a 你): that one stays.
    both = {(r.before, r.after) for r in scanner.repairs(farm + "你也可以學。", TRADITIONAL)}
    assert ("壹", "一") in both and ("妳", "你") not in both
    # The rare one comes back in one word only (a name), or the homophone is no rarer in simplified text (她 and
    # 他): they stay.
    for genuine in ("張喆來了。張喆說話,張喆笑了,張喆走了。", "她說她會來,她的朋友們說她很好,她想著她的家鄉,她笑了。"):
        assert not any(r.reason == "script:homophone" for r in scanner.repairs(genuine, TRADITIONAL))


def test_formal_numerals_read_digit_by_digit_on_a_traditional_page(scanner):
    page = "這部劇由貳零壹陸影視、騰訊視頻出品,在西安拍攝,劇組說拍攝很順利。"
    fixed = [(r.before, r.after, r.reason) for r in scanner.repairs(page, TRADITIONAL)]
    assert fixed == [
        ("貳", "二", "script:formal_digits"),
        ("壹", "一", "script:formal_digits"),
        ("陸", "六", "script:formal_digits"),
    ]
    # An amount names its units; a simplified writer's digits are the writer's; 大陸 is no number.
    for genuine, script in (
        ("合同金額為人民幣壹萬貳仟伍佰元整,於本月支付,大陸的公司。", TRADITIONAL),
        ("尺寸正好，实付玖伍捌，画质满意，物流很快。", SIMPLIFIED),
    ):
        assert not any(r.reason == "script:formal_digits" for r in scanner.repairs(genuine, script))


def test_a_surname_converted_as_a_word_proves_the_converter(scanner):
    import opencc

    for name in ("范霁", "于澈", "余皓"):
        simple = (
            f"{name}走进院子，看见老人坐在树下。{name}看着他说：“这里默认的规矩就是这样。”{name}笑了，"
            f"{name[0]}府的人很快都知道了这个消息。"
        )
        page = opencc.OpenCC("s2twp").convert(simple)  # 範霽, 預設, 訊息
        out = list(page)
        for r in scanner.repairs(page, TRADITIONAL):
            out[r.start] = r.after
        # The surname is the simplified character itself in traditional script; the phrases are read back.
        fixed, word_form = "".join(out), opencc.OpenCC("s2t").convert(name[0])
        assert word_form not in fixed and fixed.count(name[0]) == 4
        assert "默認" in fixed and "消息" in fixed and "預設" not in fixed and "訊息" not in fixed
        assert sum(a != b for a, b in zip(page, fixed)) == 7  # four surnames, three characters of two phrases
    # A page whose 範 are words and whose 預設 and 訊息 are a Taiwanese writer's: no name proves a converter.
    genuine = "在這個範圍內，規範的行為是模範的示範，防範風險的範疇很廣。我們預設他會來，傳了訊息給他，於是他來了。"
    assert scanner.repairs(genuine, TRADITIONAL) == []


def test_hangul_lookalikes_read_when_sure(scanner):
    text = "那個領路的看著某個跪在눓上的修士,神識傳音接괗連三丟了過來。"
    fixed = {(r.before, r.after) for r in scanner.repairs(text, TRADITIONAL)}
    assert ("눓", "地") in fixed and ("괗", "二") in fixed
    korean = "서울은 한국의 수도입니다. 오늘 날씨가 좋습니다. 中文一句。"
    assert scanner.repairs(korean, SIMPLIFIED) == []


def test_a_cipher_symbol_stands_for_no_character_the_page_writes_in_plain(restorer):
    from cunzhen.engine.pollution.lookalike import decipher

    contexts = [("他 是", "个 好"), ("我 们", "都 很")]
    best = decipher(contexts, restorer.lm, margin=0.0)
    assert best is not None
    second = decipher(contexts, restorer.lm, margin=0.0, excluded=frozenset(best))
    assert second is not None and second != best


def test_letters_of_other_scripts_drawn_like_a_han_character(scanner):
    page = "受西方外来餐饮业进入Φ国带来的影响,现今中国的餐饮业发展很快。"
    assert [(r.before, r.after, r.reason) for r in scanner.repairs(page, SIMPLIFIED)] == [
        ("Φ", "中", "lookalike:glyph")
    ]
    # A letter for a word the page writes once: read when its reading leads the letter itself by far.
    once = "这种做法可ц使官兵的训练更加扎实。"
    assert [(r.before, r.after) for r in scanner.repairs(once, SIMPLIFIED)] == [("ц", "以")]
    # A genuine letter begins a term no Han character completes, and the page writes no such pair elsewhere.
    for genuine in (
        "1型糖尿病，因胰岛β细胞破坏、胰岛素分泌不足。",
        "洗液后，立即启动γ照相机，在头颈部拍摄。",
        "证明：“设Ω为代数闭域，则结论成立。",
    ):
        assert scanner.repairs(genuine, SIMPLIFIED) == []


def test_glyph_table_invariants():
    """Every row of data/glyph_lookalikes.tsv: a Greek or Cyrillic letter and common Han characters."""
    from cunzhen.engine.pollution.lookalike import common_han, glyph_lookalikes

    table = glyph_lookalikes()
    common = set(common_han())
    assert "Φ" in table and "中" in table["Φ"]
    for letter, candidates in table.items():
        assert "\u0391" <= letter <= "\u04ff" and len(candidates) == 8 and set(candidates) <= common


def test_scanner_runs_detectors_in_turn(scanner):
    # The noise inside the glossed word goes first, then the gloss is read across it.
    text = "電視??劇(diàn shì jù)《主角》宣布(xuān bù)殺青,進(jìn)入(jìn rù)後期"
    assert _apply(text, scanner.cuts(Page(text))) == "電視劇《主角》宣布殺青,進入後期"


def test_summary_counts_every_kind_of_cut_and_repair():
    from cunzhen.steps.stats import RunStats

    stats = RunStats()
    stats.add(
        {
            "text": "x",
            "cunzhen": {
                "verdict": "clean",
                "removed": [{"kind": "pinyin"}, {"kind": "pinyin"}, {"kind": "template"}],
                "repairs": [{"kind": "script"}],
                "edits": [],
            },
        }
    )
    assert stats.counts["removed_pinyin"] == 2 and stats.counts["repaired_script"] == 1
    assert "3 spans removed (2 pinyin, 1 template)" in stats.summary() and "repaired 1 script" in stats.summary()


def test_lookalike_table_invariants():
    """Every row of data/lookalikes.tsv: one character standing for a different one that is punctuation."""
    import unicodedata

    from cunzhen.engine.pollution.lookalike import punctuation_lookalikes

    table = punctuation_lookalikes()
    assert table
    for lookalike, meant in table.items():
        assert len(lookalike) == len(meant) == 1 and lookalike != meant
        assert unicodedata.category(meant).startswith("P"), (lookalike, meant)


def test_pollution_is_evidence_for_the_batch_memory(restorer):
    """Farm pages that carry no lexicon keyword but are glossed in pinyin get their injected strings counted in
    the first pass (and without the gloss no page counts: the control)."""
    import itertools

    from shared_corpus import genre_lines

    from cunzhen.steps.clean import learn_site_pass, make_page_cleaner

    lines = [line for line in itertools.islice(genre_lines("news", "report"), 200) if len(line) > 80][:12]
    keyword = "夜色直播间"

    def pages(gloss: str) -> list[dict]:
        out = []
        for i in range(4):
            first, middle, last = lines[3 * i : 3 * i + 3]
            at = len(middle) // 2
            text = f"{first}\n{middle[:at]}{keyword}{middle[at:]}\n{last}\n{gloss}"
            out.append({"url": f"http://f{i}.example.cn/", "text": text})
        return out

    cleaner = make_page_cleaner(restorer)
    assert keyword in learn_site_pass(pages("機(jī)器學(xué)習(xí)的浪潮。"), cleaner).spam_strings
    assert keyword not in learn_site_pass(pages("機器學習的浪潮。"), cleaner).spam_strings

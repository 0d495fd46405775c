"""The restore engine on real text with the bundled model: detection, restoration, the edit log."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein
from restore_eval import make_docs
from spinner import Spinner

from cunzhen.api import builtin_table
from cunzhen.engine.types import apply_edits, undo_edits

GENRES = ["news", "laws", "tech", "reviews"]


@pytest.fixture(scope="module")
def tune_docs() -> dict[str, list[str]]:
    return {genre: make_docs(genre, "tune", 40) for genre in GENRES}


@pytest.mark.parametrize("genre", GENRES)
def test_clean_documents_come_out_untouched(restorer, tune_docs, genre):
    for doc in tune_docs[genre]:
        result = restorer.restore(doc)
        assert not result.spun, f"clean {genre} document flagged: {doc[:80]}"
        assert result.text == doc and result.edits == []


@pytest.mark.parametrize("genre", GENRES)
def test_spun_documents_are_flagged_and_mostly_repaired(restorer, tune_docs, genre):
    spinner = Spinner.from_table(builtin_table(families=False), seed=11)
    damage = residual = 0
    for doc in tune_docs[genre]:
        spun, subs = spinner.spin(doc)
        if not subs:
            continue
        result = restorer.restore(spun)
        assert result.spun, f"spun {genre} document missed: {spun[:80]}"
        damage += Levenshtein.distance(spun, doc)
        residual += Levenshtein.distance(result.text, doc)
    assert damage > 0
    assert 1 - residual / damage > 0.9


def test_edit_log_offsets_reproduce_output_and_input(restorer, tune_docs):
    spinner = Spinner.from_table(builtin_table(families=False), seed=5)
    spun, _ = spinner.spin(tune_docs["news"][0])
    result = restorer.restore(spun)
    assert result.edits
    for edit in result.edits:
        assert spun[edit.start : edit.end] == edit.before
        assert edit.before != edit.after and edit.reason.startswith("table") and edit.score > 0
    assert apply_edits(spun, result.edits) == result.text
    assert undo_edits(result.text, [e.as_dict() for e in result.edits]) == spun
    starts = [e.start for e in result.edits]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(result.edits, result.edits[1:]))


SPUN_PARAGRAPH = (
    "这是中国互联网历史上东谈主工老本最高的行业。在畴昔两年期间里，大模子的热浪正席卷通盘这个词科技圈。"
    "公司抽调部分期间东谈主员专攻大模子，金阳作念了调组央求，却未被批准。"
    "东谈主工智能期间还是到来，好意思国和中国的公司都在加大插足。"
)


def test_context_decides_between_originals(restorer):
    result = restorer.restore(SPUN_PARAGRAPH)
    assert result.spun
    text = result.text
    for expected in ["人工成本", "过去两年时间里", "大模型", "整个科技圈", "技术人员", "做了调组申请", "美国"]:
        assert expected in text, (expected, text)
    for spun_form in ["东谈主", "好意思", "模子", "老本", "作念"]:
        assert spun_form not in text
    # An edit is the table's pair (模子 → 模型), not a fragment of it (子 → 型): reviewers accept pairs.
    pairs = set(builtin_table().pairs())
    assert all((e.before, e.after) in pairs for e in result.edits)


def test_genuine_words_stay_in_a_spun_document(restorer):
    genuine = "会议期间，代表们认真审议了报告。"
    result = restorer.restore(SPUN_PARAGRAPH + genuine)
    assert result.spun
    assert result.text.endswith(genuine), result.text[-40:]


def test_nested_matches_are_decided_together(restorer):
    # 以及其他 spun as 以至极他 (及其→至极): leftmost-longest alone would restore 以至→甚至.
    text = SPUN_PARAGRAPH + "非国有公司、企业以至极他单位从事公务的东谈主员。"
    result = restorer.restore(text)
    assert "以及其他单位" in result.text, result.text


def test_example_page_reads_as_standard_chinese(restorer, shared):
    page = (shared / "examples" / "000_54dc450ac175ef12.txt").read_text(encoding="utf-8")
    result = restorer.restore(page)
    assert result.spun and result.spin_score > 0.9
    for spun_form in ["东谈主", "好意思", "模子", "莫得", "作念", "老本", "猖獗"]:
        assert spun_form not in result.text, spun_form
    assert result.text.count("期间") <= 2  # 时间/技术/时代 restored; a genuine 期间 may remain
    assert "大模型" in result.text and "人工智能" in result.text and "美国" in result.text


def test_a_traditional_text_is_restored_in_its_own_script(restorer, shared):
    """The table and the models are simplified: a traditional text is restored through its simplified reading
    and written back in traditional characters, as much restored as the same text in simplified script."""
    import opencc

    page = (shared / "examples" / "000_54dc450ac175ef12.txt").read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(page)
    assert len(traditional) == len(page)
    to_simplified = opencc.OpenCC("t2s").convert
    reading = to_simplified(traditional)  # the page itself but for variants t2s unifies (筹画 -> 籌畫 -> 筹划)
    simple, result = restorer.restore(reading), restorer.restore(traditional)
    assert result.spun and len(result.edits) == len(simple.edits) > 100
    assert apply_edits(traditional, result.edits) == result.text
    for spun_form in ["東談主", "好意思", "模子", "莫得"]:
        assert spun_form not in result.text, spun_form
    assert "人工智能" in result.text and "美國" in result.text  # written back in traditional characters
    assert to_simplified(result.text) == simple.text


def test_empty_and_non_chinese_text_pass_through(restorer):
    for text in ["", "   ", "Hello world, nothing to restore here.", "1234 5678"]:
        result = restorer.restore(text)
        assert result.text == text and not result.spun and result.edits == []


def test_a_mined_entry_weighs_in_by_its_confidence():
    """Two matches of an entry mined at confidence 0.5 count as one of a reviewed entry."""
    from cunzhen.api import load_lm
    from cunzhen.engine.restore import Restorer
    from cunzhen.engine.table import SpinEntry, SpinTable

    table = SpinTable()
    table.add(SpinEntry("增强", ["加强"], confidence=0.5))
    table.add(SpinEntry("东谈主", ["人"]))
    restorer = Restorer(load_lm(), table)
    mined = restorer._candidates("他们增强了合作,又增强了信心")
    reviewed = restorer._candidates("东谈主")
    assert [c.confidence for c in mined] == [0.5, 0.5] and reviewed[0].confidence == 1.0
    for cand in mined + reviewed:
        cand.gain = 4.0
    assert restorer._spin_statistic(mined, "") == restorer._spin_statistic(reviewed, "")


def test_batch_evidence_weighs_in_both_ways():
    """A mined form's lift adds log10(lift) per occurrence (up to ``detect_per_form``), whatever its gain; an
    original its spinner left rare subtracts log10 of its survival; built-in entries carry neither."""
    from cunzhen.api import load_lm
    from cunzhen.engine.restore import RestoreConfig, Restorer
    from cunzhen.engine.table import SpinEntry, SpinTable

    table = SpinTable()
    table.add(SpinEntry("条款", ["条件"], confidence=0.5, lift=10.0, survival={"条件": 0.01}))
    table.add(SpinEntry("东谈主", ["人"]))
    lm = load_lm()
    restorer = Restorer(lm, table)
    without = Restorer(lm, table, RestoreConfig(batch_evidence=False))
    text = "房间条款不错,条款好,条款也好"
    mined, plain = restorer._candidates(text), without._candidates(text)
    for cand in mined + plain:
        cand.gain = 0.0  # no context evidence at all: only the batch's
    assert restorer._spin_statistic(mined, text) == pytest.approx(2.0)
    assert without._spin_statistic(plain, text) == 0.0 and _survival(without, "条件") == 0.0
    assert restorer._candidates("东谈主")[0].evidence == 0.0
    assert _survival(restorer, "条件好,条件也好,条件不错") == pytest.approx(-4.0)
    assert _survival(restorer, "东谈主") == 0.0


def _survival(restorer, text: str) -> float:
    return sum(restorer._survival_evidence(text, restorer._candidates(text)).values())


def test_originals_left_standing_count_against_their_engine_only():
    """A reviewed entry's original standing outside every candidate counts log10(1 - engine_rate) against its
    own engine (up to ``detect_per_form`` times); another engine's evidence in the same document is untouched,
    and an original inside a candidate (还是 read as a spun 已经) is not a survivor."""
    from cunzhen.api import load_lm
    from cunzhen.engine.restore import Restorer
    from cunzhen.engine.table import SpinEntry, SpinTable

    table = SpinTable()
    table.add(SpinEntry("东谈主", ["人"], source="builtin"))
    table.add(SpinEntry("如故", ["还是"], source="builtin"))
    table.add(SpinEntry("还是", ["已经"], source="builtin"))
    table.add(SpinEntry("本年", ["今年"], source="learned", lift=10.0, survival={"今年": 0.5}))
    restorer = Restorer(load_lm(), table)
    text = "人们说人多，人人都来了。本年的事，还是本年办"
    found = restorer._survival_evidence(text, restorer._candidates(text))
    assert found["builtin"] == pytest.approx(-2.0)  # 人 three times, counted twice, log10(0.1) each; 还是 spared
    assert "learned" not in found  # no 今年 standing
    cands = restorer._candidates(text)
    for cand in cands:
        cand.gain = 0.0
    # the learned engine's lift (log10 10, twice) is the document's statistic, whatever the built-in survivors
    assert restorer._spin_statistic(cands, text) == pytest.approx(2.0)


def test_a_document_using_the_spinners_originals_is_judged_clean():
    """The same spun form, once with the originals the spinner rewrites around it and once without: one
    东谈主 (its gain capped at ``detect_cap``, plus its lift) against two originals the batch showed the
    spinner leaves at a hundredth, each seen twice."""
    from cunzhen.api import load_lm
    from cunzhen.engine.restore import Restorer
    from cunzhen.engine.table import SpinEntry, SpinTable

    lm = load_lm()
    table = SpinTable()
    table.add(SpinEntry("东谈主", ["人"], lift=10.0, survival={"工作": 0.01, "时间": 0.01}))
    restorer = Restorer(lm, table)
    spun = restorer.restore("这些无聊的东谈主这是最省事的办法")
    clean = restorer.restore("这些无聊的东谈主这是最省事的办法,工作之余没有时间,工作很忙,时间不够")
    assert spun.spun and not clean.spun
    assert clean.spin_score == 0.0 or 0.0 <= clean.spin_score < 0.5


def test_only_the_engines_a_document_was_judged_spun_by_rewrite_it():
    """A page of the seed engine (东谈主) also holds 能够, a form another table (a family writing 能够 for 可以)
    lists: it is a genuine word there and stays, while a merged entry belongs to both engines."""
    from cunzhen.api import load_lm
    from cunzhen.engine.restore import Restorer
    from cunzhen.engine.table import SpinEntry, SpinTable

    seed, family = SpinTable(), SpinTable()
    seed.add(SpinEntry("东谈主", ["人"], source="seed"))
    seed.add(SpinEntry("模子", ["模型"], source="seed"))
    family.add(SpinEntry("能够", ["可以"], source="family"))
    family.add(SpinEntry("模子", ["模型"], source="family"))
    table = seed.merge(family)
    assert table.get("模子").source == "seed|family"
    restorer = Restorer(load_lm(), table)
    result = restorer.restore("这些东谈主认为大模子能够解决问题，东谈主工智能的模子正在改变世界。")
    assert result.spun
    assert "能够" in result.text and "东谈主" not in result.text and "模子" not in result.text


@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(1, 4)), max_size=8),
    st.integers(0, 60),
    st.integers(1, 5),
)
def test_candidate_spans_overlap_as_a_scan_would(steps, start, width):
    """The bisection over the candidates' disjoint spans answers as a linear scan of them does."""
    from cunzhen.engine.restore import _Spans

    spans, pos = [], 0
    for gap, length in steps:
        spans.append((pos + gap, pos + gap + length))
        pos += gap + length
    end = start + width
    assert _Spans(spans).overlaps(start, end) == any(s < end and start < e for s, e in spans)


def test_an_edit_serialises_as_all_its_fields_in_order():
    # Edit.as_dict is written out for speed: it must stay what dataclasses.asdict gives (a field added to Edit
    # and not to as_dict fails here), with the score rounded, keys in field order (JSON output order).
    from dataclasses import asdict

    from cunzhen.engine.types import Edit

    edit = Edit(3, 5, "东谈", "东西", 1.23456, "table:builtin")
    expected = {**asdict(edit), "score": 1.235}
    assert list(edit.as_dict().items()) == list(expected.items())

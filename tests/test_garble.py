"""Pages with characters dropped throughout (engine/pollution/garble.py): flagged, never cut. Made-up text."""

from __future__ import annotations

import re

import pytest

from cunzhen.engine.pollution.garble import GarbleConfig, GarbleVerdict, garbled, is_garbled
from cunzhen.steps.clean import clean_record, make_page_cleaner
from cunzhen.steps.stats import RunStats

STORY = (
    "去年秋天，我们一家人回到了老家。村子里的变化很大，原来坑坑洼洼的土路已经修成了平整的水泥路，路两边种满了桂花树。"
    "爷爷坐在院子门口晒太阳，看见我们回来，高兴得合不拢嘴。他拉着我的手说，现在村里的年轻人大多出去打工了，留下来的"
    "都是老人和孩子，不过日子比以前好过多了。晚饭的时候，奶奶做了一大桌子菜，有红烧肉、清蒸鱼，还有我最喜欢吃的炒青"
    "菜。吃完饭，我们坐在院子里聊天，说起小时候在河边抓鱼、在山上摘野果的事情，大家都笑了起来。第二天一早，父亲带着"
    "我去看了新建的小学，教室宽敞明亮，操场上还铺了塑胶跑道。校长告诉我们，学校今年招了三十多个学生，老师也从城里请"
    "来了几位。回城的路上，我一直在想，家乡的变化这么快，下次回来不知道又会是什么样子。"
)


def dropped(text: str, every: int) -> str:
    """``text`` with every ``every``-th Han character dropped, as an anti-scraping filter does."""
    out, han = [], 0
    for char in text:
        if re.match(r"[\u4e00-\u9fff]", char):
            han += 1
            if han % every == 3:
                continue
        out.append(char)
    return "".join(out)


def test_clean_text_is_not_flagged(restorer):
    flagged, verdict = is_garbled(STORY, restorer.lm)
    assert not flagged and verdict.junctions >= 200 and verdict.share < 0.02


@pytest.mark.parametrize("every", [6, 8])
def test_text_with_characters_dropped_throughout_is_flagged(restorer, every):
    flagged, verdict = is_garbled(dropped(STORY, every), restorer.lm)
    assert flagged, verdict


def test_a_short_text_gets_no_verdict(restorer):
    short = dropped(STORY, 4)[:60]
    flagged, verdict = is_garbled(short, restorer.lm)
    assert not flagged and verdict.junctions < GarbleConfig().min_junctions


@pytest.mark.parametrize("every", [3, 5, 6, 8, 12, 20, 40, 1000])
@pytest.mark.parametrize("ceiling", [0.0, 0.02, 0.04, 0.08])
def test_the_early_verdict_is_the_full_one(restorer, every, ceiling):
    # ``garbled`` stops once the junctions left cannot change the verdict: it must say what is_garbled says,
    # on either side of the bound (ceilings that flag nothing, everything, and the default's in between).
    config = GarbleConfig(ceiling=ceiling, min_junctions=50)
    text = dropped(STORY * 3, every)
    assert garbled(text, restorer.lm, config) == is_garbled(text, restorer.lm, config)[0]


def test_the_bound_needs_more_evidence_from_fewer_junctions():
    assert GarbleVerdict(100, 8).lower_bound(2.33) < GarbleVerdict(1000, 80).lower_bound(2.33) < 0.08


def test_a_garbled_page_is_flagged_not_cut_and_counted(restorer):
    cleaner = make_page_cleaner(restorer)
    stats = RunStats()
    for text in (STORY, dropped(STORY, 6)):
        out = clean_record({"id": "x", "text": text}, cleaner)
        stats.add(out)
        meta = out["cunzhen"]
        assert out["text"] == text and not meta["removed"] and meta["verdict"] == "keep"
    assert meta["flags"] == ["garbled"] and "garbled" in meta["reasons"]
    assert stats.counts["flagged_garbled"] == 1 and "flagged 1 garbled" in stats.summary()


@pytest.mark.parametrize("seed", range(4))
def test_the_best_bridges_are_the_partitions_set(seed):
    """The argmax shortcut gives, row by row, the set np.argpartition gives (what the gap scan was written
    with), ties at the boundary included: values drawn from a few levels tie often."""
    import numpy as np

    from cunzhen.engine.pollution.garble import _best_bridges

    rng = np.random.default_rng(seed)
    for levels in (3, 6, 50, None):
        shape = (16, 300)
        bridge = (
            rng.normal(size=shape) if levels is None else rng.integers(0, levels, size=shape).astype(np.float64)
        ).astype(np.float32)
        if seed == 3:  # rows with unseen pairs: -inf where the original's partition is all there is to follow
            bridge[rng.random(shape) < 0.99] = -np.inf
        for count in (1, 3, 5):
            expected = np.argpartition(-bridge, count, axis=1)[:, :count]
            got = _best_bridges(bridge, count)
            assert [sorted(row) for row in got] == [sorted(row) for row in expected.tolist()]

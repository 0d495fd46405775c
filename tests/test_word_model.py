"""The word model beside the character model: Debian's fcitx trigram, its segmentation, and its effect."""

from __future__ import annotations

import pytest

from cunzhen.api import load_word_lm, make_restorer
from cunzhen.engine.lm import ModelError
from cunzhen.engine.wordlm import WordModel
from cunzhen.resources import debian_word_lm


@pytest.fixture(scope="module")
def word_lm() -> WordModel:
    model = load_word_lm()
    assert model is not None, "make install puts Debian's libime-data-language-model in place"
    return model


def test_segmentation_is_the_best_path_under_the_model(word_lm):
    assert word_lm.segment("人工智能技术的发展") == ["人工智能", "技术", "的", "发展"]
    assert "".join(word_lm.segment("2024年GPT-4o发布")) == "2024年GPT-4o发布"


def test_word_model_prefers_standard_wording(word_lm):
    assert word_lm.score("像鱼群一样协同运动") > word_lm.score("像鱼群沟通协同运动")
    assert word_lm.score("人工智能技术的发展") > word_lm.score("人工智能时间的发展")


def test_wrong_checksum_is_refused():
    path = debian_word_lm()
    with pytest.raises(ModelError, match="checksum"):
        WordModel(path, sha256="0" * 64)


SPUN = (
    "在畴昔两年期间里，东谈主工智能的热浪正席卷通盘这个词科技圈，大模子的老本还是很高。"
    "课程由加大的老师亲自栽培。相当好的酒店，很偶然在山西能有这种水平。"
)


def test_the_word_model_settles_close_calls():
    with_words = make_restorer().restore(SPUN)
    chars_only = make_restorer(word_lm=None).restore(SPUN)
    assert with_words.spun and chars_only.spun
    # The character model alone picks the wrong original of two, the word model the right one.
    assert "老师亲自教授" in with_words.text and "老师亲自教育" in chars_only.text
    # 偶然 -> 意外 (not 无意): the four-genre model alone read 很无意; the all-sources one (shopping and delivery
    # reviews among its text) reads it right too, and the word model must not undo that.
    assert "很意外在山西" in with_words.text and "很意外在山西" in chars_only.text

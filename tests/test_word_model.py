"""The word model beside the character model: Debian's fcitx trigram, its segmentation, and its effect."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cunzhen.api import load_word_lm, make_restorer
from cunzhen.engine import wordlm
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


def _segment_unpruned(model: WordModel, text: str) -> list[str]:
    """The segmenter as it was before the vocabulary's prefixes pruned it: every length at every position."""
    n = len(text)
    best: list[tuple[float, int]] = [(0.0, 0)] + [(-1e18, 0)] * n
    for i in range(n):
        for length in range(1, min(wordlm.MAX_WORD, n - i) + 1):
            score = model._unigram(text[i : i + length])
            if score is None:
                if length > 1:
                    continue
                score = wordlm.OOV_SCORE
            if best[i][0] + score > best[i + length][0]:
                best[i + length] = (best[i][0] + score, i)
    words, end = [], n
    while end > 0:
        words.append(text[best[end][1] : end])
        end = best[end][1]
    return words[::-1]


def test_the_vocabulary_is_read_off_the_binary_file(word_lm):
    assert word_lm._prefixes is not None and len(word_lm._prefixes) > 150_000
    assert {"人工智能", "人工", "人"} <= word_lm._prefixes


# Characters of common words and their neighbours, Latin, digits, a lone surrogate.
WORDY = "人工智能技术的发展时间我们中国大学生活动已经还是可以因为所以和在了是不有这个一AB12 \ud800，。"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=WORDY, max_size=24))
def test_pruned_segmentation_equals_the_full_search(word_lm, text):
    assert word_lm.segment(text) == _segment_unpruned(word_lm, text)


def test_a_file_without_a_readable_vocabulary_is_searched_in_full(tmp_path, word_lm):
    fake = tmp_path / "model.bin"
    fake.write_bytes(b"not a kenlm binary file\0<unk>\0")
    assert wordlm._binary_vocabulary(fake, word_lm._model) is None
    truncated = tmp_path / "truncated.bin"
    data = word_lm.path.read_bytes()
    truncated.write_bytes(data[: len(data) - 1000])  # words lost from the end: their count no longer matches
    assert wordlm._binary_vocabulary(truncated, word_lm._model) is None


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

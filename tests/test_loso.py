"""The leave-one-source-out split (bench/loso.py): what a model of a set of sources trains on, and its cache.

Most tests point the corpus at three small synthetic sources, so they read no real corpus and train at most
one tiny model; one test checks the real corpus' sample is deterministic and inside the train split.
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import loso
import pytest
import shared_corpus

from cunzhen.engine.lm import LanguageModel, ModelError, find_kenlm_tool


def _write_source(path: Path, lines: list[str]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


SHARED_LINE = "这一行文字同时出现在甲和乙两个来源里面用来检查留一法不会泄漏"


@pytest.fixture
def small_corpus(tmp_path, monkeypatch) -> dict[str, Path]:
    """Three sources of 400 distinct lines each; one line is in both ``a`` and ``b``."""
    rng = random.Random(5)
    # Common characters, so the lines read like text to the tokenizer.
    chars = (
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
        "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
        "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
        "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
        "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
        "必战先回则任取据处府受"
    )
    sources = {}
    for name in ("a", "b", "c"):
        lines = ["".join(rng.choice(chars) for _ in range(rng.randint(25, 60))) + f"。{name}{i}" for i in range(400)]
        if name in ("a", "b"):
            lines.insert(7, SHARED_LINE)
        sources[name] = _write_source(tmp_path / f"{name}.txt.gz", lines)
    monkeypatch.setattr(shared_corpus, "SOURCES", sources)
    monkeypatch.setattr(loso, "CACHE", tmp_path / "cache")
    return sources


def _all_lines(path: Path) -> set[str]:
    return set(shared_corpus.corpus_lines(path))


def test_leave_one_out_never_trains_on_the_left_out_source(small_corpus):
    for left_out in small_corpus:
        kept = [s for s in small_corpus if s != left_out]
        text = list(loso.training_lines(kept))
        left_out_lines = _all_lines(small_corpus[left_out])
        assert not set(text) & left_out_lines
        # Everything else of the kept sources' train splits is there (they are under the cap), in order.
        expected = [
            line
            for s in kept
            for line in shared_corpus.corpus_lines(small_corpus[s], "train")
            if line not in left_out_lines
        ]
        assert text == expected and len(text) > 600
    # The shared line is dropped only where its other source is left out.
    assert SHARED_LINE in set(loso.training_lines(["a", "b"])) or shared_corpus.split_of(SHARED_LINE) != "train"
    assert SHARED_LINE not in set(loso.training_lines(["a", "c"]))


def test_training_text_is_train_split_only_and_deterministic(small_corpus):
    first = list(loso.training_lines(list(small_corpus)))
    assert first == list(loso.training_lines(list(small_corpus)))
    assert all(shared_corpus.split_of(line) == "train" for line in first)
    held_out = {line for p in small_corpus.values() for line in shared_corpus.corpus_lines(p) if line not in first}
    assert held_out and all(shared_corpus.split_of(line) != "train" for line in held_out)


def test_cap_takes_a_spread_sample_near_the_cap(small_corpus):
    total = loso.train_chars("a")
    assert list(loso.source_train_lines("a")) == list(shared_corpus.corpus_lines(small_corpus["a"], "train"))
    recipe = loso.Recipe(cap_chars=total // 4)
    sample = list(loso.source_train_lines("a", recipe))
    assert 0.15 * total < sum(map(len, sample)) < 0.35 * total
    # Spread over the file, not its first quarter: sampled lines come from its last half too.
    order = list(shared_corpus.corpus_lines(small_corpus["a"], "train"))
    assert max(order.index(line) for line in sample) > len(order) // 2
    # Another salt is another sample; the same salt the same one.
    assert sample == list(loso.source_train_lines("a", recipe))
    assert sample != list(loso.source_train_lines("a", loso.Recipe(cap_chars=total // 4, sample_salt="other")))


def test_model_key_follows_recipe_sources_and_files(small_corpus, tmp_path, monkeypatch):
    key = loso.model_key(["a", "b"])
    assert key == loso.model_key(["b", "a"])
    assert key != loso.model_key(["a", "c"])
    assert key != loso.model_key(["a", "b"], loso.Recipe(cap_chars=123))
    # The sort-memory setting does not change the model, so it does not change the key.
    assert key == loso.model_key(["a", "b"], loso.Recipe(memory="1G"))
    # A changed file of a left-out source changes the key too (its lines are excluded from the text).
    changed = _write_source(tmp_path / "c2.txt.gz", ["另一份文件的内容完全不同所以模型也应该重新训练一遍才对。"])
    monkeypatch.setitem(shared_corpus.SOURCES, "c", changed)
    assert key != loso.model_key(["a", "b"])
    with pytest.raises(ValueError, match="unknown"):
        loso.model_key(["a", "nope"])


def _has_lmplz() -> bool:
    try:
        find_kenlm_tool("lmplz")
    except ModelError:
        return False
    return True


@pytest.mark.skipif(not _has_lmplz(), reason="needs KenLM's lmplz (make install)")
def test_loso_model_is_built_once_and_cached(small_corpus, monkeypatch):
    recipe = loso.Recipe(order=3, prune=(0, 0, 0))
    path = loso.loso_model("c", recipe)
    model = LanguageModel(path)
    assert model.meta["recipe"]["sources"] == ["a", "b"] and model.meta["recipe"]["key"] in path.name
    assert path.parent == loso.CACHE and not list(loso.CACHE.glob(".build-*"))

    def no_training(*args, **kwargs):
        raise AssertionError("a cached model was trained again")

    monkeypatch.setattr(loso, "train", no_training)
    assert loso.loso_model("c", recipe) == path
    with pytest.raises(AssertionError, match="trained again"):
        loso.loso_model("b", recipe)


def test_real_corpus_sample_is_deterministic_and_capped():
    # One small real source under a cap below its size (the big sources behave the same, only slower to read).
    recipe = loso.Recipe(cap_chars=400_000)
    first = list(loso.source_train_lines("medical", recipe))
    assert first == list(loso.source_train_lines("medical", recipe))
    assert all(shared_corpus.split_of(line) == "train" for line in first)
    assert loso.train_chars("medical") > 2 * recipe.cap_chars
    assert abs(sum(map(len, first)) - recipe.cap_chars) < 0.05 * recipe.cap_chars

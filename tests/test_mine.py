"""Mining a spinner's table from a batch: engine, table format, `cunzhen mine`, `--learn` and `--table`.

The batch is real clean text (tune split of ../shared/corpus) spun by a simulated spinner the engine has
never seen: character families (人→东说念主, 大→年夜) and real-word swaps.
"""

from __future__ import annotations

import itertools
import subprocess
import sys

import orjson
import pytest
from rapidfuzz.distance import Levenshtein
from shared_corpus import genre_lines
from spinner import Spinner

from cunzhen.api import load_lm
from cunzhen.cli.mine import sample_texts
from cunzhen.engine.mine import (
    Miner,
    _closed,
    _Form,
    _keeps_frame,
    _Pair,
    batch_char_tokens,
)
from cunzhen.engine.restore import Restorer
from cunzhen.engine.table import SpinTable, load_table
from cunzhen.engine.tokenize import char_tokens

# (original, spun): families the built-in table does not know, as an unseen farm engine would write them.
UNSEEN_SPINNER = [("人", "东说念主"), ("大", "年夜"), ("美", "秀丽思"), ("我们", "咱们")]


def documents(genre: str, count: int, min_chars: int = 400) -> list[str]:
    docs, current = [], ""
    for line in itertools.islice(genre_lines(genre, "tune"), 20_000):
        current += line + "\n"
        if len(current) >= min_chars:
            docs.append(current.strip())
            current = ""
            if len(docs) == count:
                break
    return docs


@pytest.fixture(scope="module")
def batch(shared):
    """(originals, spun copies, clean others): 60 spun news/reviews documents and 60 clean ones."""
    spinner = Spinner(UNSEEN_SPINNER, seed=3)
    originals = documents("news", 30) + documents("reviews", 30)
    clean = documents("news", 90)[60:] + documents("reviews", 90)[60:]
    spun = [spinner.spin(doc)[0] for doc in originals]
    return originals, spun, clean


@pytest.fixture(scope="module")
def mined(batch):
    _, spun, clean = batch
    return Miner(load_lm()).mine(spun + clean, source="test")


def test_mining_learns_the_unseen_families(mined):
    table, report = mined
    for original, spun in UNSEEN_SPINNER[:2]:
        assert spun in table, f"{spun}→{original} not mined; {report.summary()}"
        assert table.get(spun).originals[0] == original
        entry = table.get(spun)
        assert entry.count >= 5 and entry.docs >= 2 and 0.5 <= entry.confidence <= 1.0
        assert entry.examples and all(spun in example for example in entry.examples)


def test_spun_documents_are_told_from_clean_ones(batch, mined):
    """The batch is half spun: the miner's document judgement (entries keeping company) must see that."""
    _, spun, clean = batch
    _, report = mined
    assert 0.9 * len(spun) <= report.spun_docs <= len(spun) + 0.05 * len(clean), report.summary()


def test_trace_says_where_a_form_was_kept_or_dropped(batch):
    """``explain`` traces each step: a learned family with its deficit, a genuine word stopped at the excess
    step with its numbers, a form the batch lacks; forms not asked about leave no trace."""
    _, spun, clean = batch
    asked = ["年夜->大", "中国", "淌若"]
    table, report = Miner(load_lm()).mine(spun + clean, explain=asked)
    family = report.trace("年夜->大")
    assert "excess: candidate" in family and "deficit of 大: a candidate original" in family
    assert "model's verdict: 大 (wins" in family and family.splitlines()[-1].startswith("learned: 年夜→大 (count")
    assert table.get("年夜").originals == ["大"]
    genuine = report.trace("中国")
    assert "excess: not a candidate: spun" in genuine and "lift" in genuine and genuine.endswith("not learned")
    assert "never holds it" in report.trace("淌若")
    assert set(report.traces) == set(asked) and report.trace("东说念主") == ""


def test_boilerplate_and_genuine_words_are_not_learned(batch):
    """A line repeated on many pages, and a rare genuine word, in spun and clean pages alike, are no spinner's."""
    _, spun, clean = batch
    boiler = "欢迎投稿请到编辑部邮箱联系。"
    with_boiler = [doc + boiler for doc in spun[::3]] + [doc + boiler for doc in clean[::3]]
    rest = spun[1::3] + spun[2::3] + clean[1::3] + clean[2::3]
    table, report = Miner(load_lm()).mine(with_boiler + rest)
    assert report.spun_docs > 0, report.summary()
    assert not any(entry.spun in boiler for entry in table), table.pairs()


def test_mined_entries_are_mostly_right(mined):
    """Every frequent entry must be one of the spinner's substitutions, possibly inside a longer frame."""
    table, _ = mined
    truth = {(spun, original) for original, spun in UNSEEN_SPINNER}
    frequent = [(e.spun, o) for e in table if e.count >= 5 for o in e.originals]
    right = [p for p in frequent if p in truth or any(s in p[0] and o in p[1] for s, o in truth)]
    assert frequent and len(right) / len(frequent) >= 0.8, sorted(set(frequent) - set(right))


def test_clean_batch_yields_almost_nothing(batch):
    _, _, clean = batch
    table, _ = Miner(load_lm()).mine(clean)
    assert len(table) <= 3, table.pairs()


def test_learned_table_restores_and_leaves_clean_text(batch, mined):
    originals, spun, clean = batch
    table, _ = mined
    restorer = Restorer(load_lm(), table, name="learned")
    restored = [restorer.restore(doc).text for doc in spun[:20]]
    assert sum("东说念主" in t or "年夜" in t for t in restored) <= 2
    damage = sum(Levenshtein.distance(s, o) for s, o in zip(spun[:20], originals[:20]))
    residual = sum(Levenshtein.distance(r, o) for r, o in zip(restored, originals[:20]))
    assert residual <= 0.4 * damage
    assert all(restorer.restore(doc).text == doc for doc in clean[:30])


def test_table_format_round_trip(mined, tmp_path):
    table, _ = mined
    path = tmp_path / "mined.tsv"
    table.save(path, header="mined in a test\nsecond line")
    again = load_table(path)
    assert sorted(again.pairs()) == sorted(table.pairs())
    for entry in table:
        copy = again.get(entry.spun)
        assert (copy.count, copy.docs, copy.source) == (entry.count, entry.docs, entry.source)
        assert copy.confidence == pytest.approx(entry.confidence, abs=1e-3)
        assert copy.examples == [e.replace("\t", " ") for e in entry.examples[:3]]
        assert copy.lift == pytest.approx(entry.lift, abs=0.01)
        assert copy.survival == pytest.approx(entry.survival, rel=1e-2)
    merged = again.merge(SpinTable())
    assert sorted(merged.pairs()) == sorted(table.pairs())


def test_entries_carry_the_batchs_frequency_evidence(mined):
    """Against the batch's clean documents: the spun form far more frequent, its original far rarer."""
    table, _ = mined
    for original, spun in UNSEEN_SPINNER[:2]:
        entry = table.get(spun)
        assert entry.lift is not None and entry.lift >= 5.0, entry
        assert 0.0 < entry.survival[original] <= 0.5, entry


def cunzhen(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cunzhen", *args], input=stdin, capture_output=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def batch_file(batch, tmp_path_factory):
    _, spun, clean = batch
    path = tmp_path_factory.mktemp("mine") / "batch.jsonl"
    lines = [orjson.dumps({"id": i, "text": t}) for i, t in enumerate(spun + clean)]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_cli_mine_then_restore_with_table(batch, batch_file, tmp_path):
    table_path = tmp_path / "farm.tsv"
    done = cunzhen("mine", str(batch_file), "-o", str(table_path), "-q", "--explain", "东说念主→人")
    assert done.returncode == 0, done.stderr.decode()
    assert "learned: 东说念主→人" in done.stderr.decode()
    table = load_table(table_path)
    assert table.get("东说念主").originals[0] == "人"
    assert table_path.read_text(encoding="utf-8").startswith("# Mined by `cunzhen mine`")
    out = tmp_path / "out.jsonl"
    done = cunzhen("restore", str(batch_file), "-o", str(out), "-q", "--table", str(table_path))
    assert done.returncode == 0, done.stderr.decode()
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    spun_count = len(batch[1])
    assert sum("东说念主" in r["text"] for r in records[:spun_count]) <= 2
    reasons = {e["reason"] for r in records for e in r["cunzhen"]["edits"]}
    assert "table:merged" in reasons


def test_cli_restore_learn_from_stdin(batch, batch_file):
    done = cunzhen("restore", "-", "-o", "-", "-q", "--learn", stdin=batch_file.read_bytes())
    assert done.returncode == 0, done.stderr.decode()
    records = [orjson.loads(line) for line in done.stdout.splitlines()]
    assert len(records) == len(batch[1]) + len(batch[2])
    assert [r["id"] for r in records] == list(range(len(records)))
    spun_records = records[: len(batch[1])]
    assert sum(r["cunzhen"]["spun"] for r in spun_records) >= 0.9 * len(spun_records)
    assert sum("东说念主" in r["text"] for r in spun_records) <= 2
    assert any(e["before"] == "东说念主" and e["after"] == "人" for r in spun_records for e in r["cunzhen"]["edits"])


def test_cli_learn_on_one_page_mines_its_families(batch, tmp_path):
    """One document is too few for a batch: --learn mines it as a page and restores its 东说念主."""
    originals, spun, _ = batch
    page = "\n".join(spun[:3])
    path = tmp_path / "one.jsonl"
    path.write_bytes(orjson.dumps({"id": 0, "text": page}) + b"\n")
    done = cunzhen("restore", str(path), "-o", "-", "--learn")
    assert done.returncode == 0, done.stderr.decode()
    assert b"one page at a time" in done.stderr
    record = orjson.loads(done.stdout)
    assert record["cunzhen"]["spun"] and "东说念主" not in record["text"]
    assert record["text"].count("人") >= "\n".join(originals[:3]).count("人") - 1


def test_pieces_of_a_composite_form_are_learned_apart(shared):
    """人民 spun as 系包花持 (系包 for 人, 花持 for 民): the pieces are learned, not the whole."""
    spinner = Spinner([("人", "系包"), ("民", "花持"), ("大", "年夜")], seed=5)
    originals = documents("news", 60)
    spun = [spinner.spin(doc)[0] for doc in originals]
    clean = documents("news", 120)[60:]
    table, report = Miner(load_lm()).mine(spun + clean)
    assert "人民" in "".join(originals) and "系包花持" in "".join(spun)
    assert table.get("系包") is not None and table.get("系包").originals == ["人"], table.pairs()
    assert table.get("花持") is not None and table.get("花持").originals == ["民"], table.pairs()
    assert "系包花持" not in table, table.pairs()
    assert 0.9 * len(spun) <= report.spun_docs <= len(spun) + 2, report.summary()


def test_real_word_spinner_table_is_precise(shared):
    """A rewording tool's real-word swaps (任务 for 工作) in 120 spun and 120 clean documents of four genres.

    Its swaps are real words, so the model alone cannot tell them, and wrong pairings (a rare real word
    matched with an unrelated deficit) are the miner's typical mistake. Before the evidence rules of round 4
    this batch gave ~40% right among frequent entries; now 80-90% across spinner seeds (a smaller batch than
    the benchmark's 240 + 240, where the tune split reaches 97%). The bound guards against falling back.
    """
    from bench_mine import explained, rewording_tool

    genres = ("news", "laws", "tech", "reviews")
    spinner = Spinner(rewording_tool(), seed=11)
    originals = [doc for genre in genres for doc in documents(genre, 30)]
    clean = [doc for genre in genres for doc in documents(genre, 60)[30:]]
    spun, truth = [], set()
    for doc in originals:
        text, subs = spinner.spin(doc)
        spun.append(text)
        truth.update((s.spun, s.original) for s in subs)
    table, report = Miner(load_lm()).mine(spun + clean)
    frequent = [(e.spun, o) for e in table if e.count >= 5 for o in e.originals]
    wrong = [p for p in frequent if not explained(p, truth)]
    assert len(frequent) >= 20, report.summary()
    assert len(wrong) <= 0.25 * len(frequent), wrong


def test_a_form_with_two_originals_gets_both(shared):
    """The example page's engine writes 期间 for both 时间 and 技术: neither deficit alone explains its excess,
    each original fits its own contexts, so the entry lists both and the restorer chooses per occurrence.
    The engine's character swaps (谈 for every 道) are left out: they empty 道's deficit, an option this miner
    then weighs against 期间: a known weakness of this miner with character-level engines."""
    from cunzhen.api import builtin_table, make_miner

    seed = builtin_table(families=False)
    words = seed.without({(e.spun, o) for e in seed for o in e.originals if len(e.spun) == 1})
    spinner = Spinner.from_table(words, seed=3)
    originals = documents("news", 40) + documents("tech", 40)
    clean = documents("news", 120)[40:] + documents("tech", 120)[40:]
    spun = [spinner.spin(doc)[0] for doc in originals]
    table, report = make_miner().mine(spun + clean)
    entry = table.get("期间")
    assert entry is not None and set(entry.originals) == {"时间", "技术"}, report.summary()
    assert all(len(e.originals) == 1 for e in table if e.spun != "期间"), table.pairs()


def test_related_originals_are_proposed_beside_similar_ones():
    """Deficits sharing a character in place with the form, or its thesaurus synonyms, are put to the model."""
    from cunzhen.engine.mine import _Related
    from cunzhen.engine.thesaurus import Thesaurus

    deficits = [_Form(text, len(text), 0, 0.0, 0.0, 10.0) for text in ("技术", "安全", "术语", "人", "时间")]
    related = _Related(deficits, Thesaurus([["安全", "保险", "平安"]]))
    assert [deficits[j].text for j in related.of("技巧")] == ["技术"]  # 术语 has 术 in another place
    assert [deficits[j].text for j in related.of("保险")] == ["安全"]
    assert related.of("人") == []  # one character shares nothing but itself
    assert [deficits[j].text for j in _Related(deficits, None).of("保险")] == []


def test_a_synonym_with_no_deficit_is_offered_as_a_hidden_original(shared):
    """A spinner that swaps 时间 and 时光 both ways leaves 时间 no deficit: the third round offers it to 时光 as
    a thesaurus synonym clean text uses often, but not when it is in excess, nor a synonym of another length."""
    import numpy as np

    from cunzhen.engine.mine import _Batch, _Grams, _Shift
    from cunzhen.engine.thesaurus import Thesaurus

    clean = ["我们用了很长的时间才到。"] * 20
    spun = ["我们用了很长的时光才到。", "我们用了很长的时间才到。"] * 10

    def hidden(spun_docs: list[str]) -> list[str]:
        batch = _Batch.of(spun_docs + clean)
        is_spun = np.arange(batch.n_docs) < len(spun_docs)
        shift = _Shift(Miner(load_lm()), _Grams(batch, 4), is_spun)
        index = int(np.searchsorted(shift.grams.by_len[2][1], np.uint64((ord("时") << 16) | ord("光"))))
        form = shift._form(2, index, 0.0)
        found, related_of = shift.hidden_originals([form], Thesaurus([["时间", "时光", "时"]]))
        return [found[j].text for j in related_of.get("时光", [])]

    assert hidden(spun) == ["时间"]  # not 时, of another length
    assert hidden([doc.replace("时光", "时间") * 2 for doc in spun]) == []  # 时间 in excess


def test_the_third_round_offers_two_character_forms_their_related_deficits_that_fit():
    """仍是 is offered 还是 (是 in the same place, a deficit its excess fits) beside its synonyms; not 但是, whose
    deficit is too small, nor anything to the three-character 仍是否."""
    form = _Form("仍是", 2, 0, spun=52.0, clean=0.0, expected=0.5)
    long_form = _Form("仍是否", 3, 1, spun=20.0, clean=0.0, expected=0.0)
    deficits = [_Form("还是", 2, 0, 15.0, 43.0, 38.4), _Form("但是", 2, 1, 95.0, 100.0, 100.0)]
    hidden = [_Form("依然", 2, 2, 10.0, 10.0, 10.0)]
    related_of = {"仍是": [0]}
    Miner(load_lm())._add_backed_related([form, long_form], deficits, {}, hidden, related_of)
    assert [hidden[j].text for j in related_of["仍是"]] == ["依然", "还是"]
    assert "仍是否" not in related_of


def test_two_way_swaps_are_learned_by_contrast(shared):
    """A spinner that swaps 消息/新闻 and 重要/主要 both ways leaves every count as it was: no excess, no deficit,
    so the first three rounds see nothing. The contrast round finds the synonym the model prefers in the
    form's spun contexts far more often than in its clean ones; both directions are learned, and the restorer,
    judging each occurrence in context, undoes more than it breaks and leaves the clean documents alone."""
    from cunzhen.api import make_miner
    from cunzhen.engine.mine import MineConfig

    swaps = [("消息", "新闻"), ("新闻", "消息"), ("重要", "主要"), ("主要", "重要")]
    # The families make the spun documents visible (the split needs them); the swaps alone would not be.
    spinner = Spinner(UNSEEN_SPINNER + swaps, seed=7)
    genres = ("news", "laws", "tech")
    originals = [doc for genre in genres for doc in documents(genre, 60)]
    clean = [doc for genre in genres for doc in documents(genre, 120)[60:]]
    spun = [spinner.spin(doc)[0] for doc in originals]
    expected = {(form, original) for original, form in swaps}

    without, _ = make_miner(config=MineConfig(contrast_contexts=0)).mine(spun + clean)
    assert not expected & set(without.pairs()), without.pairs()
    table, report = make_miner().mine(spun + clean)
    assert expected <= set(table.pairs()), report.summary()
    assert all(0.3 <= table.get(form).confidence <= 1.0 for form, _ in expected)

    lm = load_lm()
    with_swaps, no_swaps = Restorer(lm, table), Restorer(lm, table.without(expected))
    residual = sum(Levenshtein.distance(with_swaps.restore(s).text, o) for s, o in zip(spun, originals))
    before = sum(Levenshtein.distance(no_swaps.restore(s).text, o) for s, o in zip(spun, originals))
    assert residual < 0.5 * before, (residual, before)
    assert all(with_swaps.restore(doc).text == doc for doc in clean)


def test_weak_evidence_rules_reject_reshaped_and_framed_pairs():
    """An original of another length needs a large gain; a long form's original must keep an edge or be common."""
    miner = Miner(load_lm())
    form = _Form("应聘", 2, 0, spun=7.0, clean=0.0, expected=0.2, docs=6)
    assert not miner._well_supported(_Pair(form, "赵", 0.4, wins=0.9, gain=1.0, margin=2.6))
    assert miner._well_supported(_Pair(form, "招聘", 0.4, wins=0.9, gain=4.5, margin=2.6))
    frame = _Form("公安构造", 4, 0, spun=18.0, clean=0.0, expected=0.0, docs=12)
    assert not miner._well_supported(_Pair(frame, "村民", 0.2, wins=0.9, gain=7.4, margin=1.2))
    assert miner._well_supported(_Pair(frame, "公安机关", 0.2, wins=0.9, gain=7.4, margin=1.2))
    assert not miner._well_supported(_Pair(frame, "公安机关", 0.2, wins=0.9, gain=7.4, margin=-0.5))


def test_closure_records_what_swallowed_each_form():
    """图线 (for 工) stood only before 作 on a page: 图线作 swallows it, and is named so that 图线 can be revived
    when 图线作 finds no original; 系包 (seen in other places too) stays."""
    forms = [
        _Form("图线", 2, 0, spun=3.0, clean=0.0, expected=0.0, docs=1),
        _Form("图线作", 3, 1, spun=3.0, clean=0.0, expected=0.0, docs=1),
        _Form("系包", 2, 2, spun=5.0, clean=0.0, expected=0.0, docs=1),
        _Form("系包民", 3, 3, spun=1.0, clean=0.0, expected=0.0, docs=1),
    ]
    kept, swallowed = _closed(forms, 0.8)
    assert [f.text for f in kept] == ["图线作", "系包", "系包民"]
    assert [(f.text, longer) for f, longer in swallowed] == [("图线", {"图线作"})]


def test_a_frame_around_an_excess_form_must_be_kept():
    """代表年夜 frames 年夜 (in excess itself): 代表大 keeps the frame, 政府 does not."""
    frame = _Form("代表年夜", 4, 0, spun=58.0, clean=0.0, expected=0.0, docs=20)
    candidates = {"年夜", "代表年夜"}
    assert _keeps_frame(_Pair(frame, "代表大", 0.4), candidates)
    assert not _keeps_frame(_Pair(frame, "政府", 0.4), candidates)
    assert _keeps_frame(_Pair(frame, "政府", 0.4), {"代表年夜"})  # no shorter excess form inside


def test_batch_tokens_are_the_language_models_tokens(batch):
    """The miner's numpy tokeniser must give exactly ``char_tokens``: the model was trained on those tokens."""
    import numpy as np

    _, spun, clean = batch
    tricky = "abc DEF 123 45x  人民 ａｂ１２ \n㈱Ⅻ  ⼤家 a\n1b  Ａ a 中 "
    for text in (tricky, "", "\n".join(spun[:5] + clean[:5])):
        tokens, token_of = batch_char_tokens(np.frombuffer(text.encode("utf-32-le"), dtype="<u4"))
        expected_tokens, expected_of = char_tokens(text)
        assert tokens == expected_tokens
        assert token_of.tolist() == list(expected_of)


def test_fast_paths_equal_their_plain_versions():
    """The miner's cheaper paths (radix key order and unique, offset-to-document table, known forms found by
    array keys, distinct contexts and option shortlists of all forms at once) must give what the plain
    versions give, ties included."""
    import numpy as np

    from cunzhen.engine.mine import (
        MineConfig,
        _Batch,
        _longest_forms_at,
        _Shift,
        _stable_key_order,
        _unique_inverse,
    )

    rng = np.random.default_rng(0)
    for n in (1, 2, 4):
        keys = np.zeros(5000, dtype=np.uint64)
        for _ in range(n):
            keys = (keys << np.uint64(16)) | rng.choice([0x4E00, 0x4E01, 0x9FFF, 0xFFFF], 5000).astype(np.uint64)
        assert np.array_equal(_stable_key_order(keys, n), np.argsort(keys, kind="stable"))
    for size, high in ((0, 2), (1, 2), (3000, 70_000), (3000, 2**40), (3000, 2**62)):
        keys = rng.integers(0, high, size)
        unique, inverse = np.unique(keys, return_inverse=True)
        got_unique, got_inverse = _unique_inverse(keys)
        assert np.array_equal(got_unique, unique) and np.array_equal(got_inverse, inverse.ravel())

    batch = _Batch.of(["人" * rng.integers(1, 30) for _ in range(600)])
    positions = rng.integers(0, len(batch.codes) + 1, 9000)
    assert np.array_equal(batch.doc_of(positions), np.searchsorted(batch.doc_starts, positions, side="right") - 1)

    shift = _Shift.__new__(_Shift)
    shift.batch = batch = _Batch.of(["".join(rng.choice(list("人民大会堂。"), 40)) for _ in range(50)])
    forms = [_Form("x", n, 0, 1.0, 0.0, 0.0) for n in (1, 2, 3, 1)]
    for form in forms:
        form.positions = np.sort(rng.choice(len(batch.codes), int(rng.integers(0, 60)), replace=False))
    codes = batch.codes.astype(np.uint64)
    for form, count in zip(forms, shift._distinct_contexts_of(forms), strict=True):
        key = np.zeros(len(form.positions), dtype=np.uint64)
        for offset in (-2, -1, form.n, form.n + 1):
            key = key * np.uint64(0x110001) + codes[np.clip(form.positions + offset, 0, len(codes) - 1)]
        assert count == len(np.unique(key))

    alphabet = "人民大会东说念主年夜 a\n𠀀"
    for _ in range(300):
        text = "".join(rng.choice(list(alphabet), int(rng.integers(0, 60))))
        forms = {"".join(rng.choice(list(alphabet[:10]), int(rng.integers(1, 5)))) for _ in range(6)}
        longest = {}
        for start in range(len(text)):
            found = [f for f in forms if text.startswith(f, start)]
            if found:
                longest[start] = max(found, key=len)
        assert _longest_forms_at(text, forms) == longest
        assert _longest_forms_at(text, forms | {"𠀀人"}) == _longest_forms_at(text, forms) | {
            i: "𠀀人" for i in range(len(text)) if text.startswith("𠀀人", i)
        }

    config = MineConfig()
    miner = Miner.__new__(Miner)
    miner.config = config

    def plain(excess, n, similarity, deficits, single):
        capacity = excess / np.maximum(deficits, 1e-9)
        fits = (capacity >= config.min_capacity) & (capacity <= config.max_capacity)
        if n == 1:
            fits &= single
        candidates = np.flatnonzero(fits)
        return candidates[np.argsort(-similarity[candidates], kind="stable")].tolist()[: config.options_per_form + 1]

    for _ in range(100):
        n_forms, n_originals = int(rng.integers(1, 20)), int(rng.integers(0, 40))
        if rng.random() < 0.5:  # many ties, as at similarity 0
            similarity = rng.choice([0.0, 0.1, 0.5], size=(n_forms, n_originals))
        else:
            similarity = rng.random((n_forms, n_originals))
        deficits, single = rng.random(n_originals) * 10, rng.random(n_originals) < 0.5
        lengths, excess = rng.integers(1, 4, n_forms).tolist(), (rng.random(n_forms) * 10).tolist()
        forms = [_Form("x", n, 0, spun=e, clean=0.0, expected=0.0) for n, e in zip(lengths, excess, strict=True)]
        got = miner._shortlists(forms, similarity, deficits, single)
        assert got == [plain(f.excess, f.n, similarity[i], deficits, single) for i, f in enumerate(forms)]


# -- bounded mining sample (--learn-sample) ---------------------------------------------------------------


def test_sample_is_bounded_even_and_deterministic():
    texts = [f"{i:05d}" + "文" * (i % 50) for i in range(3000)]  # 5 to 152 bytes each
    limit_mb = 0.02
    sample = sample_texts(iter(texts), limit_mb)
    size = sum(len(t.encode("utf-8")) for t in sample)
    assert 0.5 * limit_mb * 1e6 < size <= limit_mb * 1e6  # within the bound, and not needlessly small
    indices = [int(t[:5]) for t in sample]
    stride = indices[1] - indices[0]
    assert indices == list(range(0, len(texts), stride))[: len(indices)]  # every stride-th document, in order
    assert indices[-1] >= len(texts) - stride  # spread to the end of the input, not its head
    assert sample_texts(iter(texts), limit_mb) == sample
    assert sample_texts(iter(texts), 1.0) == texts  # a small input is mined whole
    assert sample_texts(iter(["文" * 100, "ok"]), 0.0001) == ["ok"]  # a page beyond the bound alone is skipped


def test_cli_learn_mines_at_most_the_sample(batch, batch_file):
    """--learn-sample bounds what --learn mines: the summary counts the documents read."""
    import re

    _, spun, clean = batch
    sample_mb = 0.05
    expected_docs = len(sample_texts(iter(spun + clean), sample_mb))
    assert expected_docs < len(spun + clean) / 2
    done = cunzhen("restore", str(batch_file), "-o", "-", "--learn", "--learn-sample", str(sample_mb))
    assert done.returncode == 0, done.stderr.decode()
    stderr = done.stderr.decode()
    mined = re.search(r"cunzhen --learn: [^:]*: (\d+) docs .*?, (\d+) chars", stderr)
    assert mined, stderr
    assert int(mined.group(1)) == expected_docs
    assert int(mined.group(2)) * 3 <= sample_mb * 1e6  # Chinese characters are 3 bytes of UTF-8 each
    assert len(done.stdout.splitlines()) == len(spun + clean)  # the restore pass still reads everything


def test_contexts_are_the_token_slices_around_sampled_occurrences(batch):
    """``_ContextScorer.contexts`` (plain Python over a few positions) against the array version it replaced,
    with and without known entries undone."""
    import numpy as np

    from cunzhen.engine.mine import _Batch, _ContextScorer

    def plain(scorer, positions, n, limit):
        if len(positions) > limit:
            positions = positions[np.linspace(0, len(positions) - 1, limit).astype(np.int64)]
        k, docs = scorer.k, scorer.batch.doc_of(positions)
        spans = (
            np.maximum(scorer.batch.doc_starts[docs], positions - 3 * k),
            positions,
            positions + n,
            np.minimum(scorer.batch.doc_ends[docs], positions + n + 3 * k),
        )
        if scorer._offset is not None:
            spans = tuple(scorer._offset[s] for s in spans)
        left_start, left_end, right_start, right_end = (scorer._token_of[s].tolist() for s in spans)
        tokens = scorer._tokens
        return [
            (" ".join(tokens[max(a, b - k) : b]), " ".join(tokens[c : min(d, c + k)]))
            for a, b, c, d in zip(left_start, left_end, right_start, right_end, strict=True)
        ]

    _, spun, clean = batch
    scorer = _ContextScorer(load_lm(), _Batch.of(spun[:20] + clean[:20]), 4)
    rng = np.random.default_rng(0)
    for known in ({}, {spinner_form: original for original, spinner_form in UNSEEN_SPINNER}):
        scorer.undo(known)
        for _ in range(300):
            n, count, limit = int(rng.integers(1, 5)), int(rng.integers(0, 30)), int(rng.integers(1, 10))
            positions = np.sort(rng.choice(len(scorer.batch.codes) - n, count, replace=False))
            assert scorer.contexts(positions, n, limit) == plain(scorer, positions, n, limit)

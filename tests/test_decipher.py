"""Mining with no clean page (issue 15): the shipped reference, a farm site alone, a chained engine, a crawl.

Batches are real text the bundled model was not trained on (the tune split of ../shared/corpus-ood's 1990s
news), spun by engines built like real ones (bench/engines.py): character families with a chain
(人→东道主 then 道→说念 writes 东说念主), applied to 90% of occurrences.
"""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from engines import Engine
from rapidfuzz.distance import Levenshtein
from restore_eval import make_docs

from cunzhen.api import learn_table, load_lm, make_decipherer, make_restorer
from cunzhen.engine.decipher.decode import DecipherConfig, _closed, _two_class
from cunzhen.engine.decipher.reference import REFERENCE_FREQ, reference
from cunzhen.engine.decipher.table import Learned, to_table
from cunzhen.resources import verified

# A farm engine the built-in table does not know: 东说念主 is 人→东道主 chained with 道→说念.
CHAINED = Engine(
    "chained family",
    (("所以", "是以"),),
    (("人", "东道主"), ("道", "说念"), ("大", "年夜"), ("美", "好意思")),
)


@pytest.fixture(scope="module")
def farm(shared):
    """(originals, spun pages): 60 pages of one farm site, every one spun."""
    originals = make_docs("news-1990s", "tune", 60, 800)
    spinner = CHAINED.spinner(11)
    return originals, [spinner.spin(doc)[0] for doc in originals]


@pytest.fixture(scope="module")
def farm_table(farm):
    table, report = make_decipherer(load_lm()).mine(farm[1], explain=["说念→道", "东说念主", "说念→龘"])
    return table, report


def test_reference_is_verified_statistics_with_provenance():
    path = verified(REFERENCE_FREQ)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        header = [line for _, line in zip(range(5), f)]
    assert header[0].startswith("# cunzhen reference frequencies")
    assert "provenance" in header[1] and header[4].startswith("# chars\t")
    ref = reference()
    # 人 is among the commonest characters of Chinese; the spun forms are not written by clean text at all.
    assert ref.rate("人") > 5e-3 and ref.rate("道") > 1e-3
    assert ref.rate("东说念主") < 1e-7 and ref.rate_max("说念") < 1e-5
    assert ref.rate_max("今年") >= ref.rate("今年") > 1e-4


def test_reference_agrees_with_wordfreq():
    """An independent check of the artifact: wordfreq's Chinese word frequencies rank the same words alike."""
    import wordfreq

    ref = reference()
    words = [w for w in ref.forms if len(w) == 2][:400]
    ours = np.log([ref.rate(w) for w in words])
    theirs = np.log([max(wordfreq.word_frequency(w, "zh"), 1e-9) for w in words])
    rank = lambda values: np.argsort(np.argsort(values))  # noqa: E731
    rho = np.corrcoef(rank(ours), rank(theirs))[0, 1]
    assert rho > 0.4, rho


def test_farm_site_alone_learns_its_engine(farm_table):
    table, report = farm_table
    assert report.spun_docs == report.docs == 60  # no clean group: every page is mined
    originals = {e.spun: e.originals for e in table}
    assert originals.get("东说念主") == ["人"]
    assert originals.get("年夜") == ["大"]
    assert originals.get("好意思") == ["美"]
    # The chain's character-level swap is learned as such, not word by word.
    assert originals.get("说念") == ["道"]
    assert not any(spun.endswith("说念") and len(spun) > 2 and e == ["道"] for spun, e in originals.items())


def test_farm_site_alone_is_restored(farm, farm_table):
    originals, spun = farm
    table, _ = farm_table
    restorer = make_restorer(tables=[table])
    damage = residual = flagged = 0
    for original, page in zip(originals, spun):
        result = restorer.restore(page)
        damage += Levenshtein.distance(page, original)
        residual += Levenshtein.distance(result.text, original)
        flagged += result.spun
    assert 1 - residual / damage >= 0.85
    assert flagged >= 0.95 * len(spun)


def test_character_swap_reaches_words_the_batch_never_showed(farm_table):
    """道→说念 learned as a character swap restores 说念理 and 航说念 even if no page held them."""
    table, _ = farm_table
    restorer = make_restorer(tables=[table])
    text = "东说念主们都知说念这个说念理，他们在航说念上年夜步前进，是以东说念主东说念主都很好意思满。" * 2
    restored = restorer.restore(text).text
    assert "道理" in restored and "航道" in restored and "知道" in restored
    assert "说念" not in restored


def test_explain_traces_each_step(farm_table):
    _, report = farm_table
    trace = report.trace("说念→道")
    assert "round 1: 说念 seen" in trace and "道 seen" in trace
    assert "道: an option" in trace  # where the asked original stood among the options
    assert "龘: no original here" in report.trace("说念→龘")  # and why one that no page holds is not one
    assert "learned" in trace and trace.splitlines()[-1] == "table: 说念→道"
    assert "table: 东说念主→人" in report.trace("东说念主")


def test_crawl_slice_learns_the_farm_site_and_spares_clean_pages(farm, shared):
    """A farm site's pages among clean pages of other hosts (URLs given): the farm is mined on its own, the
    clean sites are its reference, and no clean page is changed."""
    _, spun = farm
    clean = make_docs("weibo", "tune", 120) + make_docs("exam", "tune", 120)
    texts = spun[:30] + clean
    urls = [f"https://farm.example.com/{i}.html" for i in range(30)]
    urls += [f"https://site{i % 40}.example.cn/{i}.html" for i in range(len(clean))]
    table, summary = learn_table(texts, urls=urls)
    judged = int(summary.split("(")[1].split(" judged spun")[0])
    assert 30 <= judged <= 40, summary  # the farm, and at most a clean site or two beside it
    assert table.get("东说念主") is not None and table.get("东说念主").originals == ["人"]
    restorer = make_restorer(tables=[table])
    changed = sum(Levenshtein.distance(restorer.restore(doc).text, doc) for doc in clean)
    chars = sum(len(doc) for doc in clean)
    assert changed / chars * 1e5 <= 5.0


def test_later_rounds_are_stated_against_the_batch_as_written():
    """东道主→人, read once 说念→道 was undone, is also written for the batch's own 东说念主."""
    learned = [
        Learned("说念", "道", 40, 30, 0.8, 9.0, 1),
        Learned("东道主", "人", 400, 90, 0.8, 15.0, 2),
    ]
    table = to_table(learned, "test")
    assert table.get("东说念主").originals == ["人"]
    assert table.get("东道主").originals == ["人"]
    # ... and an entry a shorter one already explains is dropped.
    table = to_table([*learned, Learned("知说念", "知道", 10, 8, 0.8, 9.0, 1)], "test")
    assert table.get("知说念") is None


def test_pieces_keep_only_their_own_occurrences(farm):
    """念 occurs only inside 说念 and 念主 only inside 东说念主: they are no forms of their own; 说念 keeps its
    uses outside 东说念主."""
    from cunzhen.engine.decipher.counts import Counts
    from cunzhen.engine.mine import _Batch

    batch = _Batch.of(farm[1])
    counts = Counts(batch, np.ones(batch.n_docs, dtype=bool), reference())
    forms = counts.excess_forms(5, 3, 4.0, 3.0)
    kept = {f.text: f for f in _closed(forms, counts, 5, 3)}
    assert "念主" not in kept and "东说" not in kept
    assert "东说念主" in kept and "说念" in kept
    assert kept["说念"].count < 0.5 * counts.count("说念")
    # 念 keeps only its genuine uses (纪念, 念书), which are not in excess by themselves.
    assert "念" not in kept or kept["念"].count < 0.2 * counts.count("念")


def test_two_class_split_needs_a_clearly_cleaner_group():
    assert _two_class(np.array([0.1, 0.2, 0.1, 3.0, 3.2, 2.9]), 0.3).tolist() == [False] * 3 + [True] * 3
    assert _two_class(np.array([1.0, 1.1, 1.2, 1.3]), 0.3) is None


def test_clean_batch_learns_nothing(shared):
    """Clean pages of two genres the reference does not hold (1990s news, exam passages) mined as if they were a
    farm's: their genre's words are in excess over the reference, but no original explains them."""
    decipherer = make_decipherer(load_lm())
    for source, length in (("news-1990s", 800), ("exam", 500)):
        table, _ = decipherer.mine(make_docs(source, "tune", 60, length))
        assert len(table) <= 1, table.pairs()


class _FlatScorer:
    """A context scorer where the one option beats every other reading by the same margin in every context."""

    def __init__(self, option: str, gain: float, margin: float):
        self.option, self.gain, self.margin = option, gain, margin

    def contexts(self, positions, n, limit):
        return [("", "")] * min(len(positions), limit)

    def gains(self, contexts, form, options):
        row = [self.gain if o == self.option else self.gain - self.margin for o in options]
        return np.array([row] * len(contexts))


class _FlatBatch:
    """Pages of 100 characters; the form's 20 occurrences are 10 characters apart on the pages ``per_page``."""

    def __init__(self, pages: int, per_page: int):
        self.pages, self.per_page = pages, per_page

    def doc_of(self, positions):
        return np.asarray(positions) // 10 // self.per_page

    def doc_chars(self):
        return np.full(self.pages, 100)


class _FlatCounts:
    docs = 80
    clean_chars = 0.0  # no clean page in the batch: a site mined alone

    def __init__(self, per_page: int = 1, spread: float = 0.3):
        self.batch = _FlatBatch(self.docs, per_page)
        self.mask = np.ones(self.docs, dtype=bool)
        self._spread = spread

    def spread(self, floor):
        return self._spread

    def count(self, text):
        return 0

    def expected(self, text, highest=False):
        return 5.0


class _FlatWords:
    """A word model that reads ``word`` ``lead`` log10 units likelier than anything else, wherever it stands."""

    def __init__(self, word: str, lead: float):
        self.word, self.lead = word, lead

    def score(self, text: str) -> float:
        return self.lead * text.count(self.word)


def _judged(
    per_page: int,
    units: str,
    spread: float = 0.3,
    genre_bias: float = 0.0,
    margin: float = 0.6,
    word_lm: _FlatWords | None = None,
):
    """商城 20 times, ``per_page`` on each page holding it, read as 自己 with a lead of ``margin`` in every
    context, in a batch whose genre is ``spread`` from the reference (and by ``word_lm`` too, if given)."""
    from cunzhen.engine.decipher import DecipherConfig, Decipherer
    from cunzhen.engine.decipher.counts import Form

    config = DecipherConfig(evidence_units=units, count_term=False, genre_bias=genre_bias)
    form = Form("商城", 20, 20 // per_page, 0.5, 1.0, positions=np.arange(20) * 10)
    scorer = _FlatScorer("自己", 3.0, margin)
    decipherer = Decipherer(None, config, word_lm=word_lm)
    return decipherer._judge(form, ["自己"], scorer, {}, _FlatCounts(per_page, spread))


def test_evidence_counts_independent_units_not_occurrences():
    """A topical word repeated on a few pages (商城, 20 times on 4 of 80) is not 20 independent contexts: the
    same lead per context that passes ``min_evidence`` over 20 pages does not over 4."""
    for units in ("documents", "spread"):
        assert _judged(1, units) is not None  # 20 pages: 20 × 0.6 clears min_evidence (6)
        assert _judged(5, units) is None  # 4 pages: about 4 × 0.6 does not
    assert _judged(5, "occurrences") is not None  # read per occurrence, it did


def test_genre_bias_grows_with_the_batch_genre_distance():
    """The same margin per context, over the same 20 pages, is evidence in a batch near the reference's genres
    and not in a far one: the model's bias on a pair of words there does not average out over occurrences."""
    shipped = DecipherConfig().genre_bias
    assert _judged(1, "spread", spread=0.3, genre_bias=shipped, margin=0.8) is not None
    assert _judged(1, "spread", spread=1.5, genre_bias=shipped, margin=0.8) is None
    assert _judged(1, "spread", spread=1.5, genre_bias=0.0, margin=0.8) is not None  # without it, it was


def test_a_word_model_reads_the_contexts_too_and_the_genres_allowance_grows_with_it():
    """The word model's gain is added to the character model's (``word_weight``), and the genre's allowance grows
    by the same factor: a word model that tells the options apart no better adds nothing but the allowance, one
    that reads the original likelier adds its lead."""
    shipped = DecipherConfig().genre_bias
    margin = 0.55  # clears the bar by a little without the word model (0.5 does not)
    assert _judged(1, "spread", genre_bias=shipped, margin=margin) is not None
    assert _judged(1, "spread", genre_bias=shipped, margin=margin, word_lm=_FlatWords("自己", 0.0)) is None
    assert _judged(1, "spread", genre_bias=shipped, margin=margin, word_lm=_FlatWords("自己", 1.0)) is not None


def test_in_a_crawl_the_genres_allowance_is_taken_from_the_contexts_alone():
    """Where the crawl's clean pages set the expected counts, the counts' evidence counts in full and a contexts'
    margin within the genre's allowance counts nothing; a site alone takes the allowance from the whole lead."""
    from cunzhen.engine.decipher.decode import pair_evidence

    # A lead of 14: 5 from the contexts (within an allowance of 10), 9 from the counts.
    assert pair_evidence(14.0, 5.0, 10.0, counts_from_crawl=True) == 9.0  # clears min_evidence (6)
    assert pair_evidence(14.0, 5.0, 10.0, counts_from_crawl=False) == 4.0  # does not
    # Contexts beyond the allowance count beyond it in both; contexts against the option count in full.
    assert pair_evidence(30.0, 25.0, 10.0, True) == pair_evidence(30.0, 25.0, 10.0, False) == 20.0
    assert pair_evidence(6.0, -3.0, 10.0, True) == 6.0


def test_spread_units_between_pages_and_occurrences():
    """Occurrences scattered over the pages like independent draws each count; piled on few pages, each page
    counts about once; never fewer than the pages holding them, never more than the occurrences."""
    from cunzhen.engine.decipher.decode import spread_units

    lengths, mask = np.full(80, 1000), np.ones(80, dtype=bool)
    rng = np.random.default_rng(0)
    scattered = rng.integers(0, 80, 60)  # 60 occurrences at random over 80 pages of one length
    assert spread_units(scattered, lengths, mask) > 0.8 * 60
    piled = np.repeat(np.arange(6), 10)  # 10 on each of 6 pages
    assert 6 <= spread_units(piled, lengths, mask) < 8
    assert spread_units(np.zeros(5, dtype=int), lengths, mask) == 1  # one page
    assert spread_units(np.array([3]), lengths[:1], mask[:1]) == 1  # a batch of one page

"""The site's evidence as the prior of its pages' verdicts (issue 15): a page of a farm site holding two of its
engine's real-word forms is spun there, though alone it shows too little; other hosts' pages are untouched."""

from __future__ import annotations

import pytest
from restore_eval import make_docs
from spinner import Spinner

from cunzhen.api import LearnedTables, make_restorer
from cunzhen.engine.decipher.prior import site_odds, spun_share
from cunzhen.engine.decipher.reference import reference
from cunzhen.engine.restore import RestoreConfig
from cunzhen.engine.table import SpinEntry, SpinTable
from cunzhen.steps.learn import SiteRestorers, save_learned, site_odds_of

HOST = "farm.example.com"
ENGINE = f"learned@{HOST}"
# Common words swapped for common words: each form's LM gain is small, its batch lift modest.
PAIRS = [("可以", "能够"), ("已经", "早已"), ("进行", "开展")]


def farm_table() -> SpinTable:
    table = SpinTable()
    for original, spun in PAIRS:
        table.add(SpinEntry(spun, [original], count=40, docs=20, source=ENGINE, lift=2.0, survival={original: 0.3}))
    return table


@pytest.fixture(scope="module")
def docs() -> list[str]:
    return make_docs("news", "tune", 120)


@pytest.fixture(scope="module")
def restorers() -> SiteRestorers:
    odds = {HOST: 2.0}  # a farm site's odds: 100 to 1 that its page holding a form is spun
    return SiteRestorers(lambda extra, o: make_restorer(tables=extra, engine_odds=o), {HOST: farm_table()}, odds)


def two_form_pages(docs: list[str]) -> list[str]:
    """Farm pages holding exactly two occurrences of the engine's forms."""
    spinner = Spinner(PAIRS, seed=3)
    pages = []
    for doc in docs:
        spun, _ = spinner.spin(doc)
        if sum(spun.count(s) for _, s in PAIRS) == 2 and not any(o in spun for o, _ in PAIRS):
            pages.append(spun)
    return pages


def test_a_farm_page_with_two_forms_is_spun_for_its_site_not_for_the_base(restorers, docs):
    pages = two_form_pages(docs)
    assert len(pages) >= 5
    site = restorers.for_url(f"https://{HOST}/a/1.html")
    assert site is not restorers.base and site.engine_odds == {ENGINE: 2.0}
    # the same table without the site's prior: what a page alone shows
    alone = make_restorer(tables=[farm_table()])
    for page in pages:
        assert site.restore(page).spun, page[:80]
    # alone, some pages show enough (two forms the models read as clearly spun) and some do not: the prior
    # is what flags the rest
    assert sum(alone.restore(page).spun for page in pages) < len(pages)
    assert not any(restorers.base.restore(page).spun for page in pages)


def test_pages_of_other_hosts_are_judged_as_before(restorers, docs):
    other = restorers.for_url("https://news.example.cn/a/1.html")
    assert other is restorers.base and other.engine_odds == {}
    for page in two_form_pages(docs):
        assert other.restore(page).text == page  # the base table has none of the farm's forms
    for doc in docs[:40]:
        assert restorers.base.restore(doc).text == doc


def test_site_odds_tell_a_farm_from_a_clean_site_with_the_same_forms(docs):
    table, ref, rate = farm_table(), reference(), RestoreConfig().engine_rate
    spinner = Spinner(PAIRS, seed=7)
    farm = [spinner.spin(d)[0] for d in docs[:60]]
    clean = docs[60:120]
    # short pages, many without an original to spin, yet most of them spun
    assert spun_share(farm, table, ref, rate) > 0.5
    assert spun_share(clean, table, ref, rate) == 0.0  # its forms at the chance rate, its originals not lacking
    farm_odds, clean_odds = site_odds(farm, table, ref), site_odds(clean, table, ref)
    assert farm_odds > 0.0  # a farm page is more likely spun than not
    # a clean site mined as a farm: stricter than a page of an unknown host (prior 10^-threshold)
    assert clean_odds < -RestoreConfig().detect_threshold
    assert site_odds([], table, ref) == -RestoreConfig().detect_threshold  # no page: the unknown host's prior
    assert site_odds(farm, SpinTable(), ref) < -RestoreConfig().detect_threshold


def test_site_odds_are_kept_in_the_learned_folder(tmp_path):
    learned = LearnedTables({HOST: farm_table()}, SpinTable(), "test", {HOST: 1.2345})
    save_learned(tmp_path, learned, "test header")
    assert site_odds_of(tmp_path / "sites") == {HOST: 1.2345}
    assert site_odds_of(tmp_path / "missing") == {}

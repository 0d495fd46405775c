"""The real-page gate (issue 13), after trafilatura's eval gate: every page of ../shared/realpages through the
bundled `cunzhen clean` engine; per kind of pollution, at least as many polluted pages come out with it gone as
``tests/data/realpages_floor.json`` records, and no more clean pages are harmed (dropped, spin-edited, repaired,
or losing a span as spam) nor more of their article characters lost. Floors are raised with
``python tools/realpages.py --raise-floor``, which refuses to lower one."""

from __future__ import annotations

import json

import pytest
import realpages


@pytest.fixture(scope="module")
def figures(shared):
    return realpages.figures(realpages.check_pages(realpages.engine_clean_fn()))


@pytest.fixture(scope="module")
def floor():
    return json.loads(realpages.FLOOR_FILE.read_text(encoding="utf-8"))


def test_floor_is_for_these_pages(shared, floor):
    assert floor["corpus_sha256"] == realpages.corpus_sha256(), (
        "../shared/realpages changed: measure the new pages and record their floors (tools/realpages.py "
        "--raise-floor --allow-regression), saying so in the commit"
    )


def test_every_check_string_has_one_kind(shared):
    checks = realpages.load_checks()
    kinds = realpages.load_kinds()
    for file, (_check, strings) in checks.items():
        mine = [k for k in kinds if k.file == file]
        assert mine, f"{file} has no kind in {realpages.KINDS_FILE.name}"
        given = [s for k in mine for s in k.strings]
        assert sorted(given) == sorted(strings), f"{file}: kinds file strings differ from checks.tsv"
        assert all(k.kind in realpages.KNOWN_KINDS for k in mine), f"{file}: unknown kind"


def test_real_pages_hold_the_floor(figures, floor):
    problems = realpages.floor_regressions(figures, floor)
    assert not problems, "real-page gate regressed:\n" + "\n".join(problems)


def test_checker_sees_pollution_left(shared):
    """The gate can fail: a cleaner that returns pages untouched passes no gone check and harms no clean page."""
    identity = realpages.figures(
        realpages.check_pages(lambda r: {**r, "cunzhen": {"verdict": "keep", "removed": [], "edits": []}})
    )
    assert identity["cleaner_checks_gone"] == 0
    assert identity["clean_harmed"] == 0
    dropping = realpages.figures(
        realpages.check_pages(lambda r: {**r, "text": "", "cunzhen": {"verdict": "drop", "reasons": ["x"]}})
    )
    assert dropping["clean_harmed"] == dropping["clean_pages"]


def test_a_flag_passes_a_flag_check_and_harms_a_clean_page(shared):
    """A page flag (``garbled``) is a judgement of the page: it answers a flag check, and on a clean page it is
    harm like a drop (the user is told to distrust the page)."""
    flagging = realpages.figures(
        realpages.check_pages(
            lambda r: {**r, "cunzhen": {"verdict": "keep", "removed": [], "edits": [], "flags": ["garbled"]}}
        )
    )
    assert flagging["clean_harmed"] == flagging["clean_pages"]
    flag_kinds = {"char_deletion", "sentence_salad"}
    assert all(flagging["kinds"][k]["gone"] == flagging["kinds"][k]["pages"] for k in flag_kinds)

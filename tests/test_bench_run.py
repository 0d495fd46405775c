"""bench/run.py keeps the sections it did not run, each once, with one in-domain heading."""

from __future__ import annotations

import run as bench_run


def test_sections_carried_over_keep_one_in_domain_heading(tmp_path):
    first = bench_run.assemble(
        ["# header\n"], {n: f"<!-- section: {n} @ abc -->\n{n} body\n" for n in bench_run.SECTIONS}, {}
    )
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(first, encoding="utf-8")
    for _ in range(3):  # each --only run reads the file the last one wrote
        kept = bench_run.previous_sections(path)
        again = bench_run.assemble(["# header\n"], {"users": "<!-- section: users @ def -->\nnew\n"}, kept)
        path.write_text(again, encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert text.count(bench_run.IN_DOMAIN_HEADING.strip()) == 1
    assert text.index(bench_run.IN_DOMAIN_HEADING.strip()) < text.index("<!-- section: restore")
    assert all(text.count(f"<!-- section: {n} ") == 1 for n in bench_run.SECTIONS)
    assert "new" in text and "restore body" in text

"""`--learn` site by site: the learn sample bounded per host, the host screen, one table per farm site (in the
run folder of a sharded run, reused on resume) applied to that site's pages only."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from shared_corpus import genre_lines
from spinner import Spinner

from cunzhen.engine.decipher.reference import reference
from cunzhen.engine.decipher.screen import SCREEN_FLOOR, SiteScreen
from cunzhen.engine.table import SpinEntry, SpinTable
from cunzhen.runners import RestoreStep, run_sharded
from cunzhen.steps.learn import crawl_batch, site_file, site_odds_of, site_tables
from cunzhen.steps.site_sample import sample_sites

# An engine the built-in table does not know: character families and a real-word swap.
FARM_ENGINE = [("人", "东说念主"), ("大", "年夜"), ("我们", "咱们")]


def documents(count: int, skip: int = 0, min_chars: int = 300) -> list[str]:
    docs, current = [], ""
    for line in itertools.islice(genre_lines("news", "tune"), 40_000):
        current += line + "\n"
        if len(current) >= min_chars:
            docs.append(current.strip())
            current = ""
            if len(docs) == skip + count:
                break
    return docs[skip:]


@pytest.fixture(scope="module")
def crawl(shared) -> list[tuple[str, str]]:
    """(text, url): a farm site of 12 spun pages among 240 clean pages of 8 hosts, the farm's pages spread."""
    spinner = Spinner(FARM_ENGINE, seed=5)
    farm = [(spinner.spin(d)[0], f"https://farm.example.com/p/{i}.html") for i, d in enumerate(documents(12))]
    clean = [(d, f"http://news{i % 8}.example.cn/{i}.html") for i, d in enumerate(documents(240, skip=12))]
    records = list(clean)
    for k, page in enumerate(farm):
        records.insert(20 * k + 7, page)
    return records


# -- the sampler ---------------------------------------------------------------------------------------------


def test_site_sample_is_bounded_per_host_and_deterministic(crawl):
    per_site = 0.01  # MB: a few pages a host
    sample = sample_sites(iter(crawl), even_mb=0.05, per_site_mb=per_site)
    again = sample_sites(iter(crawl), even_mb=0.05, per_site_mb=per_site)
    assert sample == again
    assert sample.pages["farm.example.com"] == 12 and sum(sample.pages.values()) == len(crawl)
    for host, records in sample.sites.items():
        assert records and sum(len(r.text.encode("utf-8")) for r in records) <= per_site * 1e6
        indices = [r.index for r in records]
        assert indices == sorted(indices) and all(crawl[i][1].split("/")[2] == host for i in indices)
    assert sum(len(r.text.encode("utf-8")) for r in sample.even) <= 0.05 * 1e6
    # The even sample is every k-th record of the whole input; a host's sample every k-th of that host's pages.
    even = [r.index for r in sample.even]
    assert len(even) > 1 and even == list(range(0, len(crawl), even[1] - even[0]))
    positions = [20 * k + 7 for k in range(12)]
    farm = [r.index for r in sample.sites["farm.example.com"]]
    assert 1 < len(farm) < 12
    assert farm == positions[:: positions.index(farm[1]) - positions.index(farm[0])]


def test_all_hosts_samples_are_held_within_the_hold_bound(crawl):
    held = sample_sites(iter(crawl), even_mb=0.01, per_site_mb=1.0, hold_mb=0.05)
    assert sum(len(r.text.encode("utf-8")) for rs in held.sites.values() for r in rs) <= 0.05 * 1e6
    assert all(held.sites.values())  # every host keeps a share, none is dropped whole
    # A bound below one page: every host's sample empties (and the pass ends), the even sample is kept.
    tiny = sample_sites(iter(crawl), even_mb=0.01, per_site_mb=1.0, hold_mb=0.0005)
    assert not any(tiny.sites.values()) and tiny.even and tiny.pages["farm.example.com"] == 12


def test_records_without_urls_keep_the_even_sample(crawl):
    texts = [(t, "") for t, _ in crawl]
    batch, urls, _ = crawl_batch(iter(texts), 0.05)
    from cunzhen.cli.mine import sample_records

    assert urls is None and batch == [t for t, _ in sample_records(iter(texts), 0.05)]


def test_screen_ranks_the_farm_first_and_its_pages_join_the_batch_whole(crawl):
    screen = SiteScreen(reference())
    by_host: dict[str, list[str]] = {}
    for text, url in crawl:
        by_host.setdefault(url.split("/")[2], []).append(text)
    scores = screen.scores(by_host)
    assert scores["farm.example.com"] >= SCREEN_FLOOR > max(s for h, s in scores.items() if h != "farm.example.com")
    # The farm's own pairs spread over every host are a genre's: the share rule takes them out.
    spread = {host: texts + by_host["farm.example.com"][i::8] for i, (host, texts) in enumerate(by_host.items())}
    assert screen.scores(spread)["farm.example.com"] < scores["farm.example.com"] / 2
    # A sample small enough to thin the farm to a few pages when taken evenly brings all twelve in.
    from cunzhen.cli.mine import sample_records

    even = sample_records(iter(crawl), 0.08)
    assert sum("farm.example.com" in u for _, u in even) < 6
    texts, urls, _ = crawl_batch(iter(crawl), 0.08)
    assert sum("farm.example.com" in u for u in urls) == 12
    assert len(texts) == len(urls) and sum(len(t.encode("utf-8")) for t in texts) <= 0.08 * 1e6
    assert len(urls) > 12  # and an even sample of the crawl beside them, its clean reference


# -- per-site tables in a sharded run ------------------------------------------------------------------------


def write_shards(root: Path, records: list[tuple[str, str]], shards: int = 3) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for k in range(shards):
        lines = [
            json.dumps({"id": f"{k}-{i}", "text": t, "url": u}, ensure_ascii=False)
            for i, (t, u) in enumerate(records[k::shards])
        ]
        (root / f"part-{k}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def outputs(folder: Path) -> list[dict]:
    return [json.loads(line) for p in sorted(folder.glob("part-*.jsonl")) for line in p.read_text("utf-8").splitlines()]


def test_learn_in_a_sharded_run_keeps_a_table_per_site_and_reuses_them(crawl, tmp_path):
    # One farm page is also published by another host: the farm's table must not rewrite it there.
    copied = next(t for t, u in crawl if "farm." in u)
    records = [*crawl, (copied, "https://mirror.example.org/copy.html")]
    write_shards(tmp_path / "in", records)
    out = tmp_path / "out"
    args = ["restore", str(tmp_path / "in"), "-o", str(out), "--learn", "--no-builtin-table", "-q"]
    proc = subprocess.run([sys.executable, "-m", "cunzhen", *args], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    tables = site_tables(out / "sites")
    assert list(tables) == ["farm.example.com"]
    farm_table = Path(tables["farm.example.com"]).read_text(encoding="utf-8")
    assert "东说念主\t人" in farm_table and "年夜\t大" in farm_table
    merged = (out / "learned_table.tsv").read_text(encoding="utf-8")
    assert "东说念主\t人" in merged and (out / "pooled_table.tsv").is_file()
    step = json.loads((out / "config.json").read_text(encoding="utf-8"))["step"]
    assert step["site_tables"] == str(out / "sites") and tables["farm.example.com"] in step["file_sha256"]
    assert str(out / "sites" / "odds.txt") in step["file_sha256"]
    assert site_odds_of(out / "sites")["farm.example.com"] > 0  # its pages are more likely spun than not

    done = outputs(out)
    farm = [r for r in done if "farm." in r["url"]]
    assert all(r["cunzhen"]["spun"] for r in farm)
    left = sum(r["text"].count("东说念主") for r in farm)
    assert left <= 0.1 * sum(t.count("东说念主") for t, u in crawl if "farm." in u)
    mirror = next(r for r in done if "mirror." in r["url"])
    assert mirror["text"] == copied and not mirror["cunzhen"]["edits"]  # another host: the farm's table not applied
    assert not any(r["cunzhen"]["edits"] for r in done if "news" in r["url"])

    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.tsv")}
    (out / ".cunzhen" / "done" / next(iter(sorted(p.name for p in (out / ".cunzhen" / "done").iterdir())))).unlink()
    again = subprocess.run([sys.executable, "-m", "cunzhen", *args], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "(1 this run, 2 already done" in again.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.tsv")} == stamps  # the tables were reused, not re-mined
    assert outputs(out) == done


def test_a_site_table_applies_to_its_host_only(tmp_path):
    """The step layer's choice: the same spun text is restored on the site whose table holds its forms and left
    as it is on any other host."""
    table = SpinTable()
    table.add(SpinEntry("东说念主", ["人"], count=50, docs=10, confidence=1.0, source="learned@farm.example.com"))
    sites = tmp_path / "sites"
    sites.mkdir()
    table.save(sites / site_file("farm.example.com"))
    text = (
        "东说念主们说，工东说念主和农民都是东说念主民的一部分。每个东说念主都有自己的想法，东说念主心齐，泰山移。" * 3
    )
    inp = tmp_path / "in.jsonl"
    urls = ["https://farm.example.com/1", "https://other.example.com/1", "", None]
    inp.write_text(
        "\n".join(json.dumps({"id": str(i), "text": text, "url": u}, ensure_ascii=False) for i, u in enumerate(urls)),
        encoding="utf-8",
    )
    step = RestoreStep(use_builtin_table=False, site_tables=str(sites))
    report = run_sharded([str(inp)], tmp_path / "out", step, workers=1, quiet=True)
    assert report.ok
    got = [json.loads(line) for line in (tmp_path / "out" / "in.jsonl").read_text("utf-8").splitlines()]
    assert "东说念主" not in got[0]["text"] and got[0]["cunzhen"]["edits"]
    assert all(r["text"] == text and not r["cunzhen"]["edits"] for r in got[1:])


def test_learn_in_one_file_applies_each_site_table_to_its_own_pages(crawl, tmp_path):
    copied = next(t for t, u in crawl if "farm." in u)
    records = [*crawl, (copied, "https://mirror.example.org/copy.html")]
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text(
        "\n".join(json.dumps({"text": t, "url": u}, ensure_ascii=False) for t, u in records) + "\n", encoding="utf-8"
    )
    args = ["restore", str(inp), "-o", str(out), "--learn", "--no-builtin-table"]
    proc = subprocess.run([sys.executable, "-m", "cunzhen", *args], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "the own pages of 1 of 10 sites" in proc.stderr and "1 site table(s)" in proc.stderr
    done = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sum(r["text"].count("东说念主") for r in done if "farm." in r["url"]) <= 0.1 * copied.count("东说念主") * 12
    mirror = done[-1]
    assert mirror["text"] == copied and not mirror["cunzhen"]["edits"]


def test_a_site_table_applies_to_its_host_only_in_the_page_cleaner(tmp_path):
    from cunzhen.runners import CleanStep

    table = SpinTable()
    table.add(SpinEntry("东说念主", ["人"], count=50, docs=10, confidence=1.0, source="learned@farm.example.com"))
    sites = tmp_path / "sites"
    sites.mkdir()
    table.save(sites / site_file("farm.example.com"))
    text = "东说念主们说，工东说念主和农民都是东说念主民的一部分。每个东说念主都有想法，东说念主心齐，泰山移。" * 3
    inp = tmp_path / "in.jsonl"
    urls = ["https://farm.example.com/1", "https://other.example.com/1"]
    inp.write_text("\n".join(json.dumps({"text": text, "url": u}, ensure_ascii=False) for u in urls), encoding="utf-8")
    step = CleanStep(use_builtin_table=False, site_tables=str(sites))
    assert run_sharded([str(inp)], tmp_path / "out", step, workers=1, quiet=True).ok
    farm, other = [json.loads(line) for line in (tmp_path / "out" / "in.jsonl").read_text("utf-8").splitlines()]
    assert "东说念主" not in farm["text"] and "东说念主" in other["text"]


@pytest.mark.slow
def test_a_clean_site_of_a_genre_the_model_never_saw_is_left_alone(shared):
    """One host's clean pages of one genre, mined alone as `--learn` mines a large genuine site of a crawl, with
    a model of the four in-domain genres only (it never saw these): a genre's own words in surplus look like a
    spinner's forms, and the model prefers the common word by a little in many contexts. The decipherer must
    not learn that little as evidence (``DecipherConfig.genre_bias``): without it, 89 of the delivery site's 100
    pages were rewritten (个多小时→年, 送达→左右). Pages: the train split's documents 100-199 (bench_users'
    clean-site row reads 0-99)."""
    import bench_users as users

    lm_path = str(users.model_without_ood()[0])
    lm = users.load_lm(lm_path)
    for source in ("delivery", "medical", "essays"):
        docs = users.make_docs(source, "train", 200, users.CLEAN_PAGE_CHARS)[100:]
        pages = users.clean_site(source, docs)
        results, table, _ = users.learn_and_restore(pages, lm, lm_path)
        changed = sum(r.text != p.original for r, p in zip(results, pages))
        assert changed <= 0.05 * len(pages), (source, changed, table.pairs())

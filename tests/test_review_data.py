"""Fixture runs for the report and review tests, built with the real engine, and checks on reading them back.

``restore_run`` spins paragraphs of ../shared/corpus with the built-in table (the simulated spinner of
bench/spinner.py), adds clean paragraphs, a hostile document and broken lines, and runs the real
`cunzhen restore` command on them. ``clean_records`` writes records in the format of `cunzhen clean`
(verdict, reasons, removed spans with offsets into the extracted text, edits from the real restorer).
The other test modules import these builders.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from shared_corpus import genre_lines
from spinner import Spinner

from cunzhen.api import builtin_table
from cunzhen.report.records import build_panes, host_of, input_text

FARM = "farm-a.example.cn"
NEWS = "news.example.com"
HOSTILE = '<script>window.__pwned = "script"; alert(1)</script><img src=x onerror="window.__pwned = \'img\'; alert(2)">'
SPAM_KEYWORDS = ["性爱宝典", "金瓶梅在线播放", "澳门赌场"]
TEMPLATE_LINE = "你的位置:首页 > 新闻中心\n"


@dataclass
class Run:
    input_path: Path
    output_path: Path
    summary: str  # the summary line `cunzhen restore` printed
    originals: list[str | None]  # input text per line (None for the broken lines)


def _paragraphs(count: int) -> list[str]:
    """Paragraphs with enough 人/美/模型/时间 for the spinner to bite, from two genres."""
    wanted = ("人", "美", "模型", "时间", "技术", "已经", "成本")
    found: list[str] = []
    for line in itertools.chain(genre_lines("tech", "tune"), genre_lines("news", "tune")):
        if 60 <= len(line) <= 400 and sum(line.count(w) for w in wanted) >= 3:
            found.append(line)
            if len(found) == count:
                break
    return found


def restore_run(directory: Path, spun_docs: int = 12, clean_docs: int = 8) -> Run:
    paragraphs = _paragraphs(2 * (spun_docs + clean_docs))
    spinner = Spinner.from_table(builtin_table(families=False), rate=0.9, seed=7)
    lines: list[str] = []
    originals: list[str | None] = []
    for i in range(spun_docs):
        text = "\n".join(paragraphs[2 * i : 2 * i + 2])
        spun, _ = spinner.spin(text)
        lines.append(json.dumps({"id": f"spun-{i}", "url": f"https://{FARM}/a/{i}.html", "text": spun}))
        originals.append(spun)
    for i in range(clean_docs):
        text = "\n".join(paragraphs[2 * (spun_docs + i) : 2 * (spun_docs + i) + 2])
        lines.append(json.dumps({"id": f"{NEWS}/story/{i}", "text": text}))
        originals.append(text)
    hostile, _ = spinner.spin(f"{HOSTILE}\n{paragraphs[0]}")
    lines.append(json.dumps({"id": "hostile", "url": f"http://{FARM}/evil.html", "text": hostile}))
    originals.append(hostile)
    lines.append("this line is not JSON")
    originals.append(None)
    lines.append(json.dumps({"id": "no-text", "title": "a record without text"}))
    originals.append(None)
    input_path = directory / "docs.jsonl"
    output_path = directory / "restored.jsonl"
    input_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "cunzhen", "restore", str(input_path), "-o", str(output_path), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3, done.stderr  # two records carry errors
    summary = done.stderr.strip().splitlines()[-1]
    return Run(input_path, output_path, summary, originals)


def clean_records(restorer) -> list[tuple[dict, str]]:
    """Records as `cunzhen clean` writes them, each with its extracted text (what the review must rebuild)."""
    paragraphs = _paragraphs(6)
    spinner = Spinner.from_table(builtin_table(families=False), rate=0.9, seed=11)
    spun, _ = spinner.spin(paragraphs[0])
    records: list[tuple[dict, str]] = []

    # clean: a template line, keywords injected mid-sentence and between paragraphs, spun article
    middle = len(spun) // 2
    pieces = [
        ("template", TEMPLATE_LINE),
        ("", spun[:middle]),
        ("spam", SPAM_KEYWORDS[0]),
        ("", spun[middle:] + "\n"),
        ("spam", SPAM_KEYWORDS[1] + "\n"),
        ("", paragraphs[1]),
    ]
    records.append(_clean_record("farm-b.example.cn/p/1.html", pieces, "clean", ["spam", "template"], restorer))
    # keep: nothing to remove, nothing spun
    records.append(_clean_record("site-c.example.org/p/2", [("", paragraphs[2])], "keep", [], restorer))
    # drop: a page of keywords, every one of them listed as removed
    keywords = [("spam", k + " ") for k in SPAM_KEYWORDS]
    records.append(_clean_record("farm-b.example.cn/p/3.html", keywords, "drop", ["mostly_spam"], restorer))
    # hostile markup in the extracted text, then spam after it
    hostile = [("", HOSTILE + "\n" + paragraphs[3]), ("spam", SPAM_KEYWORDS[2])]
    records.append(_clean_record("farm-b.example.cn/p/4.html", hostile, "clean", ["spam"], restorer))
    records.append(({"id": "warc-broken", "error": "truncated WARC record"}, ""))
    return records


def _clean_record(url: str, pieces: list[tuple[str, str]], verdict: str, reasons: list[str], restorer):
    extracted = "".join(text for _, text in pieces)
    removed = []
    kept_parts = []
    offset = 0
    for kind, text in pieces:
        if kind:
            removed.append({"start": offset, "end": offset + len(text), "kind": kind, "text": text})
        else:
            kept_parts.append(text)
        offset += len(text)
    kept = "".join(kept_parts)
    if verdict == "drop":
        meta = {
            "verdict": "drop",
            "reasons": reasons,
            "removed": removed,
            "spun": False,
            "spin_score": 0.0,
            "edits": [],
        }
        return {"id": url, "url": f"https://{url}", "text": "", "cunzhen": meta}, extracted
    result = restorer.restore(kept)
    meta = {
        "verdict": verdict,
        "reasons": reasons + (["spun"] if result.spun else []),
        "removed": removed,
        **result.as_dict(),
    }
    return {"id": url, "url": f"https://{url}", "text": result.text, "cunzhen": meta}, extracted


def write_clean_run(directory: Path, restorer) -> tuple[Path, list[str]]:
    path = directory / "cleaned.jsonl"
    records = clean_records(restorer)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r, _ in records), encoding="utf-8")
    return path, [extracted for _, extracted in records]


# A page written for these tests (not from ../shared): a site template, keywords injected into the title and
# the body, and an article that the built-in spinner table rewrites.
ARTICLE = (
    "人工智能公司正在加快大模型的研发。很多人已经意识到，模型训练的成本越来越高，美国和中国的企业都在寻找新的"
    "技术路线。工程师们花了很长时间清洗数据，因为数据质量决定了模型的上限。",
    "有人认为，未来两年将是这个行业最关键的时间。一位从业者说：“我们已经做好了准备，但是市场变化太快，"
    "每个人都要重新考虑自己的位置。”",
)


def farm_page(seed: int = 3) -> str:
    spinner = Spinner.from_table(builtin_table(families=False), rate=1.0, seed=seed)
    first, second = (spinner.spin(p)[0] for p in ARTICLE)
    middle = first.index("。") + 1
    return "\n".join(
        [
            "草莓影院",
            "你的位置:草莓影院 > 科技资讯 > 性爱宝典 大模子公司的新困境",
            "性爱宝典 大模子公司的新困境",
            "发布日期:2024-12-06 12:40    点击次数:190",
            first[:middle] + "金瓶梅在线播放" + first[middle:],
            second,
            "Powered by 草莓影院 RSS地图 HTML地图",
        ]
    )


def clean_command_run(directory: Path) -> tuple[Path, str]:
    """The real `cunzhen clean` over the farm page, a plain article, a keyword page and a hostile page."""
    records = [
        {"id": "farm-c.example.cn/news/1.html", "text": farm_page()},
        {"id": "news.example.com/a/2", "text": "\n".join(ARTICLE)},
        {"id": "farm-c.example.cn/tag/3.html", "text": "性爱宝典 金瓶梅在线播放 澳门赌场 草莓影院"},
        {"id": "farm-c.example.cn/evil.html", "text": HOSTILE + "\n" + farm_page(seed=5)},
    ]
    source = directory / "pages.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    output = directory / "pages.cleaned.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "cunzhen", "clean", str(source), "-o", str(output), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return output, done.stderr.strip().splitlines()[-1]


# -- checks on the fixtures and on reading records back --------------------------------------------------------


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return restore_run(tmp_path_factory.mktemp("restore-run"))


def test_fixture_run_has_spun_and_clean_documents(run):
    records = [json.loads(line) for line in run.output_path.read_text(encoding="utf-8").splitlines()]
    spun = [r for r in records if r.get("cunzhen", {}).get("spun")]
    assert len(spun) >= 10, "the simulated spinner should make most farm documents spun"
    assert sum(1 for r in records if "error" in r) == 2
    assert not any(r["cunzhen"]["edits"] for r in records if (r.get("id") or "").startswith(NEWS))


def test_input_is_rebuilt_from_restore_output(run):
    records = [json.loads(line) for line in run.output_path.read_text(encoding="utf-8").splitlines()]
    for record, original in zip(records, run.originals, strict=True):
        if original is None:
            continue
        assert input_text(record) == original
        panes = build_panes(record)
        assert "".join(s.text for s in panes.output) == record["text"]
        edits = [s for s in panes.input if s.kind == "edit"]
        assert [s.text for s in edits] == [e["before"] for e in record["cunzhen"]["edits"]]


def test_extracted_text_is_rebuilt_from_clean_output(restorer):
    for record, extracted in clean_records(restorer):
        if "error" in record:
            continue
        panes = build_panes(record)
        assert panes.consistent
        assert "".join(s.text for s in panes.input) == extracted == input_text(record)
        removed = [s.text for s in panes.input if s.kind == "removed"]
        assert removed == [r["text"] for r in record["cunzhen"]["removed"]]


def test_offsets_that_do_not_match_are_flagged_not_highlighted():
    record = {"text": "这是人工智能", "cunzhen": {"edits": [{"start": 2, "end": 5, "before": "东谈主", "after": "X"}]}}
    panes = build_panes(record)
    assert not panes.consistent
    assert [s.kind for s in panes.output] == [""]


def test_extracted_text_is_rebuilt_from_the_clean_command(tmp_path):
    output, _ = clean_command_run(tmp_path)
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [r["cunzhen"]["verdict"] for r in records] == ["clean", "keep", "drop", "clean"]
    farm = records[0]
    text = input_text(farm)
    assert text is not None and len(text) == farm["cunzhen"]["chars_in"]
    assert "金瓶梅在线播放" in text and "金瓶梅在线播放" not in farm["text"]
    panes = build_panes(farm)
    assert panes.consistent and "".join(s.text for s in panes.input) == text
    assert {s.label.split(" ")[1] for s in panes.input if s.kind == "removed"} >= {"spam", "template"}


@pytest.mark.parametrize(
    ("record", "host"),
    [
        ({"url": "https://www.Farm.example.cn/a/1.html", "id": "x"}, "farm.example.cn"),
        ({"id": "http://news.example.com:8080/a"}, "news.example.com"),
        ({"id": "news.example.com/story/1"}, "news.example.com"),
        ({"id": "www.example.org"}, "example.org"),
        ({"id": "doc-17"}, ""),
        ({"id": "<urn:uuid:1234>"}, ""),
        ({"url": "not a url", "id": 42}, ""),
    ],
)
def test_site_of_a_record(record, host):
    assert host_of(record) == host

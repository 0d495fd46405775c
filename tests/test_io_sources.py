"""Input kinds: decoding, HTML extraction, WARC (with a broken record), JSONL and txt, all as real files."""

from __future__ import annotations

import gzip
import io
import json

import pytest

from cunzhen.io.decode import decode_bytes
from cunzhen.io.html import extract_html
from cunzhen.io.sources import expand, read_sources
from cunzhen.io.warc import read_warc

SIMPLIFIED = "这是中国互联网历史上人工成本最高的行业，应届生年薪收入即可高达百万。金阳决定寻找新的机会。"
TRADITIONAL = "這是中國網際網路歷史上人力成本最高的行業，應屆畢業生年薪即可高達百萬。金陽決定尋找新機會。"


def page_html(body: str, title: str | None = None, charset: str | None = None) -> str:
    title = title or ("大模型從業者的故事" if TRADITIONAL in body else "大模型从业者的故事")
    meta = f'<meta charset="{charset}">' if charset else ""
    paragraphs = "".join(f"<p>{body}{i}。</p>" for i in range(4))
    return (
        f"<html><head>{meta}<title>{title}</title></head><body><nav>Home News Finance</nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>Copyright 2024</footer></body></html>"
    )


@pytest.mark.parametrize(
    ("text", "codec", "declared"),
    [
        (SIMPLIFIED, "utf-8", None),
        (SIMPLIFIED, "gbk", None),
        (SIMPLIFIED, "gbk", "utf-8"),  # declared wrongly
        (SIMPLIFIED, "gb18030", "gb2312"),
        (TRADITIONAL, "big5", None),
        (TRADITIONAL, "big5", "gbk"),  # Big5 bytes declared as GBK decode without error into nonsense
    ],
)
def test_decoding_finds_the_real_charset(text, codec, declared):
    data = page_html(text * 3).encode(codec)
    decoded, used = decode_bytes(data, declared)
    assert text in decoded, used


def test_meta_charset_is_read():
    data = page_html(SIMPLIFIED * 3, charset="gbk").encode("gbk")
    decoded, used = decode_bytes(data)
    assert used == "gb18030" and SIMPLIFIED in decoded


def test_html_extraction_keeps_title_and_paragraphs_and_drops_navigation():
    page = extract_html(page_html(SIMPLIFIED * 2))
    assert page.title == "大模型从业者的故事"
    assert page.text.count(SIMPLIFIED * 2) == 4
    assert f"{SIMPLIFIED * 2}3。" in page.text and "Home News Finance" not in page.text
    assert "\n\n" in page.text  # paragraphs stay paragraphs


def write_warc(path, pages, broken: int | None = None, gzipped: bool = True) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    starts = []
    for url, body, content_type in pages:
        starts.append(buffer.tell())
        http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
        writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    data = bytearray(buffer.getvalue())
    if broken is not None:
        at = starts[broken]
        data[at + 4 : at + 40] = b"\x00broken\x00" * 4
    path.write_bytes(bytes(data))


def warc_pages():
    return [
        ("http://a.example/1.html", page_html(SIMPLIFIED * 2).encode("utf-8"), "text/html; charset=utf-8"),
        ("http://a.example/2.html", page_html(SIMPLIFIED * 2).encode("gbk"), "text/html; charset=gbk"),
        ("http://a.example/3.html", page_html(TRADITIONAL * 2).encode("big5"), "text/html"),
        ("http://a.example/robots.txt", b"User-agent: *", "text/plain"),
        ("http://a.example/logo.png", b"\x89PNG\r\n", "image/png"),
    ]


@pytest.mark.parametrize("gzipped", [True, False])
def test_warc_gives_one_record_per_response_and_survives_a_broken_one(tmp_path, gzipped):
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    write_warc(path, warc_pages(), broken=1, gzipped=gzipped)
    records = list(read_warc(str(path)))
    assert len(records) == 5  # 4 readable responses + 1 error in place of the broken one
    assert "error" in records[1] and records[1]["id"].startswith(str(path))
    good = [r for r in records if "error" not in r]
    assert [r["url"] for r in good] == [
        "http://a.example/1.html",
        "http://a.example/3.html",
        "http://a.example/robots.txt",
        "http://a.example/logo.png",
    ]
    assert all(r["id"].startswith("<urn:uuid:") for r in good)
    assert TRADITIONAL in good[1]["html"]
    assert good[2]["text"] == "User-agent: *"
    assert "html" not in good[3] and "text" not in good[3] and good[3]["content_type"] == "image/png"


def test_sources_read_every_input_kind(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"id": "j1", "text": SIMPLIFIED}, ensure_ascii=False) + "\nnot json\n", encoding="utf-8"
    )
    (tmp_path / "b.html").write_bytes(page_html(SIMPLIFIED, charset="gbk").encode("gbk"))
    (tmp_path / "c.txt").write_bytes(SIMPLIFIED.encode("gb18030"))
    (tmp_path / "d.txt.gz").write_bytes(gzip.compress(SIMPLIFIED.encode("utf-8")))
    write_warc(tmp_path / "e.warc.gz", warc_pages()[:2])
    (tmp_path / "notes.md").write_text("ignored in folders", encoding="utf-8")
    records = list(read_sources(expand([str(tmp_path)]) + [str(tmp_path / "missing.jsonl")]))
    ids = [r.get("id") for r in records]
    assert ids[:5] == ["j1", None, "b.html", "c", "d"]
    assert "error" in records[1]  # the bad JSONL line, in its place
    assert SIMPLIFIED in records[2]["html"] and records[3]["text"] == SIMPLIFIED == records[4]["text"]
    assert [r["url"] for r in records[5:7]] == ["http://a.example/1.html", "http://a.example/2.html"]
    assert records[-1]["id"].endswith("missing.jsonl") and "error" in records[-1]
    assert len(records) == 8

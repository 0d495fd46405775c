"""Property-based fuzzing (hypothesis) of every reader of untrusted bytes and of the engine's entry points
(issue 14, point 4), with the invariants the README promises:

- readers: any bytes give records or per-record errors, one per input line/record; the only exception is the
  documented one for a stream that breaks part way (ReadFailure for gzip, an Arrow error for a file that is
  not Parquet);
- restore / clean / dedup / mine: any Unicode (surrogates, controls, combining marks, RTL, ZWJ emoji, astral
  CJK) mixed with real spun text gives one output per input, edit offsets that hold (``text[start:end] ==
  before``), the edit list applied to the input gives the output, text judged clean is untouched, and no
  exception escapes a record.

Bounded for ``make test`` (CUNZHEN_FUZZ_EXAMPLES, default 25 per property, derandomized so CI is repeatable);
``make fuzz`` runs them with thousands of examples and random seeds, then the atheris harness
(tools/fuzz_atheris.py). A crash found becomes a named regression test at the end of this file.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import tempfile

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from cunzhen.engine.types import apply_edits
from cunzhen.io.decode import decode_bytes
from cunzhen.io.html import extract_html, flatten_deep, strip_tags
from cunzhen.io.jsonl import ReadError, ReadFailure, read_jsonl
from cunzhen.io.limits import MAX_HTML_DEPTH

EXAMPLES = int(os.environ.get("CUNZHEN_FUZZ_EXAMPLES", "25"))
LONG = EXAMPLES > 100  # make fuzz: random seeds and the example database; make test: repeatable
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG,
    database=None if not LONG else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
# Engine properties cost 10-100 ms an example: fewer of them in make test.
ENGINE = settings(FUZZ, max_examples=max(8, EXAMPLES // 2))

SPUN = "在畴昔两年期间里，大模子的热浪正席卷通盘这个词科技圈。这是东谈主工成本最高的行业，还是如故好意思。"
HOSTILE = [
    "\ud800",  # lone surrogates
    "\udfff",
    "\x00",
    "\x1b[31m",
    "\u200d",  # ZWJ
    "\u202e",  # right-to-left override
    "\u0301\u0308",  # combining marks
    "👨\u200d👩\u200d👧",
    "\U00020000\U0002a6a5",  # astral-plane CJK
    "\ufeff",
    "\r\n",
    "\r",
    "\u2028",
    "\n\n",
    "مرحبا",
    "东谈主",
    "模子",
    "期间",
    "好意思",
    "澳门新葡京",
    "<script>",
    "&amp;",
]

pieces = st.one_of(
    st.text(max_size=12),
    st.sampled_from(HOSTILE),
    st.sampled_from([SPUN[i : i + 9] for i in range(0, len(SPUN), 9)]),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF).map(lambda c: c * 3),
)
hostile_text = st.lists(pieces, max_size=25).map("".join)
# Values a record field may hold in a JSON file, for the "no exception escapes a record" properties.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
records = st.fixed_dictionaries(
    {}, optional={"id": json_values, "text": hostile_text | json_values, "html": json_values, "title": json_values}
)


def _write(data: bytes, suffix: str) -> str:
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115 - removed by the caller
    with handle:
        handle.write(data)
    return handle.name


def _read_all(data: bytes, suffix: str) -> list:
    path = _write(data, suffix)
    try:
        return list(read_jsonl(path))
    finally:
        os.unlink(path)


# -- readers -------------------------------------------------------------------------------------------------

jsonl_bytes = st.lists(
    st.one_of(
        st.binary(max_size=40),
        hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.builds(lambda t: ('{"id": 1, "text": "' + t + '"}').encode("utf-8", "surrogatepass"), hostile_text),
        st.just(b'{"text": "\\ud800"}'),
        st.just(b"[1, 2]"),
    ),
    max_size=8,
).map(b"\n".join)


@FUZZ
@given(jsonl_bytes)
def test_jsonl_reader_gives_one_item_per_non_blank_line(data):
    items = _read_all(data, ".jsonl")
    assert all(isinstance(item, (dict, ReadError)) for item in items)
    assert len(items) == sum(1 for line in data.split(b"\n") if line.strip())


@FUZZ
@given(jsonl_bytes, st.integers(min_value=0, max_value=64))
def test_gzip_jsonl_reads_as_the_plain_bytes_or_fails_as_documented(data, cut):
    whole = gzip.compress(data, mtime=0)
    assert [_same(i) for i in _read_all(whole, ".jsonl.gz")] == [_same(i) for i in _read_all(data, ".jsonl")]
    with contextlib.suppress(ReadFailure):  # a truncated member: the lines before the break, then ReadFailure
        _read_all(whole[: max(0, len(whole) - cut)], ".jsonl.gz")


def _same(item):
    return item.as_record() if isinstance(item, ReadError) else item


@FUZZ
@given(st.binary(max_size=300), st.one_of(st.none(), st.sampled_from(["gbk", "big5", "utf-8", "x-junk", "", "\x00"])))
@example(b"\xff\xfe\x00", None)
@example("中文".encode("gbk") * 50, "utf-8")
def test_decoding_any_bytes_gives_text(data, declared):
    text, codec = decode_bytes(data, declared)
    assert isinstance(text, str) and isinstance(codec, str)


tags = st.sampled_from(["div", "p", "font", "span", "li", "ul", "table", "td", "tr", "b", "script", "style", "title"])
markup = st.lists(
    st.one_of(
        tags.map(lambda t: f"<{t}>"),
        tags.map(lambda t: f"</{t}>"),
        tags.map(lambda t: f"<{t} class='a>b'>"),
        st.sampled_from(["<!--", "-->", "<br>", "<", ">", "&lt;", "&#0;", "&#x110000;", "<?xml encoding='gbk'?>"]),
        hostile_text,
    ),
    max_size=40,
).map("".join)


@FUZZ
@given(markup)
@example("<?xml version='1.0' encoding='utf-8'?><html><body><p>一句话</p></body></html>")
@example("<title>" * 50 + "正文")
def test_html_extraction_never_raises(html):
    page = extract_html(html)
    assert isinstance(page.text, str) and page.extractor in ("trafilatura", "body-text", "tags")


@FUZZ
@given(markup, st.integers(min_value=1, max_value=6))
def test_flattening_bounds_depth_and_keeps_every_visible_character(html, repeat):
    html = html * repeat + "<font>一句话" * (MAX_HTML_DEPTH + 5)
    flat, _ = flatten_deep(html)
    assert flatten_deep(flat)[1] == 0  # nothing left nested beyond the limit
    assert strip_tags(flat).split() == strip_tags(html).split()


@FUZZ
@given(st.binary(max_size=600), st.sampled_from([".warc", ".warc.gz"]))
def test_warc_reader_survives_any_bytes(data, suffix):
    from cunzhen.io.warc import read_warc

    payload = gzip.compress(data) if suffix.endswith(".gz") and data[:1] == b"W" else data
    path = _write(payload, suffix)
    try:
        assert all(isinstance(r, dict) for r in read_warc(path))
    finally:
        os.unlink(path)


@FUZZ
@given(st.lists(st.tuples(st.binary(max_size=200), st.sampled_from(["text/html", "text/plain", "", "image/png"]))))
def test_warc_reader_gives_one_record_per_response(pages):
    from test_io_sources import write_warc

    from cunzhen.io.warc import read_warc

    path = _write(b"", ".warc.gz")
    try:
        write_warc(_Path(path), [(f"http://a.example/{i}", body, ctype) for i, (body, ctype) in enumerate(pages)])
        out = list(read_warc(path))
        assert len(out) == len(pages)
        assert [r["url"] for r in out] == [f"http://a.example/{i}" for i in range(len(pages))]
    finally:
        os.unlink(path)


def _Path(path: str):
    from pathlib import Path

    return Path(path)


@FUZZ
@given(st.binary(max_size=400))
def test_parquet_reader_refuses_junk_with_an_arrow_or_os_error(data):
    import pyarrow as pa

    from cunzhen.io.parquet import read_parquet

    path = _write(data, ".parquet")
    try:
        list(read_parquet(path))
    except (pa.ArrowException, OSError):
        pass
    finally:
        os.unlink(path)


@FUZZ
@given(st.lists(st.tuples(hostile_text, st.integers(min_value=-(2**40), max_value=2**40)), max_size=12))
def test_parquet_round_trip_keeps_every_row(rows):
    from cunzhen.io.parquet import ParquetWriter, read_parquet

    rows = [(text.encode("utf-8", "replace").decode("utf-8"), n) for text, n in rows]  # Arrow holds valid UTF-8
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "out.parquet")
    with ParquetWriter(path) as writer:
        for i, (text, n) in enumerate(rows):
            writer.write({"id": str(i), "text": text, "cunzhen": {"n": n}})
    back = list(read_parquet(path))
    assert [(r["text"], r["cunzhen"]) for r in back] == [(t, f'{{"n":{n}}}') for t, n in rows]
    os.unlink(path)
    os.rmdir(directory)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([".html", ".txt", ".html.gz", ".txt.gz", ".jsonl", ".bin"]))
def test_any_file_is_one_or_more_records_never_an_exception(data, suffix):
    from cunzhen.io.sources import read_source

    path = _write(data, suffix)
    try:
        out = list(read_source(path))
        assert all(isinstance(r, dict) for r in out)
        assert out or (suffix == ".jsonl" and not data.strip())  # a blank JSONL file holds no record
    finally:
        os.unlink(path)


# -- engine entry points ---------------------------------------------------------------------------------------


def check_restore(text: str, result) -> None:
    """The invariants of one restore result against its input."""
    if not result.spun:
        assert result.text == text and not result.edits
    previous_end = 0
    for edit in sorted(result.edits, key=lambda e: e.start):
        assert previous_end <= edit.start <= edit.end <= len(text)
        assert text[edit.start : edit.end] == edit.before
        assert edit.before != edit.after and edit.score > 0
        previous_end = edit.end
    assert apply_edits(text, result.edits) == result.text


@ENGINE
@given(hostile_text)
@example(SPUN)
@example(SPUN + "\ud800" + SPUN)
def test_restore_keeps_its_invariants_on_any_text(restorer, text):
    check_restore(text, restorer.restore(text))


@ENGINE
@given(records)
def test_restore_step_gives_one_record_for_any_record(restorer, record):
    from cunzhen.steps.restore import restore_record

    out = restore_record(record, restorer)
    assert isinstance(out, dict)
    if isinstance(record.get("text"), str):
        check_restore(record["text"], _result(out))
    else:
        assert "error" in out


def _result(record: dict):
    from cunzhen.engine.types import Edit, RestoreResult

    meta = record["cunzhen"]
    edits = [Edit(**e) for e in meta["edits"]]
    return RestoreResult(record["text"], meta["spun"], meta["spin_score"], edits)


@pytest.fixture(scope="module")
def cleaner(restorer):
    from cunzhen.steps.clean import make_page_cleaner

    return make_page_cleaner(restorer)


# Hosts whose names the detectors read (the Han brand a host spells, a Latin brand), and none.
HOSTS = st.one_of(st.none(), st.sampled_from(["www.xpj8.com", "jinsha88.com", "m.amjs888.cc", "365bet.com"]))


@ENGINE
@given(hostile_text, st.one_of(st.none(), hostile_text), HOSTS)
@example(SPUN + "\n澳门新葡京 百家乐\n" + SPUN, None, None)
@example(SPUN + "\n澳门新葡京 百家乐\n" + SPUN, None, "www.xpj8.com")
def test_clean_keeps_its_invariants_on_any_text(cleaner, text, title, site):
    from cunzhen.engine.page import KEEP
    from cunzhen.steps.clean import valid_unicode

    # The clean step hands the cleaner valid Unicode (lone surrogates as U+FFFD, offsets kept): the step's
    # own property below takes them as they come.
    text, title = valid_unicode(text), title and valid_unicode(title)
    result = cleaner.clean(text, title, site)
    extracted = result.extracted
    survived, cursor = [], 0
    for span in sorted(result.removed, key=lambda r: r.start):
        assert 0 <= span.start <= span.end <= len(extracted) and extracted[span.start : span.end] == span.text
        survived.append(extracted[cursor : span.start] if span.start > cursor else "")
        cursor = max(cursor, span.end)
    survived = "".join(survived) + extracted[cursor:]
    repaired = list(survived)  # repairs: in place, length kept, offsets into the text after cuts
    for repair in result.repairs:
        assert survived[repair.start : repair.end] == repair.before and len(repair.after) == len(repair.before)
        repaired[repair.start : repair.end] = repair.after
    repaired = "".join(repaired)
    if result.verdict == KEEP:
        assert result.text == extracted and not result.removed and not result.repairs
    elif result.restore is not None:
        check_restore(repaired, result.restore)  # the restorer read the repaired text
        assert result.text == result.restore.text
    else:
        assert result.text == ""  # dropped


@ENGINE
@given(records)
@example({"html": "<html><body>" + "<font>一句话" * 400 + "</body></html>"})
@example({"text": None, "html": None})
def test_clean_step_gives_one_record_for_any_record(cleaner, record):
    from cunzhen.steps.clean import clean_record

    out = clean_record(record, cleaner)
    assert isinstance(out, dict) and "html" not in out
    assert "error" in out or isinstance(out["cunzhen"], dict)


@ENGINE
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), hostile_text), max_size=8))
def test_dedup_gives_one_record_per_record_and_finds_copies(pairs):
    from cunzhen.steps.dedup import NearDuplicateIndex, dedup_record

    index = NearDuplicateIndex()
    seen: dict[str, str] = {}
    for number, (key, text) in enumerate(pairs):
        record = {"id": key, "text": text}
        try:
            out = dedup_record(record, index, key)
        except ValueError:  # a repeated id: the CLI turns it into an error record
            assert key in seen
            continue
        meta = out["cunzhen"]
        copy_of = next((k for k, t in seen.items() if t == text and len("".join(text.split())) >= 5), None)
        if copy_of is not None:
            assert meta["duplicate_of"] is not None, (number, key, text)
        seen[key] = text


@pytest.fixture(scope="module")
def miner():
    from cunzhen.api import make_miner

    return make_miner()


@settings(ENGINE, max_examples=max(5, EXAMPLES // 4))
@given(st.lists(hostile_text, max_size=6))
@example([SPUN * 3] * 4)
def test_mining_any_batch_gives_a_valid_table(miner, texts):
    table, report = miner.mine(texts)
    for entry in table:
        assert entry.spun and entry.originals and entry.spun not in entry.originals
    assert isinstance(report.summary(), str)


@ENGINE
@given(st.lists(records, max_size=6))
def test_cli_restore_writes_one_line_per_input_line(restorer, batch):
    """The file-level invariant, in process: each JSONL line (as the writer encodes it) reads back as one item
    and restores to one record."""
    from cunzhen.io.jsonl import dumps
    from cunzhen.steps.restore import restore_record

    try:
        data = b"".join(dumps(r) for r in batch)
    except TypeError:  # orjson refuses lone surrogates in strings: such a record cannot be written as JSON
        assume(False)
    items = _read_all(data, ".jsonl")
    assert len(items) == len(batch)
    out = [i.as_record() if isinstance(i, ReadError) else restore_record(i, restorer) for i in items]
    assert len(out) == len(batch)


@ENGINE
@given(st.lists(records, max_size=5))
def test_clean_gives_one_record_per_input_line(cleaner, batch):
    """The same file-level invariant for `clean`, through read_source as the command reads its inputs."""
    from cunzhen.io.jsonl import dumps
    from cunzhen.io.sources import read_source
    from cunzhen.steps.clean import clean_record

    try:
        data = b"".join(dumps(r) for r in batch)
    except TypeError:  # orjson refuses lone surrogates: such a record cannot be written as JSON
        assume(False)
    path = _write(data, ".jsonl")
    try:
        out = [clean_record(record, cleaner) for record in read_source(path)]
    finally:
        os.unlink(path)
    assert len(out) == len(batch) and all(isinstance(r, dict) for r in out)


@FUZZ
@given(st.lists(hostile_text, min_size=1, max_size=8), st.integers(min_value=1, max_value=16), st.data())
def test_review_text_search_finds_exactly_the_documents_holding_the_text(texts, block, data):
    """The on-disk search, read in tiny blocks so that matches cross block and document boundaries, against
    a substring test on every document."""
    from cunzhen.io.jsonl import dumps
    from cunzhen.review.index import DocFilter, ReviewIndex

    texts = [t.encode("utf-8", "replace").decode("utf-8") for t in texts]  # what a JSON file can hold
    path = _write(b"".join(dumps({"id": str(i), "text": t}) for i, t in enumerate(texts)), ".jsonl")
    try:
        index = ReviewIndex(path)
        index.search_block = block
        source = data.draw(st.sampled_from(texts))
        start = data.draw(st.integers(min_value=0, max_value=len(source)))
        query = data.draw(st.sampled_from([source[start : start + 3], "东谈", "\n", "。"])) or "x"
        assert index.filter(DocFilter(text=query)) == [i for i, t in enumerate(texts) if query in t]
        index.close()
    finally:
        os.unlink(path)


# -- regressions found by fuzzing (each was a crash or a broken invariant) --------------------------------------


def test_regression_a_nul_in_a_declared_charset_is_no_charset():
    """codecs.lookup raised ValueError (embedded null character) through decode_bytes."""
    assert decode_bytes(b"\x80", "\x00") == ("\u20ac", "gb18030") or decode_bytes(b"\x80", "\x00")[0]


def test_regression_a_binary_codec_declared_is_no_charset():
    """tools/fuzz_atheris.py decode: a page declaring charset=uu (a binary codec) raised LookupError ("'uu' is
    not a text encoding") through decode_bytes; such a declaration is ignored, as an unknown one is."""
    for declared in ("uu", "base64", "rot13", "zlib"):
        text, codec = decode_bytes(b"!UU\xae", declared)
        assert codec not in (declared, "uu_codec", "base64_codec", "rot_13", "zlib_codec") and text
    page = b'<meta charset="hex"><p>\xb2\xe2\xca\xd4</p>'
    assert decode_bytes(page)[1] != "hex_codec"


def test_regression_lone_surrogates_reach_no_c_library(restorer, cleaner, miner):
    """KenLM, fastText and numpy's UTF-32 view raised UnicodeEncodeError (or TypeError) on a lone surrogate
    that the Python API let through; the models now read it as an unknown character, offsets unchanged."""
    from cunzhen.steps.clean import clean_record
    from cunzhen.steps.dedup import NearDuplicateIndex, dedup_record

    text = SPUN + "\ud800" + SPUN
    check_restore(text, restorer.restore(text))
    assert "cunzhen" in clean_record({"text": "A\ud800"}, cleaner)
    assert "cunzhen" in clean_record({"text": "", "title": "门新\ud800"}, cleaner)
    miner.mine(["\ud800", SPUN + "\udfff"])
    marked = dedup_record({"id": "a", "text": "00000\ud800"}, NearDuplicateIndex(), "a")
    assert marked["cunzhen"]["duplicate_of"] is None

"""The review app under load (issue 14, point 5): two browser sessions deciding at once on the same file through
the real threaded server, and two app processes on one decision database, lose no decision."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest

from cunzhen.review.decisions import DecisionStore, default_db_path
from cunzhen.review.index import ReviewIndex

DOCS = 250
EDITS_PER_DOC = 4  # 1,000 edits: 500 for each session


def restored_record(doc: int) -> dict:
    """A `cunzhen restore` output record with EDITS_PER_DOC restorations of 东谈主→人 (offsets into the input)."""
    sentence = "第{}句里东谈主说话。"
    source = "".join(sentence.format(j) for j in range(EDITS_PER_DOC))
    edits, start = [], 0
    for _ in range(EDITS_PER_DOC):
        start = source.index("东谈主", start)
        edits.append({"start": start, "end": start + 3, "before": "东谈主", "after": "人", "score": 5.0, "reason": "t"})
        start += 3
    text = source.replace("东谈主", "人")
    meta = {"spun": True, "spin_score": 0.9, "edits": edits}
    return {"id": f"d{doc}", "url": f"http://farm.example/{doc}.html", "text": text, "cunzhen": meta}


@pytest.fixture()
def reviewed(tmp_path) -> str:
    path = tmp_path / "restored.jsonl"
    lines = (json.dumps(restored_record(doc), ensure_ascii=False) for doc in range(DOCS))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def expected(doc: int, k: int) -> str:
    return "accept" if (doc + k) % 3 else "reject"


def test_two_browser_sessions_lose_no_decision(reviewed):
    from werkzeug.serving import make_server

    from cunzhen.review.app import create_app

    store = DecisionStore(default_db_path(reviewed))
    assert store.journal_mode == "wal"
    server = make_server("127.0.0.1", 0, create_app(ReviewIndex(reviewed), store), threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    port = server.server_port
    statuses: dict[int, list[int]] = {0: [], 1: []}

    def session(parity: int) -> None:
        """One browser: reads its token from a page, then decides every edit of its half of the documents."""
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/doc/0")
        token = re.search(r'name="token" value="([^"]+)"', connection.getresponse().read().decode()).group(1)
        for doc in range(parity, DOCS, 2):
            for k in range(EDITS_PER_DOC):
                form = urllib.parse.urlencode({"token": token, "edit": k, "decision": expected(doc, k)})
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                headers = {"Content-Type": "application/x-www-form-urlencoded"}
                connection.request("POST", f"/doc/{doc}/decide", form, headers)
                response = connection.getresponse()
                response.read()
                statuses[parity].append(response.status)

    try:
        browsers = [threading.Thread(target=session, args=(parity,)) for parity in (0, 1)]
        for browser in browsers:
            browser.start()
        for browser in browsers:
            browser.join(timeout=300)
    finally:
        server.shutdown()
        store.close()
    assert statuses[0] == statuses[1] == [303] * (DOCS // 2 * EDITS_PER_DOC)  # 500 decisions each
    reopened = DecisionStore(default_db_path(reviewed))  # as after a restart
    decided = reopened.edit_decisions()
    reopened.close()
    assert len(decided) == DOCS * EDITS_PER_DOC
    assert all(row[3] == expected(doc, k) for (doc, k), row in decided.items())


WRITER = """
import sys
from cunzhen.review.decisions import DecisionStore
store = DecisionStore(sys.argv[1])
first = int(sys.argv[2])
edit = {"start": 0, "before": "东谈主", "after": "人"}
for doc in range(first, first + 500):
    store.decide_edit(doc, 0, edit, "accept")
    if doc % 50 == 0:
        store.decide_pair("模子", "模型", "reject" if doc % 100 else "accept")
store.close()
"""


def test_two_app_processes_on_one_database_lose_no_decision(tmp_path):
    db = tmp_path / "restored.jsonl.review.sqlite"
    DecisionStore(db).close()
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(first)], stderr=subprocess.PIPE, text=True)
        for first in (0, 500)
    ]
    errors = [writer.communicate(timeout=300)[1] for writer in writers]
    assert [w.returncode for w in writers] == [0, 0], errors
    store = DecisionStore(db)
    assert sorted(doc for doc, _ in store.edit_decisions()) == list(range(1000))
    assert set(store.pair_decisions()) == {("模子", "模型")}
    store.close()
    assert not Path(f"{db}-journal").exists()  # WAL, not a rollback journal


LOADER = """
import sys
from cunzhen.review.index import DocFilter, ReviewIndex

def kib(key):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key))

before = kib("VmRSS:")
index = ReviewIndex(sys.argv[1])
found = index.filter(DocFilter(text="东谈主说话"))
record = index.records[len(index) - 1]
print(len(index), len(found), record["id"], (kib("VmHWM:") - before) * 1024)
"""


def test_the_index_holds_summaries_not_documents(tmp_path):
    """Memory grows with the number of documents, not their size: loading a file of 10,000 documents of ~13 KB
    (130 MB) costs far less than the file (the index held every parsed record: 1.25 GB at 100k documents)."""
    path = tmp_path / "big.jsonl"
    filler = "这是一段普通的新闻正文，讲述城市里发生的事情。" * 180
    with open(path, "w", encoding="utf-8") as f:
        for doc in range(10_000):
            record = restored_record(doc)
            record["text"] = filler + record["text"]
            for edit in record["cunzhen"]["edits"]:
                edit["start"] += len(filler)
                edit["end"] += len(filler)
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    size = path.stat().st_size
    done = subprocess.run([sys.executable, "-c", LOADER, str(path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    docs, found, last_id, grown = done.stdout.split()
    assert (int(docs), int(found), last_id) == (10_000, 10_000, "d9999")  # search reads the input text too
    assert int(grown) < size / 2, f"index grew by {int(grown) / 2**20:.0f} MB for a {size / 2**20:.0f} MB file"


def test_the_index_reads_the_file_it_was_built_from_after_a_rerun_replaces_it(reviewed):
    """Records are read back by offset: a rerun that renames a new output over the file must not shift them."""
    index = ReviewIndex(reviewed)
    first = index.records[3]
    replacement = Path(reviewed).with_name("new.jsonl")
    replacement.write_text(json.dumps({"id": "other", "text": "完全不同"}, ensure_ascii=False) + "\n" * 5)
    replacement.replace(reviewed)
    index.records._cached.cache_clear()
    assert index.records[3] == first and index.records[len(index) - 1]["id"] == f"d{DOCS - 1}"

"""The review app end to end in headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

Open, filter, accept an edit, restart the server and find the decision kept, export the table; a document
whose text holds <script> and <img onerror> must show them as text and run nothing. Screenshots go to
test-artifacts/ (the README's picture is one of them).
"""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

import pytest
from headless_chromium import CHROMIUM, CHROMIUM_ARGS
from test_review_data import FARM, clean_command_run, restore_run

from cunzhen.engine.table import load_table
from cunzhen.report.records import input_text
from cunzhen.review.app import create_app
from cunzhen.review.decisions import DecisionStore, default_db_path
from cunzhen.review.index import DocFilter, ReviewIndex

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


class Server:
    """The app on a real socket (127.0.0.1, a free port), served from a thread."""

    def __init__(self, path: str):
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.index = ReviewIndex(path)
        self.store = DecisionStore(default_db_path(path))
        self._server = make_server("127.0.0.1", 0, create_app(self.index, self.store), threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self.store.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("the browser test needs Debian's chromium (make install, or apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def reviewed(tmp_path_factory, tmp_path) -> str:
    run = restore_run(tmp_path_factory.mktemp("browser-run"))
    path = tmp_path / "restored.jsonl"
    shutil.copy(run.output_path, path)
    return str(path)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)


def test_review_end_to_end(browser, reviewed, tmp_path):
    server = Server(reviewed)
    page = browser.new_page(viewport={"width": 1360, "height": 860}, accept_downloads=True)
    try:
        # open
        page.goto(server.url + "/")
        assert page.locator("#doc-list tr[data-doc]").count() == len(server.index)
        _shot(page, "review-list.png")

        # filter: edited documents of the farm
        page.select_option("#f-verdict", "clean")
        page.fill("#f-site", FARM)
        page.click("#f-apply")
        expected = server.index.filter(DocFilter(verdict="clean", site=FARM))
        assert page.locator("#matched b").inner_text() == str(len(expected))
        rows = page.locator("#doc-list tr[data-doc]")
        shown = [int(d) for d in rows.evaluate_all("rs => rs.map(r => r.dataset.doc)")]
        assert shown == expected
        _shot(page, "review-filtered.png")

        # open a document, hover an edit (both panes light up), accept it
        doc = expected[0]
        page.click(f'#doc-list tr[data-doc="{doc}"] td:nth-child(2) a')
        page.wait_for_selector("#pane-output")
        first = page.locator('#pane-output .seg.edit[data-edit="0"]')
        first.hover()
        assert "hl" in page.locator('#pane-input .seg.edit[data-edit="0"]').get_attribute("class")
        first.click()  # select it for the action bar
        assert page.locator("#selected-edit").input_value() == "0"
        page.click("#actions button.accept")
        page.wait_for_selector("#e0.accept")
        assert page.locator("#e0 td.state").inner_text() == "accept"
        # the bar moved on to the next edit; the keyboard rejects it
        assert page.locator("#selected-edit").input_value() == "1"
        page.keyboard.press("r")
        page.wait_for_selector("#e1.reject")
        page.mouse.move(0, 0)
        _shot(page, "review-document.png")
    finally:
        server.stop()

    # a new server over the same file and database: the decision is still there
    server = Server(reviewed)
    try:
        page.goto(f"{server.url}/doc/{doc}")
        assert page.locator("#e0 td.state").inner_text() == "accept"
        assert "accept" in page.locator('#pane-output .seg.edit[data-edit="0"]').get_attribute("class")

        # export the accepted substitutions as a table that --table reads
        page.goto(server.url + "/export")
        assert page.locator("#n-accepted").inner_text() == "1"
        with page.expect_download() as download:
            page.click("#dl-accepted")
        saved = tmp_path / "accepted.tsv"
        download.value.save_as(saved)
        edit = server.index.records[doc]["cunzhen"]["edits"][0]
        table = load_table(saved)
        assert table.pairs() == [(edit["before"], edit["after"])]
        page.click("#write-files")
        page.wait_for_selector("#written")
        assert load_table(reviewed + ".accepted.tsv").pairs() == table.pairs()
    finally:
        page.close()
        server.stop()


def test_hostile_document_runs_nothing(browser, reviewed):
    server = Server(reviewed)
    page = browser.new_page(viewport={"width": 1360, "height": 700})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        hostile = next(s.index for s in server.index.summaries if s.id == "hostile")
        page.goto(f"{server.url}/?q=__pwned")
        assert page.locator("#doc-list tr[data-doc]").count() == 1
        page.goto(f"{server.url}/doc/{hostile}")
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # give an onerror handler time to fire, were it live
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert dialogs == []
        shown = page.locator("#pane-input").inner_text()
        assert "<script>window.__pwned" in shown and "onerror=" in shown
        assert page.locator("#pane-input img, #pane-output img, main script").count() == 0
        _shot(page, "review-hostile.png")
    finally:
        page.close()
        server.stop()


def test_cleaned_page_shows_removed_spans_and_edits(browser, tmp_path):
    """A page cleaned by the real `cunzhen clean`: spam and template struck out in the input, restorations
    marked in both panes. Its screenshot is the README's picture (docs/review.png)."""
    path, _ = clean_command_run(tmp_path)
    server = Server(str(path))
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{server.url}/doc/0")
        record = server.index.records[0]
        assert page.locator("#pane-input").inner_text() == input_text(record)
        assert page.locator("#pane-output").inner_text() == record["text"]
        removed = page.locator("#pane-input .seg.removed").all_inner_texts()
        assert removed == [r["text"] for r in record["cunzhen"]["removed"]]
        assert page.locator("#pane-output .seg.removed").count() == 0
        assert page.locator("#pane-output .seg.edit").count() == len(record["cunzhen"]["edits"])
        _shot(page, "review-cleaned-page.png")
    finally:
        page.close()
        server.stop()

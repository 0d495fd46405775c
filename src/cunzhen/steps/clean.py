"""The `clean` step: a page record (``text``, or ``html`` to extract) in, the cleaned record out.

Output record: the input's fields (``html`` is not carried, it is replaced by the extracted text's result),
``text`` the cleaned text ("" for a dropped page), and ``cunzhen``: verdict, reasons, removed spans (offsets into
the extracted text), spun, spin_score, edits (offsets into the text after removal). Problems become an ``error``
field, never an exception.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cunzhen.engine.langid import LanguageId
from cunzhen.engine.lm import without_surrogates
from cunzhen.engine.page import DROP, PageCleaner, PageConfig, PageResult
from cunzhen.engine.pollution import Page, PollutionScanner
from cunzhen.engine.pollution.caption import SiteSentences
from cunzhen.engine.pollution.host_name import SiteHostNames
from cunzhen.engine.pollution.lookalike import SiteCipher
from cunzhen.engine.restore import Restorer
from cunzhen.engine.spam import SpamConfig, SpamDetector, SpamMemory, SpamPhrase, load_spam_lexicon
from cunzhen.engine.template import KnownSiteLines, SiteLines, TemplateRules, load_template_rules
from cunzhen.io.limits import lost
from cunzhen.resources import DATA_DIR, verified

SPAM_LEXICON = DATA_DIR / "spam_lexicon.tsv"
TEMPLATES = DATA_DIR / "templates.tsv"

# Pages longer than this are cut to it (at a line end where there is one) before cleaning, and the record
# says how much was cut (io/limits.py, reason text_too_long): a stuck worker costs more than the tail of one
# page, and 2M characters is far beyond any real article page.
MAX_CHARS = 2_000_000


def builtin_spam_lexicon() -> list[SpamPhrase]:
    return load_spam_lexicon(verified(SPAM_LEXICON))


def make_page_cleaner(
    restorer: Restorer,
    *,
    lexicon: list[SpamPhrase] | None = None,
    extra_lexicons: list[str | Path] = (),
    template_rules: str | Path | None = None,
    language: bool = True,
    spam_config: SpamConfig | None = None,
    page_config: PageConfig | None = None,
    site_lines: SiteLines | None = None,
    pollution: bool = True,
) -> PageCleaner:
    """A PageCleaner over the bundled lexicon and template rules (or the given ones); ``pollution``: with the
    detectors of ``engine.pollution`` (pinyin glosses, noise, script slips, ...)."""
    phrases = list(builtin_spam_lexicon() if lexicon is None else lexicon)
    for path in extra_lexicons:
        phrases.extend(load_spam_lexicon(path))
    rules = load_template_rules(template_rules or verified(TEMPLATES))
    return PageCleaner(
        restorer,
        SpamDetector(restorer.lm, phrases, spam_config, spun_forms=(entry.spun for entry in restorer.table)),
        TemplateRules(rules),
        LanguageId() if language else None,
        page_config,
        site_lines,
        PollutionScanner(restorer.lm, restorer.word_lm) if pollution else None,
    )


def site_of(record: dict) -> str | None:
    """The host a record comes from (its ``url``, or an ``id`` that is a URL), for per-site template memory."""
    for key in ("url", "id"):
        value = record.get(key)
        if isinstance(value, str) and "://" in value:
            return urlsplit(value).hostname
    return None


def page_text(record: dict) -> tuple[str, str | None]:
    """The page's text and title: ``text`` as given, or extracted from ``html``. Raises ValueError if neither."""
    text, title, _ = extracted_page(record)
    return text, title


def extracted_page(record: dict) -> tuple[str, str | None, list[dict]]:
    """``page_text`` and the ``lost`` entries of the extraction (io/limits.py): a timeout, a failure."""
    text = record.get("text")
    if isinstance(text, str):
        title = record.get("title")
        return text, title if isinstance(title, str) else None, []
    html = record.get("html")
    if isinstance(html, str):
        from cunzhen.io.html import extract_html

        url = record.get("url")
        page = extract_html(html, url=url if isinstance(url, str) else None)
        return page.text, page.title, list(page.lost)
    if text is None and html is None:
        raise ValueError("record has neither 'text' nor 'html'")
    raise ValueError("'text'/'html' must be a string")


def valid_unicode(text: str) -> str:
    """``text`` with each lone surrogate as U+FFFD, offsets kept. Only the Python API can pass one (JSON and
    Parquet readers refuse them); the output must be valid Unicode to be written at all, and the page
    cleaner's converters (OpenCC, the models) take UTF-8 only (found by tests/test_fuzz.py)."""
    return without_surrogates(text)


def cut_to_limit(text: str, limit: int = MAX_CHARS) -> tuple[str, list[dict]]:
    """``text`` cut to at most ``limit`` characters, at the last line end before it if there is one in its
    second half; and the ``lost`` entry saying how many characters were cut (none if nothing was)."""
    if len(text) <= limit:
        return text, []
    line_end = text.rfind("\n", limit // 2, limit)
    kept = text[: line_end if line_end >= 0 else limit]
    return kept, [lost("text_too_long", chars=len(text) - len(kept))]


def clean_record(record: dict, cleaner: PageCleaner) -> dict:
    """One output record for one input record; never raises on bad input."""
    if "error" in record:
        return record
    if record.get("content_type") and "text" not in record and "html" not in record:
        # A WARC response that is not a page (an image, a PDF): one output record all the same, dropped.
        reason = f"not_a_page:{record['content_type']}"
        return {**record, "text": "", "cunzhen": PageResult("", "", DROP, [reason]).as_dict()}
    try:
        text, title, losses = extracted_page(record)
    except Exception as exc:  # a field of the wrong type; extraction itself never raises (io/html.py)
        return _without_html({**record, "error": f"{type(exc).__name__}: {exc}"})
    text, cut = cut_to_limit(valid_unicode(text))
    result = cleaner.clean(text, valid_unicode(title) if title else title, site_of(record))
    out = _without_html(record)
    out["text"] = result.text
    out["cunzhen"] = result.as_dict()
    if losses or cut:
        out["cunzhen"]["lost"] = losses + cut
    return out


def dropped_record(record: dict, cleaned: dict) -> dict:
    """The full record written to --drop-to: the input as read (``text`` or ``html`` intact), plus the verdict."""
    return {**record, "cunzhen": cleaned.get("cunzhen")}


def is_dropped(record: dict) -> bool:
    return (record.get("cunzhen") or {}).get("verdict") == DROP


def _without_html(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "html"}


@dataclass
class SitePass:
    """What a first pass over a batch learns for the second (``cunzhen clean --site-pass``): the lines that
    recur on most pages of a site (templates), the strings that break sentences in different places of
    different pages (injected keywords the lexicon lacks), the sentences on several pages of a site
    (captions, cut where they share nothing with the page's article), the Hangul look-alike cipher
    read off all of a site's pages, and the strings its host spells, each scored over all of its pages."""

    templates: dict[str, list[str]]  # site -> fingerprints of its template lines
    spam_strings: list[str]
    # site -> sentences on several of its pages, judged as captions on each (engine/pollution/caption.py)
    captions: dict[str, list[str]] = field(default_factory=dict)
    # site -> Hangul look-alike -> the Han character it stands for, read off all the site's pages
    lookalikes: dict[str, dict[str, str]] = field(default_factory=dict)
    # site -> string its host spells -> its insertion score summed over the site's pages (pollution/host_name.py)
    host_names: dict[str, dict[str, float]] = field(default_factory=dict)

    def apply(self, cleaner: PageCleaner) -> None:
        cleaner.site_lines = KnownSiteLines(self.templates)
        cleaner.spam.learn(self.spam_strings)
        if cleaner.pollution is not None:
            cleaner.pollution.site_captions = self.captions
            cleaner.pollution.site_lookalikes = self.lookalikes
            cleaner.pollution.site_host_names = self.host_names

    def save(self, path: str | os.PathLike[str]) -> None:
        """Written whole or not at all (a temporary file renamed), so a killed run never leaves half of it."""
        target = Path(path)
        partial = target.with_name(f".{target.name}.tmp")
        partial.write_text(json.dumps(asdict(self), ensure_ascii=False, sort_keys=True), encoding="utf-8")
        partial.replace(target)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SitePass:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        # A file written before captions, look-alikes or host names were learned has none: still good for the rest.
        captions, lookalikes = dict(data.get("captions", {})), dict(data.get("lookalikes", {}))
        host_names = dict(data.get("host_names", {}))
        return cls(dict(data["templates"]), list(data["spam_strings"]), captions, lookalikes, host_names)


def learn_site_pass(records: Iterable[dict], cleaner: PageCleaner, max_chars: int | None = None) -> SitePass:
    """The first pass: every readable page (up to ``max_chars`` of text) counted per site and for spam."""
    site_lines, memory, sentences, cipher = (
        SiteLines(),
        SpamMemory.for_detector(cleaner.spam),
        SiteSentences(),
        SiteCipher(),
    )
    host_names = SiteHostNames(cleaner.restorer.lm, cleaner.restorer.word_lm)
    seen = 0
    for record in records:
        if "error" in record:
            continue
        try:
            text, title = page_text(record)
        except Exception:  # unreadable pages are reported by the real pass
            continue
        text = cut_to_limit(valid_unicode(text))[0]  # what the real pass will clean
        title = valid_unicode(title) if title else title
        if site := site_of(record):
            site_lines.add_page(site, text)
            # Counted in the reading the detectors compare them in (a traditional page's simplified one).
            reading = cleaner.pollution.reading(text) if cleaner.pollution else text
            sentences.add_page(site, reading)
            cipher.add_page(site, reading)
            if cleaner.pollution:
                host_names.add_page(Page(text, site, reading=reading))
        cleaner.remember(memory, text, title, site_of(record))
        seen += len(text)
        if max_chars is not None and seen >= max_chars:
            break
    lookalikes = cipher.learned(cleaner.restorer.lm, word_lm=cleaner.restorer.word_lm) if cleaner.pollution else {}
    return SitePass(site_lines.templates(), memory.learned(), sentences.learned(), lookalikes, host_names.learned())

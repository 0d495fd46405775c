"""Site-template lines: breadcrumbs, date and click counters, footers, navigation.

Rules come from ``data/templates.tsv`` (a regular expression and a length limit per rule, so that an article
sentence that mentions 版权所有 is never taken for a footer). Two page-level signals add to them:
- **navigation names**: a breadcrumb 你的位置:草榴电影 > 美国艳星 > TITLE names the site and its sections;
  a line that is only one of those names (the site header, a menu) is template too;
- **repetition across a site**: ``SiteLines`` counts line fingerprints per host over a batch, and a line seen on
  many pages of one site is its template, whatever it says.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cunzhen.engine.tsv import tsv_rows


@dataclass(frozen=True)
class TemplateRule:
    name: str
    max_chars: int
    pattern: re.Pattern[str]


def normalize_line(line: str) -> str:
    """The form rules see: NFKC (full-width ：＞ read as :>), surrounding whitespace stripped."""
    # NFKC of a Chinese line was 8 us (every line of every page): each character is first replaced by its own
    # NFKC form (one str.translate), which leaves the line's NFKC as it was (a character and its NFKC form have
    # the same compatibility decomposition, and NFKC composes that); what is then already NFKC, as nearly
    # every line is, the quick check says without normalizing. 0.13 s against 0.23 s for the bench_scale lines.
    mapped = line.translate(_nfkc_chars())
    if unicodedata.is_normalized("NFKC", mapped):
        return mapped.strip()
    return unicodedata.normalize("NFKC", mapped).strip()


@functools.cache
def _nfkc_chars() -> dict[int, str]:
    """``str.translate`` table of the BMP characters that NFKC changes, each to its NFKC form (~3,000; 8 ms)."""
    table = {}
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue  # surrogates: no character of their own
        form = unicodedata.normalize("NFKC", chr(code))
        if form != chr(code):
            table[code] = form
    return table


def load_template_rules(path: str | Path) -> list[TemplateRule]:
    """Read ``templates.tsv`` (``name  max_chars  pattern``, '#' comments, a header line)."""
    rules: list[TemplateRule] = []
    for where, fields in tsv_rows(path, "name"):
        try:
            name, max_chars, pattern = "\t".join(fields).split("\t", 2)
            rules.append(TemplateRule(name, int(max_chars), re.compile(pattern)))
        except (ValueError, re.error) as exc:
            raise ValueError(f"{where}: expected 'name<TAB>max_chars<TAB>regex': {exc}") from exc
    if not rules:
        raise ValueError(f"{path}: no template rules")
    return rules


# Separators between breadcrumb items.
_CRUMB_SPLIT = re.compile(r"\s*(?:>|＞|»|›|→|/|\|)\s*")


class TemplateRules:
    """Matches single lines against the rules; finds the navigation names a breadcrumb gives."""

    def __init__(self, rules: list[TemplateRule]):
        self.rules = rules

    def match(self, line: str) -> str | None:
        """The name of the first rule that ``line`` matches, or None."""
        return self.match_normalized(normalize_line(line))

    def match_normalized(self, norm: str) -> str | None:
        """``match`` of a line already normalised (``normalize_line``): the page cleaner normalises each line
        once for the rules and its duplicate test (NFKC of a page's lines is a millisecond)."""
        if not norm:
            return None
        for rule in self.rules:
            if len(norm) <= rule.max_chars and rule.pattern.search(norm):
                return rule.name
        return None

    @staticmethod
    def navigation_names(line: str) -> list[str]:
        """Site and section names of a breadcrumb line (all items but the last, which is the page itself)."""
        norm = normalize_line(line)
        _, sep, trail = norm.partition(":")
        items = [item.strip() for item in _CRUMB_SPLIT.split(trail if sep else norm) if item.strip()]
        return [item for item in items[:-1] if 2 <= len(item) <= 20]


def line_fingerprint(line: str) -> str:
    """A short hash of a normalised line, digits folded (点击次数:190 and 点击次数:57 are the same template)."""
    folded = re.sub(r"\d+", "0", normalize_line(line))
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=8).hexdigest()


class SiteLines:
    """Line fingerprints counted per site over a batch of pages: lines on many pages of a site are template.

    Fill it with ``add_page`` in a first pass over a batch (``cunzhen clean --site-pass``), then give it to the
    PageCleaner. Counts are plain sums, so memories from shards merge by addition.
    """

    def __init__(self, min_pages: int = 3, min_share: float = 0.5):
        self.min_pages = min_pages
        self.min_share = min_share
        self.pages: Counter[str] = Counter()
        self.lines: Counter[tuple[str, str]] = Counter()

    def add_page(self, site: str, text: str) -> None:
        self.pages[site] += 1
        seen = {line_fingerprint(line) for line in text.splitlines() if len(normalize_line(line)) >= 2}
        self.lines.update((site, fp) for fp in seen)

    def is_template(self, site: str, line: str) -> bool:
        return self._qualifies(site, self.lines.get((site, line_fingerprint(line)), 0))

    def _qualifies(self, site: str, count: int) -> bool:
        pages = self.pages.get(site, 0)
        return pages >= self.min_pages and count >= self.min_pages and count >= self.min_share * pages

    def templates(self) -> dict[str, list[str]]:
        """Per site, the fingerprints of its template lines: all a second pass needs (KnownSiteLines)."""
        found: dict[str, list[str]] = {}
        for (site, fingerprint), count in self.lines.items():
            if self._qualifies(site, count):
                found.setdefault(site, []).append(fingerprint)
        return {site: sorted(fps) for site, fps in sorted(found.items())}


class KnownSiteLines:
    """Template lines per site as a first pass found them (``SiteLines.templates()``), for the second pass."""

    def __init__(self, templates: dict[str, list[str]]):
        self._known = {site: set(fingerprints) for site, fingerprints in templates.items()}

    def is_template(self, site: str, line: str) -> bool:
        return line_fingerprint(line) in self._known.get(site, ())

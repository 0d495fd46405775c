"""``--learn`` between the records and the engine: what is mined (a sample bounded per site), where the tables
go (a folder of one table per farm site), and which restorer each record gets (its site's table, if it has one).

Layout of a learned folder (the run folder of a sharded run; ``engine/table.py``'s reviewable format):
  sites/<host>.tsv      the table mined from that farm site alone, applied to that host's pages only
                        (the host percent-encoded where it holds more than letters, digits, ``.``, ``-``, ``_``)
  pooled_table.tsv      what was mined from pages of no single site (records without URLs, small sites pooled),
                        applied to every page whose host has no table of its own
  sites/odds.txt        per farm site, the log10 prior odds that one of its pages is spun, read off the pages its
                        table was mined from (``engine/decipher/prior.py``): ``host<TAB>odds``, ``#`` comments
                        (not ``.tsv``: every ``.tsv`` of ``sites/`` is a site's table)
  learned_table.tsv     everything learned, merged, for review; written last, so a folder that has it is complete
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from urllib.parse import quote, unquote

from cunzhen.api import DEFAULT_WORD_LM, LearnedTables, learn_tables
from cunzhen.engine.decipher.decode import DecipherConfig, site_host
from cunzhen.engine.decipher.prior import site_odds
from cunzhen.engine.decipher.reference import reference
from cunzhen.engine.decipher.screen import SCREEN_FLOOR, SiteScreen
from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.restore import Restorer
from cunzhen.engine.table import SpinTable, load_table
from cunzhen.steps.site_sample import REFERENCE_SHARE, sample_sites

SITES_DIR = "sites"
POOLED_TABLE = "pooled_table.tsv"
SITE_ODDS = "odds.txt"  # in SITES_DIR
LEARNED_TABLE = "learned_table.tsv"


def crawl_batch(records: Iterable[tuple[str, str]], sample_mb: float) -> tuple[list[str], list[str] | None, str]:
    """What ``--learn`` mines from (text, url) records, at most ``sample_mb`` MB: an even sample over all of them
    and, when they carry URLs, first the own samples of the hosts the screen ranks as likely farms
    (``site_sample.py``, ``engine/decipher/screen.py``), the even sample taking the rest of the budget
    (``REFERENCE_SHARE`` of it at least). Returns the texts, their URLs (None unless every record has one: the
    decipherer then reads the batch as one, as without URLs) and a note for the summary."""
    config = DecipherConfig()
    sample = sample_sites(records, sample_mb)
    if not sample.sites:
        return [r.text for r in sample.even], None, f"an even sample of {len(sample.even)} records"
    screen = SiteScreen(reference(), config.min_docs, config.site_share)
    reference_mb = REFERENCE_SHARE * sample_mb
    batch, chosen = sample.batch(sample_mb, reference_mb, screen.scores, config.min_site_docs, SCREEN_FLOOR)
    urls = [r.url for r in batch]
    note = f"{len(batch)} records: the own pages of {len(chosen)} of {len(sample.sites)} sites, an even sample"
    return [r.text for r in batch], urls if all(urls) else None, note


def learn_from_records(
    records: Iterable[tuple[str, str]],
    lm: LanguageModel,
    sample_mb: float | None,
    source: str,
    word_lm: str | None = DEFAULT_WORD_LM,
) -> LearnedTables:
    """``--learn``'s tables from (text, url) records: ``crawl_batch`` mined by ``api.learn_tables`` (with the
    word model ``word_lm``); ``sample_mb`` None mines every record given."""
    if sample_mb is None:
        records = list(records)
        urls = [u for _, u in records]
        texts, known, note = [t for t, _ in records], urls if urls and all(urls) else None, "every record"
    else:
        texts, known, note = crawl_batch(records, sample_mb)
    learned = learn_tables(texts, lm, source=source, urls=known, word_lm=word_lm)
    learned.summary = f"{note}: {learned.summary}"
    if known is not None and learned.sites:
        hosts = [site_host(u) for u in known]
        ref = reference()
        for host, table in learned.sites.items():
            learned.odds[host] = site_odds((t for t, h in zip(texts, hosts) if h == host), table, ref)
    return learned


# -- a learned folder -------------------------------------------------------------------------------------


def site_file(host: str) -> str:
    return quote(host, safe="-._") + ".tsv"


def save_learned(folder: str | os.PathLike[str], learned: LearnedTables, header: str) -> Path:
    """Write ``learned`` into ``folder`` (layout above), each file through a temporary one renamed into place,
    the merged table last; returns the merged table's path."""
    root = Path(folder)
    (root / SITES_DIR).mkdir(parents=True, exist_ok=True)
    for host, table in sorted(learned.sites.items()):
        _save(table, root / SITES_DIR / site_file(host), f"{header}\nsite {host}: its own pages' table")
    _save(learned.pooled, root / POOLED_TABLE, f"{header}\npooled: for every page without a site table")
    partial = root / SITES_DIR / f".{SITE_ODDS}.tmp"
    lines = [f"# {line}" for line in header.splitlines()] + ["# host<TAB>log10 prior odds its pages are spun"]
    lines += [f"{host}\t{odds:.4f}" for host, odds in sorted(learned.odds.items())]
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partial.replace(root / SITES_DIR / SITE_ODDS)
    merged = root / LEARNED_TABLE
    _save(learned.merged(), merged, f"{header}\nevery table learned, merged, for review (not applied as such)")
    return merged


def _save(table: SpinTable, path: Path, header: str) -> None:
    partial = path.with_name(f".{path.name}.tmp")  # a killed run leaves no half table
    table.save(partial, header=header)
    partial.replace(path)


def is_learned(folder: str | os.PathLike[str]) -> bool:
    return (Path(folder) / LEARNED_TABLE).is_file()


def site_tables(sites_dir: str | os.PathLike[str]) -> dict[str, str]:
    """Host → path of its table, for every ``<host>.tsv`` of ``sites_dir`` (a learned folder's ``sites/``)."""
    sites = Path(sites_dir)
    if not sites.is_dir():
        return {}
    return {unquote(p.name[: -len(".tsv")]): str(p) for p in sorted(sites.glob("*.tsv"))}


def site_odds_of(sites_dir: str | os.PathLike[str]) -> dict[str, float]:
    """Host → log10 prior odds, from ``sites_dir/odds.txt`` (a learned folder's ``sites/``; empty if it has none)."""
    path = Path(sites_dir) / SITE_ODDS
    if not path.is_file():
        return {}
    odds = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            host, value = line.split("\t")
            odds[host] = float(value)
    return odds


# -- the restorer of each record --------------------------------------------------------------------------


Build = Callable[[tuple[SpinTable, ...], dict[str, float]], Restorer]


class SiteRestorers:
    """The restorer of each record: the base one (every given table), plus its host's own table when it has one,
    with the site's prior odds (``odds``: host → log10 odds, ``LearnedTables.odds``) for that table's engines:
    a page of a farm site is judged as one, its own page alone being weak evidence when its engine writes
    common words. ``build(extra tables, engine odds)`` makes a restorer (``api.make_restorer``).

    Site restorers are built the first time one of the host's records comes (about 0.4 s each) and kept: a run's
    farm sites are the few the learning sample chose."""

    def __init__(
        self,
        build: Build,
        tables: Mapping[str, str | SpinTable],
        odds: Mapping[str, float] | None = None,
    ):
        self._build = build
        self.tables = dict(tables)
        self.odds = dict(odds or {})
        self.base = build((), {})
        self._sites: dict[str, Restorer] = {}

    def for_url(self, url: object) -> Restorer:
        host = site_host(url) if isinstance(url, str) and url else None
        if host is None or host not in self.tables:
            return self.base
        if host not in self._sites:
            table = self.tables[host]
            table = table if isinstance(table, SpinTable) else load_table(table)
            engines = {s for entry in table for s in entry.source.split("|") if s}
            odds = {engine: self.odds[host] for engine in engines} if host in self.odds else {}
            self._sites[host] = self._build((table,), odds)
        return self._sites[host]

    def for_record(self, record: object) -> Restorer:
        return self.for_url(record.get("url") if isinstance(record, dict) else None)


def restore_by_site(record: dict, restorers: SiteRestorers) -> dict:
    """``steps.restore.restore_record`` with the record's own restorer."""
    from cunzhen.steps.restore import restore_record

    return restore_record(record, restorers.for_record(record))


class SiteCleaners:
    """The page cleaner of each record: ``cleaner`` with its host's restorer (``SiteRestorers``) in place of the
    base one. The spam detector keeps the base restorer's spun forms (it reads them as one signal among many)."""

    def __init__(self, cleaner, restorers: SiteRestorers):
        self.base = cleaner
        self.restorers = restorers
        self._sites: dict[int, object] = {}

    def for_record(self, record: object):
        restorer = self.restorers.for_record(record)
        if restorer is self.restorers.base:
            return self.base
        key = id(restorer)
        if key not in self._sites:
            cleaner = copy.copy(self.base)
            cleaner.restorer = restorer
            self._sites[key] = cleaner
        return self._sites[key]


def clean_by_site(record: dict, cleaners: SiteCleaners) -> dict:
    """``steps.clean.clean_record`` with the record's own cleaner."""
    from cunzhen.steps.clean import clean_record

    return clean_record(record, cleaners.for_record(record))

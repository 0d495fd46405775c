"""Build engines from bundled or user-supplied models and tables; the functions users call."""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.restore import RestoreConfig, Restorer
from cunzhen.engine.table import SpinTable, load_table
from cunzhen.engine.types import RestoreResult
from cunzhen.resources import DEFAULT_LM, SPIN_TABLE, verified

PathLike = str | os.PathLike[str]


def builtin_table() -> SpinTable:
    """The table shipped in ``cunzhen/data/spin_table.tsv`` (checksum verified)."""
    return load_table(verified(SPIN_TABLE))


def load_lm(path: PathLike | None = None) -> LanguageModel:
    """The user's model at ``path``, or the bundled character 5-gram."""
    return _load_lm_cached(str(Path(path).resolve()) if path else str(DEFAULT_LM))


@lru_cache(maxsize=4)
def _load_lm_cached(path: str) -> LanguageModel:
    return LanguageModel(path)


def make_restorer(
    lm: PathLike | None = None,
    tables: Iterable[PathLike] = (),
    *,
    use_builtin_table: bool = True,
    config: RestoreConfig | None = None,
) -> Restorer:
    """A Restorer over the built-in table (unless disabled) merged with ``tables``."""
    table = builtin_table() if use_builtin_table else SpinTable()
    for path in tables:
        table = table.merge(load_table(path))
    name = "builtin" if use_builtin_table and not tables else "merged" if use_builtin_table else "user"
    return Restorer(load_lm(lm), table, config, name)


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

"""Rejected substitutions: pairs a reviewer said the engine must not apply again.

Format (UTF-8 TSV, written by `cunzhen review`, read by ``--reject FILE`` on the commands that restore):

    # comment lines start with '#'
    spun<TAB>original
    期间<TAB>时代

An optional header line ``spun<TAB>original`` is skipped; columns after the second are ignored, so a spin
table can serve as a reject list too. ``SpinTable.without`` drops each pair from the tables the engine uses:
the spun form stays a candidate only for the originals not rejected.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from cunzhen.engine.table import TableError
from cunzhen.engine.tsv import tsv_rows

HEADER = ("spun", "original")


def load_reject_pairs(path: str | os.PathLike[str]) -> set[tuple[str, str]]:
    """The (spun, original) pairs in a reject file; raises TableError naming the line for malformed ones."""
    pairs: set[tuple[str, str]] = set()
    for where, raw_cells in tsv_rows(path, HEADER[0]):
        cells = [c.strip() for c in raw_cells]
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise TableError(f"{where}: need 'spun<TAB>original', got {chr(9).join(raw_cells)!r}")
        pairs.add((cells[0], cells[1]))
    return pairs


def save_reject_pairs(path: str | os.PathLike[str], pairs: Iterable[tuple[str, str]], header: str = "") -> None:
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines.append("\t".join(HEADER))
    lines.extend(f"{spun}\t{original}" for spun, original in sorted(set(pairs)))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")

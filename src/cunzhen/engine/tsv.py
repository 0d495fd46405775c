"""The one reader of the project's TSV data tables (spin tables, reject lists, spam lexicon, template rules).

Shared conventions: UTF-8; lines starting with '#' are comments (provenance headers live there); blank lines
are skipped; an optional header row names the columns. Each loader gives the row a meaning and raises its own
error with the ``where`` this reader supplies (``path:line``), so a bad row is found in one look.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path


def tsv_rows(path: str | os.PathLike[str], header_first_cell: str) -> Iterator[tuple[str, list[str]]]:
    """(where, cells) for every data row; a first row whose first cell is ``header_first_cell`` is skipped."""
    first = True
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        if first and cells[0].strip() == header_first_cell:
            first = False
            continue
        first = False
        yield f"{path}:{number}", cells

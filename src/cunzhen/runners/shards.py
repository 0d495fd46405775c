"""Shards: finding the input files of a run, naming their outputs, reading and writing their records.

A *shard* is one input file (JSONL, Parquet or WARC). A run turns each input shard into exactly one output
shard under the run folder, at the same relative path, so outputs are easy to match with inputs:

  input                     output (run folder OUT)
  crawl/a/part-0.jsonl.gz   OUT/a/part-0.jsonl.gz      JSONL stays JSONL (gzip if the input was)
  crawl/b/part-1.parquet    OUT/b/part-1.parquet       Parquet stays Parquet
  crawl/c/seg-2.warc.gz     OUT/c/seg-2.jsonl.gz       a WARC becomes JSONL (one record per response)

Relative paths are taken from the directory given (``crawl/``), or from the fixed part of a glob
(``crawl/*/part-*.jsonl.gz``); a single file keeps only its name.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cunzhen.io.jsonl import JsonlWriter, ReadError, read_jsonl

# Recognised shard suffixes and their format; longest suffix first so .jsonl.gz wins over .gz.
SUFFIXES = (
    (".jsonl.gz", "jsonl"),
    (".jsonl", "jsonl"),
    (".parquet", "parquet"),
    (".warc.gz", "warc"),
    (".warc", "warc"),
)


class ShardError(ValueError):
    """The inputs of a run cannot be turned into a set of shards (nothing found, two outputs collide)."""


@dataclass(frozen=True)
class Shard:
    """One input file and where its output goes, relative to the run folder."""

    path: str  # input file
    name: str  # relative output path, POSIX separators; also the shard's key in the manifest
    format: str  # jsonl | parquet | warc

    @property
    def size(self) -> int:
        return os.path.getsize(self.path)


def shard_format(path: str) -> str | None:
    lower = path.lower()
    for suffix, fmt in SUFFIXES:
        if lower.endswith(suffix):
            return fmt
    return None


def output_name(relative: str, fmt: str) -> str:
    """The output shard's relative path for an input at ``relative`` (see the module docstring)."""
    if fmt != "warc":
        return relative
    stem = relative[: -len(".warc.gz")] if relative.lower().endswith(".warc.gz") else relative[: -len(".warc")]
    return stem + ".jsonl.gz"


def discover(inputs: list[str], exclude: str | os.PathLike[str] | None = None) -> list[Shard]:
    """Shards from files, directories (searched recursively) and globs, sorted by output name.

    ``exclude`` (the run folder) is skipped, so a run folder inside an input directory is never read back.
    """
    excluded = Path(exclude).resolve() if exclude else None
    found: dict[str, Shard] = {}
    for spec in inputs:
        matches = list(_expand(spec))
        if not matches:
            raise ShardError(f"no JSONL, Parquet or WARC shards found for {spec!r}")
        for path, relative in matches:
            if excluded and _is_within(Path(path).resolve(), excluded):
                continue
            fmt = shard_format(path)
            assert fmt is not None
            shard = Shard(path, output_name(relative, fmt), fmt)
            other = found.get(shard.name)
            if other and os.path.realpath(other.path) != os.path.realpath(path):
                raise ShardError(f"{other.path} and {path} would both write {shard.name}: pass their parent directory")
            found[shard.name] = shard
    if not found:
        raise ShardError("no input shards left (all of them lie inside the output folder)")
    return [found[name] for name in sorted(found)]


def _expand(spec: str) -> Iterator[tuple[str, str]]:
    """(path, relative name) for each shard a spec names."""
    if glob.has_magic(spec):
        base = _fixed_prefix(spec)
        for path in sorted(glob.glob(spec, recursive=True)):
            if os.path.isfile(path) and shard_format(path):
                yield path, Path(os.path.relpath(path, base)).as_posix()
    elif os.path.isdir(spec):
        for root, dirs, files in os.walk(spec):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                path = os.path.join(root, name)
                if not name.startswith(".") and shard_format(path):
                    yield path, Path(os.path.relpath(path, spec)).as_posix()
    elif os.path.isfile(spec):
        if not shard_format(spec):
            raise ShardError(f"{spec}: not a shard (expected {', '.join(s for s, _ in SUFFIXES)})")
        yield spec, os.path.basename(spec)
    else:
        raise ShardError(f"{spec}: no such file or directory")


def _fixed_prefix(pattern: str) -> str:
    """The directory part of a glob before its first wildcard: the base of relative output names."""
    parts = Path(pattern).parts
    fixed: list[str] = []
    for part in parts[:-1]:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return str(Path(*fixed)) if fixed else "."


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


# -- reading and writing records ---------------------------------------------------------------------------


def read_records(shard: Shard) -> Iterator[dict | ReadError]:
    """The records of a shard, in order; unreadable lines come out as ReadError in their place."""
    if shard.format == "jsonl":
        return read_jsonl(shard.path)
    if shard.format == "parquet":
        from cunzhen.io.parquet import read_parquet

        return read_parquet(shard.path)
    return _read_warc(shard.path)


def _read_warc(path: str) -> Iterator[dict | ReadError]:
    try:
        from cunzhen.io.warc import read_warc  # issue 4: page cleaning owns WARC decoding
    except ImportError as exc:
        raise ShardError(f"{path}: reading WARC needs cunzhen's page-cleaning module ({exc})") from exc
    return read_warc(path)


def open_writer(shard: Shard, out_dir: str | os.PathLike[str]):
    """An atomic writer (temporary file renamed on close) for the shard's output inside ``out_dir``."""
    target = str(Path(out_dir) / shard.name)
    if shard.format == "parquet":
        from cunzhen.io.parquet import ParquetWriter, parquet_schema

        return ParquetWriter(target, parquet_schema(shard.path))
    return JsonlWriter(target)

"""JSONL in and out (``.jsonl``, ``.jsonl.gz``, ``-`` for stdin/stdout).

Reading never raises on a bad line: a line that is not valid UTF-8 or not a JSON object, or longer than
MAX_LINE_BYTES (io/limits.py), comes out as a ``ReadError`` in its place, so the caller can emit an error record
and keep one output per input line. Lines are read with a bounded ``readline``: a line past the limit is never
held whole, so a gzip bomb costs the limit's memory, not the bomb's. A stream that breaks (a truncated or
corrupt gzip) raises ``ReadFailure`` after the lines before the break.
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson

from cunzhen.io.limits import MAX_LINE_BYTES, lost


@dataclass(frozen=True)
class ReadError:
    """An input line that could not be read as a JSON object; ``line`` is 1-based."""

    line: int
    message: str
    lost: tuple[dict, ...] = ()  # io/limits.py: a line too long to read

    def as_record(self) -> dict:
        record = {"id": None, "line": self.line, "error": self.message}
        if self.lost:
            record["lost"] = list(self.lost)
        return record


class ReadFailure(OSError):
    """The stream itself broke (a truncated or corrupt gzip member): nothing after this point can be read."""


# Errors a broken gzip or zlib stream raises while reading.
STREAM_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)
# Bytes read at a time while skipping the rest of a line past the limit.
_SKIP_BLOCK = 1 << 20


def _open_binary_in(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    raw = open(path, "rb")  # noqa: SIM115 - the caller closes the stream
    return gzip.open(raw) if path.endswith(".gz") else raw  # type: ignore[return-value]


def read_jsonl(path: str, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[dict | ReadError]:
    """Yield each line's object, or a ReadError for lines that are not JSON objects. Blank lines are skipped."""
    stream = _open_binary_in(path)
    try:
        for number, raw in enumerate(_bounded_lines(stream, path, max_line_bytes), start=1):
            if isinstance(raw, int):
                yield too_long(number, raw, max_line_bytes)
                continue
            if not raw.strip():
                continue
            yield parse_line(raw, number)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def parse_line(raw: bytes, number: int) -> dict | ReadError:
    """One JSONL line's object, or the ReadError that stands in its place (``number`` is its 1-based line)."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        reason = "invalid UTF-8" if _bad_utf8(raw) else "invalid JSON"
        return ReadError(number, f"{reason}: {exc}")
    if not isinstance(value, dict):
        return ReadError(number, f"expected a JSON object, got {type(value).__name__}")
    return value


def jsonl_lines(path: str, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[tuple[int, int, bytes | int]]:
    """(line number, byte offset, the line or, past the limit, its length) of every non-blank line of an
    uncompressed JSONL file: what an index keeps to read a record again later by seeking."""
    with open(path, "rb") as stream:
        offset = 0
        for number, raw in enumerate(_bounded_lines(stream, path, max_line_bytes), start=1):
            size = raw if isinstance(raw, int) else len(raw)
            if isinstance(raw, int) or raw.strip():
                yield number, offset, raw
            offset += size


def too_long(number: int, length: int, max_line_bytes: int = MAX_LINE_BYTES) -> ReadError:
    message = f"line of {length} bytes is longer than the limit of {max_line_bytes} bytes (not read)"
    return ReadError(number, message, (lost("line_too_long", bytes=length),))


def _bounded_lines(stream: IO[bytes], path: str, limit: int) -> Iterator[bytes | int]:
    """Each line of ``stream``, or for a line longer than ``limit`` bytes its length (its bytes are skipped)."""
    while True:
        try:
            raw = stream.readline(limit + 1)
            if len(raw) <= limit or raw.endswith(b"\n"):
                if not raw:
                    return
                yield raw
                continue
            length = len(raw)
            del raw  # the limit's worth of bytes; the rest is only counted
            while True:
                piece = stream.readline(_SKIP_BLOCK)
                length += len(piece)
                if not piece or piece.endswith(b"\n"):
                    break
        except STREAM_ERRORS as exc:
            raise ReadFailure(f"{path}: {type(exc).__name__}: {exc}") from exc
        yield length


def _bad_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def dumps(record: dict) -> bytes:
    """One JSONL line. Non-string keys and other odd values a user may pass through are stringified."""
    return orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS, default=str) + b"\n"


def file_mode() -> int:
    """The mode a new file gets from ``open()`` under this process's umask: ``0666 & ~umask``.

    ``mkstemp`` creates its file 0600 whatever the umask (it is meant for secrets), and a rename keeps the
    mode: an output written through it would be private to its writer, and the next stage of a pipeline, under
    another account, could not read the corpus. The umask is read from /proc (Linux) where it can be, since
    the portable way (setting it and setting it back) briefly changes it for every thread of the process."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def temporary_beside(target: Path) -> tuple[int, str]:
    """A new temporary file in ``target``'s folder, named to be recognised as one (``.NAME.*.tmp``: a run
    folder removes them after a kill), with the mode an output should have; returns (fd, path)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.fchmod(fd, file_mode())
    return fd, tmp


class AtomicWriter:
    """Writers that write a temporary file and rename it into place: ``close()`` on success, ``abort()``
    (the target is left as it was) when the block raises."""

    def close(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class JsonlWriter(AtomicWriter):
    """Writes records to ``path`` atomically: a temporary file renamed into place on ``close()``.

    A killed run therefore never leaves a half-written output that looks finished. ``-`` writes to stdout.
    """

    def __init__(self, path: str):
        self.path = path
        self.count = 0
        if path == "-":
            self._tmp = None
            self._out: IO[bytes] = sys.stdout.buffer
            return
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = temporary_beside(target)
        self._tmp = tmp
        raw = os.fdopen(fd, "wb")
        self._out = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if path.endswith(".gz") else raw
        self._raw = raw

    def write(self, record: dict) -> None:
        self._out.write(dumps(record))
        self.count += 1

    def close(self) -> None:
        if self._tmp is None:
            self._out.flush()
            return
        self._out.close()
        if self._out is not self._raw:
            self._raw.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        """Drop the partial output (on error); the target path is left as it was."""
        if self._tmp is not None:
            self._out.close()
            if self._out is not self._raw:
                self._raw.close()
            os.unlink(self._tmp)

"""KenLM character n-gram model: loading with a checksum, scoring, and training with lmplz.

A model is two files: ``NAME.bin`` (KenLM binary, memory-mapped, so worker processes share its pages) and
``NAME.json`` (metadata: sha256 of the binary, tokenizer version, order, provenance). Loading checks both,
so a truncated or swapped file fails loudly instead of scoring garbage.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from cunzhen.engine.tokenize import TOKENIZER_VERSION, to_lm_line


class ModelError(RuntimeError):
    """The model file is missing, corrupt, or was built for another tokenizer."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str) -> None:
    """Raise ModelError unless the file at ``path`` has the sha256 ``expected``."""
    if file_sha256(path) != expected:
        raise ModelError(f"checksum mismatch for {path}: expected {expected}")


def metadata_path(model_path: Path) -> Path:
    return model_path.with_suffix(".json")


class LanguageModel:
    """A verified KenLM model over ``tokenize.char_tokens`` tokens; scores are log10 probabilities."""

    def __init__(self, path: str | os.PathLike[str]):
        import kenlm  # imported here so that modules which only read tables do not need it

        self.path = Path(path)
        self.meta = _verified_metadata(self.path)
        self.order = int(self.meta["order"])
        self._model = kenlm.Model(str(self.path))
        self._score = self._model.score

    def __reduce__(self):
        # Workers re-open (and re-map) the file instead of copying the model through a pipe.
        return (LanguageModel, (str(self.path),))

    def score(self, tokens: list[str]) -> float:
        """log10 P(tokens) without sentence markers: the caller supplies context tokens itself."""
        joined = " ".join(tokens)
        try:  # the restorer's inner loop: no second call on the way (a try costs nothing until it raises)
            return self._score(joined, bos=False, eos=False)
        except UnicodeEncodeError:  # a lone surrogate (Python API input): KenLM reads UTF-8
            return self._score(without_surrogates(joined), bos=False, eos=False)

    def score_joined(self, text: str) -> float:
        """``score`` of tokens already joined with spaces (``score(text.split())``), without the join."""
        try:
            return self._score(text, bos=False, eos=False)
        except UnicodeEncodeError:  # a lone surrogate (Python API input): KenLM reads UTF-8
            return self._score(without_surrogates(text), bos=False, eos=False)

    def token_scores(self, tokens: list[str], bos: bool = False) -> list[float]:
        """log10 P of each token given the ones before it, in one C++ call; ``bos`` starts a sentence."""
        joined = " ".join(tokens)
        try:
            scores = self._model.full_scores(joined, bos=bos, eos=False)
            return [prob for prob, _, _ in scores]
        except UnicodeEncodeError:
            return [prob for prob, _, _ in self._model.full_scores(without_surrogates(joined), bos=bos, eos=False)]


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (U+D800-U+DFFF, which a Python str may hold but UTF-8 cannot) replaced
    by U+FFFD, which the models read as an unknown character; the length, and so every offset, is kept.

    Only the Python API can pass such text (JSON and Parquet readers refuse it); found by tests/test_fuzz.py."""
    return _SURROGATE.sub("\ufffd", text)


def _verified_metadata(path: Path) -> dict:
    meta_file = metadata_path(path)
    if not path.is_file():
        raise ModelError(f"language model not found: {path}")
    if not meta_file.is_file():
        raise ModelError(f"language model metadata not found: {meta_file} (expected beside {path.name})")
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    if meta.get("tokenizer") != TOKENIZER_VERSION:
        raise ModelError(
            f"{path} was built for tokenizer {meta.get('tokenizer')!r}, this cunzhen uses {TOKENIZER_VERSION!r}"
        )
    actual = file_sha256(path)
    if actual != meta.get("sha256"):
        raise ModelError(f"checksum mismatch for {path}: metadata says {meta.get('sha256')}, file is {actual}")
    return meta


def find_kenlm_tool(name: str) -> str:
    """Path of a KenLM command (lmplz, build_binary): on PATH or beside this Python (the venv's bin/)."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found:
        return found
    raise ModelError(f"{name} not found: run `make install` (it builds KenLM's trainer) or put {name} on PATH")


def train(
    lines: Iterable[str],
    out_path: str | os.PathLike[str],
    *,
    order: int = 5,
    prune: tuple[int, ...] = (0, 1, 2, 3, 4),
    memory: str = "30%",
    source: str = "",
) -> dict:
    """Train a character n-gram model on clean text lines and write ``out_path`` (.bin) with its metadata.

    ``prune`` are lmplz count thresholds per order (n-grams seen at most that often are dropped): the
    default keeps the model compact (tens of MB for ~50M characters) at a small cost in perplexity.
    Returns the metadata written.
    """
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    lmplz, build_binary = find_kenlm_tool("lmplz"), find_kenlm_tool("build_binary")
    n_lines = n_tokens = 0
    with tempfile.TemporaryDirectory(prefix="cunzhen-lm-") as tmp:
        arpa = Path(tmp) / "model.arpa"
        prune_args = [str(p) for p in prune[:order]]
        cmd = [lmplz, "-o", str(order), "-S", memory, "-T", tmp, "--discount_fallback", "--prune", *prune_args]
        with open(arpa, "wb") as arpa_out:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=arpa_out, stderr=subprocess.PIPE)
            assert proc.stdin is not None
            for line in lines:
                tokens = to_lm_line(line)
                if tokens:
                    proc.stdin.write(tokens.encode("utf-8") + b"\n")
                    n_lines += 1
                    n_tokens += tokens.count(" ") + 1
            proc.stdin.close()
            err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
            if proc.wait() != 0:
                raise ModelError(f"lmplz failed:\n{err[-2000:]}")
        subprocess.run(
            [build_binary, "-q", "8", "-b", "8", "-a", "22", "trie", str(arpa), str(out)],
            check=True,
            capture_output=True,
        )
    meta = {
        "format": "kenlm-binary",
        "tokenizer": TOKENIZER_VERSION,
        "order": order,
        "prune": list(prune[:order]),
        "lines": n_lines,
        "tokens": n_tokens,
        "source": source,
        "sha256": file_sha256(out),
    }
    metadata_path(out).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta

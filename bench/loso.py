"""Leave-one-source-out (LOSO) character models: one training recipe, applied to any set of sources.

``recipe_model(sources)`` is the character 5-gram trained on the *train* split of those sources
(tools/shared_corpus.py SOURCES) by ``RECIPE``; ``loso_model(source)`` is the one trained on every source but
``source``, so that source's tune and report splits are text the model never saw. The default bundled model
is ``recipe_model(SOURCES)`` (`make lm`), so a LOSO figure is what the shipped model does on a new source.
A model of a set of sources also drops every line that occurs in a source outside the set (any split): the
files share a handful of lines (4 between laws and news-1990s, 1 between laws and weibo), and a left-out
source's text must not reach its model by way of another source.

The recipe takes every source's whole train split, uncapped. A cap per source (a hash sample of its lines, so
news does not outweigh the rest: news is 31.6M train characters, laws 16.5M, no other source above 2.1M) was
measured and rejected. Models trained without four ood sources (news-1990s, weibo, medical, essays), per-char
perplexity on the report split (make lm's pruning and quantisation; 2 shared cores):

    cap/source  tokens  build  MB   | held out: news-1990s weibo medical essays | trained on: news laws reviews shopping
    2M           9.9M    19s   5.9  |           81.9       134.0 245.4   200.2  |             35.1 15.6  43.6    47.8
    4M          13.9M    23s   7.9  |           74.6       135.3 240.8   197.3  |             27.8 12.6  45.1    49.3
    8M          21.8M    32s  11.4  |           68.3       138.1 234.6   193.7  |             22.4 10.4  47.2    51.6
    16M         37.6M    58s  17.5  |           63.1       140.7 228.3   188.2  |             18.5  8.7  49.7    54.6
    none        53.3M    84s  23.5  |           58.1       141.1 223.1   178.0  |             15.5  8.8  51.6    56.9

More text helps text the model never saw (three of the four held-out sources; weibo loses 5%), and only an
uncapped model keeps the bundled model's in-domain news and laws (15.4, 8.8), which the restorer's margins
were calibrated on. What a cap buys is the small *trained-on* sources (reviews, shopping), which a LOSO figure
never measures. So ``cap_chars`` stays a knob, off by default.

Models are cached in ``bench/.cache/lm/`` (or $CUNZHEN_LM_CACHE), named by a hash of the recipe, the
tokenizer and the sha256 of every source file, so a changed recipe or corpus builds a new model and a cached
one is never stale. Building writes to a temporary name and renames, so parallel runs never read half a file.

usage: python bench/loso.py [--all] [--source NAME ...]   (prebuild: `make loso`)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import shared_corpus as corpus  # noqa: E402  (module attributes, so tests can point it at a small corpus)

from cunzhen.engine.lm import file_sha256, train  # noqa: E402
from cunzhen.engine.tokenize import TOKENIZER_VERSION  # noqa: E402

CACHE = Path(os.environ.get("CUNZHEN_LM_CACHE") or Path(__file__).resolve().parent / ".cache" / "lm")


@dataclass(frozen=True)
class Recipe:
    """How a model is trained from a set of sources (every field goes into the cache key)."""

    cap_chars: int | None = None  # per source, train split; None: all of it (see the module docstring)
    order: int = 5
    prune: tuple[int, ...] = (0, 1, 2, 3, 4)  # lmplz count thresholds, as the bundled model
    sample_salt: str = "loso-1"  # the line sample under the cap; independent of the train/tune/report hash
    memory: str = "20%"  # lmplz sort memory (the machine is shared); does not change the model

    def key_fields(self) -> dict:
        fields = asdict(self)
        fields.pop("memory")
        return fields


RECIPE = Recipe()


def _line_fraction(line: str, salt: str) -> float:
    """A position in [0, 1) for the line, by a salted hash: the same line is always in or out of a sample."""
    digest = hashlib.blake2b(line.encode("utf-8"), digest_size=8, person=salt.encode("utf-8")[:16]).digest()
    return int.from_bytes(digest, "big") / 2**64


def train_chars(source: str) -> int:
    """Characters in a source's train split (the total the cap is measured against)."""
    return _train_chars(corpus.SOURCES[source])


@cache
def _train_chars(path: Path) -> int:
    return sum(len(line) for line in corpus.corpus_lines(path, "train"))


def source_train_lines(source: str, recipe: Recipe = RECIPE) -> Iterator[str]:
    """The lines of ``source``'s train split the recipe trains on: all of them under the cap, else a
    hash-sampled share of ``cap / total`` (so about ``cap`` characters, spread over the whole file)."""
    if recipe.cap_chars is None:
        yield from corpus.corpus_lines(corpus.SOURCES[source], "train")
        return
    share = min(1.0, recipe.cap_chars / max(1, train_chars(source)))
    for line in corpus.corpus_lines(corpus.SOURCES[source], "train"):
        if share >= 1.0 or _line_fraction(line, recipe.sample_salt) < share:
            yield line


def _line_id(line: str) -> bytes:
    return hashlib.blake2b(line.encode("utf-8"), digest_size=8).digest()


def outside_line_ids(sources: Iterable[str]) -> set[bytes]:
    """Hashes of every line (all splits) of the sources *not* in ``sources``: the lines a model of ``sources``
    must not train on. 8-byte hashes rather than the lines keep news' 385k lines to tens of MB."""
    chosen = _checked(sources)
    return {
        _line_id(line)
        for name, path in corpus.SOURCES.items()
        if name not in chosen
        for line in corpus.corpus_lines(path)
    }


def training_lines(sources: Iterable[str], recipe: Recipe = RECIPE) -> Iterator[str]:
    """The whole training text of a model of ``sources``, source by source in SOURCES order, without any line
    that also occurs in a source outside the set."""
    chosen = _checked(sources)
    outside = outside_line_ids(chosen)
    for source in corpus.SOURCES:
        if source in chosen:
            for line in source_train_lines(source, recipe):
                if not outside or _line_id(line) not in outside:
                    yield line


def _checked(sources: Iterable[str]) -> set[str]:
    chosen = set(sources)
    unknown = chosen - set(corpus.SOURCES)
    if unknown or not chosen:
        raise ValueError(f"unknown or no sources: {sorted(unknown)} (known: {', '.join(corpus.SOURCES)})")
    return chosen


@cache
def _file_sha256(path: Path) -> str:
    # cached: the key of every model reads all twelve source files' checksums
    return file_sha256(path)


def model_key(sources: Iterable[str], recipe: Recipe = RECIPE) -> str:
    """Hash of everything that determines the model: recipe, tokenizer, the set, and every source file's
    contents (those left out too: their lines are excluded from the training text)."""
    chosen = sorted(_checked(sources))
    blob = json.dumps(
        {
            "recipe": recipe.key_fields(),
            "tokenizer": TOKENIZER_VERSION,
            "trained_on": chosen,
            "files": {name: _file_sha256(path) for name, path in sorted(corpus.SOURCES.items())},
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def model_name(sources: Iterable[str]) -> str:
    chosen = _checked(sources)
    if chosen == set(corpus.SOURCES):
        return "all"
    left_out = [s for s in corpus.SOURCES if s not in chosen]
    return "without-" + "+".join(left_out) if len(left_out) <= 2 else f"{len(chosen)}-sources"


def recipe_model(sources: Iterable[str], recipe: Recipe = RECIPE, *, out: Path | None = None) -> Path:
    """The recipe's model of ``sources``: from the cache if built before, else trained now (tens of seconds).

    ``out`` writes it there instead of the cache (how `make lm` builds the bundled model)."""
    chosen = _checked(sources)
    key = model_key(chosen, recipe)
    path = out or CACHE / f"{model_name(chosen)}-{key}.bin"
    meta_path = path.with_suffix(".json")
    if out is None and path.is_file() and meta_path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=".build-", dir=path.parent) as tmp:
        tmp_bin = Path(tmp) / path.name
        meta = train(
            training_lines(chosen, recipe),
            tmp_bin,
            order=recipe.order,
            prune=recipe.prune,
            memory=recipe.memory,
            source=describe(chosen, recipe),
        )
        meta["recipe"] = {**recipe.key_fields(), "key": key, "sources": [s for s in corpus.SOURCES if s in chosen]}
        meta["build_seconds"] = round(time.perf_counter() - started, 1)
        tmp_bin.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", "utf-8")
        # .bin first, .json last: a reader that sees the .json sees a complete .bin.
        os.replace(tmp_bin, path)
        os.replace(tmp_bin.with_suffix(".json"), meta_path)
    return path


def loso_model(left_out: str, recipe: Recipe = RECIPE) -> Path:
    """The recipe's model of every source but ``left_out`` (built or reused from the cache)."""
    _checked([left_out])
    return recipe_model([s for s in corpus.SOURCES if s != left_out], recipe)


def describe(sources: Iterable[str], recipe: Recipe = RECIPE) -> str:
    """Provenance line for a model's metadata: what text, which split, which cap."""
    chosen = _checked(sources)
    names = ", ".join(s for s in corpus.SOURCES if s in chosen)
    cap = (
        f"each source capped at {recipe.cap_chars:,} characters by a hash sample of its lines (salt "
        f"{recipe.sample_salt})"
        if recipe.cap_chars
        else "all of each"
    )
    dropped = "; lines also in a source left out dropped" if chosen != set(corpus.SOURCES) else ""
    return f"train split (tools/shared_corpus.py) of {names}; {cap}{dropped}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", nargs="*", default=None, help="build these sources' LOSO models (default all)")
    parser.add_argument("--all", action="store_true", help="also the model of all sources")
    parser.add_argument("--out", default=None, help="with --all only: write the all-sources model here")
    args = parser.parse_args()
    if args.out and (not args.all or args.source is not None):
        parser.error("--out writes the all-sources model: use it with --all and without --source")
    jobs: list[tuple[str, list[str]]] = []
    if args.out is None:
        for left_out in args.source if args.source is not None else corpus.SOURCES:
            jobs.append((left_out, [s for s in corpus.SOURCES if s != left_out]))
    if args.all:
        jobs.append(("all", list(corpus.SOURCES)))
    for name, sources in jobs:
        started = time.perf_counter()
        path = recipe_model(sources, out=Path(args.out) if args.out else None)
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        print(
            f"{name:13s} {path} {path.stat().st_size / 1e6:5.1f} MB, {meta['tokens']:,} tokens, "
            f"{time.perf_counter() - started:.0f}s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

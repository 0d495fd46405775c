"""Issue 12 item 3: the character model on text it never saw (leave-one-source-out).

Three models per source: the bundled one as it was before this benchmark (`make lm` of the four in-domain
genres; out of domain on the eight corpus-ood sources only), the recipe's model of every source but that one
(bench/loso.py; always out of domain), and the recipe's model of all twelve sources (in domain everywhere).
Perplexity is per character token (the tokenizer the models share; `</s>` counted) on the source's report
split. Restoration is bench/restore_eval.py on report-split documents spun with the built-in table
(probability 0.9), engine defaults (`RestoreConfig()`, word model included) but the character model.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import kenlm
import loso
from restore_eval import GenreResult, evaluate_genre, make_docs, pooled
from shared_corpus import GENRES, SOURCES, source_lines
from spinner import Spinner

from cunzhen.api import builtin_table, make_restorer
from cunzhen.engine.lm import LanguageModel
from cunzhen.engine.tokenize import to_lm_line

# The model `make lm` built before the all-sources default: trained on the four in-domain genres only. Kept in
# the cache by its recipe (bench/loso.py) so the comparison does not depend on which one is bundled now.
BEFORE_SOURCES = tuple(GENRES)
OOD = tuple(s for s in SOURCES if s not in BEFORE_SOURCES)
SPINNER_SEED = 2026  # the restore section's seed; tuning used others on the tune split
SPIN_RATE = 0.9


@dataclass
class Perplexity:
    tokens: int
    log10_sum: float
    oov: int

    @property
    def value(self) -> float:
        return 10 ** (-self.log10_sum / self.tokens) if self.tokens else float("nan")

    @property
    def oov_rate(self) -> float:
        return self.oov / self.tokens if self.tokens else 0.0


def perplexity(model: kenlm.Model, lines: list[str]) -> Perplexity:
    """Per-token perplexity of whole lines (sentence start and end markers as lmplz trained them). A plain
    kenlm.Model: LanguageModel scores spans without markers, and OOV flags are not in its interface."""
    tokens = oov = 0
    total = 0.0
    for line in lines:
        text = to_lm_line(line)
        if not text:
            continue
        for prob, _, is_oov in model.full_scores(text, bos=True, eos=True):
            total += prob
            tokens += 1
            oov += is_oov
    return Perplexity(tokens, total, oov)


def _pooled_perplexity(parts: list[Perplexity]) -> Perplexity:
    """Perplexity over the pooled tokens (each source weighted by its report split's size)."""
    return Perplexity(sum(p.tokens for p in parts), sum(p.log10_sum for p in parts), sum(p.oov for p in parts))


def report_lines(source: str, max_chars: int | None) -> list[str]:
    lines, size = [], 0
    for line in source_lines(source, "report"):
        lines.append(line)
        size += len(line)
        if max_chars and size >= max_chars:
            break
    return lines


def models() -> dict[str, Path]:
    """Every model the section compares, built (or taken from bench/.cache/lm/) once."""
    found = {"before": loso.recipe_model(BEFORE_SOURCES), "all": loso.recipe_model(SOURCES)}
    for source in SOURCES:
        found[f"loso:{source}"] = loso.loso_model(source)
    return found


def restoration(
    model: Path, source: str, split: str, n_docs: int, seed: int = SPINNER_SEED, rate: float = SPIN_RATE
) -> GenreResult:
    """Restore ``split`` documents of ``source`` spun with the built-in table, with the character model ``model``
    (the same documents and spins for every model: the spinner's seed is fixed)."""
    spinner = Spinner.from_table(builtin_table(families=False), rate=rate, seed=seed)
    restorer = make_restorer(lm=model)
    return evaluate_genre(restorer.restore, source, make_docs(source, split, n_docs), spinner)


def _cell(r: GenreResult) -> str:
    return f"{r.repaired:.4f} / {r.false_per_100k:.2f} / {r.recall:.1%} / {r.fpr:.1%}"


def speed_texts(n_docs: int) -> tuple[list[str], list[str]]:
    """Clean and spun report documents of every source, for the speed line (the same for both models)."""
    spinner = Spinner.from_table(builtin_table(families=False), rate=SPIN_RATE, seed=SPINNER_SEED)
    clean = [doc for source in SOURCES for doc in make_docs(source, "report", n_docs)]
    return clean, [spinner.spin(doc)[0] for doc in clean]


def size_and_speed(paths: dict[str, Path], clean: list[str], spun: list[str], rounds: int = 2) -> dict[str, str]:
    """Model size, load time and restore speed per model. Models take turns and the best round counts: the
    machine is shared, and the first pass over a fresh model also pays for its pages coming off the disk."""
    best: dict[str, dict[str, float]] = {name: {} for name in paths}
    for _ in range(rounds):
        for name, path in paths.items():
            started = time.perf_counter()
            LanguageModel(path)  # sha256 check + mmap: what every command pays once
            timings = {"load": time.perf_counter() - started}
            restorer = make_restorer(lm=path)
            for key, texts in (("clean", clean), ("spun", spun)):
                started = time.perf_counter()
                for text in texts:
                    restorer.restore(text)
                timings[key] = time.perf_counter() - started
            for key, value in timings.items():
                best[name][key] = min(value, best[name].get(key, value))
    clean_mb = sum(len(t.encode("utf-8")) for t in clean) / 1e6
    spun_mb = sum(len(t.encode("utf-8")) for t in spun) / 1e6
    lines = {}
    for name, path in paths.items():
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        t = best[name]
        lines[name] = (
            f"{path.stat().st_size / 1e6:.1f} MB, {meta['tokens'] / 1e6:.1f}M training tokens, "
            f"built in {meta.get('build_seconds', float('nan')):.0f}s, loaded (checksum included) in "
            f"{t['load']:.2f}s, restores {clean_mb / t['clean']:.2f} MB/s clean and {spun_mb / t['spun']:.2f} MB/s "
            "spun"
        )
    return lines


def run(quick: bool = False) -> str:
    max_chars = 200_000 if quick else None
    n_docs = 40 if quick else 200
    paths = models()
    lines = [
        "## Language model: text it never saw (issue 12, leave-one-source-out)\n",
        __doc__.split("\n\n", 1)[1].strip() + "\n",
        f"Recipe (bench/loso.py): {loso.describe(SOURCES)}; order {loso.RECIPE.order}, lmplz --prune "
        f"{','.join(map(str, loso.RECIPE.prune))}, 8-bit quantised trie. *before* is the same recipe on the four "
        "in-domain genres (the bundled model until the all-sources one replaced it).\n",
        "### Perplexity, report split (lower is better; *in* = the source was in the model's training text)\n",
        "| source | report chars | before | leave-one-out | all sources (in) | OOV before / LOSO |",
        "|---|---|---|---|---|---|",
    ]
    loaded: dict[str, kenlm.Model] = {}

    def lm(name: str) -> kenlm.Model:
        if name not in loaded:
            LanguageModel(paths[name])  # checksum and tokenizer version, as any command would
            loaded[name] = kenlm.Model(str(paths[name]))
        return loaded[name]

    ppl: dict[str, dict[str, Perplexity]] = {"before": {}, "loso": {}, "all": {}}
    for source in SOURCES:
        text = report_lines(source, max_chars)
        before = perplexity(lm("before"), text)
        left_out = perplexity(lm(f"loso:{source}"), text)
        everything = perplexity(lm("all"), text)
        for name, value in (("before", before), ("loso", left_out), ("all", everything)):
            ppl[name][source] = value
        tag = " (in)" if source in BEFORE_SOURCES else ""
        lines.append(
            f"| {source} | {sum(map(len, text)):,} | {before.value:.1f}{tag} | **{left_out.value:.1f}** | "
            f"{everything.value:.1f} | {before.oov_rate:.3%} / {left_out.oov_rate:.3%} |"
        )
    for label, chosen in (("in-domain genres, pooled", BEFORE_SOURCES), ("ood sources, pooled", OOD)):
        cells = [_pooled_perplexity([ppl[name][s] for s in chosen]).value for name in ("before", "loso", "all")]
        lines.append(f"| {label} | | {cells[0]:.1f} | **{cells[1]:.1f}** | {cells[2]:.1f} | |")
    loaded.clear()
    lines += [
        "\n### Restoration with each model, report split\n",
        f"Up to {n_docs} documents per source, the seed engine's table as spinner (rate {SPIN_RATE}, "
        f"seed {SPINNER_SEED}); "
        "repaired / false changes per 100k clean characters / spun documents flagged / clean documents flagged.\n",
        "| source | before | leave-one-out | all sources (in) |",
        "|---|---|---|---|",
    ]
    results: dict[str, list[GenreResult]] = {"before": [], "loso": [], "all": []}
    for source in SOURCES:
        for name, path in (("before", paths["before"]), ("loso", paths[f"loso:{source}"]), ("all", paths["all"])):
            results[name].append(restoration(path, source, "report", n_docs))
        tag = " (in for *before*)" if source in BEFORE_SOURCES else ""
        lines.append(f"| {source}{tag} | " + " | ".join(_cell(results[name][-1]) for name in results) + " |")
    for label, chosen in (("in-domain genres, pooled", BEFORE_SOURCES), ("ood sources, pooled", OOD)):
        pooled_rows = [pooled([r for r in results[name] if r.genre in chosen], label) for name in results]
        lines.append(f"| {label} | " + " | ".join(_cell(r) for r in pooled_rows) + " |")
    clean, spun = speed_texts(5 if quick else 20)
    speeds = size_and_speed({"before": paths["before"], "all": paths["all"]}, clean, spun)
    lines.append(
        f"\nSize and speed ({len(clean)} report documents of all sources, clean and spun, "
        f"{sum(map(len, clean)) / 1e3:.0f}k characters; one process, best of two rounds):\n"
    )
    lines.append(f"- before: {speeds['before']}")
    lines.append(f"- all sources: {speeds['all']}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from flags import parse_flags

    print(run(quick=parse_flags(__doc__, quick="fewer documents (a smoke run)").quick))

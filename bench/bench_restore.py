"""Issue 2 benchmark: restoring text spun with the known (built-in) table.

Clean documents (runs of paragraphs, >= 500 chars; >= 300 for reviews) from the *report* split of every genre
are spun with the built-in table read backwards (bench/spinner.py: longest match, each occurrence replaced with
probability 0.85). Measured: repaired = 1 - lev(restored, original) / lev(spun, original) summed over spun
documents; false changes (edits) per 100k characters of clean documents; detection recall and false-positive
rate; characters per second in one process, on clean and on spun text.
"""

from __future__ import annotations

from pathlib import Path

from restore_eval import GenreResult, evaluate, pooled

from cunzhen.api import builtin_table, default_restorer, make_restorer

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "000_54dc450ac175ef12.txt"
SPINNER_SEED = 2026  # tuning used other seeds on the tune split


def run(quick: bool = False) -> str:
    restorer = default_restorer()
    n_docs = 100 if quick else 500
    results = evaluate(restorer.restore, "report", n_docs, SPINNER_SEED, builtin_table(families=False))
    total = pooled(results, "all")
    lines = [
        "## Restore: known spinner table (issue 2)\n",
        __doc__.split("\n\n", 1)[1].strip() + "\n",
        f"Up to {n_docs} documents per genre; engine defaults (`RestoreConfig()`): bundled character model "
        f"`{Path(restorer.lm.path).name}` ({Path(restorer.lm.path).stat().st_size / 1e6:.0f} MB), word model "
        f"{'`' + str(restorer.word_lm.path) + '`' if restorer.word_lm else 'not installed'}, "
        f"built-in table ({len(restorer.table)} spun forms).\n",
        "| genre | docs clean/spun | substitutions | repaired | false changes /100k chars | detection recall "
        "| false-positive rate | clean MB/s | spun MB/s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_row(r) for r in [*results, total]]
    lines.append(
        "\nTargets: repaired >= 0.97; false changes <= 1 per 100k in every genre; recall >= 99%, "
        "false positives <= 0.5%; >= 1 MB/s clean, >= 0.3 MB/s spun (UTF-8 bytes, one core).\n"
    )
    lines.append(_variants_section(n_docs, results))
    lines.append(_example_section(restorer))
    return "\n".join(lines) + "\n"


def _variants_section(n_docs: int, default_results: list[GenreResult]) -> str:
    """The default (character + word model) against the character model alone, same documents and spins."""
    chars_only = make_restorer(word_lm=None)
    other = evaluate(chars_only.restore, "report", n_docs, SPINNER_SEED, builtin_table(families=False))
    rows = [
        "### Language models: character 5-gram alone vs with the word trigram (the default)\n",
        "The word model (Debian's libime-data-language-model) is asked only about close calls "
        "(`RestoreConfig.word_band`). Same documents and spins as above.\n",
        "| genre | repaired, char only | repaired, char + word | spun MB/s, char only | spun MB/s, char + word |",
        "|---|---|---|---|---|",
    ]
    for base, best in zip(other, default_results):
        rows.append(
            f"| {best.genre} | {base.repaired:.4f} | {best.repaired:.4f} | "
            f"{base.spun_bytes / 1e6 / base.spun_seconds:.2f} | {best.spun_bytes / 1e6 / best.spun_seconds:.2f} |"
        )
    return "\n".join(rows) + "\n"


def _row(r: GenreResult) -> str:
    mb_clean = r.clean_bytes / 1e6 / r.clean_seconds
    mb_spun = r.spun_bytes / 1e6 / r.spun_seconds
    return (
        f"| {r.genre} | {r.clean_docs}/{r.spun_docs} | {r.substitutions} | {r.repaired:.4f} | "
        f"{r.false_per_100k:.2f} | {r.recall:.2%} | {r.fpr:.2%} | {mb_clean:.2f} | {mb_spun:.2f} |"
    )


def _example_section(restorer) -> str:
    if not EXAMPLE.is_file():
        return "(example page not found)\n"
    text = EXAMPLE.read_text(encoding="utf-8")
    result = restorer.restore(text)
    marks = ["东谈主", "好意思", "模子", "期间", "还是", "如故"]
    counts = " ".join(f"{m} {text.count(m)}→{result.text.count(m)}" for m in marks)
    return (
        "### The example page (`../shared/examples/000_54dc450ac175ef12.txt`, restore only)\n\n"
        f"spun={result.spun}, spin_score={result.spin_score:.3f}, {len(result.edits)} edits. "
        f"Occurrences before→after: {counts}. `make demo` shows the full text.\n"
    )

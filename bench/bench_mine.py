"""Issue 3 benchmark: learning spinners the engine has never seen (`cunzhen mine`, `--learn`).

Each simulated spinner (bench/spinner.py: longest match, each occurrence replaced with probability 0.85) uses a
table the restorer does not ship:
- *held-out built-in*: half of the built-in table's pairs (by hash); the restorer keeps the other half;
- *rewording tool*: `../shared/lexicons/rewording-tool-synonyms.txt`, the table of a real Chinese rewording
  tool (real-word swaps such as 安全→平安 and 创新→立异, idioms, antonyms such as 被告→原告);
- *character families*: common characters written as two or three unrelated characters (人→东说念主 style)
  and single-character swaps (行→止 style), generated from the model's character frequencies.
A batch holds `n` spun documents and `n` other clean documents per genre (news, laws, tech, reviews). The miner
reads the whole batch; the restorer (the default engine's character and word models, as `--learn` runs
it) then uses its known table merged with the learned one. Measured:
- mined table *precision* among entries seen at least 5 times (an entry is right if the spinner made that
  substitution, or it is one of its substitutions inside a longer frame), and *recall* of the spinner's
  pairs seen at least 5 times in the batch;
- *repaired* = 1 - lev(restored, original) / lev(spun, original), summed over spun documents, with and without
  the learned table, and with the spinner's own table (every substitution it made in the batch: the ceiling
  for a mined table), and with its pairs seen at least 5 times only (the ceiling for a mined table with
  perfect precision and recall as measured here: rarer pairs are not counted, and hardly learnable);
  *visible*: the share of the spinner's substitutions a frequency shift can see at all (spun form >= 1.6
  times as frequent in the spun documents as in the clean ones, original <= half as frequent; a spinner
  that swaps 消息 and 新闻 both ways, or chains, hides the rest);
  *false changes* = lev(restored, original) on the clean documents per 100k characters;
- *detection*: share of spun documents flagged, and of clean ones;
- mining and restore time per MB of the batch (UTF-8), one process. With `--sample MB` the miner reads only
  an even sample of the batch (as `--learn --learn-sample MB` does) and the restorer still the whole batch;
  mining time is then per MB of the sample.

usage: python bench/bench_mine.py [--split tune] [--docs N] [--only SPINNER] [--sample MB]
(prints the Markdown section)
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tools")]

from restore_eval import make_docs  # noqa: E402
from spinner import Spinner  # noqa: E402

from cunzhen.api import builtin_table, load_lm, load_word_lm, make_decipherer, make_miner  # noqa: E402
from cunzhen.cli.mine import DEFAULT_LEARN_SAMPLE_MB, sample_texts  # noqa: E402
from cunzhen.engine.decipher.page import PageConfig, PageDecipherer  # noqa: E402
from cunzhen.engine.mine import MineConfig, Miner  # noqa: E402
from cunzhen.engine.restore import Restorer  # noqa: E402
from cunzhen.engine.table import SpinEntry, SpinTable  # noqa: E402

SHARED = ROOT.parent / "shared"
REWORDING = SHARED / "lexicons" / "rewording-tool-synonyms.txt"
GENRES = ("news", "laws", "tech", "reviews")
SPINNERS = ("held-out built-in", "rewording tool", "character families")
SPINNER_SEED = 2026  # report split
TUNE_SEED = 7  # tune split: thresholds were chosen on these batches
MIN_SEEN = 5
# Mine with the reference-frequency decipherer (what `--learn` runs) instead of the contrast miner.
DECIPHER = False
# The page-length batch: documents of at least this many characters, this many spun (and clean) per genre at
# the default 60 snippets (about 100 spun pages in all: reviews and tech have text for fewer).
LONG_CHARS = 2000
LONG_DOCS = 35


# -- simulated spinners ---------------------------------------------------------------------------------------


def _bucket(text: str) -> int:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=2).digest()[0] % 2


def held_out_builtin() -> tuple[list[tuple[str, str]], SpinTable]:
    """(spinner pairs, the restorer's known table): the built-in table split in two by a hash of the spun form."""
    spinner_pairs, known = [], SpinTable()
    for entry in builtin_table(families=False):
        if _bucket(entry.spun):
            spinner_pairs += [(o, entry.spun) for o in entry.originals]
        else:
            known.add(SpinEntry(entry.spun, list(entry.originals)))
    return spinner_pairs, known


def rewording_tool() -> list[tuple[str, str]]:
    """The rewording tool's directed pairs; an original keeps its first listed replacement, as such tools do."""
    pairs: dict[str, str] = {}
    for line in REWORDING.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("-")
        if len(parts) == 2 and parts[0] and parts[1] and parts[0] != parts[1]:
            pairs.setdefault(parts[0], parts[1])
    return list(pairs.items())


def character_families(lm, seed: int) -> list[tuple[str, str]]:
    """Common characters spun into 2-3 rarer ones (人→东说念主 style) or into one other character (行→止 style)."""
    rng = random.Random(seed)
    chars = Miner(lm).common_chars()  # most probable first
    common = chars[15:160]  # the very top (的, 是, 了) would wreck every sentence; real engines leave them
    pool = chars[200:400]
    originals = rng.sample(common, 50)
    pairs = []
    for index, original in enumerate(originals):
        length = 1 if index % 5 == 0 else rng.choice((2, 2, 3))
        spun = "".join(rng.choice(pool) for _ in range(length))
        pairs.append((original, spun))
    return pairs


def spinner_setting(name: str, lm, seed: int) -> tuple[list[tuple[str, str]], SpinTable]:
    if name == "held-out built-in":
        return held_out_builtin()
    if name == "rewording tool":
        return rewording_tool(), builtin_table()
    return character_families(lm, seed), builtin_table()


# -- one batch -----------------------------------------------------------------------------------------------


@dataclass
class BatchResult:
    spinner: str
    spun_docs: int = 0
    clean_docs: int = 0
    batch_bytes: int = 0
    mined_bytes: int = 0  # the batch, or the sample of it the miner read
    truth_pairs: int = 0  # spinner pairs seen >= MIN_SEEN times
    found_pairs: int = 0
    mined_entries: int = 0  # entries seen >= MIN_SEEN times
    mined_pairs: int = 0
    right_pairs: int = 0
    damage: int = 0
    residual_known: int = 0
    residual_learned: int = 0
    residual_true: int = 0  # restored with the spinner's own table (the ceiling for a mined one)
    residual_true_seen: int = 0  # ... with its pairs seen >= MIN_SEEN times only (the ceiling for a mined one
    # that learns every pair precision and recall count)
    visible: float = 0.0  # share of the substitutions whose form is in excess and original in deficit
    clean_chars: int = 0
    false_changes: int = 0
    spun_flagged: int = 0
    clean_flagged: int = 0
    mine_seconds: float = 0.0
    restore_seconds: float = 0.0
    wrong: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()

    @property
    def precision(self) -> float:
        return self.right_pairs / self.mined_pairs if self.mined_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.found_pairs / self.truth_pairs if self.truth_pairs else 1.0

    def repaired(self, residual: int) -> float:
        return 1 - residual / self.damage if self.damage else 1.0


def build_batch(
    split: str, n_docs: int, spinner: Spinner, min_chars: int | None = None
) -> tuple[list[tuple[str, str]], list[str], Counter]:
    """(original, spun) documents, other clean documents, and the substitutions made, per genre interleaved.

    ``min_chars``: the documents' length (consecutive paragraphs joined); by default the genre's snippet length.
    """
    spun_docs, clean_docs, truth = [], [], Counter()
    for genre in GENRES:
        docs = make_docs(genre, split, 2 * n_docs, min_chars)
        for index, doc in enumerate(docs):
            if index % 2:
                clean_docs.append(doc)
                continue
            spun, subs = spinner.spin(doc)
            if subs:
                spun_docs.append((doc, spun))
                truth.update((s.spun, s.original) for s in subs)
    return spun_docs, clean_docs, truth


def explained(pair: tuple[str, str], truth: set[tuple[str, str]]) -> bool:
    """A mined pair is right if the spinner made it, or it is a spinner pair inside a longer frame."""
    spun, original = pair
    if pair in truth:
        return True
    for true_spun, true_original in truth:
        start = spun.find(true_spun)
        while start >= 0:
            frame = (spun[:start], spun[start + len(true_spun) :])
            if original == frame[0] + true_original + frame[1]:
                return True
            start = spun.find(true_spun, start + 1)
    return False


def evaluate(
    name: str,
    split: str,
    n_docs: int,
    seed: int,
    config: MineConfig | None = None,
    sample_mb: float | None = None,
    min_chars: int | None = None,
) -> BatchResult:
    lm = load_lm()
    pairs, known = spinner_setting(name, lm, seed)
    spinner = Spinner(pairs, seed=seed)
    spun_docs, clean_docs, truth = build_batch(split, n_docs, spinner, min_chars)
    batch = [spun for _, spun in spun_docs] + clean_docs
    random.Random(seed).shuffle(batch)
    result = BatchResult(name, len(spun_docs), len(clean_docs), sum(len(d.encode("utf-8")) for d in batch))
    result.visible = visible_share(truth, [spun for _, spun in spun_docs], clean_docs)

    mined = sample_texts(batch, sample_mb) if sample_mb else batch
    result.mined_bytes = sum(len(d.encode("utf-8")) for d in mined)
    started = time.perf_counter()
    miner = make_decipherer(lm) if DECIPHER else make_miner(lm, config)
    learned, _ = miner.mine(mined, source=f"bench:{name}")
    result.mine_seconds = time.perf_counter() - started
    _score_table(result, learned, truth)

    word_lm = load_word_lm()
    known_restorer = Restorer(lm, known, name="known", word_lm=word_lm)
    learned_restorer = Restorer(lm, known.merge(learned), name="learned", word_lm=word_lm)
    started = time.perf_counter()
    for original, spun in spun_docs:
        restored = learned_restorer.restore(spun)
        result.damage += Levenshtein.distance(spun, original)
        result.residual_learned += Levenshtein.distance(restored.text, original)
        result.spun_flagged += restored.spun
    for doc in clean_docs:
        restored = learned_restorer.restore(doc)
        result.clean_chars += len(doc)
        result.false_changes += Levenshtein.distance(restored.text, doc)
        result.clean_flagged += restored.spun
    result.restore_seconds = time.perf_counter() - started
    true_restorer = Restorer(lm, known.merge(true_table(truth)), name="true", word_lm=word_lm)
    seen = Counter({pair: count for pair, count in truth.items() if count >= MIN_SEEN})
    seen_restorer = Restorer(lm, known.merge(true_table(seen)), name="true, seen", word_lm=word_lm)
    for original, spun in spun_docs:
        result.residual_known += Levenshtein.distance(known_restorer.restore(spun).text, original)
        result.residual_true += Levenshtein.distance(true_restorer.restore(spun).text, original)
        result.residual_true_seen += Levenshtein.distance(seen_restorer.restore(spun).text, original)
    return result


def visible_share(truth: Counter, spun_docs: list[str], clean_docs: list[str]) -> float:
    """Share of the substitutions a frequency shift can see: the spun form at least 1.6 times as frequent in
    the spun documents as in the clean ones, the original at most half as frequent (the miner's thresholds,
    without its smoothing). Chains and swaps (消息↔新闻) hide the rest."""
    spun_text, clean_text = "\n".join(spun_docs), "\n".join(clean_docs)
    scale = len(spun_text) / max(len(clean_text), 1)
    seen = 0
    for (form, original), count in truth.items():
        excess = spun_text.count(form) >= 1.6 * (clean_text.count(form) + 0.5) * scale
        deficit = spun_text.count(original) <= 0.5 * clean_text.count(original) * scale
        seen += count * (excess and deficit)
    return seen / max(sum(truth.values()), 1)


def true_table(truth: Counter) -> SpinTable:
    """The spinner's substitutions in the batch as a table, originals by frequency."""
    originals: dict[str, Counter] = {}
    for (spun, original), count in truth.items():
        originals.setdefault(spun, Counter())[original] += count
    table = SpinTable()
    for spun, counts in originals.items():
        table.add(SpinEntry(spun, [o for o, _ in counts.most_common()], sum(counts.values())))
    return table


def _score_table(result: BatchResult, learned: SpinTable, truth: Counter) -> None:
    every_pair = set(truth)
    seen = {pair for pair, count in truth.items() if count >= MIN_SEEN}
    mined = [(e.spun, o) for e in learned if e.count >= MIN_SEEN for o in e.originals]
    result.mined_entries = sum(1 for e in learned if e.count >= MIN_SEEN)
    result.mined_pairs = len(mined)
    right = [p for p in mined if explained(p, every_pair)]
    result.right_pairs = len(right)
    result.wrong = tuple(f"{s}→{o}" for s, o in mined if (s, o) not in set(right))
    learned_pairs = set(learned.pairs())
    found = {p for p in seen if p in learned_pairs or any(explained(q, {p}) for q in learned_pairs)}
    result.truth_pairs, result.found_pairs = len(seen), len(found)
    result.missed = tuple(f"{s}→{o}×{truth[(s, o)]}" for s, o in sorted(seen - found, key=lambda p: -truth[p]))


# -- one page, no batch -------------------------------------------------------------------------------------

PAGE_DOCS = 20  # spun and clean pages per genre


@dataclass
class PageResult:
    spinner: str
    pages: int = 0
    clean_pages: int = 0
    damage: int = 0
    residual: int = 0
    residual_seen: int = 0  # restored with the spinner's own entries for the forms a page shows often enough
    flagged: int = 0
    clean_chars: int = 0
    false_changes: int = 0
    clean_flagged: int = 0
    seconds: float = 0.0


def seen_on_page(page: str, pairs: list[tuple[str, str]]) -> SpinTable:
    """The spinner's own entries for the forms of 2+ characters this page holds ``PageConfig.min_contexts``
    times or more: the most a page's frequencies can teach (a form seen once is no pattern)."""
    table = SpinTable()
    for original, spun in pairs:
        if len(spun) >= PageConfig.min_len and page.count(spun) >= PageConfig.min_contexts:
            table.add(SpinEntry(spun, [original]))
    return table


def evaluate_pages(name: str, split: str, seed: int, n_docs: int = PAGE_DOCS) -> PageResult:
    """Each page deciphered alone (``PageDecipherer``) and restored with its own table and the known one."""
    lm, word_lm = load_lm(), load_word_lm()
    page = PageDecipherer(lm)
    pairs, known = spinner_setting(name, lm, seed)
    spun_docs, clean_docs, _ = build_batch(split, n_docs, Spinner(pairs, seed=seed))
    result = PageResult(name, len(spun_docs), len(clean_docs))
    started = time.perf_counter()
    for original, spun in spun_docs:
        restored = Restorer(lm, known.merge(page.learn(spun)), word_lm=word_lm).restore(spun)
        result.damage += Levenshtein.distance(spun, original)
        result.residual += Levenshtein.distance(restored.text, original)
        result.flagged += restored.spun
    for doc in clean_docs:
        restored = Restorer(lm, known.merge(page.learn(doc)), word_lm=word_lm).restore(doc)
        result.clean_chars += len(doc)
        result.false_changes += Levenshtein.distance(restored.text, doc)
        result.clean_flagged += restored.spun
    result.seconds = time.perf_counter() - started
    for original, spun in spun_docs:
        seen = Restorer(lm, known.merge(seen_on_page(spun, pairs)), word_lm=word_lm).restore(spun)
        result.residual_seen += Levenshtein.distance(seen.text, original)
    return result


def page_section(results: list[PageResult], n_docs: int) -> str:
    lines = [
        "### One page, no batch (`cunzhen.engine.decipher.page`)\n",
        f"{n_docs} spun and {n_docs} clean pages per genre, each deciphered alone (a page's recurring rare "
        "strings read by the model as common characters) and restored with its own table and the known one. "
        "*Seen on the page*: repaired with the spinner's own entries for the forms (2+ characters) the page "
        f"holds at least {PageConfig.min_contexts} times, the most a page's frequencies can show; the benchmark's "
        "pages are short (~600 characters) and most family forms occur once or twice on one.\n",
        "| spinner | pages spun/clean | repaired | repaired, own entries seen on the page | spun flagged "
        "| clean flagged | false changes /100k chars | s/page |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        repaired = 1 - r.residual / r.damage if r.damage else 1.0
        seen = 1 - r.residual_seen / r.damage if r.damage else 1.0
        lines.append(
            f"| {r.spinner} | {r.pages}/{r.clean_pages} | {repaired:.3f} | {seen:.3f} | {r.flagged / r.pages:.1%} "
            f"| {r.clean_flagged / r.clean_pages:.1%} | {r.false_changes / r.clean_chars * 1e5:.2f} "
            f"| {r.seconds / (r.pages + r.clean_pages):.2f} |"
        )
    return "\n".join(lines) + "\n"


# -- a run at crawl scale (timing only) ----------------------------------------------------------------------

CRAWL_MB = 40.0


def crawl_timing(seed: int, crawl_mb: float = CRAWL_MB) -> str:
    """What `--learn` costs in a run: mining its bounded sample against restoring the whole input.

    The input is bigger than the tune and report splits hold, so it is built from the *train* split (the text
    the model was trained on): timing only, no quality figure is read from it. Half the documents are spun by
    the held-out spinner, the order is shuffled, and the run is the one `cunzhen restore --learn` makes: an
    even sample of at most ``DEFAULT_LEARN_SAMPLE_MB`` mined, then every document restored by the default
    engine (built-in table, word model) with the learned table added. One process.
    """
    from cunzhen.api import make_restorer

    lm = load_lm()
    pairs, _ = spinner_setting("held-out built-in", lm, seed)
    spinner = Spinner(pairs, seed=seed)
    docs, size = [], 0
    per_genre = int(crawl_mb * 1e6 / 3 / 1500)  # ~1500 bytes a document; news, laws and tech share the input
    for genre in ("news", "laws", "tech"):
        for index, doc in enumerate(make_docs(genre, "train", per_genre)):
            docs.append(spinner.spin(doc)[0] if index % 2 == 0 else doc)
            size += len(docs[-1].encode("utf-8"))
    random.Random(seed).shuffle(docs)
    started = time.perf_counter()
    sample = sample_texts(docs, DEFAULT_LEARN_SAMPLE_MB)
    learned, _ = make_miner(lm).mine(sample, source="bench:crawl")
    mine_seconds = time.perf_counter() - started
    sample_mb = sum(len(d.encode("utf-8")) for d in sample) / 1e6
    restorer = make_restorer(tables=[learned])
    started = time.perf_counter()
    for doc in docs:
        restorer.restore(doc)
    restore_seconds = time.perf_counter() - started
    return (
        "### A `--learn` run at crawl scale (timing only)\n\n"
        + crawl_timing.__doc__.split("\n\n", 1)[1].strip().replace("\n    ", "\n")
        + "\n\n| input | documents | sample mined | mining | restoring | mining / restoring |\n"
        "|---|---|---|---|---|---|\n"
        f"| {size / 1e6:.1f} MB | {len(docs)} | {sample_mb:.1f} MB | {mine_seconds:.1f} s | "
        f"{restore_seconds:.1f} s | {mine_seconds / restore_seconds:.2f} |\n"
    )


# -- report --------------------------------------------------------------------------------------------------


def _row(r: BatchResult) -> str:
    mb = r.batch_bytes / 1e6
    return (
        f"| {r.spinner} | {r.spun_docs}/{r.clean_docs} | {r.mined_entries} | {r.precision:.1%} | {r.recall:.1%} "
        f"| {r.repaired(r.residual_known):.3f} | {r.repaired(r.residual_learned):.3f} "
        f"| {r.visible:.0%} | {r.repaired(r.residual_true):.3f} | {r.repaired(r.residual_true_seen):.3f} "
        f"| {r.false_changes / r.clean_chars * 1e5 if r.clean_chars else 0:.2f} "
        f"| {r.spun_flagged / r.spun_docs:.1%} | {r.clean_flagged / r.clean_docs:.2%} "
        f"| {r.mine_seconds / (r.mined_bytes / 1e6):.2f} | {r.restore_seconds / mb:.2f} |"
    )


TARGETS = (
    "Targets (a batch of >= 100 of the spinner's documents among clean ones): precision >= 90%; with `--learn` "
    "repaired >= 0.8, false changes <= 1 per 100k characters, >= 99% of spun documents flagged and <= 0.5% of "
    "clean ones; mining no slower than restoring. Mining a batch costs several times the restore pass per MB; "
    f"`--learn` therefore mines an even sample of at most {DEFAULT_LEARN_SAMPLE_MB:g} MB (`--learn-sample`), a "
    "fixed cost, while the restore pass grows with the input: see *A `--learn` run at crawl scale* below.\n"
)


def section(
    results: list[BatchResult],
    split: str,
    n_docs: int,
    seed: int = SPINNER_SEED,
    sample_mb: float | None = None,
    min_chars: int | None = None,
) -> str:
    length = (
        f"page-length documents (paragraphs joined to >= {min_chars} characters; the review and tech genres run "
        "out of text first, so they hold fewer)"
        if min_chars
        else "snippets (paragraphs joined to >= 300-500 characters)"
    )
    lines = [
        f"Split `{split}`, {n_docs} spun + {n_docs} clean {length} per genre, spinner seed {seed}; "
        "miner defaults (`MineConfig()`), restorer defaults (`RestoreConfig()`)"
        + (f"; the miner read an even sample of at most {sample_mb:g} MB of each batch" if sample_mb else "")
        + ".\n",
        "| spinner | docs spun/clean | entries (seen >= 5) | precision | recall | repaired, known table "
        "| repaired, `--learn` | visible | repaired, true table | ..., its pairs seen >= 5 | false changes /100k "
        "chars | spun flagged | clean flagged | mine s/MB | restore s/MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_row(r) for r in results]
    lines.append("")
    for r in results:
        if r.wrong:
            lines.append(f"- {r.spinner}, wrong entries: {' '.join(r.wrong[:15])}")
        if r.missed:
            lines.append(f"- {r.spinner}, most frequent missed pairs: {' '.join(r.missed[:15])}")
    return "\n".join(lines) + "\n"


def run(
    quick: bool = False, split: str = "report", n_docs: int | None = None, only=None, sample_mb: float | None = None
) -> str:
    n = n_docs or (30 if quick else 60)
    seed = SPINNER_SEED if split == "report" else TUNE_SEED
    names = only or SPINNERS
    snippets = [evaluate(name, split, n, seed, sample_mb=sample_mb) for name in names]
    n_long = n * LONG_DOCS // 60
    long = [evaluate(name, split, n_long, seed, sample_mb=sample_mb, min_chars=LONG_CHARS) for name in names]
    page_docs = PAGE_DOCS // 2 if quick else PAGE_DOCS
    pages = [evaluate_pages(name, split, seed, page_docs) for name in names if name != "rewording tool"]
    crawl = crawl_timing(seed, CRAWL_MB / 4 if quick else CRAWL_MB)
    return "\n".join(
        [
            "## Mine: learning unseen spinners (issue 3)\n",
            __doc__.split("\n\n", 1)[1].split("\nusage:")[0].strip() + "\n",
            "### A batch of snippets\n",
            section(snippets, split, n, seed, sample_mb),
            "### A batch of page-length documents\n",
            "A site farm's page holds a whole article (the example page has 7,678 characters), so a batch of 100 "
            "of its pages holds several times the text of the snippets above, and each page more evidence.\n",
            section(long, split, n_long, seed, sample_mb, LONG_CHARS),
            TARGETS,
            page_section(pages, page_docs),
            crawl,
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="report", choices=("tune", "report"))
    parser.add_argument("--docs", type=int, default=None, help="spun (and clean) documents per genre")
    parser.add_argument("--only", nargs="*", default=None, choices=SPINNERS)
    parser.add_argument("--sample", type=float, default=None, metavar="MB", help="mine an even sample of the batch")
    parser.add_argument("--decipher", action="store_true", help="mine with the decipherer (`--learn`'s miner)")
    parser.add_argument("--snippets", action="store_true", help="the snippet batches only (one table)")
    args = parser.parse_args()
    global DECIPHER
    DECIPHER = args.decipher
    if args.snippets:
        n = args.docs or 60
        seed = SPINNER_SEED if args.split == "report" else TUNE_SEED
        results = [evaluate(name, args.split, n, seed, sample_mb=args.sample) for name in args.only or SPINNERS]
        print(section(results, args.split, n, seed, args.sample))
        return 0
    print(run(split=args.split, n_docs=args.docs, only=args.only, sample_mb=args.sample))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Check a page cleaner on the real farm and clean pages of ../shared/realpages (issue 13).

``check_pages(clean_fn)`` runs ``clean_fn`` on every page and says, per page, what its check asks:
- a polluted page (``spun/NNN.txt``) passes a ``gone`` check when none of its strings (or ``re:`` patterns) is
  left in the output text and it was not dropped (the article is to be kept), and a ``flag`` check when it is
  judged polluted (spun, dropped, or flagged). Each check's
  strings are split by the kind of pollution behind them (``realpages_kinds.tsv``), so a page is also scored
  per kind: 042's injected keyword can be gone while its spun words are the restorer's to repair;
- a clean page (``clean/NNN.txt``) is *harmed* when it is dropped, flagged, gets a spin edit or a
  script/look-alike repair, or loses a span as anything but ``template`` (footers and breadcrumbs may go) or
  ``duplicate`` (a line repeated verbatim). Its article characters (content characters outside those cuts)
  lost to other cuts are counted too.

``clean_fn`` takes a record ``{"id", "url", "text"}`` and returns the output record of ``cunzhen clean``
(``text`` and a ``cunzhen`` object); ``engine_clean_fn()`` gives the bundled engine's.

usage: python tools/realpages.py [--json] [-v]   print the figures per kind (and per page with -v)
       python tools/realpages.py --raise-floor    write today's figures as the gate's floors
                                                  (refused where a figure is worse, unless --allow-regression)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REALPAGES = ROOT.parent / "shared" / "realpages"
KINDS_FILE = Path(__file__).with_name("realpages_kinds.tsv")
FLOOR_FILE = ROOT / "tests" / "data" / "realpages_floor.json"
CONTENT = re.compile(r"[\w\u3400-\u9fff]")

# Kinds the page cleaner answers for; spin (and the spinner-like rewrites a language model or translation
# leaves) are the restorer's and miner's, counted apart.
RESTORER_KINDS = frozenset({"spin", "back_translation", "char_deletion", "sentence_salad"})
KNOWN_KINDS = RESTORER_KINDS | {
    "pinyin",
    "script",
    "lookalike",
    "jammer",
    "noise",
    "fragment",
    "keyword",
    "keyword_list",
    "watermark",
    "punct_split",
    "site_name",
}

# Cuts a clean page may take: site template, and a line repeated verbatim (its first occurrence stays, so
# nothing of the article is lost: clean/012 repeats a photo caption under each photo), and characters that render
# as nothing (a zero-width space: the text a reader sees is the same).
ALLOWED_CUTS = frozenset({"template", "duplicate", "invisible"})

CleanFn = Callable[[dict], dict]


@dataclass(frozen=True)
class Check:
    file: str
    kind: str
    strings: tuple[str, ...]  # empty for a flag check


@dataclass
class PageResult:
    file: str
    label: str  # spun | clean
    url: str
    verdict: str
    # Polluted pages: per kind, the strings still left ([] = that kind's pollution is gone; for flag, ["-"]).
    left: dict[str, list[str]] = field(default_factory=dict)
    # Clean pages: why the page counts as harmed ([] = not harmed), and article characters lost.
    harm: list[str] = field(default_factory=list)
    article_chars: int = 0
    chars_lost: int = 0

    @property
    def passed(self) -> bool:
        if self.label == "clean":
            return not self.harm
        return not any(self.left.values())


def corpus_sha256() -> str:
    """One digest of the pages and their checks: a gate's floors hold for this material only."""
    digest = hashlib.sha256()
    for path in sorted([REALPAGES / "checks.tsv", REALPAGES / "index.tsv", *REALPAGES.glob("*/*.txt")]):
        digest.update(str(path.relative_to(REALPAGES)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _rows(path: Path) -> list[list[str]]:
    rows = [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [row for row in rows if row[0] and not row[0].startswith("#")]
    return rows[1:]  # the header


def load_index() -> dict[str, dict[str, str]]:
    """file -> its index.tsv row (label, family, url, topic, spun_forms_seen)."""
    header = ["file", "label", "family", "url", "topic", "spun_forms_seen"]
    return {row[0]: dict(zip(header, row, strict=False)) for row in _rows(REALPAGES / "index.tsv")}


def load_checks() -> dict[str, tuple[str, tuple[str, ...]]]:
    """file -> (gone | flag, strings) as checks.tsv states them."""
    out = {}
    for file, check, strings in _rows(REALPAGES / "checks.tsv"):
        out[file] = (check, () if check == "flag" else tuple(strings.split("|")))
    return out


def load_kinds() -> list[Check]:
    return [
        Check(file, kind, () if strings == "-" else tuple(strings.split("|")))
        for file, kind, strings in _rows(KINDS_FILE)
    ]


def left_strings(text: str, strings: tuple[str, ...]) -> list[str]:
    """The strings (or re: patterns) still found in ``text``."""
    left = []
    for s in strings:
        found = re.search(s[3:], text) if s.startswith("re:") else s in text
        if found:
            left.append(s)
    return left


def _is_flagged(meta: dict) -> bool:
    """Judged polluted: spun, dropped, or given a page flag (``garbled``: characters dropped throughout)."""
    return bool(meta.get("spun")) or meta.get("verdict") == "drop" or bool(meta.get("flags"))


def _harm(meta: dict) -> list[str]:
    harm = []
    if meta.get("verdict") == "drop":
        harm.append("dropped:" + ",".join(meta.get("reasons") or []))
    if meta.get("edits"):
        harm.append(f"spin_edits:{len(meta['edits'])}")
    if meta.get("repairs"):
        harm.append(f"repairs:{len(meta['repairs'])}")
    if meta.get("flags"):
        harm.append("flagged:" + ",".join(meta["flags"]))
    cut = [r for r in meta.get("removed") or () if r.get("kind") not in ALLOWED_CUTS]
    if cut:
        harm.append("cut:" + ",".join(sorted({r["reason"] for r in cut})))
    return harm


def check_pages(clean_fn: CleanFn) -> list[PageResult]:
    """Every page of ../shared/realpages through ``clean_fn``, polluted pages first."""
    index, checks = load_index(), load_checks()
    kinds: dict[str, list[Check]] = defaultdict(list)
    for check in load_kinds():
        kinds[check.file].append(check)
    results = []
    for file, row in sorted(index.items(), key=lambda item: (item[1]["label"] != "spun", item[0])):
        text = (REALPAGES / file).read_text(encoding="utf-8")
        out = clean_fn({"id": file, "url": row["url"], "text": text})
        meta = out.get("cunzhen") or {}
        result = PageResult(file, row["label"], row["url"], meta.get("verdict", "error" if "error" in out else "?"))
        if row["label"] == "spun":
            kind_checks = kinds.get(file) or [Check(file, "unknown", checks[file][1])]
            for check in kind_checks:
                if checks[file][0] == "flag":
                    result.left[check.kind] = [] if _is_flagged(meta) else ["-"]
                elif meta.get("verdict") == "drop":
                    # Pollution is to be cut out of the article, not the article dropped with it.
                    result.left[check.kind] = ["dropped"]
                else:
                    result.left[check.kind] = left_strings(out.get("text") or "", check.strings)
        else:
            result.harm = _harm(meta)
            result.article_chars, result.chars_lost = _article_loss(text, meta)
        results.append(result)
    return results


def _article_loss(text: str, meta: dict) -> tuple[int, int]:
    """(article characters, those lost): content characters outside template cuts, and those inside other cuts
    (all of them when the page is dropped)."""
    removed = meta.get("removed") or ()
    extracted = text.replace("\r\n", "\n").replace("\r", "\n")
    template = sum(len(CONTENT.findall(r["text"])) for r in removed if r.get("kind") in ALLOWED_CUTS)
    article = len(CONTENT.findall(extracted)) - template
    if meta.get("verdict") == "drop":
        return article, article
    return article, sum(len(CONTENT.findall(r["text"])) for r in removed if r.get("kind") not in ALLOWED_CUTS)


@dataclass
class KindFigure:
    kind: str
    pages: int = 0
    gone: int = 0
    failing: list[str] = field(default_factory=list)


def figures(results: list[PageResult]) -> dict:
    """Counts for a gate or a table: per kind, polluted pages whose pollution of that kind is gone, and the
    clean pages harmed; ``cleaner`` and ``restorer`` sum the kinds each answers for."""
    per_kind: dict[str, KindFigure] = {}
    for r in results:
        for kind, left in r.left.items():
            fig = per_kind.setdefault(kind, KindFigure(kind))
            fig.pages += 1
            if left:
                fig.failing.append(r.file)
            else:
                fig.gone += 1
    clean = [r for r in results if r.label == "clean"]
    polluted = [r for r in results if r.label == "spun"]
    cleaner = [f for k, f in per_kind.items() if k not in RESTORER_KINDS]
    return {
        "kinds": {k: asdict(f) for k, f in sorted(per_kind.items())},
        "polluted_pages": len(polluted),
        "polluted_pages_passed": sum(r.passed for r in polluted),
        # Polluted pages whose cleaner kinds are all gone (their spun words may remain).
        "cleaner_pages": sum(any(k not in RESTORER_KINDS for k in r.left) for r in polluted),
        "cleaner_pages_passed": sum(
            all(not v for k, v in r.left.items() if k not in RESTORER_KINDS)
            for r in polluted
            if any(k not in RESTORER_KINDS for k in r.left)
        ),
        "cleaner_checks": sum(f.pages for f in cleaner),
        "cleaner_checks_gone": sum(f.gone for f in cleaner),
        "clean_pages": len(clean),
        "clean_harmed": sum(bool(r.harm) for r in clean),
        "clean_harmed_files": [f"{r.file}: {'; '.join(r.harm)}" for r in clean if r.harm],
        "clean_article_chars": sum(r.article_chars for r in clean),
        "clean_chars_lost": sum(r.chars_lost for r in clean),
        "clean_max_loss_share": max((r.chars_lost / max(1, r.article_chars) for r in clean), default=0.0),
    }


def engine_clean_fn(site_pass: bool = False) -> CleanFn:
    """The bundled engine as `cunzhen clean` runs it (without ``--site-pass``)."""
    from cunzhen.api import default_restorer
    from cunzhen.steps.clean import clean_record, make_page_cleaner

    cleaner = make_page_cleaner(default_restorer())
    return lambda record: clean_record(record, cleaner)


def markdown(fig: dict) -> str:
    lines = [
        "| kind | polluted pages | pollution gone | pages still polluted |",
        "| --- | ---: | ---: | --- |",
    ]
    for kind, f in fig["kinds"].items():
        owner = " (restorer)" if kind in RESTORER_KINDS else ""
        failing = ", ".join(p.removeprefix("spun/").removesuffix(".txt") for p in f["failing"])
        lines.append(f"| {kind}{owner} | {f['pages']} | {f['gone']} | {failing} |")
    lines.append("")
    lines.append(
        f"Polluted pages with every kind gone: {fig['polluted_pages_passed']}/{fig['polluted_pages']}; "
        f"with every page-cleaner kind gone: {fig['cleaner_pages_passed']}/{fig['cleaner_pages']} "
        f"({fig['cleaner_checks_gone']}/{fig['cleaner_checks']} page-kind checks). Clean pages harmed: "
        f"{fig['clean_harmed']}/{fig['clean_pages']}; article characters lost on clean pages: "
        f"{fig['clean_chars_lost']}/{fig['clean_article_chars']} (worst page "
        f"{100 * fig['clean_max_loss_share']:.2f}%)."
    )
    for harmed in fig["clean_harmed_files"]:
        lines.append(f"- harmed: {harmed}")
    return "\n".join(lines) + "\n"


def floor_regressions(fig: dict, floor: dict) -> list[str]:
    """Where ``fig`` is worse than the recorded ``floor`` (empty: the gate passes)."""
    problems = []
    for kind, gone in floor["kinds_gone"].items():
        now = fig["kinds"].get(kind, {}).get("gone", 0)
        if now < gone:
            problems.append(f"{kind}: {now} pages with the pollution gone, floor {gone}")
    if fig["cleaner_checks_gone"] < floor["cleaner_checks_gone"]:
        problems.append(f"page-cleaner checks gone {fig['cleaner_checks_gone']} < floor {floor['cleaner_checks_gone']}")
    if fig["clean_harmed"] > floor["clean_harmed_max"]:
        problems.append(
            f"clean pages harmed {fig['clean_harmed']} > {floor['clean_harmed_max']}: "
            + "; ".join(fig["clean_harmed_files"])
        )
    if fig["clean_chars_lost"] > floor["clean_chars_lost_max"]:
        problems.append(
            f"article characters lost on clean pages {fig['clean_chars_lost']} > {floor['clean_chars_lost_max']}"
        )
    return problems


def raise_floor(fig: dict, allow_regression: bool) -> dict:
    """The floor file with today's figures; refused (SystemExit) where one is worse, unless allowed."""
    floor = json.loads(FLOOR_FILE.read_text(encoding="utf-8"))
    problems = floor_regressions(fig, floor) if floor.get("corpus_sha256") == corpus_sha256() else []
    if problems and not allow_regression:
        raise SystemExit("refusing to lower the floor:\n" + "\n".join(problems))
    floor.update(
        corpus_sha256=corpus_sha256(),
        kinds_gone={k: f["gone"] for k, f in fig["kinds"].items()},
        cleaner_checks_gone=fig["cleaner_checks_gone"],
        clean_harmed_max=fig["clean_harmed"],
        clean_chars_lost_max=fig["clean_chars_lost"],
    )
    FLOOR_FILE.write_text(json.dumps(floor, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return floor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print every page's result")
    parser.add_argument("--raise-floor", action="store_true", help="write the figures as the gate's floors")
    parser.add_argument("--allow-regression", action="store_true", help="with --raise-floor: even if worse")
    args = parser.parse_args()
    results = check_pages(engine_clean_fn())
    fig = figures(results)
    if args.verbose:
        for r in results:
            detail = r.harm if r.label == "clean" else {k: v for k, v in r.left.items() if v}
            print(f"{'ok  ' if r.passed else 'FAIL'} {r.file} {r.verdict} {detail}", file=sys.stderr)
    print(json.dumps(fig, ensure_ascii=False, indent=1) if args.json else markdown(fig))
    if args.raise_floor:
        raise_floor(fig, args.allow_regression)
        print(f"floors written to {FLOOR_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

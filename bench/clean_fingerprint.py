"""Full outputs of the page cleaner over a few hundred pages, to prove that a speed-up changes no output.

Writes one JSON line per page (text, verdict, reasons, removed spans, repairs, edits, flags, script, language)
for: every page of ../shared/realpages as `cunzhen clean` runs it (with its URL, so site evidence applies);
synthetic site-farm and clean pages of bench_clean.py (tune split, page by page, then as a batch: the strings a
SpamMemory learned and each page cleaned again with them); the speed pages of bench_clean.speed(); the example
page. Run it before and after a change and compare the files (``cmp``, or ``--compare OLD`` to name the first
page that differs).

usage: python bench/clean_fingerprint.py OUT.jsonl [--pages N] [--compare OLD.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tools")]

import realpages  # noqa: E402
from bench_clean import EXAMPLE, GENRES, PageMaker  # noqa: E402

from cunzhen.api import default_restorer  # noqa: E402
from cunzhen.engine.spam import SpamMemory, SpamPhrase  # noqa: E402
from cunzhen.steps.clean import clean_record, make_page_cleaner  # noqa: E402


def _line(name: str, result) -> str:
    out = {"page": name, "text": result.text, "extracted": result.extracted, **result.as_dict()}
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def fingerprint(pages: int) -> list[str]:
    restorer = default_restorer()
    out: list[str] = []
    cleaner = make_page_cleaner(restorer)
    for file, row in sorted(realpages.load_index().items()):
        text = (realpages.REALPAGES / file).read_text(encoding="utf-8")
        record = clean_record({"id": file, "url": row["url"], "text": text}, cleaner)
        out.append(json.dumps({"page": file, **record}, ensure_ascii=False, sort_keys=True))
    out.append(_line("example", cleaner.clean(EXAMPLE.read_text(encoding="utf-8"))))
    memory = SpamMemory.for_detector(cleaner.spam)
    for file in sorted(realpages.load_index()):
        cleaner.remember(memory, (realpages.REALPAGES / file).read_text(encoding="utf-8"))
    out.append(json.dumps({"page": "realpages-learned", "learned": memory.learned()}, ensure_ascii=False))

    maker = PageMaker("tune", 11)
    cleaner = make_page_cleaner(restorer, lexicon=[SpamPhrase(p, "porn") for p in maker.known])
    texts = []
    for i in range(pages):
        genre = GENRES[i % len(GENRES)]
        texts.append(maker.farm_page(genre, 2500, spin=i % 2 == 0).text)
        texts.append(maker.clean_page(genre, 2500).text)
    for i, text in enumerate(texts):
        out.append(_line(f"tune-{i}", cleaner.clean(text)))
    memory = SpamMemory.for_detector(cleaner.spam)
    for text in texts:
        cleaner.remember(memory, text)
    learned = memory.learned()
    out.append(json.dumps({"page": "tune-learned", "learned": learned}, ensure_ascii=False))
    cleaner.spam.learn(learned)
    for i, text in enumerate(texts):
        out.append(_line(f"tune-batch-{i}", cleaner.clean(text)))

    maker = PageMaker("report", 5)
    cleaner = make_page_cleaner(restorer, lexicon=[SpamPhrase(p, "porn") for p in maker.known])
    for i in range(pages):
        genre = GENRES[i % len(GENRES)]
        page = maker.farm_page(genre, 6300, spin=True) if i % 10 == 0 else maker.clean_page(genre, 6600)
        out.append(_line(f"speed-{i}", cleaner.clean(page.text)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=60, help="synthetic pages of each kind (default 60)")
    parser.add_argument("--compare", type=Path, help="a previous output: name the first page that differs")
    args = parser.parse_args()
    lines = fingerprint(args.pages)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} pages written to {args.out}")
    if args.compare:
        old = args.compare.read_text(encoding="utf-8").splitlines()
        differ = [json.loads(a)["page"] for a, b in zip(old, lines, strict=False) if a != b]
        if len(old) != len(lines) or differ:
            print(f"DIFFERENT: {len(differ)} pages ({', '.join(differ[:10])}); {len(old)} vs {len(lines)} lines")
            return 1
        print("identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())

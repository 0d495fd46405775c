"""Wrap a plain-text page as one JSONL record (id = file name) for the demo."""

import json
import sys
from pathlib import Path

for name in sys.argv[1:]:
    path = Path(name)
    print(json.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8")}, ensure_ascii=False))

"""Print each output record of a run for a human: verdict, edits (before → after) and the text."""

import json
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    records = [json.loads(line) for line in f]
for record in records:
    meta = record.get("cunzhen", {})
    print(
        f"== {record.get('id')}  spun={meta.get('spun')} spin_score={meta.get('spin_score')}"
        f" verdict={meta.get('verdict', '-')} error={record.get('error', '-')}"
    )
    for span in meta.get("removed", []):
        print(f"   removed [{span['kind']}] {span['text']!r}")
    edits = meta.get("edits", [])
    print(f"   {len(edits)} edits: " + ", ".join(f"{e['before']}→{e['after']}" for e in edits[:60]))
    print(record.get("text", ""))

#!/usr/bin/env bash
# Record the sha256 of every bundled table in src/cunzhen/data/SHA256SUMS (run after editing a table;
# the engine refuses a table whose checksum does not match). Language models carry their own in NAME.json.
set -euo pipefail
cd "$(dirname "$0")/../src/cunzhen/data"
find . -maxdepth 1 -type f \( -name '*.tsv' -o -name '*.tsv.gz' -o -name '*.txt' \) -printf '%P\n' | sort | xargs sha256sum > SHA256SUMS
cat SHA256SUMS

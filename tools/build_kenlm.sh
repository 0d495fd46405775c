#!/usr/bin/env bash
# Build KenLM's trainer (lmplz) and build_binary from the kenlm sdist on PyPI.
# Why: PyPI wheels ship only the query side; `cunzhen lm train` needs lmplz.
# Usage: tools/build_kenlm.sh BIN_DIR   (installs lmplz and build_binary into BIN_DIR)
set -euo pipefail
bin_dir=$(realpath "$1")
if [ -x "$bin_dir/lmplz" ] && [ -x "$bin_dir/build_binary" ]; then exit 0; fi
need=""
for p in libboost-program-options-dev libboost-system-dev libboost-thread-dev libboost-test-dev \
         zlib1g-dev libbz2-dev liblzma-dev cmake; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --no-binary kenlm -d "$work" "kenlm==0.3.0"
tar -xzf "$work"/kenlm-*.tar.gz -C "$work"
src=$(find "$work" -maxdepth 1 -type d -name 'kenlm-*' | head -1)
# Compiler warnings from KenLM's sources are noise here; show the log only if the build fails.
if ! { cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DKENLM_MAX_ORDER=6 &&
       cmake --build "$work/build" --target lmplz build_binary -j "$(nproc)"; } >"$work/build.log" 2>&1; then
  tail -50 "$work/build.log"; exit 1
fi
mkdir -p "$bin_dir"
cp "$work/build/bin/lmplz" "$work/build/bin/build_binary" "$bin_dir/"
echo "built lmplz and build_binary into $bin_dir"

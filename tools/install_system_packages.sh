#!/usr/bin/env bash
# Debian packages the project needs: boost and cmake to build KenLM's trainer, Chromium and its driver
# for the review app's browser test, a small Chinese font so its screenshots show the text. Installs only what
# is missing; needs root (CI and dev machines are). libime-data-language-model is the word model the restorer
# uses beside its own character model (engine/wordlm.py).
set -euo pipefail
packages=(cmake libboost-program-options-dev libboost-system-dev libboost-thread-dev libboost-test-dev
          zlib1g-dev libbz2-dev liblzma-dev chromium chromium-driver fonts-wqy-microhei
          libime-data-language-model)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

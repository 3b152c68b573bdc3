#!/usr/bin/env bash
# The README's test command: set up a fresh Debian 12 machine, check formatting (first: it fails in seconds), build
# the release preset, run clang-tidy over it (cached, time-bounded: scripts/check-tidy.sh), run every ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/check-format.sh
cmake --preset release
cmake --build --preset release
bash scripts/check-tidy.sh
ctest --preset release "$@"
# Bounded libFuzzer runs (about a minute per target) with clang in build/fuzz.
bash scripts/fuzz.sh

#!/usr/bin/env bash
# The README's test command: set up a fresh Debian 12 machine, build the release preset, run every ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release
cmake --build --preset release
ctest --preset release "$@"
# Bounded libFuzzer runs (about a minute per target) with clang in build/fuzz.
bash scripts/fuzz.sh

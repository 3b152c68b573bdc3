#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy; Debian 12's clang-tidy 14, installed by scripts/setup.sh) over every pushsim unit of
# the release build's compile_commands.json, two at a time, and exits 1 on any finding.
#   scripts/check-tidy.sh                    what scripts/test.sh runs after the build
#   scripts/check-tidy.sh FILE.cpp...        only these units
#   scripts/check-tidy.sh --no-cache         check everything again
# Bounded: it stops starting units after PUSHSIM_TIDY_BUDGET_S seconds (default 270) and names the ones it did not
# reach. Units found clean are remembered by the hash of everything they read (PUSHSIM_TIDY_CACHE, default
# ~/.cache/pushsim-tidy), so a run re-checks only what changed. The build must have run (it reads ninja's deps).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-tidy >/dev/null || { echo "check-tidy: clang-tidy not found (run scripts/setup.sh)" >&2; exit 2; }
[ -f build/release/compile_commands.json ] || { echo "check-tidy: no build/release/compile_commands.json (cmake --preset release)" >&2; exit 2; }
exec python3 scripts/check_tidy.py "$@"

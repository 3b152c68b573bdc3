#!/usr/bin/env bash
# Lists the C++ files (tracked by git) that clang-format would change under .clang-format; exits 1 if any.
#   scripts/check-format.sh          check only (what scripts/test.sh runs first)
#   scripts/check-format.sh --fix    reformat those files in place
# Needs clang-format 14 (Debian 12's `clang-format`, installed by scripts/setup.sh): other versions format differently.
set -euo pipefail
cd "$(dirname "$0")/.."
fix=0
case "${1:-}" in
  --fix) fix=1 ;;
  "") ;;
  *) echo "usage: scripts/check-format.sh [--fix]" >&2; exit 2 ;;
esac
command -v clang-format >/dev/null || { echo "check-format: clang-format not found (run scripts/setup.sh)" >&2; exit 2; }
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check-format: not a git checkout; nothing to check" >&2
  exit 0
fi

# Each file is checked on its own (two at a time); a file is unformatted when --dry-run --Werror fails on it.
unformatted=$(git ls-files -z -- '*.cpp' '*.hpp' '*.h' |
  xargs -0 -r -P2 -n1 sh -c 'clang-format --style=file --dry-run --Werror "$0" >/dev/null 2>&1 || echo "$0"' |
  sort)
if [ -z "$unformatted" ]; then
  echo "check-format: every C++ file is formatted"
  exit 0
fi
if [ "$fix" = 1 ]; then
  printf '%s\n' "$unformatted" | xargs -r -P2 -n8 clang-format --style=file -i
  echo "check-format: reformatted $(printf '%s\n' "$unformatted" | wc -l) file(s)"
  exit 0
fi
echo "check-format: these files are not formatted (scripts/check-format.sh --fix reformats them):" >&2
printf '  %s\n' $unformatted >&2
exit 1

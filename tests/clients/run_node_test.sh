#!/usr/bin/env bash
# run_node_test.sh FILE: runs one node test file with node 22 from tests/clients/node_modules (node --test).
# Exit 77 (ctest: skipped) when the clients are not installed (run scripts/setup.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
node=$here/node_modules/.bin/node
if [ ! -x "$node" ]; then
  echo "clients not installed: run scripts/setup.sh (npm ci in tests/clients)" >&2
  exit 77
fi
exec "$node" --test --test-reporter=spec --test-timeout=240000 "$1"

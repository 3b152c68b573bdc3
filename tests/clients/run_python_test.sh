#!/usr/bin/env bash
# run_python_test.sh FILE: runs one Python client test file (unittest) with the venv tests/clients/.venv.
# Exit 77 (ctest: skipped) when the venv is not installed (run scripts/setup.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python=$here/.venv/bin/python
if [ ! -x "$python" ]; then
  echo "python clients not installed: run scripts/setup.sh (venv in tests/clients/.venv)" >&2
  exit 77
fi
cd "$here"
exec "$python" -m unittest -v "$(basename "$1" .py)"

#!/usr/bin/env bash
# clients-latest.sh [BUILD_DIR]: runs the `clients` tests against the newest published client versions instead of
# the pinned ones (not in CI: it needs the npm and PyPI registries). Installs jsforce, @salesforce/cli and node@22
# (npm) and simple-salesforce, cumulusci (PyPI) at their latest versions into a temporary copy of tests/clients,
# prints the versions it got, runs the same test files there and prints one PASS/FAIL line per client.
# BUILD_DIR defaults to build/release (pushsim must be built). The pinned tests/clients is left untouched.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
pushsim=$build/bin/pushsim
[ -x "$pushsim" ] || { echo "clients-latest.sh: build pushsim first ($pushsim)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root"/tests/clients/*.js "$root"/tests/clients/*.py "$root"/tests/clients/*.sh "$work"/

echo "== npm: latest jsforce, @salesforce/cli, node@22"
(cd "$work" && npm init -y >/dev/null && \
  npm install --no-audit --no-fund --silent jsforce@latest @salesforce/cli@latest node@22 >/dev/null)
echo "== PyPI: latest simple-salesforce, cumulusci"
python3 -m venv "$work/.venv"
"$work/.venv/bin/pip" install -q --upgrade simple-salesforce cumulusci

node_version=$("$work/node_modules/.bin/node" --version)
jsforce_version=$("$work/node_modules/.bin/node" -p "require('$work/node_modules/jsforce/package.json').version")
sf_version=$("$work/node_modules/.bin/node" -p "require('$work/node_modules/@salesforce/cli/package.json').version")
py_versions=$("$work/.venv/bin/pip" list --format=freeze 2>/dev/null | grep -Ei '^(simple-salesforce|cumulusci)==' | tr '\n' ' ')
echo "versions: node $node_version, jsforce $jsforce_version, @salesforce/cli $sf_version, $py_versions"

status=0
run() {  # run NAME COMMAND...
  local name=$1
  shift
  if PUSHSIM=$pushsim "$@" >"$work/$name.log" 2>&1; then
    echo "PASS $name"
  else
    echo "FAIL $name (log below)"
    tail -n 40 "$work/$name.log"
    status=1
  fi
}
for t in jsforce jsforce_calls sf_cli sf_data; do
  run "$t" "$work/run_node_test.sh" "$work/$t.test.js"
done
for t in tls simple_salesforce cumulusci; do
  run "$t" "$work/run_python_test.sh" "$work/${t}_test.py"
done
exit $status

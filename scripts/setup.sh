#!/usr/bin/env bash
# Installs everything pushsim needs on Debian 12 (run as root, or with sudo available), including headless
# Chromium and its fonts for the HTML report test (tests/tools/html_report_test.sh), and MPICH for
# `mpiexec -n P pushsim study` (PUSHSIM_MPI).
# Idempotent: when every package is already present it only checks and returns in about a second.
# Extra Debian package names may be given as arguments (scripts/setup-bench.sh adds nginx and wrk).
set -euo pipefail

packages=(
  g++ cmake ninja-build make pkg-config git ca-certificates
  libboost1.81-dev nlohmann-json3-dev libsimdjson-dev libeigen3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libhowardhinnant-date-dev libcli11-dev libssl-dev libpugixml-dev
  openssl tzdata
  curl python3
  clang libclang-rt-14-dev
  chromium fonts-liberation fonts-dejavu-core
  mpich libmpich-dev
  "$@"
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "setup.sh: not root and no sudo; install these packages yourself: ${packages[*]}" >&2
    exit 1
  fi
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup.sh: system packages present"
fi

# Real Salesforce clients for the `clients` tests (tests/clients: jsforce, @salesforce/cli, node 22 from npm) and
# playwright-core, which drives Debian's chromium in the HTML report test.
# npm ci runs only when node_modules is missing or older than package-lock.json.
clients_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/clients"
if ! command -v npm >/dev/null 2>&1; then
  echo "setup.sh: installing nodejs npm"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm
fi
if [ ! -x "$clients_dir/node_modules/.bin/node" ] || [ "$clients_dir/package-lock.json" -nt "$clients_dir/node_modules" ]; then
  echo "setup.sh: npm ci in tests/clients"
  (cd "$clients_dir" && npm ci --no-audit --no-fund)
  touch "$clients_dir/node_modules"
else
  echo "setup.sh: client tests' node_modules present"
fi

# Python venvs from pinned requirements: the `clients` tests' simple-salesforce and CumulusCI in tests/clients/.venv
# (with hashes; regenerate with pip-compile --generate-hashes requirements.in), and scipy for the study cross-check
# (tests/harness/study_scipy_check.py) in tests/.venv from tests/requirements.txt. A venv counts as installed only once
# its marker file is written after a complete install (an interrupted setup installs again), and again when its
# requirements change.
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "setup.sh: installing python3-venv"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends python3-venv
fi
# python_venv DIR REQUIREMENTS [PIP ARGS...]: makes DIR a venv with REQUIREMENTS installed.
python_venv() {
  local dir=$1 req=$2
  shift 2
  if [ -f "$dir/.pushsim-installed" ] && [ ! "$req" -nt "$dir/.pushsim-installed" ]; then
    echo "setup.sh: python venv ${dir#"$root"/} present"
    return
  fi
  echo "setup.sh: python venv ${dir#"$root"/}"
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install -q "$@" -r "$req"
  touch "$dir/.pushsim-installed"
}
root="$(cd "$(dirname "$0")/.." && pwd)"
python_venv "$clients_dir/.venv" "$clients_dir/requirements.txt" --require-hashes --no-deps
python_venv "$root/tests/.venv" "$root/tests/requirements.txt"

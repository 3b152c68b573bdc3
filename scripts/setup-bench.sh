#!/usr/bin/env bash
# Installs what the side-by-side network benchmarks need (bench/mock_org/api/serve_vs_nginx.sh): nginx and wrk.
# Not part of CI (scripts/setup.sh); idempotent.
set -euo pipefail

packages=(nginx wrk util-linux)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "setup-bench.sh: not root and no sudo; install these packages yourself: ${packages[*]}" >&2
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
  echo "setup-bench.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup-bench.sh: bench packages present"
fi

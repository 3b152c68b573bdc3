#!/usr/bin/env bash
# Installs what the side-by-side network benchmarks need (bench/mock_org/api/serve_vs_nginx.sh): everything
# scripts/setup.sh installs, plus nginx and wrk. Not part of CI; idempotent.
set -euo pipefail
exec bash "$(dirname "$0")/setup.sh" nginx wrk util-linux

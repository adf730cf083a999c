#!/usr/bin/env bash
# Every benchmark under bench/; each generates its own data and prints its figures.
set -euo pipefail
cd "$(dirname "$0")/.."
for script in bench/bench_*.py; do
  echo "== $script"
  .venv/bin/python "$script" "$@"
done

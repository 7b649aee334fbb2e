#!/usr/bin/env bash
# Call-log CSV export benchmark: see bench/calllog/bench.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 bench/calllog/bench.py

#!/usr/bin/env bash
# Hostile load beside real calls: see bench/hostile/bench.py. Needs root (raw socket for the
# spoofed sources, all within 127/8), sipp and sipvicious (pip install sipvicious).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 bench/hostile/bench.py

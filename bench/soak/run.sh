#!/usr/bin/env bash
# Soak: registered phones and concurrent calls with audio for a long while; see bench/soak/bench.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 bench/soak/bench.py

#!/usr/bin/env bash
# Hostile load beside real calls: see bench/hostile/bench.py. Needs root (raw socket for the
# spoofed sources within 127/8, and the network namespace `sbflood` with its veth pair for the
# SIPp flood), sipp and sipvicious (pip install sipvicious).
set -euo pipefail
cd "$(dirname "$0")/../.."
# The namespace goes however the run ends (bench.py removes it too; this covers a kill).
trap 'ip netns del sbflood 2>/dev/null || true' EXIT
python3 bench/hostile/bench.py

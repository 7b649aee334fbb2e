#!/usr/bin/env bash
# SIP benchmark, Switchboard beside Kamailio in one run: see bench/sip/bench.py for what it does.
# Needs sipp (sip-tester), kamailio and kamailio-sqlite-modules, sqlite3 (for the anchor).
# Usage: bench/sip/run.sh   (SWITCHBOARD_BIN=... skips the build; SKIP_KAMAILIO=1 skips the peer)
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 bench/sip/bench.py

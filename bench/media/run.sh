#!/usr/bin/env bash
# Media endpoint benchmark: N concurrent sessions fed by a generator thread sending a G.711
# frame every 20 ms per session, in three modes: voicemail deposits (greeting played for half the
# run, then recording), conference participants (rooms of ten) and queue callers on music.
# See crates/media/benches/media.rs.   Usage: bench/media/run.sh [SECONDS] [STREAMS...]
# (MODES="voicemail conference music" by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-10}
shift || true
STREAMS=${*:-100 500 1000 2000}
cargo bench -p sb-media --bench media --no-run 2>&1 | tail -1
BIN=$(ls -t "${CARGO_TARGET_DIR:-target}"/release/deps/media-* | grep -v '\.d$' | head -1)
{
  echo "# Media endpoint (bench/media/run.sh)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M') UTC; $(nproc) cores; generator on the same cores; ${SECS} s per step."
  echo
  echo '```'
  for mode in ${MODES:-voicemail conference music}; do
    for n in $STREAMS; do "$BIN" --bench "$n" "$SECS" "$mode"; done
  done
  echo '```'
} | tee bench/media/results-latest.md

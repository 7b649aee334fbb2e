#!/usr/bin/env bash
# Fuzzes the SIP parsers (fuzz/fuzz_targets/sip_message.rs) for a bounded time with cargo-fuzz
# (libFuzzer), starting from the committed corpus. Usage: scripts/fuzz.sh [SECONDS] (default 60).
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them,
# so no second toolchain is needed. A crash leaves its input under fuzz/artifacts/ and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
if ! command -v cargo-fuzz >/dev/null 2>&1 && ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/switchboard/fuzz-target}"
# New inputs found while fuzzing go to a scratch copy, so the committed corpus stays as reviewed.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp fuzz/corpus/sip_message/* "$work/"
cd fuzz
cargo fuzz run sip_message "$work" -- -max_total_time="$secs" -max_len=8192 -rss_limit_mb=1024 \
  -print_final_stats=1

#!/usr/bin/env bash
# Fuzzes what arrives from outside for a bounded time with cargo-fuzz (libFuzzer), each target
# from its committed corpus: the SIP parsers (sip_message), session descriptions and their
# rewrite (sdp), RTP headers, RTCP multiplexed onto RTP ports (RFC 5761: told apart and never
# read as RTP), RFC 4733 key presses and WAV files (rtp; the corpus holds RTCP compounds),
# uploaded greetings decoded from WAV or MP3 to 8 kHz (upload_audio), and the portal's greeting
# form, a multipart/form-data body read by multer (greeting_form). The time is shared: a fifth to
# each target but the SIP parsers, which get the rest.
# Usage: scripts/fuzz.sh [SECONDS] (default 60).
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
cd fuzz
run() {
  local target=$1 secs=$2
  mkdir -p "$work/$target"
  cp "corpus/$target"/* "$work/$target/"
  cargo fuzz run "$target" "$work/$target" -- -max_total_time="$secs" -max_len=8192 \
    -rss_limit_mb=1024 -print_final_stats=1
}
# At least a second each: libFuzzer takes -max_total_time=0 as "no limit".
fifth=$((secs >= 10 ? secs / 5 : 1))
run sip_message $((secs - 4 * fifth > 0 ? secs - 4 * fifth : 1))
run sdp "$fifth"
run rtp "$fifth"
run upload_audio "$fifth"
run greeting_form "$fifth"

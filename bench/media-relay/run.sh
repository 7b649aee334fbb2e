#!/usr/bin/env bash
# RTP relay benchmark: Switchboard's relay path beside the anchor's minimal recvmmsg relay (and
# the direct, relay-less baseline), all driven by the anchor's generator in the same run.
#   bench/media-relay/run.sh [DUR_S] [CALLS...]     e.g. bench/media-relay/run.sh 10 250 500 750 1000
# The Switchboard side is crates/engine/benches/relay.rs: N calls' relays built exactly as the SIP
# engine builds them (ports from the pool, peers from SDP, latching), in a tokio runtime with two
# workers like `switchboard serve`. Quality bar (the anchor's): loss < 0.1 % and added p99
# one-way latency < 1 ms against the direct run at the same N; medians of REPS runs.
# Needs gcc and python3; ANCHOR points at shared/bench/rtp-anchor. Traffic stays on 127.0.0.1.
set -u
cd "$(dirname "$0")/../.."
ANCHOR=${ANCHOR:-$(cd ../shared/bench/rtp-anchor 2>/dev/null && pwd)}
[ -n "$ANCHOR" ] && [ -f "$ANCHOR/rtpgen.c" ] || { echo "set ANCHOR to shared/bench/rtp-anchor" >&2; exit 2; }
DUR=${1:-10}; shift || true
STEPS=${*:-"250 500 750 1000"}
REPS=${REPS:-3}
WORK=${WORK:-/tmp/sb-media-bench}
OUT=$WORK/raw.tsv META=$WORK/meta.tsv
rm -rf "$WORK"; mkdir -p "$WORK"
gcc -O2 -Wall -pthread -o "$WORK/rtpgen" "$ANCHOR/rtpgen.c" || exit 1
gcc -O2 -Wall -pthread -o "$WORK/minrelay" "$ANCHOR/minrelay.c" || exit 1
cargo bench -p sb-media --bench relay --no-run 2>&1 | tail -1
RELAY_BIN=$(ls -t "${CARGO_TARGET_DIR:-target}"/release/deps/relay-* | grep -v '\.d$' | head -1)
printf 'label\trelay\tcalls\trep\trss_empty_kb\trss_setup_kb\tsetup_s\tquiet_wait_s\n' > "$META"

rss() { awk '/VmRSS/{print $2}' /proc/$1/status 2>/dev/null || echo -1; }
child_of() { cat /proc/$1/task/$1/children 2>/dev/null | awk '{print $1}'; }
settle() { sleep 2; }

run_one() { # relay N rep
  local relay=$1 n=$2 rep=$3 label="$1-$2-r$3" pid="" tp="" rss0=-1 rss1=-1
  settle
  case $relay in
    direct) "$WORK/rtpgen" -n "$n" -d "$DUR" -D -l "$label" -o "$OUT" > /dev/null ;;
    minrelay)
      timeout $((DUR + 30)) "$WORK/minrelay" -n "$n" -b 22000 -T $((DUR + 20)) 2>>"$WORK/minrelay.log" & tp=$!
      sleep 0.5; pid=$(child_of $tp); rss0=$(rss "$pid"); rss1=$rss0
      "$WORK/rtpgen" -n "$n" -d "$DUR" -r 22000 -p "$pid" -l "$label" -o "$OUT" > /dev/null ;;
    switchboard)
      rm -f "$WORK/map.txt"
      timeout $((DUR + 30)) "$RELAY_BIN" --bench "$n" "$WORK/map.txt" 20000 21000 4 > "$WORK/relay.pid" 2>>"$WORK/relay.log" & tp=$!
      for _ in $(seq 100); do [ -s "$WORK/relay.pid" ] && break; sleep 0.05; done
      pid=$(head -1 "$WORK/relay.pid"); rss1=$(rss "$pid")
      "$WORK/rtpgen" -n "$n" -d "$DUR" -m "$WORK/map.txt" -p "$pid" -l "$label" -o "$OUT" > /dev/null ;;
  esac
  [ -n "$tp" ] && { kill "$tp" 2>/dev/null; wait "$tp" 2>/dev/null; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t0\t0\n' "$label" "$relay" "$n" "$rep" "$rss0" "$rss1" >> "$META"
  tail -1 "$OUT" | awk -F'\t' '{printf "  %-24s loss %s%% p50 %sus p99 %sus relayCPU %s%% genCPU %s%% rss %skB\n",$1,$7,$11,$12,$20,$21,$24}'
}

for n in $STEPS; do
  echo "== $n calls ($(date +%T))"
  for rep in $(seq 1 "$REPS"); do
    for r in direct minrelay switchboard; do run_one "$r" "$n" "$rep"; done
  done
done
python3 "$ANCHOR/summarize.py" "$OUT" "$META" | tee bench/media-relay/results-latest.md

#!/usr/bin/env bash
# Nothing acknowledged is lost: kill -9 the server during concurrent API writes and REGISTERs,
# on SQLite and on PostgreSQL, restart it and check that every write answered 2xx and every
# registration answered 200 is there. The same test as CI's
# (crates/server/tests/e2e/durability.rs), with more of each.
#   bench/durability/run.sh [WRITES] [PHONES] [ROUNDS]     (defaults 200 200 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
export SB_DURABILITY_WRITES=${1:-200} SB_DURABILITY_PHONES=${2:-200}
rounds=${3:-3}
for i in $(seq "$rounds"); do
  echo "== round $i: $SB_DURABILITY_WRITES writes, $SB_DURABILITY_PHONES REGISTERs"
  scripts/test.sh --no-capture --retries 0 -E 'test(what_was_acknowledged_before_a_kill)' 2>&1 \
    | grep -E "acknowledged before the kill|PASS|FAIL|panicked" || true
done

#!/usr/bin/env bash
# REST benchmark: cold start, seeding 1,000 users through the API, then wrk on the REST reads, on
# the portal's signed-in pages (bench/portal: the users list with a search and a user's Calls tab,
# against the REST users page of the same run; an end user's call log, 50 of 10,000 calls) and on
# sign-in, with the same wrk settings as the
# anchor in shared/bench/rest-anchor/RESULTS.md.
# Usage: bench/api/run.sh          (SWITCHBOARD_BIN=/path/to/switchboard skips the build)
# Writes the report to stdout and to bench/api/results-latest.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

ANCHOR_USERS_PAGE=21529 # anchor: GET /users?limit=50 (50 rows, 8 KB), 16 connections, median of 3
PASS='Bench-Pass1!'
USERS=1000
CALLS=10000
OUT=bench/api/results-latest.md

if ! command -v wrk >/dev/null; then
  apt-get install -y -q wrk || { apt-get update -q && apt-get install -y -q wrk; }
fi
if [ -z "${SWITCHBOARD_BIN:-}" ]; then
  cargo build --release --bin switchboard
  SWITCHBOARD_BIN="${CARGO_TARGET_DIR:-target}/release/switchboard"
fi

TMP=$(mktemp -d /tmp/switchboard-bench.XXXXXX)
SERVER_PID=
alive() { [ -n "$SERVER_PID" ] && [ -r "/proc/$SERVER_PID/status" ] && ! grep -q '^State:.*Z' "/proc/$SERVER_PID/status"; }
cleanup() {
  # SIGTERM drains for up to 10 s; the server is not our child (the launcher started it), so poll.
  if alive; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 120); do alive || break; sleep 0.1; done
    if alive; then kill -9 "$SERVER_PID" 2>/dev/null || true; fi
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT; trap 'exit 143' TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port) SIPPORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)

# Cold start: from process start to the first 200 on /healthz, polled every 5 ms by the same
# process that starts the server (so no interpreter start-up is counted). Prints "PID MS".
# The per-address sign-in limit is lifted so that the sign-in run measures password hashing, not
# the limiter (every request comes from 127.0.0.1); the per-username limit stays.
out=$(SWITCHBOARD_ADMIN_PASSWORD="$PASS" SWITCHBOARD_LOGIN_BURST=1000000 SWITCHBOARD_LOGIN_PER_MINUTE=1000000 \
  python3 - "$TMP/server.log" "$PORT" \
  "$SWITCHBOARD_BIN" serve --data-dir "$TMP/data" --http-listen "127.0.0.1:$PORT" \
  --sip-listen "127.0.0.1:$SIPPORT" <<'EOF'
import http.client, subprocess, sys, time
log, port, cmd = open(sys.argv[1], "wb"), int(sys.argv[2]), sys.argv[3:]
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
while True:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", "/healthz")
        if c.getresponse().status == 200:
            break
    except OSError:
        pass
    finally:
        c.close()
    if p.poll() is not None or time.monotonic() - t0 > 60:
        p.kill()
        sys.exit(f"bench: server exited ({p.returncode}) or no 200 on /healthz within 60 s")
    time.sleep(0.005)
print(p.pid, round((time.monotonic() - t0) * 1000))
EOF
) || { tail -n 20 "$TMP/server.log" >&2; exit 1; }
read -r SERVER_PID COLD_MS <<<"$out"

# REST call with curl (METHOD PATH JSON FIELD): prints FIELD of the JSON answer; on a non-2xx
# answer, shows it and fails.
TOKEN=
api() {
  local auth=() body
  [ -z "$TOKEN" ] || auth=(-H "Authorization: Bearer $TOKEN")
  body=$(curl -sS --noproxy '*' --fail-with-body -X "$1" "$BASE$2" "${auth[@]}" \
    -H 'Content-Type: application/json' --data "$3") || { echo "bench: $1 $2 failed: $body" >&2; return 1; }
  python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$4" <<<"$body"
}
TOKEN=$(api POST /api/v1/auth/login "{\"username\":\"admin\",\"password\":\"$PASS\"}" token)
RID=$(api POST /api/v1/resellers '{"name":"Bench Reseller"}' id)
CID=$(api POST /api/v1/companies "{\"reseller_id\":\"$RID\",\"name\":\"Bench Co\",\"country\":\"US\",\"time_zone\":\"America/New_York\",\"first_language\":\"en\",\"max_users\":2000,\"max_lines\":2000}" id)

# 1,000 users: keep-alive connections, 4 at a time (password hashing is the cost). Prints
# "FIRST_USER_ID SECONDS".
out=$(python3 - "$PORT" "$TOKEN" "$CID" "$USERS" "$PASS" <<'EOF'
import http.client, json, sys, threading, time
from concurrent.futures import ThreadPoolExecutor
port, token, cid, n, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
local = threading.local()

def create(i):
    body = json.dumps({"name": f"User {i}", "email": f"user{i}@example.com",
                       "username": f"benchuser{i}", "password": password, "role": "end_user"})
    for _ in range(5):
        if getattr(local, "conn", None) is None:
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            local.conn.request("POST", f"/api/v1/companies/{cid}/users", body, headers)
            r = local.conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException):
            local.conn.close()
            local.conn = None
            continue
        if r.status == 429:
            time.sleep(float(r.getheader("Retry-After") or 1))
            continue
        if r.status >= 300:
            sys.exit(f"bench: creating user {i}: {r.status} {data[:300]!r}")
        return json.loads(data)["user"]["id"]  # the answer is {"user": ..., "first_login": ...}
    sys.exit(f"bench: creating user {i}: gave up after 5 tries")

t0 = time.monotonic()
pool = ThreadPoolExecutor(4)
try:
    ids = list(pool.map(create, range(1, n + 1)))
finally:
    pool.shutdown(cancel_futures=True)  # on a failure, stop at once rather than try the rest
print(ids[0], round(time.monotonic() - t0, 1))
EOF
)
read -r UID1 SEED_S <<<"$out"

rss_mib() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$SERVER_PID/status"; }
cpu_ticks() { sed 's/.*) //' "/proc/$SERVER_PID/stat" | awk '{print $12 + $13}'; }
sleep 2
IDLE_RSS=$(rss_mib)

# wrk reports through Lua: one "RESULT req/s p50_ms p99_ms non2xx socket_errors" line.
cat >"$TMP/get.lua" <<'EOF'
if os.getenv("COOKIE") ~= "" then
  wrk.headers["Cookie"] = os.getenv("COOKIE")
else
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end
function done(s, lat)
  local e = s.errors
  io.write(string.format("RESULT %.0f %.2f %.2f %d %d\n", s.requests / s.duration * 1e6,
    lat:percentile(50) / 1000, lat:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
EOF
export TOKEN
export COOKIE=

# One endpoint (LABEL PATH): 3 × (2 s warm-up, 10 s measured); the median run by req/s, with the server's RSS
# (sampled mid-run) and CPU (of one core, over the run) appended.
bench_get() {
  local label=$1 path=$2 runs=() line t0 c0 c1 hz
  hz=$(getconf CLK_TCK)
  for _ in 1 2 3; do
    wrk -t2 -c16 -d2s -s "$TMP/get.lua" "$BASE$path" >/dev/null
    (sleep 5; rss_mib >"$TMP/rss") &
    t0=$EPOCHREALTIME c0=$(cpu_ticks)
    line=$(wrk -t2 -c16 -d10s --latency -s "$TMP/get.lua" "$BASE$path" | grep '^RESULT')
    echo "bench: GET $label: ${line#RESULT }" >&2
    c1=$(cpu_ticks)
    wait
    runs+=("${line#RESULT } $(cat "$TMP/rss") $(awk -v c="$((c1 - c0))" -v hz="$hz" -v t0="$t0" -v t1="$EPOCHREALTIME" \
      'BEGIN {printf "%.0f", c / hz / (t1 - t0) * 100}')")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p | {
    read -r rps p50 p99 non2xx sockerr rss cpu
    printf '| GET %s | **%s** | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$rps" "$p50" "$p99" \
      "$non2xx" "$sockerr" "$rss" "$cpu" "$(printf '%s\n' "${runs[@]}" | cut -d' ' -f1 | paste -sd/ | sed 's|/| / |g')"
  }
}

{
  echo "# Switchboard REST benchmark"
  echo
  echo "$(date -u '+%F %H:%M UTC'), $(git rev-parse --short HEAD 2>/dev/null || echo 'no commit')$(git diff --quiet HEAD 2>/dev/null || echo ' (uncommitted changes)'), $(nproc) cores, load average at start $LOADAVG; database: $(case "${SWITCHBOARD_DATABASE_URL:-}" in postgres*) echo PostgreSQL;; *) echo SQLite;; esac); $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2); server and wrk on the same machine."
  echo
  echo "- cold start (process start → first 200 on /healthz, empty data directory): **$COLD_MS ms**"
  echo "- seeding: $USERS users through POST /api/v1/companies/{id}/users in $SEED_S s"
  echo "- server RSS at idle after seeding: $IDLE_RSS MiB"
  echo
  echo "wrk: 2 threads, 16 connections, 2 s warm-up then 10 s measured, median of 3 runs by req/s."
  echo
  echo '| endpoint | req/s | p50 ms | p99 ms | non-2xx | socket errors | server RSS MiB | server CPU % | runs (req/s) |'
  echo '|---|---|---|---|---|---|---|---|---|'
} >"$TMP/report.md"
cat "$TMP/report.md"

rows=$(bench_get '/api/v1/companies/{id}/users?limit=50' "/api/v1/companies/$CID/users?limit=50"
  bench_get '/api/v1/users/{id}' "/api/v1/users/$UID1"
  bench_get /api/v1/me /api/v1/me)
echo "$rows" | tee -a "$TMP/report.md"
PAGE_RPS=$(echo "$rows" | head -n1 | awk -F'|' '{gsub(/[* ]/, "", $3); print $3}')

# The portal, signed in as the system administrator acting for the company (a browser's cookie):
# the sign-in form's CSRF token comes from the page, the session cookie from the answer.
JAR="$TMP/cookies"
csrf=$(curl -sS --noproxy '*' -c "$JAR" "$BASE/" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
curl -sS --noproxy '*' -b "$JAR" -c "$JAR" -o /dev/null -X POST "$BASE/login" \
  --data-urlencode username=admin --data-urlencode "password=$PASS" --data-urlencode "csrf=$csrf"
# curl writes HttpOnly cookies behind a "#HttpOnly_" prefix, the form of a comment.
COOKIE=$(awk '(!/^#/ || /^#HttpOnly_/) && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$JAR")
portal_status=$(curl -sS --noproxy '*' -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" \
  "$BASE/admin/companies/$CID/users?q=User")
[ "$portal_status" = 200 ] || { echo "bench: portal sign-in failed ($portal_status)" >&2; exit 1; }
portal=$(bench_get 'portal /admin/companies/{id}/users?q=User (50 of 1,000)' "/admin/companies/$CID/users?q=User"
  bench_get 'portal /admin/companies/{id}/users/{id}/calls' "/admin/companies/$CID/users/$UID1/calls")
COOKIE=
echo "$portal" | tee -a "$TMP/report.md"
PORTAL_RPS=$(echo "$portal" | awk -F'|' '{gsub(/[* ]/, "", $3); print $3}' | sort -n | head -n1)
PORTAL_P99=$(echo "$portal" | awk -F'|' '{gsub(/ /, "", $5); print $5}' | sort -n | tail -n1)

# The end user's own pages (bench/portal): the first seeded user, on the company's default
# package (the first with the user portal), with one line whose call log holds 10,000 calls and whose mailbox holds 200 messages. The SIP engine writes call records as
# calls end and messages as callers leave them, and the API has no write for either, so they go
# straight into the database here, in one transaction.
LID=$(api POST "/api/v1/companies/$CID/lines" "{\"extension\":\"9001\",\"user_id\":\"$UID1\"}" id)
python3 - "$TMP/data/switchboard.db" "$CID" "$LID" "$CALLS" <<'PYEOF'
import os, sqlite3, sys, time
db, cid, lid, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
now = int(time.time() * 1000)
kinds = ["missed", "dialled", "received", "rejected"]
rows = []
for i in range(n):
    at = now - (n - i) * 60_000
    rows.append((f"{at:012x}{os.urandom(10).hex()}", cid, lid, kinds[i % 4], f"+1555{i % 10000:07d}",
                 f"Caller {i}", at, i % 300, None, 200 if i % 4 != 0 else 487, f"bench-{i}"))
# 200 voicemails for the inbox; the page lists them and never reads their audio.
messages = [(f"{now - i * 3_600_000:012x}{os.urandom(10).hex()}", cid, lid, f"+1555{i:07d}", f"Caller {i}",
             now - i * 3_600_000, 5_000 + i, i % 2, "", f"bench-{i}.wav", 0, "0" * 64) for i in range(200)]
c = sqlite3.connect(db, timeout=30)
with c:
    c.executemany("INSERT INTO call_records (id, company_id, line_id, direction, other_number, other_name,"
                  " started_at, duration_secs, device, status, call_ref) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    c.executemany("INSERT INTO voicemails (id, company_id, line_id, caller_number, caller_name, received_at,"
                  " duration_ms, heard, audio, audio_ref, audio_size, audio_sha256)"
                  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", messages)
c.close()
PYEOF
JAR="$TMP/user-cookies"
csrf=$(curl -sS --noproxy '*' -c "$JAR" "$BASE/" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
curl -sS --noproxy '*' -b "$JAR" -c "$JAR" -o /dev/null -X POST "$BASE/login" \
  --data-urlencode username=benchuser1 --data-urlencode "password=$PASS" --data-urlencode "csrf=$csrf"
COOKIE=$(awk '(!/^#/ || /^#HttpOnly_/) && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$JAR")
rows_shown=$(curl -sS --noproxy '*' -H "Cookie: $COOKIE" "$BASE/my/calls?line=$LID" | grep -c '<tr' || true)
[ "$rows_shown" -gt 50 ] || { echo "bench: /my/calls shows $rows_shown rows, not a page of 50" >&2; exit 1; }
inbox_rows=$(curl -sS --noproxy '*' -H "Cookie: $COOKIE" "$BASE/my/inbox" | grep -c '<audio' || true)
[ "$inbox_rows" -ge 200 ] || { echo "bench: /my/inbox shows $inbox_rows messages, not 200" >&2; exit 1; }
mine=$(bench_get "portal /my/calls (50 of $CALLS calls)" "/my/calls?line=$LID"
  bench_get 'portal /my/inbox (200 voicemails)' /my/inbox)
COOKIE=
echo "$mine" | tee -a "$TMP/report.md"
MY_P99=$(echo "$mine" | awk -F'|' '{gsub(/ /, "", $5); print $5}' | sort -n | tail -n1)

# Sign-in: the 1,000 seeded users in turn, one 5 s run (argon2id verification bounds it).
cat >"$TMP/login.lua" <<'EOF'
local bodies, n, threads = {}, 0, {}
ok, limited, other = 0, 0, 0
function setup(thread) table.insert(threads, thread) end
function init()
  for i = 1, 1000 do
    bodies[i] = wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" },
      string.format('{"username":"benchuser%d","password":"%s"}', i, os.getenv("PASS")))
  end
end
function request() n = n % #bodies + 1; return bodies[n] end
function response(status)
  if status == 200 then ok = ok + 1 elseif status == 429 then limited = limited + 1 else other = other + 1 end
end
function done(s, lat)
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do a, b, c = a + t:get("ok"), b + t:get("limited"), c + t:get("other") end
  local secs = s.duration / 1e6
  io.write(string.format("LOGIN %.1f %d %d %.0f %.2f %.2f\n", a / secs, b, c, s.requests / secs,
    lat:percentile(50) / 1000, lat:percentile(99) / 1000))
end
EOF
read -r _ LOGIN_OK_RPS LOGIN_429 LOGIN_OTHER LOGIN_RPS LOGIN_P50 LOGIN_P99 \
  < <(PASS="$PASS" wrk -t2 -c16 -d5s --latency -s "$TMP/login.lua" "$BASE/api/v1/auth/login" | grep '^LOGIN')

{
  echo
  echo "Sign-in (POST /api/v1/auth/login, 1,000 users in turn, 2 threads, 16 connections, one 5 s run, per-address limit lifted):"
  echo "**$LOGIN_OK_RPS** successful sign-ins/s; $LOGIN_429 answered 429, $LOGIN_OTHER other non-200;"
  echo "all answers $LOGIN_RPS/s, p50 $LOGIN_P50 ms, p99 $LOGIN_P99 ms."
  echo
  echo "Users page vs the anchor (axum + rusqlite, GET /users?limit=50, 16 connections: $ANCHOR_USERS_PAGE req/s):" \
    "**$(awk -v a="$PAGE_RPS" -v b="$ANCHOR_USERS_PAGE" 'BEGIN {printf "%.2f", a / b}')×**"
  echo
  echo "Portal pages vs the REST users page of this run (target: at least 0.7×, p99 under 20 ms): slower page" \
    "**$(awk -v a="$PORTAL_RPS" -v b="$PAGE_RPS" 'BEGIN {printf "%.2f", a / b}')×**, worst p99 $PORTAL_P99 ms"
  echo
  echo "The end user's call log (50 of $CALLS calls) and inbox (200 voicemails), target p99 under 20 ms: worst p99 $MY_P99 ms"
} | tee -a "$TMP/report.md"
cp "$TMP/report.md" "$OUT"
echo
echo "bench: written to $OUT"

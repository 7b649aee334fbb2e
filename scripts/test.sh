#!/usr/bin/env bash
# The project's test command: starts a throwaway PostgreSQL on loopback, points the tests at it,
# runs the whole workspace's tests, and removes the database again whatever happens.
# Usage: scripts/test.sh [nextest filters and options...]
set -euo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL server binaries are not on PATH on Debian; install them if missing (root only).
pg_bin() { compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n1 | xargs -r dirname; }
if [ -z "$(pg_bin)" ]; then
  [ "$(id -u)" = 0 ] || { echo "test.sh: PostgreSQL server missing: apt-get install postgresql" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q postgresql || { apt-get update -q && apt-get install -y -q postgresql; }
fi

# Headless Chromium and its WebDriver (Debian chromium, chromium-driver) for the browser tests.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  [ "$(id -u)" = 0 ] || { echo "test.sh: chromium missing: apt-get install chromium chromium-driver" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends chromium chromium-driver \
    || { apt-get update -q && apt-get install -y -q --no-install-recommends chromium chromium-driver; }
fi
export SWITCHBOARD_REQUIRE_BROWSER=1

# spandsp (Debian libspandsp2), which the fax engine loads at run time (decision 18): building
# needs nothing, the fax tests need the library.
if ! compgen -G '/usr/lib/*/libspandsp.so.2' >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "test.sh: spandsp missing: apt-get install libspandsp2" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends libspandsp2 \
    || { apt-get update -q && apt-get install -y -q --no-install-recommends libspandsp2; }
fi
PGBIN=$(pg_bin)

# initdb and postgres refuse to run as root: then the cluster belongs to the `postgres` user.
if [ "$(id -u)" = 0 ]; then
  AS_PG=(runuser -u postgres --)
  PGTMP=$(mktemp -d /tmp/switchboard-pg.XXXXXX)
  chown postgres:postgres "$PGTMP"
else
  AS_PG=()
  PGTMP=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-pg.XXXXXX")
fi
# Run as the cluster's owner from a directory it may enter (root's cwd may be closed to it).
as_pg() { (cd "$PGTMP" && "${AS_PG[@]}" "$@"); }

cleanup() {
  if [ -n "${runner_pid:-}" ] && kill "$runner_pid" 2>/dev/null; then wait "$runner_pid" || true; fi
  # A throwaway cluster: an immediate stop loses nothing that matters.
  as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
trap cleanup EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM

# Trust on the private socket (for setup); passwords over TCP, as the application connects.
as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -E UTF8 --no-locale --no-sync \
  --auth-local=trust --auth-host=scram-sha-256 >"$PGTMP/initdb.log" 2>&1 \
  || { cat "$PGTMP/initdb.log" >&2; exit 1; }

# A free loopback port: let the kernel choose one; without python3, probe upwards from 54329.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null && return
  local p=54329
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
PORT=$(free_port)

# Durability is worthless for a test database; speed is not.
cat >>"$PGTMP/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PGTMP'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/postgres.log" -w -t 60 start >/dev/null \
  || { cat "$PGTMP/postgres.log" >&2; exit 1; }

# The application's role: may create databases (each test makes its own), is not a superuser.
"$PGBIN/psql" -h "$PGTMP" -p "$PORT" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE switchboard LOGIN CREATEDB PASSWORD 'switchboard'"

export SWITCHBOARD_TEST_POSTGRES_URL="postgres://switchboard:switchboard@127.0.0.1:$PORT/postgres"
export SWITCHBOARD_REQUIRE_POSTGRES=1

# A real SMTP server on loopback (aiosmtpd, from PyPI) for the mail tests; the tests start it.
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m pip install -q --disable-pip-version-check aiosmtpd
fi
export SWITCHBOARD_REQUIRE_SMTP_SINK=1

# sipvicious (PyPI), the attackers' scanner, enumerator and password cracker, for the abuse tests.
export PATH="$PATH:$HOME/.local/bin"
if ! command -v sipvicious_svwar >/dev/null 2>&1; then
  python3 -m pip install -q --disable-pip-version-check sipvicious==0.3.8
  hash -r
fi
export SWITCHBOARD_REQUIRE_SIPVICIOUS=1

# SIPp (Debian sip-tester), the independent SIP implementation the SIP tests drive.
if ! command -v sipp >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { echo "test.sh: sipp missing: apt-get install sip-tester" >&2; exit 1; }
  apt-get install -y -q sip-tester || { apt-get update -q && apt-get install -y -q sip-tester; }
fi
export SWITCHBOARD_REQUIRE_SIPP=1

# baresip (Debian baresip-core), the real softphone the call and audio tests drive.
if ! command -v baresip >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { echo "test.sh: baresip missing: apt-get install baresip-core" >&2; exit 1; }
  apt-get install -y -q --no-install-recommends baresip-core \
    || { apt-get update -q && apt-get install -y -q --no-install-recommends baresip-core; }
fi
export SWITCHBOARD_REQUIRE_BARESIP=1
echo "test.sh: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"

if cargo nextest --version >/dev/null 2>&1; then
  runner=(cargo nextest run --workspace --all-targets "$@")
else
  echo "test.sh: cargo-nextest not found; using cargo test" >&2
  runner=(cargo test --workspace "$@")
fi
# In the background and waited for, so that a signal to this script stops the tests and cleans up
# at once (bash runs traps only after a foreground command ends); exits with the runner's status.
"${runner[@]}" &
runner_pid=$!
wait "$runner_pid"

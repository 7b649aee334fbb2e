#!/usr/bin/env bash
# The portal benchmark: its signed-in pages (the users list, 50 of 1,000 users with a search, a
# user's Calls tab, an end user's call log, 50 of 10,000 calls, and inbox of 200 voicemails) are
# measured with wrk in the same run as the REST users page they are compared with, so this runs
# bench/api/run.sh, which seeds the users once for both.
# Usage: bench/portal/run.sh   (SWITCHBOARD_BIN=/path/to/switchboard skips the build)
exec "$(dirname "$0")/../api/run.sh" "$@"

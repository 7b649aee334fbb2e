#!/usr/bin/env bash
# Routing decisions per second on one core (target: at least 1,000,000). See README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec cargo bench -p sb-domain --bench routing

#!/usr/bin/env bash
# Runs a command with Node 24 first on PATH (fetched by ensure-node.sh when missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(bash "$root/scripts/ensure-node.sh")"
export PATH="$bin:$PATH"
# Native addons must build against the Node that runs them.
export npm_config_nodedir="$(dirname "$bin")"
exec "$@"

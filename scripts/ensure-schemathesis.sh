#!/usr/bin/env bash
# Schemathesis (PyPI) for the API fuzz test, in a virtualenv under .tools/ (once). Prints the path of its CLI.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="4.32.5"
venv="$root/.tools/schemathesis-$version"
if [ ! -x "$venv/bin/st" ]; then
  echo "schemathesis: installing $version into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
fi
echo "$venv/bin/st"

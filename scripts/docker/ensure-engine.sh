#!/usr/bin/env bash
# Makes sure a Docker engine answers on /var/run/docker.sock: installs Debian's docker.io when missing
# and starts dockerd in the background (machines without systemd). Idempotent.
set -euo pipefail

engine_up() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if engine_up; then echo "docker: engine $(docker version --format '{{.Server.Version}}') is up"; exit 0; fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker: installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

mkdir -p /var/log
echo "docker: starting dockerd"
# Small per-instance networks: every bot gets its own bridge, so the default pools (~30 networks) would run out.
# Its own session: killing the job that started it (a test runner's process group) must not take the engine down.
setsid nohup dockerd --log-level=warn --default-address-pool base=10.210.0.0/16,size=28 >>/var/log/zapdeploy-dockerd.log 2>&1 </dev/null &
for _ in $(seq 1 120); do
  if engine_up; then echo "docker: engine $(docker version --format '{{.Server.Version}}') is up"; exit 0; fi
  sleep 0.5
done
echo "docker: dockerd did not come up; see /var/log/zapdeploy-dockerd.log" >&2
tail -20 /var/log/zapdeploy-dockerd.log >&2 || true
exit 1

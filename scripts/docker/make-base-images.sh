#!/usr/bin/env bash
# Makes the base images bots are built on, locally (no registry needed): a Debian bookworm rootfs from
# debootstrap, then `node:24-slim` (Node 24 + npm, user `node` uid 1000) and `python:3.11-slim`.
# Skips images that exist. Uses the machine's Debian mirror and the Node 24 that scripts/ensure-node.sh
# provides.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

have() { docker image inspect "$1" >/dev/null 2>&1; }

mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
mirror="${mirror:-http://deb.debian.org/debian}"

work="$(mktemp -d /tmp/zapdeploy-images.XXXXXX)"
trap 'rm -rf "$work"' EXIT

if ! have zapdeploy/debian:bookworm; then
  command -v debootstrap >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  echo "images: debootstrap bookworm from $mirror"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -30 "$work/debootstrap.log" >&2
    exit 1
  }
  # Keep the image small and the apt lists fresh for derived images.
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" >"$work/rootfs/etc/apt/sources.list"
  tar -C "$work/rootfs" -c . | docker import - zapdeploy/debian:bookworm >/dev/null
  rm -rf "$work/rootfs"
fi

if ! have node:24-slim; then
  node_bin="$(bash "$root/scripts/ensure-node.sh")"
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  mkdir -p "$work/node/bin" "$work/node/lib"
  cp "$node_bin/node" "$work/node/bin/node"
  cp -a "$npm_dir" "$work/node/lib/npm"
  cat >"$work/node/Dockerfile" <<'DOCKERFILE'
FROM zapdeploy/debian:bookworm
COPY bin/node /usr/local/bin/node
COPY lib/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
ENV NODE_VERSION=24
CMD ["node"]
DOCKERFILE
  echo "images: node:24-slim"
  docker build -q -t node:24-slim "$work/node" >/dev/null
fi

if ! have python:3.11-slim; then
  mkdir -p "$work/python"
  cat >"$work/python/Dockerfile" <<'DOCKERFILE'
FROM zapdeploy/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip python3-venv \
 && rm -rf /var/lib/apt/lists/* && ln -s /usr/bin/python3 /usr/local/bin/python \
 && groupadd --gid 1000 app && useradd --uid 1000 --gid app --create-home app
CMD ["python3"]
DOCKERFILE
  echo "images: python:3.11-slim"
  docker build -q -t python:3.11-slim "$work/python" >/dev/null
fi

docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^(node:24-slim|python:3.11-slim|zapdeploy/debian:bookworm) '

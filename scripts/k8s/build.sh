#!/usr/bin/env bash
# Builds the test cluster's binaries from source, once per version, into a cache outside the repo:
#   $ZAPDEPLOY_K8S_CACHE/<version>/bin/   etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet
#   $ZAPDEPLOY_K8S_CACHE/pause/<tag>/     pause (static) and pause.oci.tar (a one-layer OCI image of it)
#   $ZAPDEPLOY_K8S_CACHE/<version>/local-provisioner/<source hash>/local-provisioner (see src/cmd/local-provisioner)
# The versions are the ones scripts/k8s/src/go.mod pins. A build goes to a temporary directory that is renamed
# into place when complete, so an interrupted build is never taken for a finished one; a lock keeps two
# concurrent callers from building the same thing twice. Prints BIN=, PAUSE_TAR= and PROVISIONER= lines.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/src"
cache="${ZAPDEPLOY_K8S_CACHE:-/var/cache/zapdeploy-k8s}"
PAUSE_TAG=1
PAUSE_IMAGE="zapdeploy.local/pause:$PAUSE_TAG"

k8s_version="$(awk '$1 == "k8s.io/kubernetes" { sub(/^v/, "", $2); print $2; exit }' "$src/go.mod")"
[[ -n "$k8s_version" ]] || { echo "build: no k8s.io/kubernetes version in $src/go.mod" >&2; exit 1; }
minor="$(cut -d. -f2 <<<"$k8s_version")"
bin="$cache/$k8s_version/bin"
commands=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet)

mkdir -p "$cache/$k8s_version"
exec 9>"$cache/$k8s_version/.build.lock"
flock 9

complete() {
  [[ -f "$bin/.complete" ]]
}

# A bin directory filled in place by a plain `go build -o` (the way this cache was first seeded) is adopted
# when every binary is there and reports the pinned version; anything less is rebuilt.
adopt() {
  [[ -d "$bin" ]] || return 1
  pgrep -f "go build .*-o $bin" >/dev/null && return 1
  local c
  for c in "${commands[@]}"; do [[ -x "$bin/$c" ]] || return 1; done
  [[ "$("$bin/kubelet" --version 2>/dev/null)" == "Kubernetes v$k8s_version" ]] || return 1
  [[ "$("$bin/kube-apiserver" --version 2>/dev/null)" == "Kubernetes v$k8s_version" ]] || return 1
  grep -q "v$k8s_version" <<<"$("$bin/kubectl" version --client 2>/dev/null)" || return 1
  "$bin/etcd" --version >/dev/null 2>&1 || return 1
  "$bin/kube-controller-manager" --version >/dev/null 2>&1 || return 1
  "$bin/kube-scheduler" --version >/dev/null 2>&1 || return 1
  date -u +%FT%TZ >"$bin/.complete"
}

build_kubernetes() {
  # Someone else's `go build` of the same set (outside this lock) is waited for rather than duplicated.
  while pgrep -f "go build .*-o $bin/" >/dev/null; do
    echo "build: waiting for the running go build into $bin" >&2
    sleep 10
  done
  complete || adopt && return 0
  local tmp="$cache/$k8s_version/bin.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  echo "build: Kubernetes v$k8s_version and etcd from source into $bin (takes a while on a fresh machine)" >&2
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v$k8s_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/client-go/pkg/version.gitVersion=v$k8s_version -X k8s.io/component-base/version.gitTreeState=clean"
  (cd "$src" && go build -trimpath -ldflags "$ldflags" -o "$tmp/" ./cmd/etcd k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl \
    k8s.io/kubernetes/cmd/kubelet) >&2
  date -u +%FT%TZ >"$tmp/.complete"
  rm -rf "$bin"
  mv "$tmp" "$bin"
}

# A one-layer OCI image layout (uncompressed layer holding /pause) packed as a tar that
# `ctr images import` reads; the image is named by the io.containerd.image.name annotation.
build_pause() {
  local dir="$cache/pause/$PAUSE_TAG"
  [[ -f "$dir/.complete" ]] && return 0
  local tmp="$cache/pause/$PAUSE_TAG.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp/rootfs" "$tmp/oci/blobs/sha256"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/rootfs/pause" ./cmd/pause) >&2
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/rootfs" -cf "$tmp/layer.tar" pause
  local layer_digest layer_size config_digest config_size manifest_digest manifest_size
  layer_digest="$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)"
  layer_size="$(stat -c %s "$tmp/layer.tar")"
  mv "$tmp/layer.tar" "$tmp/oci/blobs/sha256/$layer_digest"
  printf '{"architecture":"amd64","os":"linux","config":{"User":"65535:65535","Entrypoint":["/pause"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$layer_digest" >"$tmp/config.json"
  config_digest="$(sha256sum "$tmp/config.json" | cut -d' ' -f1)"
  config_size="$(stat -c %s "$tmp/config.json")"
  mv "$tmp/config.json" "$tmp/oci/blobs/sha256/$config_digest"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$config_digest" "$config_size" "$layer_digest" "$layer_size" >"$tmp/manifest.json"
  manifest_digest="$(sha256sum "$tmp/manifest.json" | cut -d' ' -f1)"
  manifest_size="$(stat -c %s "$tmp/manifest.json")"
  mv "$tmp/manifest.json" "$tmp/oci/blobs/sha256/$manifest_digest"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest_digest" "$manifest_size" "$PAUSE_IMAGE" "$PAUSE_TAG" >"$tmp/oci/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$tmp/oci/oci-layout"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/oci" -cf "$tmp/pause.oci.tar" oci-layout index.json blobs
  mv "$tmp/rootfs/pause" "$tmp/pause"
  rm -rf "$tmp/rootfs" "$tmp/oci"
  date -u +%FT%TZ >"$tmp/.complete"
  rm -rf "$dir"
  mv "$tmp" "$dir"
}

# Keyed by its source, so an edit rebuilds it (seconds: it shares the Go build cache with the build above).
build_provisioner() {
  local key
  key="$(cat "$src/cmd/local-provisioner/main.go" "$src/go.sum" | sha256sum | cut -c1-16)"
  provisioner_dir="$cache/$k8s_version/local-provisioner/$key"
  [[ -x "$provisioner_dir/local-provisioner" ]] && return 0
  local tmp="$provisioner_dir.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  (cd "$src" && go build -trimpath -ldflags "-s -w" -o "$tmp/local-provisioner" ./cmd/local-provisioner) >&2
  rm -rf "$provisioner_dir"
  mv "$tmp" "$provisioner_dir"
}

complete || adopt || build_kubernetes
build_pause
build_provisioner
echo "PAUSE_TAR=$cache/pause/$PAUSE_TAG/pause.oci.tar"
echo "PROVISIONER=$provisioner_dir/local-provisioner"
echo "BIN=$bin"

#!/usr/bin/env bash
# A real single-node Kubernetes cluster on this machine, built from source (see README.md here).
#   cluster.sh up NAME     builds what is missing, starts cluster NAME, prints its admin kubeconfig path last
#   cluster.sh down NAME   stops it and removes its state
#   cluster.sh status NAME prints the cluster's facts (ports, registry, kubeconfig) as KEY=value lines
# Both up and down are idempotent; several clusters run side by side (each takes a slot: its own ports,
# subnets, bridge, cgroup root, containerd, registry and state directory).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state_root="${ZAPDEPLOY_K8S_STATE:-/var/lib/zapdeploy-k8s}"
cache="${ZAPDEPLOY_K8S_CACHE:-/var/cache/zapdeploy-k8s}"
PORT_BASE=26000 # slot s uses PORT_BASE+20*s .. +19, below the kernel's ephemeral range (32768+)
PORTS_PER_SLOT=20
MAX_SLOTS=50
PAUSE_TAG=1

log() { echo "k8s[$name]: $*" >&2; }
die() {
  log "$*"
  exit 1
}

usage() {
  echo "usage: $0 up|down|status NAME" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
cmd="$1"
name="$2"
[[ "$name" =~ ^[a-z0-9]([a-z0-9-]{0,28}[a-z0-9])?$ ]] || die "NAME must be a DNS label of at most 30 characters"
[[ "$(id -u)" == 0 ]] || die "must run as root (it starts containerd and a kubelet)"

dir="$state_root/clusters/$name"
node="$name-node"
mkdir -p "$state_root/clusters" "$state_root/locks"

# ---- slot: ports and addresses ---------------------------------------------------------------------------

ports_free() {
  local base=$1 p
  local listening
  listening="$(ss -Htln | awk '{ n = split($4, a, ":"); print a[n] }')"
  for ((p = base; p < base + PORTS_PER_SLOT; p++)); do
    grep -qx "$p" <<<"$listening" && return 1
  done
  return 0
}

allocate_slot() {
  if [[ -f "$dir/slot" ]]; then
    cat "$dir/slot"
    return
  fi
  local s used
  used="$(cat "$state_root"/clusters/*/slot 2>/dev/null || true)"
  for ((s = 0; s < MAX_SLOTS; s++)); do
    grep -qx "$s" <<<"$used" && continue
    ip -br link show "zk8s$s" >/dev/null 2>&1 && continue
    ports_free $((PORT_BASE + PORTS_PER_SLOT * s)) || continue
    mkdir -p "$dir"
    echo "$s" >"$dir/slot"
    echo "$s"
    return
  done
  die "no free slot (at most $MAX_SLOTS clusters)"
}

set_layout() {
  slot=$1
  local b=$((PORT_BASE + PORTS_PER_SLOT * slot))
  apiserver_port=$b
  etcd_client_port=$((b + 1))
  etcd_peer_port=$((b + 2))
  kubelet_port=$((b + 3))
  kubelet_healthz_port=$((b + 4))
  controller_manager_port=$((b + 5))
  scheduler_port=$((b + 6))
  registry_port=$((b + 7))
  cri_stream_port=$((b + 8))
  pod_cidr="10.232.$slot.0/24"
  service_cidr="10.233.$slot.0/24"
  service_ip="10.233.$slot.1"
  node_ip="10.234.$slot.1" # on lo: the kubelet refuses a loopback node IP, and the apiserver must reach it
  bridge="zk8s$slot"
  cgroup_root="/zapdeploy-$name"
  registry="127.0.0.1:$registry_port"
  pause_image="$registry/zapdeploy/pause:$PAUSE_TAG"
  run="$dir/run"
  pki="$dir/pki"
  sock="$run/containerd.sock"
  kubeconfig="$dir/admin.kubeconfig"
}

# ---- processes -------------------------------------------------------------------------------------------

alive() {
  local pid
  [[ -f "$run/$1.pid" ]] || return 1
  pid="$(cat "$run/$1.pid")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ]]
}

# start NAME CMD...: runs CMD in its own session in the background, logs to $dir/logs/NAME.log.
start() {
  local what=$1
  shift
  alive "$what" && return 0
  mkdir -p "$dir/logs" "$run"
  # The daemons must not inherit the lock descriptors (7, 8: held by this script).
  setsid "$@" >>"$dir/logs/$what.log" 2>&1 </dev/null 7>&- 8>&- &
  echo $! >"$run/$what.pid"
}

stop() {
  local what=$1 pid i
  [[ -f "$run/$what.pid" ]] || return 0
  pid="$(cat "$run/$what.pid")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null && [[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ]] || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$run/$what.pid"
}

# wait_for WHAT SECONDS CMD...: polls CMD every 0.2 s; on timeout shows the component's log tail.
wait_for() {
  local what=$1 seconds=$2 i
  shift 2
  for ((i = 0; i < seconds * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    if [[ -f "$run/$what.pid" ]] && ! alive "$what"; then
      tail -25 "$dir/logs/$what.log" >&2 || true
      die "$what exited; log: $dir/logs/$what.log"
    fi
    sleep 0.2
  done
  tail -25 "$dir/logs/$what.log" >&2 || true
  die "$what not ready after ${seconds}s; log: $dir/logs/$what.log"
}

# ---- host packages ---------------------------------------------------------------------------------------

ensure_packages() {
  local missing=()
  command -v containerd >/dev/null || missing+=(containerd)
  command -v runc >/dev/null || [[ -x /usr/sbin/runc ]] || missing+=(runc)
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/firewall ]] || missing+=(containernetworking-plugins)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v iptables >/dev/null || missing+=(iptables)
  command -v ss >/dev/null || missing+=(iproute2)
  command -v curl >/dev/null || missing+=(curl)
  if [[ ${#missing[@]} -gt 0 ]]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}

# ---- certificates and kubeconfigs ------------------------------------------------------------------------

# ca NAME: a self-signed EC P-256 certificate authority.
ca() {
  [[ -f "$pki/$1.crt" ]] && return 0
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$1.key" 2>/dev/null
  openssl req -x509 -new -key "$pki/$1.key" -subj "/CN=zapdeploy-$name-$1" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$pki/$1.crt" 2>/dev/null
}

# cert NAME SUBJECT EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES] [CA]: an EC P-256 key and a certificate signed by CA.
cert() {
  local n=$1 subject=$2 eku=$3 sans=${4:-} ca=${5:-ca}
  [[ -f "$pki/$n.crt" ]] && return 0
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$n.key" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [[ -n "$sans" ]] && echo "subjectAltName=$sans"
  } >"$pki/$n.ext"
  openssl req -new -key "$pki/$n.key" -subj "$subject" -out "$pki/$n.csr" 2>/dev/null
  openssl x509 -req -in "$pki/$n.csr" -CA "$pki/$ca.crt" -CAkey "$pki/$ca.key" -CAserial "$pki/$ca.srl" -CAcreateserial \
    -days 3650 -extfile "$pki/$n.ext" -out "$pki/$n.crt" 2>/dev/null
  rm -f "$pki/$n.csr" "$pki/$n.ext"
}

make_pki() {
  mkdir -p "$pki"
  chmod 700 "$pki"
  ca ca
  # The aggregation layer's own CA (requestheader authentication); without it every component logs, every
  # few seconds, that the extension-apiserver-authentication ConfigMap has no request-header CA.
  ca front-proxy-ca
  cert front-proxy-client "/CN=front-proxy-client" clientAuth "" front-proxy-ca
  cert etcd-server "/CN=etcd-$name" serverAuth,clientAuth "IP:127.0.0.1,DNS:localhost"
  cert apiserver "/CN=kube-apiserver" serverAuth \
    "IP:127.0.0.1,IP:$node_ip,IP:$service_ip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  cert apiserver-etcd-client "/CN=kube-apiserver-etcd-client" clientAuth
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  cert admin "/O=system:masters/CN=zapdeploy-admin" clientAuth
  cert controller-manager "/CN=system:kube-controller-manager" clientAuth
  cert scheduler "/CN=system:kube-scheduler" clientAuth
  cert kubelet-client "/O=system:nodes/CN=system:node:$node" clientAuth
  cert kubelet-server "/CN=$node" serverAuth "IP:$node_ip,IP:127.0.0.1,DNS:$node"
  cert local-provisioner "/CN=zapdeploy:local-provisioner" clientAuth
  if [[ ! -f "$pki/sa.key" ]]; then
    openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
    openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  fi
}

# kubeconfig FILE CERT_NAME USER: a self-contained kubeconfig (certificates embedded) for the apiserver.
kubeconfig_for() {
  local file=$1 c=$2 user=$3
  cat >"$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $name
  cluster:
    server: https://127.0.0.1:$apiserver_port
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$pki/$c.crt")
    client-key-data: $(base64 -w0 "$pki/$c.key")
contexts:
- name: $name
  context:
    cluster: $name
    user: $user
current-context: $name
EOF
  chmod 600 "$file.tmp"
  mv "$file.tmp" "$file"
}

# ---- host network and cgroups ----------------------------------------------------------------------------

setup_host() {
  # (grep reads whole outputs here: `cmd | grep -q` under pipefail fails when grep exits before cmd is done)
  grep -q " $node_ip/32 " <<<"$(ip addr show dev lo)" || ip addr add "$node_ip/32" dev lo
  sysctl -qw net.ipv4.ip_forward=1 >/dev/null
  # The kubelet's cgroup root must exist in every v1 hierarchy (cpuset needs its cpus and mems set).
  if [[ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]]; then
    local h
    for h in /sys/fs/cgroup/*/; do
      h="${h%/}"
      [[ -f "$h/cgroup.procs" ]] || continue
      mkdir -p "$h$cgroup_root"
      if [[ -f "$h/cpuset.cpus" ]]; then
        [[ -n "$(cat "$h$cgroup_root/cpuset.cpus")" ]] || cat "$h/cpuset.cpus" >"$h$cgroup_root/cpuset.cpus"
        [[ -n "$(cat "$h$cgroup_root/cpuset.mems")" ]] || cat "$h/cpuset.mems" >"$h$cgroup_root/cpuset.mems"
      fi
    done
  else
    mkdir -p "/sys/fs/cgroup$cgroup_root"
  fi
}

# ---- components ------------------------------------------------------------------------------------------

start_registry() {
  mkdir -p "$dir/registry"
  cat >"$dir/registry.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$registry_port
EOF
  start registry docker-registry serve "$dir/registry.yml"
  wait_for registry 30 curl -fsS "http://$registry/v2/"
}

start_containerd() {
  local restrict_oom=false
  sh -c 'echo -1 >/proc/self/oom_score_adj' 2>/dev/null || restrict_oom=true
  mkdir -p "$dir/containerd/root" "$run/containerd-state" "$dir/containerd/opt" "$dir/cni/net.d" "$dir/cni/ipam"
  mkdir -p "$dir/containerd/certs.d/$registry"
  cat >"$dir/containerd/certs.d/$registry/hosts.toml" <<EOF
server = "http://$registry"

[host."http://$registry"]
  capabilities = ["pull", "resolve", "push"]
EOF
  cat >"$dir/cni/net.d/10-zapdeploy.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "zapdeploy-$name",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$bridge",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$pod_cidr" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "$dir/cni/ipam"
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } },
    { "type": "firewall", "backend": "iptables" }
  ]
}
EOF
  cat >"$dir/containerd/config.toml" <<EOF
version = 2
root = "$dir/containerd/root"
state = "$run/containerd-state"
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing",
]

[grpc]
  address = "$sock"

[ttrpc]
  address = "$sock.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  stream_server_address = "127.0.0.1"
  stream_server_port = "$cri_stream_port"
  enable_selinux = false
  # This machine's root has no CAP_SYS_RESOURCE (not in the bounding set), so no process may lower its
  # oom_score_adj below 0; the CRI's -998 for sandboxes would fail in runc ("can't get final child's PID").
  restrict_oom_score_adj = $restrict_oom
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$run/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$dir/cni/net.d"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$dir/containerd/certs.d"
EOF
  start containerd containerd --config "$dir/containerd/config.toml" --log-level warn
  wait_for containerd 30 ctr --address "$sock" version
}

ctr_k8s() { ctr --address "$sock" --namespace k8s.io "$@"; }

load_pause() {
  grep -qx "$pause_image" <<<"$(ctr_k8s images ls -q)" && return 0
  ctr_k8s images import "$pause_tar" >/dev/null
  ctr_k8s images tag --force "zapdeploy.local/pause:$PAUSE_TAG" "$pause_image" >/dev/null
  # Also in the registry, so the kubelet's image garbage collection can never leave pods without a sandbox.
  ctr_k8s images push --plain-http "$pause_image" >/dev/null
}

start_etcd() {
  mkdir -p "$dir/etcd"
  chmod 700 "$dir/etcd"
  start etcd "$bin/etcd" --name "$name" --data-dir "$dir/etcd" \
    --listen-client-urls "https://127.0.0.1:$etcd_client_port" --advertise-client-urls "https://127.0.0.1:$etcd_client_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "$name=http://127.0.0.1:$etcd_peer_port" --initial-cluster-state new \
    --cert-file "$pki/etcd-server.crt" --key-file "$pki/etcd-server.key" --client-cert-auth --trusted-ca-file "$pki/ca.crt" \
    --unsafe-no-fsync --snapshot-count 10000 --log-level warn
}

start_apiserver() {
  start apiserver "$bin/kube-apiserver" \
    --bind-address 127.0.0.1 --secure-port "$apiserver_port" --advertise-address "$node_ip" \
    --etcd-servers "https://127.0.0.1:$etcd_client_port" --etcd-cafile "$pki/ca.crt" \
    --etcd-certfile "$pki/apiserver-etcd-client.crt" --etcd-keyfile "$pki/apiserver-etcd-client.key" \
    --client-ca-file "$pki/ca.crt" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
    --service-cluster-ip-range "$service_cidr" \
    --service-account-issuer "https://kubernetes.default.svc.cluster.local" \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$pki/ca.crt" --kubelet-preferred-address-types InternalIP \
    --requestheader-client-ca-file "$pki/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$pki/front-proxy-client.crt" --proxy-client-key-file "$pki/front-proxy-client.key" \
    --profiling=false --v=1
}

start_controller_manager() {
  start controller-manager "$bin/kube-controller-manager" \
    --kubeconfig "$dir/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$dir/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$dir/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$controller_manager_port" \
    --cluster-name "$name" --leader-elect=false --use-service-account-credentials \
    --root-ca-file "$pki/ca.crt" --service-account-private-key-file "$pki/sa.key" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --profiling=false --v=1
}

start_scheduler() {
  start scheduler "$bin/kube-scheduler" \
    --kubeconfig "$dir/scheduler.kubeconfig" \
    --authentication-kubeconfig "$dir/scheduler.kubeconfig" \
    --authorization-kubeconfig "$dir/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$scheduler_port" --leader-elect=false --profiling=false --v=1
}

start_kubelet() {
  mkdir -p "$dir/kubelet" "$dir/pod-logs"
  cat >"$dir/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_ip
port: $kubelet_port
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $kubelet_healthz_port
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $pki/ca.crt
authorization:
  mode: Webhook
tlsCertFile: $pki/kubelet-server.crt
tlsPrivateKeyFile: $pki/kubelet-server.key
containerRuntimeEndpoint: unix://$sock
imageServiceEndpoint: unix://$sock
cgroupDriver: cgroupfs
cgroupRoot: $cgroup_root
cgroupsPerQOS: true
failCgroupV1: false
failSwapOn: false
podLogsDir: $dir/pod-logs
volumePluginDir: $dir/kubelet/volume-plugins
resolvConf: /etc/resolv.conf
clusterDomain: cluster.local
maxPods: 110
serializeImagePulls: false
imageGCHighThresholdPercent: 95
imageGCLowThresholdPercent: 90
evictionHard:
  memory.available: 100Mi
  nodefs.available: 3%
  nodefs.inodesFree: 3%
  imagefs.available: 3%
enforceNodeAllocatable: [pods]
EOF
  start kubelet "$bin/kubelet" --config "$dir/kubelet.yaml" --kubeconfig "$dir/kubelet.kubeconfig" \
    --root-dir "$dir/kubelet" --hostname-override "$node" --node-ip "$node_ip" \
    --pod-infra-container-image "$pause_image" --v=1
}

# Dynamic PersistentVolumes: `local` volumes in directories under the state directory (see its source for why).
start_provisioner() {
  start local-provisioner "$provisioner" -kubeconfig "$dir/local-provisioner.kubeconfig" -node "$node" -root "$dir/volumes"
}

kubectl_admin() { "$bin/kubectl" --kubeconfig "$kubeconfig" "$@"; }

node_ready() {
  [[ "$(kubectl_admin get node "$node" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}

bootstrap_objects() {
  kubectl_admin apply -f - >/dev/null <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: zapdeploy.local/local-dir
reclaimPolicy: Delete
volumeBindingMode: Immediate
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: zapdeploy:local-provisioner
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:persistent-volume-provisioner
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: zapdeploy:local-provisioner
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: "$registry"
    help: "https://github.com/kubernetes/enhancements/tree/master/keps/sig-cluster-lifecycle/generic/1755-communicating-a-local-registry"
EOF
}

# ---- up / down -------------------------------------------------------------------------------------------

up() {
  ensure_packages
  local built
  built="$(bash "$here/build.sh")"
  bin="$(sed -n 's/^BIN=//p' <<<"$built")"
  pause_tar="$(sed -n 's/^PAUSE_TAR=//p' <<<"$built")"
  provisioner="$(sed -n 's/^PROVISIONER=//p' <<<"$built")"
  exec 7>"$state_root/locks/slots"
  flock 7
  local s
  s="$(allocate_slot)"
  flock -u 7
  set_layout "$s"
  mkdir -p "$run" "$dir/logs"
  make_pki
  kubeconfig_for "$kubeconfig" admin zapdeploy-admin
  kubeconfig_for "$dir/controller-manager.kubeconfig" controller-manager system:kube-controller-manager
  kubeconfig_for "$dir/scheduler.kubeconfig" scheduler system:kube-scheduler
  kubeconfig_for "$dir/kubelet.kubeconfig" kubelet-client "system:node:$node"
  kubeconfig_for "$dir/local-provisioner.kubeconfig" local-provisioner zapdeploy:local-provisioner
  setup_host

  start_registry
  start_containerd
  load_pause
  start_etcd
  wait_for etcd 60 curl -fsS --cacert "$pki/ca.crt" --cert "$pki/apiserver-etcd-client.crt" --key "$pki/apiserver-etcd-client.key" \
    "https://127.0.0.1:$etcd_client_port/health"
  start_apiserver
  wait_for apiserver 90 curl -fsS --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    "https://127.0.0.1:$apiserver_port/readyz"
  start_controller_manager
  start_scheduler
  start_kubelet
  bootstrap_objects
  start_provisioner
  wait_for kubelet 90 node_ready
  wait_for controller-manager 60 kubectl_admin get serviceaccount default --namespace default
  {
    echo "KUBECONFIG=$kubeconfig"
    echo "REGISTRY=$registry"
    echo "STORAGE_CLASS=standard"
    echo "NODE=$node"
    echo "APISERVER=https://127.0.0.1:$apiserver_port"
    echo "SLOT=$slot"
  } >"$dir/env"
  log "up: apiserver https://127.0.0.1:$apiserver_port, registry $registry, node $node ($node_ip), pods $pod_cidr"
  echo "$kubeconfig"
}

# Removes what the CNI plugins left in iptables for this cluster's pods (normally gone with each pod).
sweep_iptables() {
  local rule chain
  { iptables -t nat -S POSTROUTING 2>/dev/null | grep -F "zapdeploy-$name\"" || true; } | while read -r rule; do
    chain="$(sed -n 's/.* -j \(CNI-[0-9a-f]*\).*/\1/p' <<<"$rule")"
    eval "iptables -t nat ${rule/-A /-D }" 2>/dev/null || true
    if [[ -n "$chain" ]]; then
      iptables -t nat -F "$chain" 2>/dev/null || true
      iptables -t nat -X "$chain" 2>/dev/null || true
    fi
  done
  for chain in CNI-FORWARD CNI-ADMIN; do
    { iptables -S "$chain" 2>/dev/null | grep -F "${pod_cidr%.0/24}." || true; } | while read -r rule; do
      eval "iptables ${rule/-A /-D }" 2>/dev/null || true
    done
  done
}

down() {
  if [[ ! -f "$dir/slot" ]]; then
    rm -rf "$dir"
    log "down: no such cluster"
    return 0
  fi
  set_layout "$(cat "$dir/slot")"
  bin="$cache/$(awk '$1 == "k8s.io/kubernetes" { sub(/^v/, "", $2); print $2; exit }' "$here/src/go.mod")/bin"
  stop scheduler
  stop controller-manager
  stop local-provisioner
  # Pods go through the kubelet, so the CNI plugins tear their network down (addresses, iptables rules).
  if alive kubelet && alive apiserver; then
    kubectl_admin delete pods --all-namespaces --all --grace-period=0 --force --wait=false >/dev/null 2>&1 || true
    local i
    for ((i = 0; i < 100; i++)); do
      [[ -z "$(ctr_k8s tasks ls -q 2>/dev/null)" ]] && break
      sleep 0.3
    done
  fi
  stop kubelet
  stop apiserver
  stop etcd
  if alive containerd; then
    local t
    for t in $(ctr_k8s tasks ls -q 2>/dev/null); do ctr_k8s tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true; done
    sleep 0.5
    for t in $(ctr_k8s tasks ls -q 2>/dev/null); do ctr_k8s tasks delete -f "$t" >/dev/null 2>&1 || true; done
  fi
  stop containerd
  stop registry
  # Shims and container processes that outlived containerd: everything left in the cluster's cgroups.
  local h pids
  for h in /sys/fs/cgroup/*/; do
    h="${h%/}"
    [[ -d "$h$cgroup_root" ]] || continue
    pids="$(find "$h$cgroup_root" -name cgroup.procs -exec cat {} + 2>/dev/null || true)"
    [[ -n "$pids" ]] && kill -KILL $pids 2>/dev/null || true
  done
  local shim
  for shim in "$run"/containerd-state/io.containerd.runtime.v2.task/*/*/shim.pid; do
    [[ -f "$shim" ]] && kill -KILL "$(cat "$shim")" 2>/dev/null || true
  done
  sweep_iptables
  ip link del "$bridge" 2>/dev/null || true
  ip addr del "$node_ip/32" dev lo 2>/dev/null || true
  # Mounts under the state directory (container rootfs, kubelet's secret and projected volumes), deepest first.
  { grep -F " $dir/" /proc/self/mounts || true; } | awk '{ print $2 }' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  for h in /sys/fs/cgroup/*/; do
    h="${h%/}"
    [[ -d "$h$cgroup_root" ]] || continue
    find "$h$cgroup_root" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  rm -rf "$dir"
  log "down: removed"
}

case "$cmd" in
up)
  exec 8>"$state_root/locks/$name"
  flock 8
  up
  ;;
down)
  exec 8>"$state_root/locks/$name"
  flock 8
  down
  ;;
status)
  [[ -f "$dir/env" ]] || die "no such cluster"
  cat "$dir/env"
  ;;
*) usage ;;
esac

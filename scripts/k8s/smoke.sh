#!/usr/bin/env bash
# Proves the test clusters work: starts clusters A and B side by side (default: smoke-a, smoke-b), then on A
#   - a pod from a locally built image pushed to the cluster's registry (node:24-slim) runs and its logs read back,
#     as a non-root, Pod Security "restricted" pod in a namespace that enforces "restricted";
#   - the pod reaches the host's DNS server and the outside network (egress through bridge + masquerade);
#   - privileged and root pods are rejected by Pod Security admission;
#   - a ReadWriteOncePod claim of the default StorageClass binds, a non-root pod writes a file to it and a
#     second pod reads it;
#   - a NetworkPolicy is accepted;
# on B a pod runs too, then both clusters go down (unless --keep). Exits non-zero on the first failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
keep=0
if [[ "${1:-}" == --keep ]]; then
  keep=1
  shift
fi
a="${1:-smoke-a}"
b="${2:-smoke-b}"
cluster="$root/scripts/k8s/cluster.sh"
t0=$SECONDS

step() { echo "smoke: $* ($((SECONDS - t0))s)"; }
fail() {
  echo "smoke: FAILED: $*" >&2
  exit 1
}

step "up $a and $b at once"
bash "$cluster" up "$a" >/tmp/smoke-up-$a.log 2>&1 &
pid_a=$!
bash "$cluster" up "$b" >/tmp/smoke-up-$b.log 2>&1 &
pid_b=$!
wait $pid_a || { cat /tmp/smoke-up-$a.log >&2; fail "up $a"; }
wait $pid_b || { cat /tmp/smoke-up-$b.log >&2; fail "up $b"; }
kc_a="$(tail -1 /tmp/smoke-up-$a.log)"
kc_b="$(tail -1 /tmp/smoke-up-$b.log)"
again="$(bash "$cluster" up "$a" 2>/tmp/smoke-up-again.log | tail -1)"
[[ "$again" == "$kc_a" ]] || fail "second up $a printed '$again', not '$kc_a': $(cat /tmp/smoke-up-again.log)"
eval "$(bash "$cluster" status "$a" | sed 's/^/A_/')"
eval "$(bash "$cluster" status "$b" | sed 's/^/B_/')"
[[ "$A_APISERVER" != "$B_APISERVER" && "$A_REGISTRY" != "$B_REGISTRY" ]] || fail "the clusters share ports"
kubectl="$(bash "$root/scripts/k8s/build.sh" | sed -n 's/^BIN=//p')/kubectl"
ka() { "$kubectl" --kubeconfig "$kc_a" "$@"; }
kb() { "$kubectl" --kubeconfig "$kc_b" "$@"; }

step "registry from the KEP-1755 ConfigMap"
registry="$(ka get configmap local-registry-hosting -n kube-public -o jsonpath='{.data.localRegistryHosting\.v1}' | sed -n 's/^host: "\(.*\)"$/\1/p')"
[[ "$registry" == "$A_REGISTRY" ]] || fail "ConfigMap says registry '$registry', status says '$A_REGISTRY'"

step "push node:24-slim to $registry and ${B_REGISTRY}"
bash "$root/scripts/docker/ensure-engine.sh" >/dev/null
bash "$root/scripts/docker/make-base-images.sh" >/dev/null
for r in "$registry" "$B_REGISTRY"; do
  docker tag node:24-slim "$r/zapdeploy/node:24-slim"
  docker push -q "$r/zapdeploy/node:24-slim" >/dev/null
done
image="$registry/zapdeploy/node:24-slim"

ns=smoke
ka delete namespace "$ns" --ignore-not-found --wait=true >/dev/null
ka create namespace "$ns" >/dev/null
ka label namespace "$ns" pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/warn=restricted >/dev/null

restricted_security='
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    runAsGroup: 1000
    fsGroup: 1000
    seccompProfile: { type: RuntimeDefault }'
container_security='
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: { drop: [ALL] }'

step "a restricted pod runs the registry's image and its logs read back"
ka apply -n "$ns" -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: { name: hello }
spec:
  automountServiceAccountToken: false
  restartPolicy: Never$restricted_security
  containers:
  - name: node
    image: $image
    command: [node, -e, "console.log('hello from', process.version, 'uid', process.getuid()); require('dns').lookup('deb.debian.org', (e, a) => { console.log('dns', e ? e.code : 'ok'); fetch('http://deb.debian.org/debian/dists/bookworm/Release', { method: 'HEAD' }).then((r) => console.log('egress', r.status), (x) => console.log('egress', x.cause?.code ?? x.message)).finally(() => setTimeout(() => {}, 600000)); })"]$container_security
EOF
ka wait -n "$ns" --for=jsonpath='{.status.phase}'=Running pod/hello --timeout=120s >/dev/null || {
  ka describe pod -n "$ns" hello >&2
  fail "pod hello not Running"
}
for _ in $(seq 1 100); do
  grep -q '^egress' <<<"$(ka logs -n "$ns" hello 2>/dev/null)" && break
  sleep 0.3
done
logs="$(ka logs -n "$ns" hello)"
echo "$logs" | sed 's/^/  | /'
grep -q "hello from v24" <<<"$logs" || fail "no hello line in the logs"
grep -q "uid 1000" <<<"$logs" || fail "the pod does not run as uid 1000"
grep -q "^dns ok" <<<"$logs" || fail "the pod cannot resolve names through the host's resolver"
grep -q "^egress 200" <<<"$logs" || fail "the pod cannot reach the outside network"

step "Pod Security rejects a privileged pod and a root pod"
out="$(ka apply -n "$ns" -f - 2>&1 <<EOF || true
apiVersion: v1
kind: Pod
metadata: { name: privileged }
spec:
  containers:
  - name: c
    image: $image
    securityContext: { privileged: true }
EOF
)"
grep -q 'violates PodSecurity "restricted:latest"' <<<"$out" || fail "privileged pod not rejected by Pod Security: $out"
out="$(ka apply -n "$ns" -f - 2>&1 <<EOF || true
apiVersion: v1
kind: Pod
metadata: { name: root }
spec:
  securityContext: { runAsUser: 0, seccompProfile: { type: RuntimeDefault } }
  containers:
  - name: c
    image: $image$container_security
EOF
)"
grep -q 'violates PodSecurity "restricted:latest"' <<<"$out" || fail "root pod not rejected by Pod Security: $out"

step "a ReadWriteOncePod claim binds; one pod writes, the next reads"
ka apply -n "$ns" -f - >/dev/null <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
spec:
  accessModes: [ReadWriteOncePod]
  resources: { requests: { storage: 100Mi } }
EOF
ka wait -n "$ns" --for=jsonpath='{.status.phase}'=Bound pvc/data --timeout=60s >/dev/null || fail "claim not bound"
for role in writer reader; do
  if [[ $role == writer ]]; then script="require('fs').writeFileSync('/data/note', 'kept ' + process.getuid()); console.log('wrote')"; else script="console.log('read', require('fs').readFileSync('/data/note', 'utf8'))"; fi
  ka apply -n "$ns" -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: { name: $role }
spec:
  automountServiceAccountToken: false
  restartPolicy: Never$restricted_security
  volumes: [{ name: data, persistentVolumeClaim: { claimName: data } }]
  containers:
  - name: node
    image: $image
    command: [node, -e, "$script"]
    volumeMounts: [{ name: data, mountPath: /data }]$container_security
EOF
  ka wait -n "$ns" --for=jsonpath='{.status.phase}'=Succeeded "pod/$role" --timeout=120s >/dev/null || {
    ka describe pod -n "$ns" "$role" >&2
    ka logs -n "$ns" "$role" >&2 || true
    fail "pod $role did not succeed"
  }
  ka logs -n "$ns" "$role" | sed 's/^/  | /'
  ka delete pod -n "$ns" "$role" --wait=true >/dev/null
done
ka logs -n "$ns" hello >/dev/null
[[ "$(ka get pv -o jsonpath='{.items[0].spec.accessModes[0]}')" == ReadWriteOncePod ]] || fail "volume is not ReadWriteOncePod"

step "a NetworkPolicy is accepted"
ka apply -n "$ns" -f - >/dev/null <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  egress:
  - to: [{ ipBlock: { cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.169.254/32] } }]
EOF
ka get networkpolicy -n "$ns" default-deny >/dev/null

step "a pod runs on $b too"
kb delete pod hello-b --ignore-not-found --wait=true >/dev/null
kb run hello-b --image "$B_REGISTRY/zapdeploy/node:24-slim" --restart=Never --command -- node -e "console.log('hello from b')" >/dev/null
kb wait --for=jsonpath='{.status.phase}'=Succeeded pod/hello-b --timeout=120s >/dev/null || fail "pod on $b did not succeed"
[[ "$(kb logs hello-b)" == "hello from b" ]] || fail "logs on $b"

if [[ $keep == 0 ]]; then
  step "down $a and $b"
  bash "$cluster" down "$a" >/dev/null 2>&1 &
  bash "$cluster" down "$b" >/dev/null 2>&1
  wait
  bash "$cluster" down "$a" >/dev/null 2>&1 || fail "second down $a"
  [[ ! -e "${kc_a%/*}" && ! -e "${kc_b%/*}" ]] || fail "state left behind"
fi
step "all good"

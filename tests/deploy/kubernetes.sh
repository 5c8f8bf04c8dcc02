#!/usr/bin/env bash
# The Kubernetes manifests: each validates against the official schemas
# (kubernetes-models, offline) and says what vigil's hardening needs; then the
# DaemonSet's pod template, made a Pod, runs under `podman kube play` and
# alerts on another container. Run as root: tests/deploy/kubernetes.sh
set -uo pipefail
. "$(dirname "$0")/lib.sh"

k8s=$top/deploy/kubernetes
here=$top/tests/deploy
pod=vigil-kube-test
victim=vigil-kube-victim-$$
work=$(mktemp -d /tmp/vigil-k8s.XXXXXX)
NODE_DIR=${VIGIL_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vigil/k8s-node}

cleanup() {
	podman pod rm -f -t 0 "$pod" >/dev/null 2>&1
	podman rm -f -t 0 "$victim" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

# kubernetes-models and yaml, from the npm registry once, then cached.
command -v npm >/dev/null || "$top/tests/setup-host.sh" deps nodejs npm || exit 1
if [ ! -d "$NODE_DIR/node_modules/kubernetes-models" ]; then
	mkdir -p "$NODE_DIR"
	(cd "$NODE_DIR" && npm install --no-audit --no-fund --silent kubernetes-models yaml) || {
		fail "npm install kubernetes-models yaml"
		finish
		exit
	}
fi
cp "$here"/k8s-manifests.mjs "$here"/k8s-pod.mjs "$NODE_DIR/"

# 1. The schemas.
manifests=$(ls "$k8s"/*.yaml | grep -v kustomization.yaml)
if node "$NODE_DIR/k8s-manifests.mjs" $manifests >"$work/objects.json" 2>"$work/invalid"; then
	pass "every manifest validates against the Kubernetes schemas"
else
	cat "$work/invalid"
	fail "every manifest validates against the Kubernetes schemas"
fi
expect "kinds" "$(jq -r .kind "$work/objects.json" | sort | tr '\n' ' ')" \
	"ConfigMap ConfigMap DaemonSet Namespace NetworkPolicy ServiceAccount "
sed 's/runAsUser: 65534/runAsUser: nobody/' "$k8s/daemonset.yaml" >"$work/bad.yaml"
check "a DaemonSet that breaks the schema is refused" \
	sh -c "! node '$NODE_DIR/k8s-manifests.mjs' '$work/bad.yaml' >/dev/null 2>&1"
for f in $manifests; do
	check "kustomization.yaml lists $(basename "$f")" \
		grep -q "^  - $(basename "$f")$" "$k8s/kustomization.yaml"
done
check "configmap.yaml is what configmap.sh makes of rules/" \
	sh -c "'$k8s/configmap.sh' | cmp -s - '$k8s/configmap.yaml'"

# 2. What the hardening needs, field by field.
obj() { jq -c "select(.kind == \"$1\")" "$work/objects.json" | head -n 1; }
ns=$(obj Namespace)
sa=$(obj ServiceAccount)
ds=$(obj DaemonSet)
np=$(obj NetworkPolicy)
spec=$(jq -c .spec.template.spec <<<"$ds")
ctr=$(jq -c '.containers[0]' <<<"$spec")
q() { jq -r "$1" <<<"$2"; }
expect "namespace: enforced level" "$(q '.metadata.labels["pod-security.kubernetes.io/enforce"]' "$ns")" privileged
expect "namespace: audited level" "$(q '.metadata.labels["pod-security.kubernetes.io/audit"]' "$ns")" restricted
expect "service account: no token" "$(q .automountServiceAccountToken "$sa")" false
expect "pod: no token" "$(q .automountServiceAccountToken "$spec")" false
expect "pod: service account" "$(q .serviceAccountName "$spec")" vigil
expect "pod: host pid namespace (the task iterator)" "$(q .hostPID "$spec")" true
expect "pod: no host network" "$(q '.hostNetwork // false' "$spec")" false
expect "pod: priority class" "$(q .priorityClassName "$spec")" system-node-critical
expect "pod: tolerates every taint" "$(q '[.tolerations[] | select(.operator == "Exists" and .key == null)] | length' "$spec")" 1
expect "pod: runs as non-root" "$(q '"\(.securityContext.runAsNonRoot) \(.securityContext.runAsUser)"' "$spec")" "true 65534"
expect "pod: seccomp profile" "$(q '.securityContext.seccompProfile | "\(.type) \(.localhostProfile)"' "$spec")" \
	"Localhost vigil/seccomp.json"
expect "container: not privileged" "$(q '.securityContext.privileged // false' "$ctr")" false
expect "container: capabilities" "$(q '.securityContext.capabilities | "\(.drop) \(.add)"' "$ctr")" \
	'["ALL"] ["BPF","PERFMON"]'
expect "container: read-only root" "$(q .securityContext.readOnlyRootFilesystem "$ctr")" true
expect "container: requests and limits" \
	"$(q '.resources | [.requests.cpu, .requests.memory, .limits.cpu, .limits.memory] | map(. != null) | all' "$ctr")" true
expect "container: liveness probe" "$(q .livenessProbe.httpGet.path "$ctr")" /healthz
expect "container: every mount read-only" "$(q '[.volumeMounts[] | select(.readOnly != true)] | length' "$ctr")" 0
expect "container: the image built here" "$(q .image "$ctr")" "$IMAGE"
expect "network policy: every pod, no traffic either way" \
	"$(q '"\(.spec.podSelector) \(.spec.policyTypes) \(.spec.ingress) \(.spec.egress)"' "$np")" \
	'{} ["Ingress","Egress"] null null'

# 3. The pod template, run by podman.
"$top/tests/setup-host.sh" journald || exit 1
"$top/tests/setup-host.sh" podman || exit 1
ensure_image || {
	fail "make image"
	finish
	exit
}
mkdir -p "$work/empty" "$work/seccomp"
cp "$top/deploy/seccomp.json" "$work/seccomp/"
node "$NODE_DIR/k8s-pod.mjs" "$k8s/daemonset.yaml" "$k8s/configmap.yaml" "$pod" "$work/empty" \
	>"$work/pod.yaml"
podman pod rm -f -t 0 "$pod" >/dev/null 2>&1
if ! podman kube play --seccomp-profile-root "$work/seccomp" "$work/pod.yaml" \
	>"$work/play.log" 2>&1; then
	cat "$work/play.log"
	fail "podman kube play"
	finish
	exit
fi
ctrname=$pod-vigild
for _ in $(seq 200); do
	podman logs "$ctrname" 2>&1 | grep -q running && break
	sleep 0.1
done
podman logs "$ctrname" >"$work/vigild.log" 2>&1
if grep -q running "$work/vigild.log"; then
	pass "podman kube play runs the pod template"
else
	cat "$work/vigild.log"
	fail "podman kube play runs the pod template"
	finish
	exit
fi
pid=$(podman inspect -f '{{.State.Pid}}' "$ctrname")
expect "uid" "$(status_field "$pid" Uid)" 65534
expect "every thread's capabilities once attached (eff prm amb)" \
	"$(every_thread_caps "$pid" | sort -u)" "0000000000000000 0000000000000000 0000000000000000 "
expect "bounding set: CAP_BPF and CAP_PERFMON" "$(status_field "$pid" CapBnd)" 000000c000000000
expect "seccomp filter" "$(status_field "$pid" Seccomp)" 2
expect "read-only root" "$(podman inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$ctrname")" true
# The liveness probe's question, asked from inside the pod's network.
health=$(nsenter -t "$pid" -n bash -c 'exec 3<>/dev/tcp/127.0.0.1/9376 &&
	printf "GET /healthz HTTP/1.0\r\n\r\n" >&3 && cat <&3' 2>/dev/null | awk 'NR == 1 { print $2 }')
expect "/healthz status" "$health" 200

since=$(date +%s)
podman run --rm --network=none --name "$victim" --cidfile "$work/cid" \
	"${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}" cat /etc/shadow >/dev/null 2>&1
cid=$(cat "$work/cid")
if alert=$(wait_alert "$since" _PID="$pid" VIGIL_CONTAINER_ID="${cid:0:12}"); then
	expect "alert for the other container" "$(jq -r .VIGIL_RULE <<<"$alert")" \
		"Read sensitive file untrusted"
else
	fail "no alert from the pod's vigild (pid $pid) for container ${cid:0:12}"
fi

finish

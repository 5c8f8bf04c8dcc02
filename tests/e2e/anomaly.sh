#!/usr/bin/env bash
# End-to-end: the default anomaly items learn what a container image's
# containers do (a learning period of a few seconds, from the config),
# vigild restarts and keeps the baseline, then a new executable and a new
# outbound destination alert in journald while the known behaviour does
# not; export, reset and import give the same baseline back; the
# NetworkPolicy and the filesystem advice validate against the Kubernetes
# schemas (kubernetes-models, offline) and print the same bytes twice; a
# corrupt baseline file is set aside; a full scope stops learning. Run as root:
#   tests/e2e/anomaly.sh build/vigild
set -uo pipefail

VIGILD=$(realpath "${1:-build/vigild}")
top=$(cd "$(dirname "$0")/../.." && pwd)
BASE_IMAGE=${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}
# A repository of our own: no other container feeds its baselines.
IMAGE=localhost/vigil-an-test:1
REPO=localhost/vigil-an-test
LEARNING=8
NODE_DIR=${VIGIL_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vigil/k8s-node}
work=$(mktemp -d /tmp/vigil-an.XXXXXX)
vigild_pid=
. "$top/tests/e2e/lib.sh"

"$top/tests/setup-host.sh" journald || exit 1
"$top/tests/setup-host.sh" podman || exit 1

stop_vigild() {
	[ -n "$vigild_pid" ] && kill "$vigild_pid" 2>/dev/null && wait "$vigild_pid" 2>/dev/null
	vigild_pid=
}

cleanup() {
	stop_vigild
	remove_containers vigil-an
	podman untag "$IMAGE" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

podman tag "$BASE_IMAGE" "$IMAGE" || exit 1
cat >"$work/vigil.yaml" <<EOC
state_dir: $work/state
anomaly:
  learning_period: $LEARNING
  save_interval: 1
rate_limit:
  enabled: false
EOC

# start_vigild LOG: the default rules, this test's config.
start_vigild() {
	"$VIGILD" -c "$work/vigil.yaml" -r "$top/rules" 2>"$1" &
	vigild_pid=$!
	for _ in $(seq 100); do
		grep -q "running" "$1" && return 0
		kill -0 "$vigild_pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$1"
	fail "vigild did not start"
	exit 1
}

# in_container NAME CMD: a fresh container of the test image.
in_container() {
	local name=$1
	shift
	podman run --rm --network=none --name "$name" "$IMAGE" sh -c "$1" >/dev/null 2>&1
}

# no_anomaly DESCRIPTION NAME: no anomaly alert for the container.
no_anomaly() {
	local got
	got=$(journal_alerts VIGIL_CONTAINER_NAME="$2" | jq -r '.VIGIL_RULE' | grep ' in image$')
	if [ -z "$got" ]; then
		pass "$1: no anomaly alert"
	else
		fail "$1: unexpected alerts: $(echo "$got" | tr '\n' ',')"
	fi
}

# What the image does, the same during learning and detection. Each
# container waits a moment first: events from before vigild has read the
# container's state (its image) feed no scope.
KNOWN='sleep 1; cat /etc/hostname >/dev/null; echo x >/tmp/f; nc -w1 192.0.2.1 80; true'

since=$(date +%s)

# 1. Learning.
start_vigild "$work/vigild1.log"
learn_start=$(date +%s)
in_container vigil-an-learn "$KNOWN"
sleep 1
no_anomaly "while learning" vigil-an-learn
# Past the learning period, counted from the image's first event.
left=$((LEARNING + 1 - ($(date +%s) - learn_start)))
[ "$left" -gt 0 ] && sleep "$left"
stop_vigild
base=$work/state/baseline.yaml
if grep -q '"/bin/busybox"' "$base" && grep -q '\["192.0.2.1", "80"\]' "$base" &&
	grep -q "scope: \"$REPO\"" "$base"; then
	pass "baseline saved at exit: executable and destination"
else
	fail "baseline saved at exit: $(cat "$base" 2>&1 | head -40)"
fi
started1=$(grep -m1 learning_started "$base")
if "$VIGILD" -c "$work/vigil.yaml" --baseline show "$REPO" |
	grep -q "^New executable in image: container.image.repository=$REPO: "; then
	pass "--baseline show lists the scope"
else
	fail "--baseline show lists the scope"
fi

# 2. Restarted: the baseline is read back, no new learning period.
start_vigild "$work/vigild2.log"
# Other images' containers may have fed scopes of their own meanwhile.
if grep -Eq "baselines: [0-9]+ scopes from $base" "$work/vigild2.log"; then
	pass "restart: the baseline is read back"
else
	fail "restart: $(cat "$work/vigild2.log")"
fi
in_container vigil-an-known "$KNOWN"
in_container vigil-an-new \
	'sleep 1; cp /bin/busybox /root/bb; /root/bb true; nc -w1 192.0.2.7 443; true'
if wait_alert "new executable" VIGIL_RULE="New executable in image" \
	VIGIL_CONTAINER_NAME=vigil-an-new; then
	expect_field "new executable" VIGIL_PROC_EXEPATH /root/bb
	expect_field "new executable" VIGIL_CONTAINER_IMAGE_REPOSITORY "$REPO"
	expect_field "new executable" PRIORITY 5
fi
if wait_alert "new destination" VIGIL_RULE="New outbound destination in image" \
	VIGIL_CONTAINER_NAME=vigil-an-new; then
	expect_field "new destination" VIGIL_FD_SIP 192.0.2.7
	expect_field "new destination" VIGIL_FD_SPORT 443
fi
# The known container ran first: its events are behind us.
no_anomaly "known behaviour after restart" vigil-an-known
# alert_once: the second time, no alert.
in_container vigil-an-again 'sleep 1; /root/bb true 2>/dev/null; nc -w1 192.0.2.7 443; true'
in_container vigil-an-marker 'sleep 1; nc -w1 192.0.2.99 443; true'
wait_alert "marker destination" VIGIL_RULE="New outbound destination in image" \
	VIGIL_CONTAINER_NAME=vigil-an-marker >/dev/null && pass "marker destination alerts"
no_anomaly "a new destination alerts once" vigil-an-again
stop_vigild
if [ "$(grep -m1 learning_started "$base")" = "$started1" ]; then
	pass "learning start kept across the restart"
else
	fail "learning start changed: $started1 -> $(grep -m1 learning_started "$base")"
fi

# 3. Export, reset, import: the same baseline back, byte for byte.
vctl() { "$VIGILD" -c "$work/vigil.yaml" "$@"; }
vctl --baseline export "$REPO" >"$work/export.yaml"
if grep -q '"/root/bb"' "$work/export.yaml" && ! grep -q 'scope: "localhost/vigil-test"' \
	"$work/export.yaml"; then
	pass "--baseline export: the scope's baselines only"
else
	fail "--baseline export: $(head -30 "$work/export.yaml")"
fi
expect_out() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: '$2', expected '$3'"; fi
}
expect_out "--baseline reset" "$(vctl --baseline reset "$REPO")" \
	"4 baselines of $REPO forgotten"
expect_out "after reset, nothing to show" "$(vctl --baseline show "$REPO")" ""
vctl --baseline import "$work/export.yaml" && pass "--baseline import" || fail "--baseline import"
vctl --baseline export "$REPO" >"$work/export2.yaml"
if cmp -s "$work/export.yaml" "$work/export2.yaml"; then
	pass "import, then export: the same bytes"
else
	fail "import, then export: $(diff "$work/export.yaml" "$work/export2.yaml" | head)"
fi
printf 'version: 1\nscopes:\n  - anomaly: x\n' >"$work/bad-import.yaml"
if vctl --baseline import "$work/bad-import.yaml" 2>"$work/import.err"; then
	fail "a bad import is refused"
else
	expect_out "a bad import is refused" "$(cat "$work/import.err")" \
		"$work/bad-import.yaml:3:5: error: a scope needs 'scope_field'"
fi

# 4. Advice: twice the same bytes, valid Kubernetes objects.
advise() {
	"$VIGILD" -c "$work/vigil.yaml" --advise "$1" --scope "$REPO"
}
for kind in network filesystem; do
	advise $kind >"$work/$kind.1.yaml" 2>"$work/$kind.err" ||
		fail "--advise $kind: $(cat "$work/$kind.err")"
	advise $kind >"$work/$kind.2.yaml" 2>&1
	if [ -s "$work/$kind.1.yaml" ] && cmp -s "$work/$kind.1.yaml" "$work/$kind.2.yaml"; then
		pass "--advise $kind: deterministic"
	else
		fail "--advise $kind: two runs differ"
	fi
done

command -v npm >/dev/null || "$top/tests/setup-host.sh" deps nodejs npm || exit 1
if [ ! -d "$NODE_DIR/node_modules/kubernetes-models" ]; then
	mkdir -p "$NODE_DIR"
	(cd "$NODE_DIR" && npm install --no-audit --no-fund --silent kubernetes-models yaml) ||
		fail "npm install kubernetes-models yaml"
fi
# The validator next to the cached packages, in our own directory.
mkdir -p "$work/node"
ln -s "$NODE_DIR/node_modules" "$work/node/node_modules"
cp "$top/tests/deploy/k8s-manifests.mjs" "$work/node/"
validate() { node "$work/node/k8s-manifests.mjs" "$@"; }

if validate "$work/network.1.yaml" >"$work/np.json" 2>"$work/np.err"; then
	pass "NetworkPolicy validates against the Kubernetes schema"
else
	fail "NetworkPolicy: $(cat "$work/np.err")"
fi
q() { jq -c "$1" "$2" 2>/dev/null; }
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: '$2', expected '$3'"; fi
}
expect_eq "NetworkPolicy: kind" "$(q .kind "$work/np.json")" '"NetworkPolicy"'
expect_eq "NetworkPolicy: default deny" "$(q '.spec.policyTypes' "$work/np.json")" \
	'["Ingress","Egress"]'
egress='[.spec.egress[] | .to[0].ipBlock.cidr + " " +
	(.ports | map(.protocol + "/" + (.port | tostring)) | join(","))]'
expect_eq "NetworkPolicy: egress observed" "$(q "$egress" "$work/np.json")" \
	'["192.0.2.1/32 TCP/80","192.0.2.7/32 TCP/443","192.0.2.99/32 TCP/443"]'

if validate "$work/filesystem.1.yaml" >"$work/pod.json" 2>"$work/pod.err"; then
	pass "Pod validates against the Kubernetes schema"
else
	fail "Pod: $(cat "$work/pod.err")"
fi
expect_eq "Pod: read-only root" \
	"$(q '.spec.containers[0].securityContext.readOnlyRootFilesystem' "$work/pod.json")" true
expect_eq "Pod: emptyDir where it wrote" \
	"$(q '[.spec.containers[0].volumeMounts[].mountPath]' "$work/pod.json")" '["/root","/tmp"]'
expect_eq "Pod: volumes for the mounts" \
	"$(q '[.spec.volumes[] | .name + " " + (.emptyDir | tostring)]' "$work/pod.json")" \
	'["write-0 {}","write-1 {}"]'
expect_eq "Pod: ran as root, so no runAsNonRoot" \
	"$(q '.spec.securityContext' "$work/pod.json")" null
# The validator refuses what breaks the schemas: these checks can fail.
sed 's/^  policyTypes:$/  policyTypes: Egress/; /^    - Ingress$/d; /^    - Egress$/d' \
	"$work/network.1.yaml" >"$work/bad-np.yaml"
sed 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: "yes please"/' \
	"$work/filesystem.1.yaml" >"$work/bad-pod.yaml"
for bad in bad-np bad-pod; do
	if validate "$work/$bad.yaml" >/dev/null 2>&1; then
		fail "$bad.yaml should not validate"
	else
		pass "$bad.yaml is refused by the schema"
	fi
done

# 5. A corrupt baseline: set aside, reported, learning anew. While vigild
# runs, the baselines are its own.
printf 'version: 1\nscopes: [[[\n' >"$base"
start_vigild "$work/vigild3.log"
if wait_alert "corrupt baseline" VIGIL_RULE="vigil internal: anomaly baselines"; then
	if jq -r .MESSAGE "$work/alert.json" | grep -q "is corrupt: set aside as $base.corrupt-"; then
		pass "corrupt baseline reported"
	else
		fail "corrupt baseline: $(jq -r .MESSAGE "$work/alert.json")"
	fi
fi
if ls "$base".corrupt-* >/dev/null 2>&1 && kill -0 "$vigild_pid" 2>/dev/null; then
	pass "corrupt baseline set aside, vigild running"
else
	fail "corrupt baseline set aside, vigild running"
fi
if vctl --baseline reset "$REPO" 2>"$work/locked.err"; then
	fail "reset while vigild runs is refused"
else
	expect_out "reset while vigild runs is refused" "$(cat "$work/locked.err")" \
		"vigild: a running vigild holds $work/state: stop it first"
fi
stop_vigild

# 6. A scope that fills up while learning stops learning, and says so once.
cat >"$work/small.yaml" <<EOC
state_dir: $work/state-small
anomaly:
  learning_period: 60
  max_tuples: 1
EOC
"$VIGILD" -c "$work/small.yaml" -r "$top/rules" 2>"$work/vigild4.log" &
vigild_pid=$!
for _ in $(seq 100); do grep -q running "$work/vigild4.log" && break; sleep 0.1; done
in_container vigil-an-full 'sleep 1; cp /bin/busybox /root/bb; /root/bb true; /bin/true'
full_msg="anomaly 'New executable in image': scope container.image.repository=$REPO holds 1 tuples"
for _ in $(seq 100); do
	journal_alerts VIGIL_RULE="vigil internal: anomaly baselines" | jq -r .MESSAGE \
		>"$work/full.txt"
	grep -qF "$full_msg" "$work/full.txt" && break
	sleep 0.1
done
if [ "$(grep -cF "$full_msg" "$work/full.txt")" = 1 ]; then
	pass "a full scope: one operational alert"
else
	fail "a full scope: $(cat "$work/full.txt")"
fi
stop_vigild
if "$VIGILD" -c "$work/small.yaml" --baseline show "$REPO" |
	grep -q "^New executable in image: .*: 1 tuples since .* (full: no longer learning)$"; then
	pass "a full scope is saved as full"
else
	fail "a full scope is saved as full: $("$VIGILD" -c "$work/small.yaml" --baseline show)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

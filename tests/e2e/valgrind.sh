#!/usr/bin/env bash
# vigild under valgrind's memcheck through a short real scenario: a program
# run from /tmp, /etc/shadow read in a podman container, netcat connecting,
# then SIGTERM. The alerts must land in journald, and valgrind must report
# no error and no definite or indirect leak. tests/valgrind.supp holds the
# few suppressions for libbpf's bpf(2) calls that valgrind misreads, each
# justified there. Run as root: tests/e2e/valgrind.sh build/vigild
set -uo pipefail

VIGILD=$(realpath "${1:-build/vigild}")
top=$(cd "$(dirname "$0")/../.." && pwd)
IMAGE=${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}
work=$(mktemp -d /tmp/vigil-vg.XXXXXX)
chmod 755 "$work"
name=vigil-vg-$$
since=$(date +%s)
vigild_pid=

source "$top/tests/e2e/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "run as root" >&2
	exit 1
fi
if ! command -v valgrind >/dev/null; then
	echo "valgrind is missing: make deps installs it" >&2
	exit 1
fi
"$top/tests/setup-host.sh" journald || exit 1
"$top/tests/setup-host.sh" podman || exit 1

cleanup() {
	[ -n "$vigild_pid" ] && kill -KILL "$vigild_pid" 2>/dev/null
	podman rm -f -t 0 "$name" >/dev/null 2>&1
	[ -n "${VIGIL_E2E_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/vigil.yaml" <<EOF2
sinks:
  - type: journald
  - type: json
    path: $work/alerts.json
rate_limit:
  enabled: false
stats_interval: 2
EOF2

# Under valgrind, vigild's own pid is valgrind's: --log-file and the journal
# entries' _PID agree.
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --suppressions="$top/tests/valgrind.supp" \
	--num-callers=30 --log-file="$work/valgrind.log" \
	"$VIGILD" -c "$work/vigil.yaml" -r "$top/rules" >"$work/vigild.out" 2>"$work/vigild.err" &
vigild_pid=$!
# Loading the BPF programs under valgrind takes a minute on a busy machine.
for _ in $(seq 300); do
	grep -qs "running" "$work/vigild.err" && break
	kill -0 "$vigild_pid" 2>/dev/null || break
	sleep 1
done
if ! grep -qs "running" "$work/vigild.err"; then
	cat "$work/vigild.err" "$work/valgrind.log"
	echo "0 passed, 1 failed"
	exit 1
fi
pass "vigild started under valgrind"

# A program run from /tmp.
cp /bin/true "$work/true"
"$work/true" &
tmp_pid=$!
wait $tmp_pid
# /etc/shadow read in a container.
rm -f "$work/cid"
podman run --rm --network=none --name "$name" --cidfile "$work/cid" "$IMAGE" \
	cat /etc/shadow >/dev/null 2>&1
cid=$(cat "$work/cid")
# netcat connecting out (nothing listens: the attempt is what counts).
ln -s "$(command -v busybox)" "$work/nc"
"$work/nc" 127.0.0.1 9 </dev/null 2>/dev/null &
nc_pid=$!
wait $nc_pid

if wait_alert "exec from /tmp" VIGIL_RULE="Execution from /tmp or /dev/shm" \
	VIGIL_PROC_PID="$tmp_pid"; then
	expect_field "exec from /tmp" VIGIL_PROC_EXEPATH "$work/true"
fi
# By the container's id, which comes with the event: its name is read from
# podman's state in the background, which valgrind can make late.
if wait_alert "shadow in a container" VIGIL_RULE="Read sensitive file untrusted" \
	VIGIL_CONTAINER_FULL_ID="$cid"; then
	expect_field "shadow in a container" VIGIL_FD_NAME /etc/shadow
fi
if wait_alert "netcat connect" VIGIL_RULE="Network connection by shell or netcat" \
	VIGIL_PROC_PID="$nc_pid"; then
	expect_field "netcat connect" VIGIL_FD_SPORT 9
fi
# A stats entry or two, from the stats timer.
sleep 3

kill -TERM "$vigild_pid"
wait "$vigild_pid"
status=$?
vigild_pid=
if [ $status -eq 0 ]; then
	pass "SIGTERM: vigild exited 0 under valgrind"
else
	fail "SIGTERM: vigild exited $status (99: valgrind found errors)"
fi
if grep -q "ERROR SUMMARY: 0 errors" "$work/valgrind.log"; then
	pass "valgrind: no errors"
else
	fail "valgrind: $(grep 'ERROR SUMMARY' "$work/valgrind.log")"
	grep -v "^--" "$work/valgrind.log" | tail -n 60
fi
if grep -qE "definitely lost: [1-9]|indirectly lost: [1-9]" "$work/valgrind.log"; then
	fail "valgrind: leaks"
	grep -A6 "LEAK SUMMARY" "$work/valgrind.log"
else
	pass "valgrind: no definite or indirect leak"
fi
echo "     ($(grep -o 'total heap usage: .*' "$work/valgrind.log"))"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]

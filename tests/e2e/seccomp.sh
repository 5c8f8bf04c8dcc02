#!/usr/bin/env bash
# End-to-end seccomp advice: the real vigild learns what a real podman
# container calls, `vigild --advise seccomp` turns it into a profile, and
# podman runs containers under that profile:
#   - the learned workload runs under it as it did under podman's default
#   - a call it never made (socket, mkdir) fails with EPERM, where the
#     default profile lets it through
#   - the runtime's own set-up before it applies the filter (mount,
#     pivot_root) is not in the profile
#   - the learned sets survive a restart, a second workload adds to them, and
#     a broken state file is set aside
#   - a 32-bit program's calls are learned apart and run under the profile
# Run as root: tests/e2e/seccomp.sh build/vigild
#
# The test image is built under a name of its own (localhost/vigil-sc-test:1),
# so that containers of other tests on this machine do not teach this vigild
# anything, and removed at the end. Only containers named vigil-sc-* are
# touched.
set -uo pipefail

VIGILD=$(realpath "${1:-build/vigild}")
top=$(cd "$(dirname "$0")/../.." && pwd)
IMAGE=localhost/vigil-sc-test:1
PREFIX=vigil-sc
work=$(mktemp -d /tmp/vigil-e2e-seccomp.XXXXXX)
state=$work/state
vigild_pid=
. "$top/tests/e2e/lib.sh"

"$top/tests/setup-host.sh" journald || exit 1
VIGIL_TEST_IMAGE=$IMAGE "$top/tests/setup-host.sh" podman || exit 1

cleanup() {
	[ -n "$vigild_pid" ] && kill "$vigild_pid" 2>/dev/null && wait "$vigild_pid" 2>/dev/null
	remove_containers "$PREFIX"
	podman rmi -f "$IMAGE" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

printf 'state_dir: %s\nlearn_syscalls: true\n' "$state" >"$work/vigil.yaml"

start_vigild() {
	: >"$work/vigild.log"
	"$VIGILD" -c "$work/vigil.yaml" -r "$top/rules" -d >/dev/null 2>"$work/vigild.log" &
	vigild_pid=$!
	for _ in $(seq 100); do
		grep -q "running" "$work/vigild.log" && return 0
		kill -0 $vigild_pid 2>/dev/null || break
		sleep 0.1
	done
	cat "$work/vigild.log"
	echo "$passed passed, $((failed + 1)) failed"
	exit 1
}

stop_vigild() {
	kill -TERM "$vigild_pid"
	wait "$vigild_pid"
	local status=$?
	vigild_pid=
	[ $status -eq 0 ] || fail "vigild stopped with status $status"
}

# run NAME [PODMAN OPTION...] -- CMD...: output (both streams) in $work/NAME.out.
run() {
	local name=$1 opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	podman run --rm --network=none --name "$PREFIX-$name" "${opts[@]}" "$IMAGE" "$@" \
		>"$work/$name.out" 2>&1
}

# wait_learned PATTERN: until the state file has an image line matching it.
wait_learned() {
	for _ in $(seq 100); do
		grep -q "$1" "$state/seccomp-syscalls" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

advise() {
	"$VIGILD" -c "$work/vigil.yaml" --advise seccomp --scope "$1" >"$work/profile.json" \
		2>"$work/advise.err"
}

# has_name NAME: whether the profile allows syscall NAME.
has_name() {
	jq -e --arg n "$1" '.syscalls[0].names | index($n) != null' "$work/profile.json" >/dev/null
}

WORKLOAD='cat /etc/passwd; ls /; echo hi'
# No redirection: a shell refused dup2 loops restoring its descriptors.
NEGATIVE_SOCKET='nc 127.0.0.1 9; echo "nc status $?"'
NEGATIVE_MKDIR='mkdir /tmp/vigil-sc && echo made'

# 0. Under podman's default profile every workload here runs: what fails
# later fails because of the learned profile, not for want of privilege.
run default-workload -- sh -c "$WORKLOAD"
cp "$work/default-workload.out" "$work/expected.out"
run default-socket -- sh -c "$NEGATIVE_SOCKET"
run default-mkdir -- sh -c "$NEGATIVE_MKDIR"
if grep -q "^hi$" "$work/expected.out" && ! grep -q "Operation not permitted" \
	"$work/default-socket.out" && grep -q "^made$" "$work/default-mkdir.out"; then
	pass "default profile: workload, socket and mkdir all run"
else
	fail "default profile: $(cat "$work"/default-*.out | tr '\n' ' ')"
fi

# 1. Learn the workload.
start_vigild
run learn -- sh -c "$WORKLOAD"
if wait_learned "^$IMAGE	"; then
	pass "learned: $IMAGE in $state/seccomp-syscalls"
else
	fail "learned: no line for $IMAGE in the state file"
	grep -i "learn\|syscall" "$work/vigild.log" | sed 's/^/     /'
fi

# 2. The profile.
if advise "$IMAGE" && jq -e . "$work/profile.json" >/dev/null; then
	pass "advise: a JSON profile for $IMAGE"
else
	fail "advise: $(cat "$work/advise.err")"
fi
got=$(jq -r '"\(.defaultAction) \(.defaultErrnoRet) \(.architectures | join(",")) \(.syscalls[0].action)"' \
	"$work/profile.json" 2>/dev/null)
if [ "$got" = "SCMP_ACT_ERRNO 1 SCMP_ARCH_X86_64 SCMP_ACT_ALLOW" ]; then
	pass "advise: refuses with EPERM by default, allows what was seen, x86_64 only"
else
	fail "advise: profile header is '$got'"
fi
sorted=$(jq -r '.syscalls[0].names[]' "$work/profile.json" 2>/dev/null)
if [ -n "$sorted" ] && [ "$sorted" = "$(printf '%s\n' "$sorted" | LC_ALL=C sort -u)" ]; then
	pass "advise: $(printf '%s\n' "$sorted" | wc -l) names, sorted, each once"
else
	fail "advise: names not sorted or repeated: $(echo $sorted)"
fi
for name in execve openat getdents64 write exit_group capset; do
	if has_name "$name"; then
		pass "advise: allows $name"
	else
		fail "advise: $name missing"
	fi
done
# runc mounts and pivots before it loads the filter: not the container's calls.
for name in mount pivot_root socket mkdir unshare ptrace; do
	if has_name "$name"; then
		fail "advise: allows $name, which the workload never called under the filter"
	else
		pass "advise: leaves out $name"
	fi
done

# 3. Under the profile: the workload runs as before; what it never did fails.
if run profiled --security-opt "seccomp=$work/profile.json" -- sh -c "$WORKLOAD" &&
	cmp -s "$work/profiled.out" "$work/expected.out"; then
	pass "profiled: the learned workload runs, same output"
else
	fail "profiled: $(head -c 300 "$work/profiled.out")"
fi
run profiled-socket --security-opt "seccomp=$work/profile.json" -- sh -c "$NEGATIVE_SOCKET"
if grep -q "socket: Operation not permitted" "$work/profiled-socket.out"; then
	pass "profiled: socket refused with EPERM"
else
	fail "profiled: socket not refused: $(cat "$work/profiled-socket.out")"
fi
run profiled-mkdir --security-opt "seccomp=$work/profile.json" -- sh -c "$NEGATIVE_MKDIR"
if grep -q "Operation not permitted" "$work/profiled-mkdir.out" &&
	! grep -q "^made$" "$work/profiled-mkdir.out"; then
	pass "profiled: mkdir refused with EPERM"
else
	fail "profiled: mkdir not refused: $(cat "$work/profiled-mkdir.out")"
fi

# 4. A restart keeps what was learned; a second workload adds to it.
stop_vigild
start_vigild
# Other images may be in it too: this vigild sees every container on the machine.
if grep -q "syscalls learned before: [1-9][0-9]* images" "$work/vigild.log" &&
	advise "$IMAGE" && has_name getdents64; then
	pass "restart: the learned sets are loaded"
else
	fail "restart: $(grep -i learn "$work/vigild.log")"
fi
run learn-mkdir -- sh -c "$NEGATIVE_MKDIR"
for _ in $(seq 100); do
	advise "$IMAGE" && has_name mkdir && break
	sleep 0.1
done
if has_name mkdir && has_name execve && has_name getdents64; then
	pass "restart: the union grew by mkdir and kept the first workload's calls"
else
	fail "restart: profile is $(jq -c '.syscalls[0].names' "$work/profile.json")"
fi
if run profiled-mkdir2 --security-opt "seccomp=$work/profile.json" -- sh -c "$NEGATIVE_MKDIR" &&
	grep -q "^made$" "$work/profiled-mkdir2.out"; then
	pass "restart: mkdir runs under the grown profile"
else
	fail "restart: mkdir under the grown profile: $(cat "$work/profiled-mkdir2.out")"
fi
if advise localhost/vigil-sc-test; then
	pass "advise: the repository's scope is the union of its tags"
else
	fail "advise by repository: $(cat "$work/advise.err")"
fi

# 4b. A 32-bit program: its calls are ia32 ones, counted apart, and the
# profile lists x86 with their names.
if cc -m32 -static -O2 "$top/tests/e2e/hello32.c" -o "$work/hello32" 2>"$work/cc32.log"; then
	run learn32 -v "$work/hello32:/hello32:ro" -- /hello32
	for _ in $(seq 100); do
		advise "$IMAGE" && has_name set_thread_area && break
		sleep 0.1
	done
	got=$(jq -r '.architectures | join(",")' "$work/profile.json")
	# set_thread_area: how i386 sets up thread-local storage (x86_64 uses arch_prctl).
	if [ "$got" = "SCMP_ARCH_X86_64,SCMP_ARCH_X86" ] && has_name set_thread_area; then
		pass "ia32: x86 listed, with the ia32 calls' names (set_thread_area)"
	else
		fail "ia32: architectures '$got', names $(jq -c '.syscalls[0].names' "$work/profile.json")"
	fi
	if run profiled32 --security-opt "seccomp=$work/profile.json" \
		-v "$work/hello32:/hello32:ro" -- /hello32 &&
		grep -q "^hello from ia32$" "$work/profiled32.out"; then
		pass "ia32: the 32-bit program runs under the profile"
	else
		fail "ia32: under the profile: $(cat "$work/profiled32.out")"
	fi
else
	echo "     ia32: skipped, cannot build a 32-bit program: $(head -n 1 "$work/cc32.log")"
fi

# 5. A broken state file is set aside, not trusted and not fatal.
stop_vigild
printf 'vigil-syscalls 1\ntruncated' >"$state/seccomp-syscalls"
start_vigild
if grep -q "line not terminated" "$work/vigild.log" && [ -f "$state/seccomp-syscalls.corrupt" ]; then
	pass "corrupt: refused and moved to seccomp-syscalls.corrupt"
else
	fail "corrupt: $(grep -i "seccomp\|learn" "$work/vigild.log")"
fi
stop_vigild

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]

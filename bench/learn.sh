#!/usr/bin/env bash
# The cost of learning syscalls (learn_syscalls, bpf/learn.bpf.h): the
# openat+close loop with vigild running learn_syscalls off and on,
# interleaved (off on off on ...), on the host (no seccomp filter: the common
# case, one load and a compare) and in a podman container (under its default
# seccomp filter: a cgroup lookup and a byte test per syscall). Prints the
# median and minimum ns per iteration of each and their ratios.
# Run as root: bench/learn.sh build
set -euo pipefail

out=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-9}
iterations=${ITERATIONS:-1000000}
image=localhost/vigil-sc-test:1
work=$(mktemp -d /tmp/vigil-bench-learn.XXXXXX)
vigild_pid=
trap '[ -n "$vigild_pid" ] && kill -INT $vigild_pid 2>/dev/null; wait; podman rmi -f "$image" >/dev/null 2>&1; rm -rf "$work"' EXIT

"$top/tests/setup-host.sh" journald
VIGIL_TEST_IMAGE=$image "$top/tests/setup-host.sh" podman
# Static: the test image has no C library.
cc -O2 -static "$top/bench/openat_loop.c" -o "$work/openat_loop"

start_vigild() {
	printf 'state_dir: %s/state\nlearn_syscalls: %s\n' "$work" "$1" >"$work/vigil.yaml"
	"$out/vigild" -c "$work/vigil.yaml" -r "$top/rules" >/dev/null 2>"$work/log" &
	vigild_pid=$!
	for _ in $(seq 100); do
		grep -q running "$work/log" && return 0
		sleep 0.1
	done
	cat "$work/log" >&2
	exit 1
}

stop_vigild() {
	kill -INT $vigild_pid
	wait $vigild_pid
	vigild_pid=
}

host_loop() { taskset -c 0 "$work/openat_loop" "$iterations"; }
container_loop() {
	podman run --rm --network=none --cpuset-cpus=0 --name "vigil-sc-bench-$1" \
		-v "$work/openat_loop:/openat_loop:ro" "$image" /openat_loop "$iterations"
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

host_off=() host_on=() ct_off=() ct_on=()
host_loop >/dev/null
for r in $(seq "$rounds"); do
	start_vigild false
	host_off+=("$(host_loop)")
	ct_off+=("$(container_loop "$r-off")")
	stop_vigild
	start_vigild true
	host_on+=("$(host_loop)")
	ct_on+=("$(container_loop "$r-on")")
	stop_vigild
	echo "round $r: host off ${host_off[-1]} on ${host_on[-1]} ns," \
		"container off ${ct_off[-1]} on ${ct_on[-1]} ns"
done
minimum() { sort -n | head -n 1; }
# The median says what a run costs on a busy machine; the minimum, which other
# load can only raise, comes closest to the cost itself.
report() {
	local what=$1 off on
	shift
	off=$(printf '%s\n' "${@:1:$rounds}")
	on=$(printf '%s\n' "${@:$((rounds + 1))}")
	awk -v w="$what" -v a="$(median <<<"$on")" -v b="$(median <<<"$off")" \
		-v c="$(minimum <<<"$on")" -v d="$(minimum <<<"$off")" 'BEGIN {
		printf "  %-10s median: learn off %7.1f, on %7.1f ns/iteration, ratio %.3f\n", w, b, a, a / b
		printf "  %-10s min:    learn off %7.1f, on %7.1f ns/iteration, ratio %.3f\n", w, d, c, c / d
	}'
}
echo "openat+close loop, $iterations iterations x $rounds rounds, vigild on default rules"
report host "${host_off[@]}" "${host_on[@]}"
report container "${ct_off[@]}" "${ct_on[@]}"

#!/usr/bin/env bash
# Overhead of vigild and of reference tracers on four workloads, interleaved
# (none, vigild, peers, none, vigild, peers ...) so that drift hits all alike;
# then vigild's memory with 200 containers and the replay throughput. Prints
# a table per workload (bench/report.sh); the raw figures stay in
# $out/bench/results.txt, the tables in $out/bench/results.md.
# Run as root: bench/run.sh build
#   ROUNDS=5  W1_ITER=300000  W2_ITER=1000  W3_ITER=20000  W4_ROUNDS=3
#   CONTAINERS=200
set -euo pipefail

out=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-5}
w1_iter=${W1_ITER:-300000}
w2_iter=${W2_ITER:-1000}
w3_iter=${W3_ITER:-20000}
w4_rounds=${W4_ROUNDS:-3}
work=$(mktemp -d /tmp/vigil-bench.XXXXXX)
raw="$out/bench/results.txt"

. "$top/bench/tracers.sh"
. "$top/bench/containers_rss.sh"
# A tracer left attached would slow every syscall of the machine.
trap 'tracer_stop >/dev/null 2>&1 || true; containers_cleanup; rm -rf "$work"' EXIT

"$top/tests/setup-host.sh" journald
"$top/tests/setup-host.sh" podman >/dev/null
# Per-syscall tracepoints (the libbpf-tools, bpftrace) need tracefs.
[ -e /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing

image=localhost/vigil-debian:bookworm
podman image exists "$image" || image=${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}
tar -C /usr/include -cf "$work/src.tar" linux asm-generic

# Each prints "WALL_SECONDS CPU_SECONDS" ("-" where unknown); W1-W3 on one
# core. The loops' CPU time (theirs and their children's) holds what hooks
# cost them and little of what other load on the machine does.
to_s() { awk -v w="$1" -v c="$2" -v n="$3" 'BEGIN { printf "%.6f %.6f\n", w * n / 1e9, c * n / 1e9 }'; }
workload() {
	local t0 t1

	case $1 in
	W1) to_s $(taskset -c 0 "$out/bench/openat_loop" "$w1_iter") "$w1_iter" ;;
	W2) to_s $(taskset -c 0 "$out/bench/fork_exec_loop" "$w2_iter") "$w2_iter" ;;
	W3) to_s $(taskset -c 0 "$out/bench/connect_loop" "$w3_iter") "$w3_iter" ;;
	W4)
		# The container's processes are conmon's, not ours: wall time only.
		t0=$(date +%s%N)
		podman run --rm --pull=never --network=none -v "$work/src.tar:/src.tar:ro" \
			-v "$top/bench/container_job.sh:/job.sh:ro" "$image" sh /job.sh >&2
		t1=$(date +%s%N)
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f -\n", (b - a) / 1e9 }'
		;;
	esac
}

# Hooks someone else left on the raw syscall tracepoints slow the baseline.
others=$(bpftool link show 2>/dev/null | grep -c -E "tp '(sys_enter|sys_exit)'" || true)
if [ "$others" -gt 0 ]; then
	echo "warning: $others other programs are attached to sys_enter/sys_exit:" \
	     "every figure below includes their cost" >&2
fi

: >"$raw"
# measure WORKLOAD ROUNDS TRACER...: one line per run in $raw.
measure() {
	local w=$1 n=$2 r tracer secs cpu
	shift 2

	workload "$w" >/dev/null 2>&1 # warm caches
	for r in $(seq "$n"); do
		for tracer in "$@"; do
			if ! tracer_start "$tracer"; then
				echo "$w $tracer $r failed - - - - - -" >>"$raw"
				continue
			fi
			read -r secs cpu < <(workload "$w" 2>"$work/workload.err") ||
				{ cat "$work/workload.err" >&2; exit 1; }
			tracer_stop
			echo "$w $tracer $r $secs $cpu $t_events $t_drops $t_cpu $t_rss_kb $t_ready_ms" >>"$raw"
			echo "  $w round $r $tracer: ${secs} s, CPU ${cpu} s" >&2
		done
	done
}

echo "== W1: openat+close loop, $w1_iter iterations, CPU 0" >&2
measure W1 "$rounds" none enter exit both vigild opensnoop bpftrace
echo "== W2: fork+exec of /bin/true, $w2_iter iterations, CPU 0" >&2
measure W2 "$rounds" none vigild execsnoop bpftrace
echo "== W3: TCP connect+close to loopback, $w3_iter iterations, CPU 0" >&2
measure W3 "$rounds" none vigild tcpconnect bpftrace
echo "== W4: shell- and file-heavy job in a container ($image)" >&2
measure W4 "$w4_rounds" none vigild bpftrace

echo "== vigild with ${CONTAINERS:-200} containers running" >&2
containers_rss "${CONTAINERS:-200}"

{
	echo "machine: $(nproc) CPUs, Linux $(uname -r), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "W1 openat+close ($w1_iter), W2 fork+exec /bin/true ($w2_iter), W3 TCP connect+close" \
	     "($w3_iter), W4 container job; $rounds rounds (W4: $w4_rounds), interleaved"
	echo "enter, exit, both: empty programs on tp_btf/sys_enter, sys_exit, both"
	echo
	"$top/bench/report.sh" "$raw"
	echo "vigild with $containers_count containers running ($containers_procs processes" \
	     "tracked): peak RSS $containers_rss_mib MiB, $containers_rss_now_mib MiB at the end," \
	     "ring-buffer drops $containers_drops"
	echo
} | tee "$out/bench/results.md"

"$top/bench/replay.sh" "$out"

#!/usr/bin/env bash
# Overhead of vigild and of reference tracers on four workloads, interleaved
# (none, vigild, peers, none, vigild, peers ...) so that drift hits all alike;
# then vigild's memory with 200 containers and the replay throughput. Prints
# a table per workload; the raw figures stay in $out/bench/results.txt.
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
		podman run --rm --network=none -v "$work/src.tar:/src.tar:ro" \
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

median() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) print "-"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The table of one workload: per tracer, the medians of the per-round ratios
# to the same round's run with nothing attached, of CPU and of wall time.
ratio() {
	awk -v w="$1" -v t="$2" -v col="$3" '$1 == w && $2 == "none" { base[$3] = $col }
		$1 == w && $2 == t && $col != "-" && base[$3] > 0 { print $col / base[$3] }' "$raw" |
		median | awk '{ print ($1 == "-") ? "-" : sprintf("%.3f", $1) }'
}

report() {
	local w=$1 tracer cpu_ratio wall_ratio rate drops cpu rss
	shift

	echo "| $w | CPU time ratio | wall time ratio | events/s to userspace | ring-buffer drops | vigild CPU s | vigild peak RSS MiB |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	for tracer in "$@"; do
		if grep -q "^$w $tracer [0-9]* failed" "$raw"; then
			echo "| $tracer | failed to attach | | | | | |"
			continue
		fi
		cpu_ratio=$(ratio "$w" "$tracer" 5)
		wall_ratio=$(ratio "$w" "$tracer" 4)
		rate=$(awk -v w="$w" -v t="$tracer" '$1 == w && $2 == t && $6 != "-" { printf "%.0f\n", $6 / $4 }' "$raw" | median)
		drops=$(awk -v w="$w" -v t="$tracer" '$1 == w && $2 == t && $7 != "-" { n += $7; seen = 1 }
			END { print seen ? n : "-" }' "$raw")
		cpu=$(awk -v w="$w" -v t="$tracer" '$1 == w && $2 == t && $8 != "-" { print $8 }' "$raw" | median)
		rss=$(awk -v w="$w" -v t="$tracer" '$1 == w && $2 == t && $9 != "-" { if ($9 > m) m = $9 }
			END { print m ? sprintf("%.1f", m / 1024) : "-" }' "$raw")
		printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$tracer" "$cpu_ratio" "$wall_ratio" \
			"$rate" "$drops" "$cpu" "$rss"
	done
	echo
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
	report W1 none enter exit both vigild opensnoop bpftrace
	report W2 none vigild execsnoop bpftrace
	report W3 none vigild tcpconnect bpftrace
	report W4 none vigild bpftrace
	ready=$(awk '$2 == "vigild" && $10 != "-" { print $10 }' "$raw")
	echo "vigild ready (exec to READY=1): median $(echo "$ready" | median) ms," \
	     "max $(echo "$ready" | sort -n | tail -n 1) ms over $(echo "$ready" | wc -l) starts"
	echo "vigild with $containers_count containers running ($containers_procs processes" \
	     "tracked): peak RSS $containers_rss_mib MiB, ring-buffer drops $containers_drops"
	echo
} | tee "$out/bench/results.md"

"$top/bench/replay.sh" "$out"

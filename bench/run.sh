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

# Each prints the seconds it took; W1-W3 on one core.
ns_to_s() { awk -v ns="$1" -v n="$2" 'BEGIN { printf "%.6f", ns * n / 1e9 }'; }
workload() {
	local t0 t1

	case $1 in
	W1) ns_to_s "$(taskset -c 0 "$out/bench/openat_loop" "$w1_iter")" "$w1_iter" ;;
	W2) ns_to_s "$(taskset -c 0 "$out/bench/fork_exec_loop" "$w2_iter")" "$w2_iter" ;;
	W3) ns_to_s "$(taskset -c 0 "$out/bench/connect_loop" "$w3_iter")" "$w3_iter" ;;
	W4)
		t0=$(date +%s%N)
		podman run --rm --network=none -v "$work/src.tar:/src.tar:ro" \
			-v "$top/bench/container_job.sh:/job.sh:ro" "$image" sh /job.sh >&2
		t1=$(date +%s%N)
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }'
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
	local w=$1 n=$2 r tracer secs
	shift 2

	workload "$w" >/dev/null 2>&1 # warm caches
	for r in $(seq "$n"); do
		for tracer in "$@"; do
			if ! tracer_start "$tracer"; then
				echo "$w $tracer $r failed - - - - -" >>"$raw"
				continue
			fi
			secs=$(workload "$w" 2>"$work/workload.err") ||
				{ cat "$work/workload.err" >&2; exit 1; }
			tracer_stop
			echo "$w $tracer $r $secs $t_events $t_drops $t_cpu $t_rss_kb $t_ready_ms" >>"$raw"
			echo "  $w round $r $tracer: ${secs} s" >&2
		done
	done
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) print "-"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The table of one workload: per tracer, the median of the per-round ratios
# to the same round's run with nothing attached.
report() {
	local w=$1 tracer ratio rate drops cpu rss
	shift

	echo "| $w | tracer | time ratio | events/s to userspace | ring-buffer drops | vigild CPU s | vigild peak RSS MiB |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	for tracer in "$@"; do
		if grep -q "^$w $tracer [0-9]* failed" "$raw"; then
			echo "| | $tracer | failed to attach | | | | |"
			continue
		fi
		ratio=$(awk -v w="$w" -v t="$tracer" '$1 == w && $2 == "none" { base[$3] = $4 }
			$1 == w && $2 == t && base[$3] > 0 { print $4 / base[$3] }' "$raw" | median)
		rate=$(awk -v w="$w" -v t="$tracer" '$1 == w && $2 == t && $5 != "-" { print $5 / $4 }' "$raw" | median)
		drops=$(awk -v w="$w" -v t="$tracer" '$1 == w && $2 == t && $6 != "-" { n += $6; seen = 1 }
			END { print seen ? n : "-" }' "$raw")
		cpu=$(awk -v w="$w" -v t="$tracer" '$1 == w && $2 == t && $7 != "-" { print $7 }' "$raw" | median)
		rss=$(awk -v w="$w" -v t="$tracer" '$1 == w && $2 == t && $8 != "-" { if ($8 > m) m = $8 }
			END { print m ? sprintf("%.1f", m / 1024) : "-" }' "$raw")
		[ "$tracer" = none ] && ratio=1
		printf '| | %s | %.3f | %s | %s | %s | %s |\n' "$tracer" "$ratio" \
			"$(awk -v r="$rate" 'BEGIN { print (r == "-") ? "-" : sprintf("%.0f", r) }')" \
			"$drops" "$cpu" "$rss"
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
	ready=$(awk '$2 == "vigild" && $9 != "-" { print $9 }' "$raw")
	echo "vigild ready (exec to READY=1): median $(echo "$ready" | median) ms," \
	     "max $(echo "$ready" | sort -n | tail -n 1) ms over $(echo "$ready" | wc -l) starts"
	echo "vigild with $containers_count containers running: peak RSS $containers_rss_mib MiB," \
	     "ring-buffer drops $containers_drops"
	echo
} | tee "$out/bench/results.md"

"$top/bench/replay.sh" "$out"

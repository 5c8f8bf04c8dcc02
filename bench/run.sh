#!/usr/bin/env bash
# openat+close loop with vigild off and on (default rules), interleaved
# (off on off on ...) so that drift hits both alike; prints the median time
# per iteration of each and their ratio. Run as root: bench/run.sh build
set -euo pipefail

out=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-5}
iterations=${ITERATIONS:-500000}
loop="$out/bench/openat_loop"
log=$(mktemp)
vigild_pid=
trap '[ -n "$vigild_pid" ] && kill -INT $vigild_pid 2>/dev/null; wait; rm -f "$log"' EXIT

"$top/tests/setup-host.sh" journald

start_vigild() {
	"$out/vigild" -r "$top/rules" >/dev/null 2>"$log" &
	vigild_pid=$!
	for _ in $(seq 100); do
		grep -q running "$log" && return 0
		sleep 0.1
	done
	cat "$log" >&2
	exit 1
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

off=() on=()
# One unmeasured run each to warm caches.
"$loop" "$iterations" >/dev/null
for r in $(seq "$rounds"); do
	off+=("$(taskset -c 0 "$loop" "$iterations")")
	start_vigild
	on+=("$(taskset -c 0 "$loop" "$iterations")")
	kill -INT $vigild_pid
	wait $vigild_pid
	vigild_pid=
	drops=$(grep -o 'kernel drops ringbuf_full: [0-9]*' "$log" | grep -o '[0-9]*$')
	echo "round $r: off ${off[-1]} ns, on ${on[-1]} ns, ring buffer drops ${drops:-?}"
done
m_off=$(printf '%s\n' "${off[@]}" | median)
m_on=$(printf '%s\n' "${on[@]}" | median)
echo "openat+close loop, $iterations iterations x $rounds rounds (median ns/iteration)"
echo "  vigild off: $m_off"
echo "  vigild on:  $m_on"
awk -v a="$m_on" -v b="$m_off" 'BEGIN { printf "  ratio on/off: %.2f\n", a / b }'

echo
"$top/bench/replay.sh" "$out"

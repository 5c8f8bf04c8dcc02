#!/usr/bin/env bash
# Userspace throughput: record a capture of a real workload (a shell-heavy job
# and a tree unpacked and read back), then replay it through the default rules
# on one core and print events per second. Run as root: bench/replay.sh build
set -euo pipefail

out=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-5}
work=$(mktemp -d /tmp/vigil-bench.XXXXXX)
pid=
# A recording vigild left behind would slow every syscall of the machine.
trap '[ -n "$pid" ] && kill -INT $pid 2>/dev/null; wait; rm -rf "$work"' EXIT

"$top/tests/setup-host.sh" journald

workload() {
	tar -C /usr -cf "$work/include.tar" include
	mkdir -p "$work/tree"
	tar -C "$work/tree" -xf "$work/include.tar"
	find "$work/tree" -type f -name '*.h' -exec cat {} + >/dev/null
	for i in $(seq 300); do
		sh -c "ls /etc >/dev/null; cat /etc/hostname >/dev/null; id -u >/dev/null"
	done
	rm -rf "$work/tree" "$work/include.tar"
}

"$out/vigild" -r "$top/rules" --record "$work/capture.vcap" >/dev/null 2>"$work/record.log" &
pid=$!
for _ in $(seq 100); do
	grep -q running "$work/record.log" && break
	sleep 0.1
done
workload
kill -INT $pid
wait $pid
pid=
grep -o 'recorded [0-9]* entries' "$work/record.log"

best=0
for r in $(seq "$rounds"); do
	taskset -c 1 "$out/vigild" --replay "$work/capture.vcap" -r "$top/rules" \
		>/dev/null 2>"$work/replay.log" || true
	line=$(grep '^replayed' "$work/replay.log")
	events=$(echo "$line" | awk '{print $2}')
	secs=$(echo "$line" | awk '{print $(NF-1)}')
	rate=$(awk -v e="$events" -v s="$secs" 'BEGIN { printf "%d", (s > 0) ? e / s : 0 }')
	echo "round $r: $line ($rate events/s)"
	[ "$rate" -gt "$best" ] && best=$rate
done
echo "replay through the default rules, one core: best $best events/s"

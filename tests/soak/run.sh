#!/usr/bin/env bash
# Soak: the real vigild under a mixed workload for SOAK_SECONDS (default 600):
# containers churning (podman run --rm, each reading /etc/shadow), storms of
# execs, of opens of a watched file and of connects, and host reads of a
# watched file every 15 s; vigild's RSS sampled every 5 s. Passes when vigild
# neither crashed nor grew (last quarter's RSS peak within SOAK_RSS_SLACK_KIB,
# default 2048, of the first quarter's, after a warm-up of a tenth), every
# event and alert is accounted for by its counters, and every read that must
# alert (each container's, each host read) is in journald.
# Run as root: tests/soak/run.sh build/vigild
set -uo pipefail

VIGILD=$(realpath "${1:-build/vigild}")
top=$(cd "$(dirname "$0")/../.." && pwd)
IMAGE=${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}
SECONDS_TOTAL=${SOAK_SECONDS:-600}
RSS_SLACK_KIB=${SOAK_RSS_SLACK_KIB:-2048}
work=$(mktemp -d /tmp/vigil-soak.XXXXXX)
chmod 755 "$work"
prefix=vigil-fa-soak-$$
vigild_pid=
load_pids=()
since=$(date +%s)
. "$top/tests/e2e/lib.sh"

need_host

cleanup() {
	local p
	for p in "${load_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait "${load_pids[@]}" 2>/dev/null
	[ -n "$vigild_pid" ] && kill "$vigild_pid" 2>/dev/null && wait "$vigild_pid" 2>/dev/null
	remove_containers "$prefix"
	[ -n "${VIGIL_SOAK_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

metrics_port=$(free_port)
closed_port=$(free_port)
metric() { # metric NAME_WITH_LABELS: its value, 0 when absent
	busybox wget -q -O - "http://127.0.0.1:$metrics_port/metrics" 2>/dev/null |
		awk -v m="$1" 'index($0, m " ") == 1 { v = $NF } END { print v + 0 }'
}

cc -static -O2 -o "$work/open-loop" "$top/tests/e2e/open-loop.c" || exit 1
: >"$work/storm.target"
: >"$work/secret"
cat >"$work/soak.yaml" <<EOF
- rule: vigil soak storm
  desc: opens of one file, a storm through the pipeline and the rate limit
  condition: evt.type in (open, openat, openat2) and fd.name = $work/storm.target
  output: soak storm open (pid=%proc.pid)
  priority: NOTICE
  tags: [soak]

- rule: vigil soak must
  desc: a read of one file on the host, every 15 s, which the rate limit lets through
  condition: evt.type in (open, openat, openat2) and fd.name = $work/secret
  output: soak must-alert read (pid=%proc.pid)
  priority: WARNING
  tags: [soak]
EOF
cat >"$work/vigil.yaml" <<EOF
sinks:
  - type: journald
    queue_size: 4096
  - type: json
    path: $work/alerts.json
    queue_size: 4096
stats_interval: 30
operational_interval: 10
metrics:
  address: 127.0.0.1:$metrics_port
EOF

"$VIGILD" -c "$work/vigil.yaml" -r "$top/rules" -r "$work/soak.yaml" >/dev/null \
	2>"$work/vigild.err" &
vigild_pid=$!
for _ in $(seq 200); do
	grep -q running "$work/vigild.err" && break
	sleep 0.1
done
if ! grep -q running "$work/vigild.err"; then
	cat "$work/vigild.err"
	echo "0 passed, 1 failed"
	exit 1
fi
vpid=$vigild_pid
t_start=$(date +%s)
t_end=$((t_start + SECONDS_TOTAL))

# The workload: each part a loop of its own until t_end, writing down what it did.
churn() { # containers one after another, each reading /etc/shadow once: must alert
	local n=0
	while [ "$(date +%s)" -lt $t_end ]; do
		n=$((n + 1))
		rm -f "$work/cid"
		podman run --rm --network=none --name "$prefix-$n" --cidfile "$work/cid" \
			"$IMAGE" cat /etc/shadow >/dev/null 2>&1 && cat "$work/cid" >>"$work/containers.txt" &&
			echo >>"$work/containers.txt"
	done
}
exec_storm() { # about 100 execs a second
	local n=0
	while [ "$(date +%s)" -lt $t_end ]; do
		for _ in $(seq 20); do /bin/true; done
		n=$((n + 20))
		echo $n >"$work/execs.txt"
		sleep 0.2
	done
}
open_storm() { # 5000 opens of the watched file in a burst, every second
	local n=0
	while [ "$(date +%s)" -lt $t_end ]; do
		"$work/open-loop" 5000 "$work/storm.target" && n=$((n + 5000))
		echo $n >"$work/opens.txt"
		sleep 1
	done
}
connect_storm() { # a shell connecting to a closed port, 50 times a second
	local n=0
	while [ "$(date +%s)" -lt $t_end ]; do
		for _ in $(seq 10); do
			(exec 3<>"/dev/tcp/127.0.0.1/$closed_port") 2>/dev/null
		done
		n=$((n + 10))
		echo $n >"$work/connects.txt"
		sleep 0.2
	done
}
host_reads() { # a read of our file on the host every 15 s: must alert
	local pid
	while [ "$(date +%s)" -lt $t_end ]; do
		cat "$work/secret" &
		pid=$!
		wait $pid
		echo $pid >>"$work/host-reads.txt"
		sleep 15
	done
}
rss_sampler() {
	local rss
	while [ "$(date +%s)" -lt $t_end ] && kill -0 "$vigild_pid" 2>/dev/null; do
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$vigild_pid/status" 2>/dev/null)
		[ -n "$rss" ] && echo "$(($(date +%s) - t_start)) $rss" >>"$work/rss.txt"
		sleep 5
	done
}
echo "soak: $SECONDS_TOTAL s, vigild pid $vigild_pid, work $work"
for part in churn exec_storm open_storm connect_storm host_reads rss_sampler; do
	$part &
	load_pids+=($!)
done
wait "${load_pids[@]}"
load_pids=()

# 1. Still there; then, once the queues have drained, a clean stop.
if kill -0 "$vigild_pid" 2>/dev/null; then
	pass "vigild ran through the soak"
else
	fail "vigild died during the soak: $(tail -n 5 "$work/vigild.err")"
fi
depth() { metric "vigil_sink_queue_depth{sink=\"$1\",type=\"$1\",name=\"$2\"}"; }
for _ in $(seq 60); do
	[ "$(depth journald journald)" -eq 0 ] && [ "$(depth json "json $work/alerts.json")" -eq 0 ] &&
		break
	sleep 1
done
sleep 2
busybox wget -q -O - "http://127.0.0.1:$metrics_port/metrics" >"$work/metrics.txt" 2>/dev/null
kill -TERM "$vigild_pid"
wait "$vigild_pid"
status=$?
vigild_pid=
expect "clean stop, status $status" "$status == 0"

# 2. Memory: flat once warmed up (the first tenth).
warmup=$((SECONDS_TOTAL / 10))
span=$(((SECONDS_TOTAL - warmup) / 4))
read -r first last samples low high < <(awk -v w=$warmup -v s=$span -v e=$SECONDS_TOTAL '
	$1 >= w && $1 < w + s && $2 > f { f = $2 }
	$1 >= e - s && $2 > l { l = $2 }
	!n || $2 < lo { lo = $2 }
	$2 > hi { hi = $2 }
	{ n++ } END { print f + 0, l + 0, n + 0, lo + 0, hi + 0 }' "$work/rss.txt")
expect "RSS flat: last quarter's peak $last KiB within $RSS_SLACK_KIB KiB of the first quarter's $first KiB ($samples samples, $low..$high KiB)" \
	"$first > 0 && $last > 0 && $last - $first <= $RSS_SLACK_KIB"

# 3. Every event and every alert accounted for.
last_words() { # the counters vigild printed at exit, by a sed expression
	sed -n "$1" "$work/vigild.err" | tail -n 1
}
events=$(last_words 's/^vigild: events \([0-9]*\), .*/\1/p')
alerts=$(last_words 's/^vigild: events .*, alerts \([0-9]*\), .*/\1/p')
drops=0
for reason in ringbuf_full inflight_full cgroup_table_full; do
	drops=$((drops + $(last_words "s/^vigild: kernel drops $reason: \([0-9]*\)$/\1/p")))
done
held=$(last_words 's/^vigild: alerts held back by the rate limit \([0-9]*\), .*/\1/p')
summaries=$(last_words 's/^vigild: alerts held back .*, summaries \([0-9]*\)$/\1/p')
m() { awk -v m="$1" 'index($0, m " ") == 1 { v = $NF } END { print v + 0 }' "$work/metrics.txt"; }
opens=$(cat "$work/opens.txt" 2>/dev/null || echo 0)
storm=$(m 'vigil_alerts_total{rule="vigil soak storm",priority="Notice"}')
expect "storm: $storm alerts + $drops kernel drops account for the $opens opens" \
	"$opens > 0 && $storm <= $opens && $storm + $drops >= $opens"
# The JSON file takes every alert, summary and operational alert (stats
# entries are journald's): what the rate limit let through is there as an
# alert, and what it held back is counted in a summary that is there.
sink() { # sink NAME FIELD: from "NAME: sent N, queue full N, lost N, errors N, to stderr N"
	last_words "s|^vigild: $1: sent \([0-9]*\), queue full \([0-9]*\), lost \([0-9]*\), errors \([0-9]*\), to stderr \([0-9]*\)$|\\$2|p"
}
x_sent=$(sink "json $work/alerts.json" 1)
x_dropped=$(($(sink "json $work/alerts.json" 2) + $(sink "json $work/alerts.json" 3)))
x_lines=$(wc -l <"$work/alerts.json")
x_alerts=$(jq -c 'select(.source != "internal" and .output_fields.suppressed == null)' \
	"$work/alerts.json" | wc -l)
x_summaries=$(jq -c 'select(.output_fields.suppressed != null)' "$work/alerts.json" | wc -l)
x_held=$(jq -s '[.[] | .output_fields.suppressed // 0] | add // 0' "$work/alerts.json")
expect "json: $x_lines lines, as many as sent ($x_sent), none refused or lost ($x_dropped)" \
	"$x_lines == $x_sent && $x_dropped == 0"
expect "rate limit: $alerts alerts = $x_alerts sent + $held held back" \
	"$alerts == $x_alerts + $held"
expect "rate limit: the $held held back are in $x_summaries summaries ($x_held), as counted ($summaries)" \
	"$x_held == $held && $x_summaries == $summaries"
j_sent=$(sink journald 1)
j_dropped=$(($(sink journald 2) + $(sink journald 3) + $(sink journald 5)))
journalctl -o json --no-pager --since "@$since" SYSLOG_IDENTIFIER=vigild _PID="$vpid" \
	>"$work/journal.json" 2>/dev/null
j_entries=$(wc -l <"$work/journal.json")
expect "journald: $j_entries entries, as many as sent ($j_sent), none refused, lost or on stderr ($j_dropped)" \
	"$j_entries == $j_sent && $j_dropped == 0"

# 4. Every must-alert event is in journald.
jq -r 'select(.VIGIL_RULE == "Read sensitive file untrusted") | .VIGIL_CONTAINER_FULL_ID' \
	"$work/journal.json" | sort -u >"$work/alerted-containers.txt"
sort -u "$work/containers.txt" | grep . >"$work/run-containers.txt"
ran=$(wc -l <"$work/run-containers.txt")
missing=$(comm -23 "$work/run-containers.txt" "$work/alerted-containers.txt" | wc -l)
expect "every container's read of /etc/shadow alerted ($ran containers, $missing missing)" \
	"$ran > 0 && $missing == 0"
jq -r 'select(.VIGIL_RULE == "vigil soak must") | .VIGIL_PROC_PID' "$work/journal.json" |
	sort -u >"$work/alerted-reads.txt"
reads=$(wc -l <"$work/host-reads.txt")
missing=$(sort -u "$work/host-reads.txt" | comm -23 - "$work/alerted-reads.txt" | wc -l)
expect "every host read of the watched file alerted ($reads reads, $missing missing)" \
	"$reads > 0 && $missing == 0"

secs=$(($(date +%s) - t_start))
echo "     figures: $SECONDS_TOTAL s of load ($secs s with the checks); $events events" \
	"($((events / SECONDS_TOTAL))/s), $alerts alerts ($held held back, $summaries summaries)," \
	"$drops kernel drops; $ran containers, $(cat "$work/execs.txt") execs, $opens opens," \
	"$(cat "$work/connects.txt") connects; RSS $low..$high KiB"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]

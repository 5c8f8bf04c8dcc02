#!/usr/bin/env bash
# Faults, end to end with the real vigild, the real BPF programs, journald and
# podman: syslog collectors that refuse, drop or black-hole (TCP and UDP) and
# come back; a kernel ring buffer too small for a flood; a broken rules file
# on SIGHUP; a container's runtime state truncated or missing (seen through a
# mount namespace of vigild's own, so podman's real state is untouched);
# 10,000 processes exiting while the process table is seeded, and zombies
# left at start; SIGTERM in the middle of a burst; journald killed and
# restarted. Each fault must be survived, counted and reported.
# Run as root: tests/e2e/faults.sh build/vigild
set -uo pipefail

VIGILD=$(realpath "${1:-build/vigild}")
top=$(cd "$(dirname "$0")/../.." && pwd)
IMAGE=${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}
STORM=${VIGIL_STORM:-10000}
work=$(mktemp -d /tmp/vigil-faults.XXXXXX)
chmod 755 "$work"
prefix=vigil-fa-$$
since=$(date +%s)
vigild_pid=
helper_pids=()
journald_killed=
. "$top/tests/e2e/lib.sh"

OPERATIONAL=1cb43a77bb9844c1af9e85608d835991
STATE_ROOT=/var/lib/containers/storage/overlay-containers

need_host rsyslog

wait_value() { # wait_value SECONDS -eq|-ge N COMMAND...: until what COMMAND prints compares
	local tries=$(($1 * 10)) op=$2 n=$3
	shift 3
	while [ $tries -gt 0 ]; do
		[ "$("$@")" "$op" "$n" ] 2>/dev/null && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}
cleanup() {
	local p
	stop_pid "$vigild_pid"
	for p in "${helper_pids[@]}"; do
		kill -CONT "$p" 2>/dev/null
		stop_pid "$p"
	done
	remove_containers "$prefix"
	# Whatever happened, journald runs again, started the usual way.
	"$top/tests/setup-host.sh" journald >/dev/null 2>&1
	# VIGIL_E2E_KEEP=1 keeps the logs and configurations.
	[ -n "${VIGIL_E2E_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

mport=$(free_port)
metrics() { busybox wget -q -O - "http://127.0.0.1:$mport/metrics" 2>/dev/null; }
metric() { # metric NAME{LABELS}: the sample's value, 0 when absent
	metrics | awk -v m="$1" 'index($0, m " ") == 1 { v = $NF } END { print v + 0 }'
}
sink_metric() { # sink_metric NAME SINK [REASON]
	metrics | awk -v m="$1{sink=\"$2\"," -v r="${3:+reason=\"$3\"}" '
		index($0, m) == 1 && (r == "" || index($0, r)) { v = $NF } END { print v + 0 }'
}
# This vigild's journal entries, as JSON lines.
journal() { journalctl -o json --no-pager --since "@$since" _PID="$vigild_pid" "$@" 2>/dev/null; }
count() { journal "$@" | wc -l; }
has_journal() { [ "$(count "$@")" -gt 0 ]; }
# Sum of a numeric field over this vigild's operational entries.
op_sum() {
	journal MESSAGE_ID=$OPERATIONAL | jq -s --arg f "$1" '[.[] | .[$f] // "0" | tonumber] | add // 0'
}
# "NAME: sent N, queue full N, lost N, errors N, to stderr N", as vigild says at exit.
final_sink() { # final_sink LOG NAME FIELD(1..5)
	sed -n "s|^vigild: $2: sent \([0-9]*\), queue full \([0-9]*\), lost \([0-9]*\), errors \([0-9]*\), to stderr \([0-9]*\)$|\\$3|p" \
		"$1" | tail -n 1
}

# start_vigild NAME CONFIG [ARGS...]: vigild with our rules, its stderr in
# $work/NAME.err; waits until it runs. A leading "unshare ..." prefix goes
# in VIGILD_WRAP.
start_vigild() {
	local name=$1 config=$2
	shift 2
	: >"$work/$name.err"
	${VIGILD_WRAP:-} "$VIGILD" -c "$config" -r "$work/rules" "$@" >/dev/null \
		2>"$work/$name.err" &
	vigild_pid=$!
	if ! wait_until 30 grep -q running "$work/$name.err"; then
		fail "$name: vigild did not start: $(tail -n 3 "$work/$name.err")"
		return 1
	fi
}
stop_vigild() { # stop_vigild NAME: SIGTERM, status 0 expected
	local status
	kill -TERM "$vigild_pid"
	wait "$vigild_pid"
	status=$?
	expect "$1: clean stop, status $status" "$status == 0"
	vigild_pid=
}

cc -static -O2 -o "$work/open-loop" "$top/tests/e2e/open-loop.c" || exit 1
cc -O2 -o "$work/exit-storm" "$top/tests/e2e/exit-storm.c" || exit 1
cc -O2 -o "$work/tcp-blackhole" "$top/tests/e2e/tcp-blackhole.c" || exit 1

# Our rules: ALERT for the syslog collectors (no default rule has it, so
# their counts are ours alone), NOTICE to flood with.
mkdir -p "$work/rules"
: >"$work/target"
: >"$work/flood"
: >"$work/marker"
# write_rules FILE MARKER_RULE_NAME [CONTAINER_IDS]: the state rule looks at
# our own containers only (others flood /etc/shadow reads of their own).
write_rules() {
	cat >"$1.tmp" <<EOF
- rule: vigil fa target
  desc: opens of one file
  condition: evt.type in (open, openat, openat2) and fd.name = $work/target
  output: fa target open (pid=%proc.pid)
  priority: ALERT

- rule: vigil fa flood
  desc: opens of one file, to flood with
  condition: evt.type in (open, openat, openat2) and fd.name = $work/flood
  output: fa flood open (pid=%proc.pid)
  priority: NOTICE

- rule: vigil fa state
  desc: a container reads /etc/shadow
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/shadow and container.id in (${3:-none})
  output: fa state read (container=%container.id)
  priority: WARNING

- rule: $2
  desc: opens of the marker file
  condition: evt.type in (open, openat, openat2) and fd.name = $work/marker
  output: $2 (pid=%proc.pid)
  priority: WARNING
EOF
	mv "$1.tmp" "$1"
}
write_rules "$work/rules/fa.yaml" "vigil fa marker"
fire() { "$work/open-loop" "$1" "$work/$2"; } # fire N target|flood|marker
jq_true() { jq -e "$@" >/dev/null; }

# 1. Syslog collectors away: TCP refused (nobody listens), UDP refused (the
# network's "port unreachable"), TCP black-holed (SYNs unanswered). The other
# sinks get everything at once; the syslog sinks' losses are counted and
# reported; when the collectors come back the queued alerts go out.
fault_syslog() {
	echo "# syslog collectors unreachable"
	tcp_port=$(free_port)
	udp_port=$(free_port)
	bh_port=$(free_port)
	"$work/tcp-blackhole" "$bh_port" "$work/blackhole.out" >"$work/blackhole.log" 2>&1 &
	bh_pid=$!
	helper_pids+=($bh_pid)
	wait_until 5 grep -q blackhole "$work/blackhole.log"
	cat >"$work/a.yaml" <<-EOF
	sinks:
	  - type: journald
	  - type: json
	    path: $work/a.json
	  - type: syslog
	    target: tcp://127.0.0.1:$tcp_port
	    min_priority: alert
	    queue_size: 16
	  - type: syslog
	    target: udp://127.0.0.1:$udp_port
	    min_priority: alert
	    queue_size: 16
	  - type: syslog
	    target: tcp://127.0.0.1:$bh_port
	    min_priority: alert
	    queue_size: 16
	rate_limit:
	  enabled: false
	stats_interval: 0
	operational_interval: 1
	metrics:
	  address: 127.0.0.1:$mport
	EOF
	start_vigild syslog "$work/a.yaml"
	t0=$(date +%s.%N)
	fire 40 target
	json_has() { [ "$(grep -c '"rule":"vigil fa target"' "$1" 2>/dev/null)" -ge "$2" ]; }
	journal_has() { [ "$(count VIGIL_RULE="vigil fa target")" -ge "$1" ]; }
	check "collectors away: all 40 alerts reach the JSON file" wait_until 10 json_has "$work/a.json" 40
	check "collectors away: all 40 alerts reach journald" wait_until 10 journal_has 40
	echo "     (both within $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s)"
	# Sink ids in the order of a.yaml: syslog (tcp), syslog2 (udp), syslog3 (black hole).
	sm() { sink_metric "$1" "$2" "${3:-}"; }
	settled() { # the refused sink has its queue full and the rest refused
		[ $(($(sm vigil_sink_sent_total syslog2) + $(sm vigil_sink_dropped_total syslog2 queue_full))) -eq 40 ] &&
			[ "$(sm vigil_sink_queue_depth syslog)" -eq 16 ] &&
			[ "$(sm vigil_sink_queue_depth syslog3)" -eq 16 ]
	}
	wait_until 15 settled
	tcp_full=$(sm vigil_sink_dropped_total syslog queue_full)
	expect "tcp refused: none sent, 16 wait, $tcp_full refused by the full queue, counted" \
		"$(sm vigil_sink_sent_total syslog) == 0 && $tcp_full == 24 && $(sm vigil_sink_errors_total syslog) > 0"
	udp_sent=$(sm vigil_sink_sent_total syslog2)
	udp_lost=$(sm vigil_sink_dropped_total syslog2 lost)
	udp_full=$(sm vigil_sink_dropped_total syslog2 queue_full)
	expect "udp refused: $udp_sent handed to the network ($udp_full refused in the burst), $udp_lost of them counted lost (port unreachable)" \
		"$udp_sent + $udp_full == 40 && $udp_sent > 0 && $udp_lost >= $udp_sent - 2 && $udp_lost <= $udp_sent"
	bh_full=$(sm vigil_sink_dropped_total syslog3 queue_full)
	expect "tcp black hole: none sent, 16 wait, $bh_full refused, counted" \
		"$(sm vigil_sink_sent_total syslog3) == 0 && $bh_full == 24"
	# Every refusal and loss in an operational alert.
	reported() {
		[ "$(op_sum VIGIL_SINK_SYSLOG_QUEUE_FULL)" -eq "$(sm vigil_sink_dropped_total syslog queue_full)" ] &&
			[ "$(op_sum VIGIL_SINK_SYSLOG2_LOST)" -eq "$(sm vigil_sink_dropped_total syslog2 lost)" ] &&
			[ "$(op_sum VIGIL_SINK_SYSLOG3_QUEUE_FULL)" -eq "$(sm vigil_sink_dropped_total syslog3 queue_full)" ]
	}
	check "operational alerts in journald account for every refusal and loss" wait_until 10 reported
	check "vigild does not spin while its collectors are away" \
		test "$(awk '{ print $14 + $15 }' "/proc/$vigild_pid/stat")" -lt 300

	# The collectors come back: a real rsyslog on the TCP and UDP ports, and the
	# black hole opens up.
	mkdir -p "$work/rsyslog"
	cat >"$work/rsyslog/rsyslog.conf" <<-EOF
	global(workDirectory="$work/rsyslog")
	module(load="imudp")
	module(load="imtcp")
	input(type="imudp" address="127.0.0.1" port="$udp_port" ruleset="fa")
	input(type="imtcp" address="127.0.0.1" port="$tcp_port" ruleset="fa")
	template(name="line" type="string" string="%inputname% %structured-data%\n")
	ruleset(name="fa") {
	  if \$inputname == "imudp" then
	    action(type="omfile" file="$work/udp.txt" template="line")
	  else
	    action(type="omfile" file="$work/tcp.txt" template="line")
	}
	EOF
	rsyslogd -n -f "$work/rsyslog/rsyslog.conf" -i "$work/rsyslog/pid" >"$work/rsyslog/log" 2>&1 &
	helper_pids+=($!)
	listening() { [ -n "$(ss -Htln "( sport = :$tcp_port )")" ] && [ -n "$(ss -Huln "( sport = :$udp_port )")" ]; }
	wait_until 10 listening || fail "rsyslog did not start: $(cat "$work/rsyslog/log")"
	kill -USR1 $bh_pid
	# The queued alerts go out once the sinks' next retry (10 s apart at most) connects.
	reconnected() {
		[ "$(sm vigil_sink_sent_total syslog)" -eq 16 ] && [ "$(sm vigil_sink_sent_total syslog3)" -eq 16 ]
	}
	check "tcp refused and black hole back: the 16 alerts each queued go out" wait_until 40 reconnected
	fire 10 target
	lines() { cat "$1" 2>/dev/null | grep -c 'rule="vigil fa target"'; }
	check "tcp back: the 16 queued and the 10 new alerts arrive" wait_value 30 -eq 26 lines "$work/tcp.txt"
	check "udp back: the 10 new alerts arrive" wait_value 10 -eq 10 lines "$work/udp.txt"
	bh_lines() { grep -o 'rule="vigil fa target"' "$work/blackhole.out" 2>/dev/null | wc -l; }
	check "black hole opened: the 16 queued and the 10 new alerts arrive" \
		wait_value 30 -eq 26 bh_lines
	sleep 1.5
	for s in syslog syslog3; do
		sent=$(sm vigil_sink_sent_total $s)
		full=$(sm vigil_sink_dropped_total $s queue_full)
		expect "$s: $sent sent + $full refused = the 50 alerts, none lost" \
			"$sent == 26 && $sent + $full == 50 && $(sm vigil_sink_dropped_total $s lost) == 0"
	done
	sent=$(sm vigil_sink_sent_total syslog2)
	lost=$(sm vigil_sink_dropped_total syslog2 lost)
	full=$(sm vigil_sink_dropped_total syslog2 queue_full)
	expect "syslog2 (udp): $sent sent + $full refused = the 50; $sent = $(lines "$work/udp.txt") arrived + $lost counted lost" \
		"$sent + $full == 50 && $(lines "$work/udp.txt") + $lost == $sent"
	check "journald and JSON have all 50" test "$(count VIGIL_RULE="vigil fa target")" -eq 50 -a \
		"$(grep -c '"rule":"vigil fa target"' "$work/a.json")" -eq 50
	stop_vigild syslog
	kill "$(cat "$work/rsyslog/pid")" 2>/dev/null
	stop_pid $bh_pid
}

# 2. A ring buffer of 64 KiB under a flood of 300,000 opens from two processes: drops counted
# per reason, reported in journald, every one; a later alert still arrives.
fault_ring() {
	echo "# ring buffer exhausted"
	cat >"$work/b.yaml" <<-EOF
	sinks:
	  - type: journald
	  - type: json
	    path: $work/b.json
	ring_buffer_size: 64K
	stats_interval: 0
	operational_interval: 1
	metrics:
	  address: 127.0.0.1:$mport
	EOF
	start_vigild ring "$work/b.yaml"
	# Two at once, one a core: faster than one reader can keep up with.
	fire 150000 flood &
	fire 150000 flood
	wait $!
	drops() { metric 'vigil_kernel_drops_total{reason="ringbuf_full"}'; }
	sleep 1.5
	ring_drops=$(drops)
	flood_alerts=$(metric 'vigil_alerts_total{rule="vigil fa flood",priority="Notice"}')
	expect "flood: $flood_alerts alerts + $ring_drops ring buffer drops account for 300000 opens" \
		"$ring_drops > 0 && $flood_alerts <= 300000 && $flood_alerts + $ring_drops >= 300000"
	drops_entry() {
		journal MESSAGE_ID=$OPERATIONAL VIGIL_RULE="vigil internal: events or alerts lost" |
			jq -e -s 'any(.[]; (.VIGIL_KERNEL_DROPS_RINGBUF_FULL // "0" | tonumber) > 0 and
				(.MESSAGE | test("the kernel dropped [0-9]+ events \\(ringbuf_full [0-9]+")) and
				.PRIORITY == "3")' >/dev/null
	}
	check "drops in an operational alert in journald (MESSAGE_ID, count per reason)" wait_until 10 drops_entry
	fire 1 target
	check "a later alert still arrives" wait_until 10 has_journal VIGIL_RULE="vigil fa target"
	pid_b=$vigild_pid
	stop_vigild ring
	vigild_pid=$pid_b
	final=$(sed -n 's/^vigild: kernel drops ringbuf_full: \([0-9]*\)$/\1/p' "$work/ring.err")
	all_reported() { [ "$(op_sum VIGIL_KERNEL_DROPS_RINGBUF_FULL)" -eq "$final" ]; }
	check "every drop reported: the operational alerts add up to the final count ($final)" \
		wait_until 5 all_reported
	vigild_pid=
}

# 3. A rules file replaced by a broken one, then SIGHUP: the error with its
# file and line in the log and in an operational alert, the old rules still
# fire, a counter; a repaired file loads.
fault_reload() {
	echo "# broken rules on SIGHUP"
	cat >"$work/c.yaml" <<-EOF
	sinks:
	  - type: journald
	rate_limit:
	  enabled: false
	stats_interval: 0
	metrics:
	  address: 127.0.0.1:$mport
	EOF
	start_vigild reload "$work/c.yaml"
	fire 1 marker
	check "rules as loaded fire" wait_until 10 has_journal VIGIL_RULE="vigil fa marker"
	cp "$work/rules/fa.yaml" "$work/fa.good"
	cat >"$work/rules/fa.tmp" <<-EOF
	- rule: vigil fa marker
	  desc: broken on line 4
	  output: never
	  condition: evt.type in (open, openat and fd.name = $work/marker
	  priority: WARNING
	EOF
	mv "$work/rules/fa.tmp" "$work/rules/fa.yaml"
	kill -HUP "$vigild_pid"
	logged() {
		grep -q "^$work/rules/fa.yaml:4:[0-9]*: error: " "$work/reload.err" &&
			grep -q "the rules have errors: still running the 4 rules loaded before" "$work/reload.err"
	}
	check "the error in the log, with file and line" wait_until 10 logged
	reload_entry() {
		journal MESSAGE_ID=$OPERATIONAL VIGIL_RULE="vigil internal: rules reload failed" |
			jq -e -s --arg f "$work/rules/fa.yaml:4:" 'length == 1 and
				(.[0].VIGIL_RULES_ERROR | startswith($f)) and .[0].VIGIL_RULES_RUNNING == "4" and
				.[0].VIGIL_RULES_RELOAD_FAILURES == "1" and .[0].PRIORITY == "3" and
				(.[0].MESSAGE | contains("rules reload failed"))' >/dev/null
	}
	check "an operational alert in journald quotes the error" wait_until 10 reload_entry
	counted() { [ "$(metric vigil_rules_reload_failures_total)" -eq 1 ]; }
	check "the failure counted (vigil_rules_reload_failures_total 1)" wait_until 5 counted
	fire 1 marker
	check "the old rules still fire after the failed reload" \
		wait_value 20 -eq 2 count VIGIL_RULE="vigil fa marker"
	write_rules "$work/rules/fa.yaml" "vigil fa marker repaired"
	kill -HUP "$vigild_pid"
	wait_until 10 grep -q "running 4 rules" "$work/reload.err"
	fire 1 marker
	check "a repaired file loads on the next SIGHUP" wait_until 10 has_journal \
		VIGIL_RULE="vigil fa marker repaired"
	stop_vigild reload
	write_rules "$work/rules/fa.yaml" "vigil fa marker"
}

# 4. A container's runtime state truncated or missing. vigild runs in a mount
# namespace of its own where a copy of podman's container directory is bound
# over the real one: podman and every other reader see the real state. (The
# directory, not containers.json alone: podman replaces that file by a rename,
# which dissolves a mount on it in every namespace.)
fault_state() {
	echo "# runtime state truncated or missing"
	reader() { # reader NAME: a container that reads /etc/shadow every second
		podman run -d --rm --network=none --name "$prefix-$1" "$IMAGE" \
			sh -c 'while :; do cat /etc/shadow >/dev/null; sleep 1; done' 2>/dev/null
	}
	cut_id=$(reader cut)
	gone_id=$(reader gone)
	if [ -z "$cut_id" ] || [ -z "$gone_id" ] || [ ! -s "$STATE_ROOT/$cut_id/userdata/config.json" ]; then
		fail "runtime state: containers did not start"
	else
		cat >"$work/d.yaml" <<-EOF
	sinks:
	  - type: journald
	rate_limit:
	  enabled: false
	stats_interval: 0
	operational_interval: 1
	metrics:
	  address: 127.0.0.1:$mport
	EOF
		write_rules "$work/rules/fa.yaml" "vigil fa marker" "${cut_id:0:12}, ${gone_id:0:12}"
	# The cut container's spec cut short; the gone one missing from containers.json.
	mkdir -p "$work/state1/$cut_id/userdata" "$work/state2"
	head -c 100 "$STATE_ROOT/$cut_id/userdata/config.json" >"$work/state1/$cut_id/userdata/config.json"
	jq -c --arg id "$gone_id" 'map(select(.id != $id))' "$STATE_ROOT/containers.json" \
		>"$work/state1/containers.json"
	VIGILD_WRAP="unshare -m --propagation private $work/bind.sh"
	cat >"$work/bind.sh" <<-EOF
	#!/bin/sh
	mount --bind "\$BIND_STATE" "$STATE_ROOT" && exec "\$@"
	EOF
	chmod +x "$work/bind.sh"
	BIND_STATE=$work/state1 start_vigild state "$work/d.yaml"
		state_alert() { # state_alert FULL_ID: its first alert in $work/alert.json
			journal VIGIL_RULE="vigil fa state" VIGIL_CONTAINER_FULL_ID="$1" | tail -n 1 >"$work/alert.json"
			[ -s "$work/alert.json" ]
		}
		name_known() {
			state_alert "$cut_id" && [ "$(jq -r '.VIGIL_CONTAINER_NAME // ""' "$work/alert.json")" = "$prefix-cut" ]
		}
		check "spec cut short: the alert carries the id and the name from containers.json" \
			wait_until 15 name_known
		malformed() { [ "$(metric 'vigil_container_state_errors_total{reason="malformed"}')" -ge 1 ]; }
		check "spec cut short: counted malformed" wait_until 10 malformed
		check "spec cut short: an operational alert says so" wait_until 10 has_journal \
			MESSAGE_ID=$OPERATIONAL VIGIL_CONTAINERS_STATE_MALFORMED=1
		if wait_until 15 state_alert "$gone_id"; then
			check "state missing: the alert carries the container id, and no name" jq_true \
				--arg id "${gone_id:0:12}" '.VIGIL_CONTAINER_ID == $id and
				(.VIGIL_CONTAINER_NAME // "") == ""' "$work/alert.json"
		else
			fail "state missing: no alert for the container"
		fi
		gave_up() { [ "$(metric 'vigil_container_state_errors_total{reason="gave_up"}')" -ge 1 ]; }
		check "state missing: given up on after the retries, counted" wait_until 45 gave_up
		check "state missing: vigild still runs" kill -0 "$vigild_pid"
		stop_vigild state

		# containers.json itself cut short: nothing but the id to go by.
		head -c 200 "$STATE_ROOT/containers.json" >"$work/state2/containers.json"
		since=$(date +%s)
		BIND_STATE=$work/state2 start_vigild state2 "$work/d.yaml"
		if wait_until 15 state_alert "$cut_id"; then
			check "containers.json cut short: the alert carries the id" jq_true \
				--arg id "${cut_id:0:12}" '.VIGIL_CONTAINER_ID == $id' "$work/alert.json"
		else
			fail "containers.json cut short: no alert for the container"
		fi
		check "containers.json cut short: counted malformed" wait_until 10 malformed
		stop_vigild state2
		VIGILD_WRAP=
	fi
	remove_containers "$prefix"
}

# 5. $STORM processes exit, spread over 3 s, while vigild starts and seeds
# its table from the task iterator; 300 zombies wait for a parent that never
# reaps them. No crash, no hang, and the table holds only live processes and
# the recently exited it keeps on purpose (1024).
fault_seed() {
	echo "# $STORM processes exiting during the seed"
	sh -c 'for i in $(seq 300); do /bin/true & done; exec sleep 600' &
	zombies_pid=$!
	helper_pids+=($zombies_pid)
	"$work/exit-storm" "$STORM" 3000 >"$work/storm.log" 2>&1 &
	storm_pid=$!
	helper_pids+=($storm_pid)
	wait_until 60 grep -q ready "$work/storm.log"
	cat >"$work/e.yaml" <<-EOF
	sinks:
	  - type: journald
	stats_interval: 0
	metrics:
	  address: 127.0.0.1:$mport
	EOF
	t0=$(date +%s.%N)
	kill -USR1 $storm_pid
	start_vigild seed "$work/e.yaml"
	took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	seeded=$(sed -n 's/.* running: .*, \([0-9]*\) processes$/\1/p' "$work/seed.err")
	wait $storm_pid
	storm_status=$?
	expect "seed: vigild ran after $took s, $seeded processes seeded while $STORM exited (storm status $storm_status)" \
		"${seeded:-0} > 0 && $storm_status == 0"
	kill $zombies_pid
	wait $zombies_pid 2>/dev/null
	# 1100 more exits push the storm out of the 1024 recently exited kept.
	for _ in $(seq 1100); do /bin/true; done
	sleep 1.5
	live=$(ls -d /proc/[0-9]* | wc -l)
	tracked=$(metric vigil_processes_tracked)
	seed_drops=$(metrics | awk '/^vigil_kernel_drops_total/ { n += $2 } END { print n + 0 }')
	expect "seed: the table holds $tracked = about $live live + 1024 exited ($seed_drops kernel drops)" \
		"$tracked >= 1024 + $live - 150 && $tracked <= 1024 + $live + 150"
	fire 1 target
	check "seed: alerts still arrive" wait_until 10 has_journal VIGIL_RULE="vigil fa target"
	stop_vigild seed
}

# 6. SIGTERM in the middle of a burst: what is queued is delivered within
# the drain's bound or counted lost, and the exit status is 0. A black-holed
# collector's queue cannot drain at all.
fault_term() {
	echo "# SIGTERM during a burst"
	bh_port=$(free_port)
	"$work/tcp-blackhole" "$bh_port" "$work/blackhole2.out" >"$work/blackhole2.log" 2>&1 &
	bh_pid=$!
	helper_pids+=($bh_pid)
	wait_until 5 grep -q blackhole "$work/blackhole2.log"
	cat >"$work/f.yaml" <<-EOF
	sinks:
	  - type: journald
	    queue_size: 4096
	  - type: json
	    path: $work/f.json
	    queue_size: 4096
	  - type: syslog
	    target: tcp://127.0.0.1:$bh_port
	    queue_size: 64
	rate_limit:
	  enabled: false
	stats_interval: 0
	operational_interval: 1
	EOF
	start_vigild term "$work/f.yaml"
	"$work/open-loop" 20000 "$work/flood" &
	flood_pid=$!
	sleep 0.05
	t0=$(date +%s.%N)
	pid_f=$vigild_pid
	kill -TERM "$vigild_pid"
	wait "$vigild_pid"
	status=$?
	took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	vigild_pid=
	wait $flood_pid
	expect "SIGTERM during a burst: status $status, gone in $took s (2 s to drain, 1 s more for a stuck sink)" \
		"$status == 0 && ${took%.*} < 5"
	alerts=$(sed -n 's/^vigild: events .*, alerts \([0-9]*\), .*/\1/p' "$work/term.err")
	total() { # total NAME: what the sink took, however it ended
		echo $(($(final_sink "$work/term.err" "$1" 1) + $(final_sink "$work/term.err" "$1" 2) +
			$(final_sink "$work/term.err" "$1" 3) + $(final_sink "$work/term.err" "$1" 5)))
	}
	j=$(total journald)
	x=$(total "json $work/f.json")
	y=$(total "syslog tcp://127.0.0.1:$bh_port")
	expect "every sink accounts for the same $j records (json $x, syslog $y), the $alerts alerts among them" \
		"$alerts > 0 && $j == $x && $x == $y && $j >= $alerts"
	vigild_pid=$pid_f
	j_sent=$(final_sink "$work/term.err" journald 1)
	check "journald: what it sent is in the journal ($j_sent)" \
		wait_value 10 -eq "$j_sent" count SYSLOG_IDENTIFIER=vigild
	vigild_pid=
	x_sent=$(final_sink "$work/term.err" "json $work/f.json" 1)
	check "json: what it sent is in the file ($x_sent)" test "$(wc -l <"$work/f.json")" -eq "$x_sent"
	y_lost=$(final_sink "$work/term.err" "syslog tcp://127.0.0.1:$bh_port" 3)
	expect "the black-holed collector's queue is counted lost ($y_lost)" "$y_lost > 0"
	echo "     (at SIGTERM $alerts alerts; journald sent $j_sent, lost $(final_sink "$work/term.err" journald 3);" \
		"json sent $x_sent, lost $(final_sink "$work/term.err" "json $work/f.json" 3))"
	stop_pid $bh_pid
}

# 7. journald killed, then started again the usual way: vigild goes on
# without spinning, entries go to stderr, counted, and the first entry that
# gets through once journald is back says how many.
fault_journald() {
	echo "# journald killed and restarted"
	cat >"$work/g.yaml" <<-EOF
	sinks:
	  - type: journald
	  - type: json
	    path: $work/g.json
	rate_limit:
	  enabled: false
	stats_interval: 0
	operational_interval: 1
	metrics:
	  address: 127.0.0.1:$mport
	EOF
	start_vigild journald "$work/g.yaml"
	fire 1 target
	check "journald up: the alert arrives" wait_until 10 has_journal VIGIL_RULE="vigil fa target"
	cpu0=$(awk '{ print $14 + $15 }' "/proc/$vigild_pid/stat")
	for p in $(pgrep -x systemd-journal); do
		kill -KILL "$p"
	done
	journald_killed=1
	wait_until 5 sh -c '! pgrep -x systemd-journal >/dev/null'
	fire 30 target
	for _ in $(seq 10); do
		fire 1 target
		sleep 0.3
	done
	check "journald down: the JSON file has all 41 alerts" wait_until 10 json_has "$work/g.json" 41
	stderr_alerts() { grep -c '^vigild: alert: Alert: vigil fa target: ' "$work/journald.err"; }
	# Other suites start journald when they begin or end: then some of the
	# 40 reach it early. Every one is in one place or the other (below).
	check "journald down: alerts go to stderr" wait_value 10 -ge 1 stderr_alerts
	cpu=$(($(awk '{ print $14 + $15 }' "/proc/$vigild_pid/stat") - cpu0))
	expect "journald down: vigild runs on without spinning ($cpu ticks of CPU in the outage)" \
		"$cpu < 100"
	"$top/tests/setup-host.sh" journald
	probe=vigil-fa-probe-$$
	journald_takes() {
		echo probe | systemd-cat -t "$probe" 2>/dev/null
		[ -n "$(journalctl -o cat --no-pager -t "$probe" 2>/dev/null | head -n 1)" ]
	}
	check "journald restarted" wait_until 30 journald_takes
	journald_killed=
	# vigild tries journald again after a pause (5 s at most): until then
	# alerts still go to stderr.
	after=0
	for _ in $(seq 40); do
		fire 1 target
		after=$((after + 1))
		wait_value 1 -ge 2 count VIGIL_RULE="vigil fa target" && break
	done
	check "journald back: alerts reach it again" test "$(count VIGIL_RULE="vigil fa target")" -ge 2
	fallback=$(sink_metric vigil_sink_fallback_total journald)
	back() {
		journal VIGIL_RULE="vigil internal: journald back" | jq -e -s --argjson n "$fallback" '
			length == 1 and (.[0].VIGIL_JOURNALD_FALLBACK | tonumber) == $n and
			.[0].MESSAGE_ID == "'$OPERATIONAL'"' >/dev/null
	}
	check "journald back: an operational entry says how many went to stderr ($fallback)" wait_until 10 back
	lines=$(grep -c -E '^vigild: (alert|summary|operational|stats): (Emergency|Alert|Critical|Error|Warning|Notice|Informational|Debug): ' \
		"$work/journald.err")
	in_journal=$(count VIGIL_RULE="vigil fa target")
	expect "journald: $in_journal in the journal + $(stderr_alerts) on stderr = the $((41 + after)) alerts, none lost; every entry on stderr counted ($lines = $fallback)" \
		"$in_journal + $(stderr_alerts) == 41 + $after && $in_journal >= 2 && $lines == $fallback && $(sink_metric vigil_sink_dropped_total journald lost) == 0"
	stop_vigild journald
}

# VIGIL_FAULTS="ring seed" runs only those.
for f in syslog ring reload state seed term journald; do
	[ -z "${VIGIL_FAULTS:-}" ] || [[ " $VIGIL_FAULTS " == *" $f "* ]] || continue
	"fault_$f"
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
